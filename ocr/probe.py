"""Start-up check of what reading pages needs — Tesseract (the library the workers run, and the program, whose
``--list-langs`` tells the language data both read) with its language data, poppler's ``pdftoppm`` and
``pdfinfo``, ``qpdf`` — run once by ``sohoa ingest``, ``worker`` and ``serve`` before any page is touched,
so that a missing tool is one clear error naming the Debian package, not every page failing one by one
(OCRmyPDF's ``_validation.py`` and ``_exec/_probe.py`` do the same)."""
from __future__ import annotations

import re
import shutil
import subprocess
from typing import NamedTuple

from domain.errors import ConfigError, PageFailed
from ocr.tesseract import library

MIN_TESSERACT = (4, 1)  # LSTM models (--oem 1) and TSV with word confidences
_TIMEOUT_S = 20


class Missing(NamedTuple):
    what: str  # for people, Vietnamese
    package: str  # the Debian package that brings it


def _output(*cmd: str) -> str | None:
    """The program's stdout and stderr, or None when it cannot be run."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (proc.stdout + proc.stderr).decode("utf-8", "replace")


def tesseract_version() -> tuple[int, int] | None:
    out = _output("tesseract", "--version")
    match = re.search(r"tesseract v?(\d+)\.(\d+)", out or "")
    return (int(match[1]), int(match[2])) if match else None


def languages() -> set[str]:
    """Languages whose traineddata Tesseract finds (TESSDATA_PREFIX or its default folder)."""
    out = _output("tesseract", "--list-langs") or ""
    return {line.strip() for line in out.splitlines()[1:] if line.strip()}


def missing(lang: str) -> list[Missing]:
    """What is missing for OCR in ``lang`` (``vie``, ``vie+eng``); empty when all is there."""
    found: list[Missing] = []
    version = tesseract_version()
    if version is None:
        found.append(Missing("chương trình tesseract", "tesseract-ocr"))
    elif version < MIN_TESSERACT:
        found.append(Missing(f"Tesseract {'.'.join(map(str, MIN_TESSERACT))} trở lên (máy có bản "
                             f"{'.'.join(map(str, version))})", "tesseract-ocr"))
    else:
        try:
            library()
        except PageFailed:
            found.append(Missing("thư viện Tesseract (libtesseract, qua tesserocr)", "tesseract-ocr"))
        have = languages()
        found += [Missing(f"dữ liệu ngôn ngữ '{code}' của Tesseract ({code}.traineddata)",
                          f"tesseract-ocr-{code.lower().replace('_', '-')}")
                  for code in lang.split("+") if code not in have]
    # pdf2image runs pdfinfo (page count) and pdftoppm (pixels); both come with poppler-utils.
    found += [Missing(f"chương trình {prog}", "poppler-utils")
              for prog in ("pdftoppm", "pdfinfo") if _output(prog, "-v") is None]
    if _output("qpdf", "--version") is None:  # joins a book's PDF from its parts (ocr.searchable.write_book)
        found.append(Missing("chương trình qpdf", "qpdf"))
    return found


def check_tools(lang: str) -> None:
    """Raise one ``ConfigError`` naming everything missing and the packages to install."""
    found = missing(lang)
    if not found:
        return
    packages = " ".join(dict.fromkeys(m.package for m in found))
    raise ConfigError(
        "Thiếu công cụ cần cho việc nhận dạng trang: " + "; ".join(f"{m.what} (gói {m.package})" for m in found)
        + f". Cài bằng: sudo apt-get install {packages}",
        code="tools_missing",
    )
