"""The `sohoa` the README and the demo print must exist: scripts/launcher installs a launcher running this
checkout's environment, keeps the caller's working directory, never replaces someone else's `sohoa`, and tells
scripts/demo how the caller's shell runs it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAUNCHER = REPO / "scripts" / "launcher"


def _launcher(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(LAUNCHER), *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_launcher_runs_sohoa_from_anywhere_and_the_demo_prints_it_as_it_works(tmp_path):
    bindir = tmp_path / "bin"
    env = {**os.environ, "SOHOA_LAUNCHER_DIR": str(bindir), "HOME": str(tmp_path / "home")}
    proc = _launcher("install", env=env)
    assert proc.returncode == 0, proc.stderr
    sohoa = bindir / "sohoa"
    assert os.access(sohoa, os.X_OK)
    before = sohoa.read_bytes()
    assert _launcher("install", env=env).returncode == 0 and sohoa.read_bytes() == before  # idempotent

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(sohoa), "separator", "--book", "01/1998", "--out", "to.pdf"], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (elsewhere / "to.pdf").read_bytes().startswith(b"%PDF")  # relative paths are the caller's

    on_path = {**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}"}
    assert _launcher("command", env=on_path).stdout.strip() == "sohoa"
    off_path = {**env, "PATH": os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != str(bindir))}
    assert _launcher("command", env=off_path).stdout.strip() == str(sohoa)


def test_someone_elses_sohoa_is_left_alone(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    theirs = bindir / "sohoa"
    theirs.write_text("#!/bin/sh\necho theirs\n")
    proc = _launcher("install", env={**os.environ, "SOHOA_LAUNCHER_DIR": str(bindir)})
    assert proc.returncode != 0 and "left alone" in proc.stderr
    assert theirs.read_text() == "#!/bin/sh\necho theirs\n"
