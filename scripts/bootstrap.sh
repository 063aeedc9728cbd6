#!/usr/bin/env bash
# Installs what Sohoa needs on a fresh Debian 12 machine, then the locked Python environment in .venv.
# Idempotent and quick when everything is already there. Usage: scripts/bootstrap.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_RUNTIME=(tesseract-ocr tesseract-ocr-vie poppler-utils qpdf fonts-dejavu-core fonts-liberation2 python3-venv
  # tesserocr is compiled against this libtesseract, the program's own (pyproject.toml, [tool.uv]); once, then
  # uv's cache keeps the wheel.
  libtesseract-dev libleptonica-dev pkg-config g++ python3-dev)
# The test suite also starts real servers: Redis and PostgreSQL from Debian, Elasticsearch (a JDK: its
# distribution comes from Maven Central and a small test plugin is compiled), MinIO (built with Go >= 1.24,
# which Debian 12's golang-go is not: the polyglot machine ships a newer Go in /usr/local/go).
# The browser test drives Debian's headless Chromium. npm installs the handwriting fonts of the handwritten
# sample registers (tests check their glyphs).
APT_TEST=(redis-server postgresql openjdk-17-jdk-headless maven golang-go chromium npm)

want=("${APT_RUNTIME[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${APT_TEST[@]}")

missing=()
for pkg in "${want[@]}"; do
  case "$pkg" in  # toolchains may come from elsewhere than Debian (this machine has its own Go and Maven)
    maven) command -v mvn >/dev/null && continue ;;
    openjdk-17-jdk-headless) command -v javac >/dev/null && continue ;;
    golang-go) command -v go >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
    python3-dev) python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))' && continue ;;
    g++) command -v g++ >/dev/null && continue ;;
  esac
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

CACHE="${SOHOA_CACHE:-$HOME/.cache/sohoa}"
if ! command -v uv >/dev/null; then
  if [[ ! -x "$CACHE/uv/bin/uv" ]]; then
    echo "==> installing uv into $CACHE/uv"
    python3 -m venv "$CACHE/uv"
    "$CACHE/uv/bin/pip" install -q uv
  fi
  export PATH="$CACHE/uv/bin:$PATH"
fi
# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (CI images, some desktops) Python never writes
# it, and every command, worker and server compiled ~900 modules from source, ≈ 3 s of CPU each time. Quick when
# nothing changed (uv and compileall skip what is up to date).
uv sync --frozen --quiet --compile-bytecode
uv run --frozen python -m compileall -q -j 0 api bench domain index ingest ocr office samples storage workers >/dev/null
# Every administrative unit's own name read once (index/places_table.py, ≈ 8 s the first time): an office's first
# book and a first reindex then load no address parser for them; and the gazetteer built (domain/gazetteer.py), which
# every worker and server process loads. Skipped while current.
uv run --frozen python -m index places-table

# Handwriting fonts with every Vietnamese letter (samples/fonts.py finds them here), pinned. Optional: without
# npm the sample books stay printed and everything else works.
HAND_FONTS=(@fontsource/patrick-hand@5.3.0 @fontsource/dancing-script@5.3.0)
if command -v npm >/dev/null; then
  for spec in "${HAND_FONTS[@]}"; do
    pkg="$CACHE/fonts/node_modules/${spec%@*}/package.json"
    if ! grep -q "\"version\": \"${spec##*@}\"" "$pkg" 2>/dev/null; then
      echo "==> npm install handwriting fonts into $CACHE/fonts"
      npm install --prefix "$CACHE/fonts" --save-exact --no-audit --no-fund --silent "${HAND_FONTS[@]}" \
        || echo "==> (handwriting fonts not installed; sample registers will be printed only)"
      break
    fi
  done
fi

# `sohoa` on the PATH, as the README and the demo print it (a launcher running this checkout's environment).
scripts/launcher install || echo "==> (no sohoa launcher installed; use uv run sohoa from $PWD)"
