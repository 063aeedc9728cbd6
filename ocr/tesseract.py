"""The one place that runs Tesseract: libtesseract through ``tesserocr``, one engine per language kept for the
life of each process (and thread). A single run per image yields its words (boxes, confidences: the program's
TSV's) and, on request, a one-page text-only PDF. A time limit applies; every failure becomes one of our exceptions
(``OcrTimeout``, ``PageFailed``).

Why a kept engine and not the ``tesseract`` program: starting the program and loading ``vie`` cost ≈ 0.17 s of
CPU on every call, a tenth of a page and four times the read of a small crop (docs/benchmarks.md, profile).
``tesserocr`` is built from source against the system's libtesseract (``pyproject.toml``: no binary wheel, whose
bundled Tesseract is another version), so the words are the program's, byte for byte (tests/ocr)."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from domain.errors import OcrTimeout, PageFailed
from ocr.words import Word, tesseract_words

# One thread per engine: parallelism comes from one worker process per core (OpenMP threads on top halve the
# throughput, docs/benchmarks.md). libgomp reads this once, when libtesseract is loaded: before the first import.
os.environ["OMP_THREAD_LIMIT"] = "1"

# Measured (bench/accuracy.py, docs/accuracy.md) on rendered pages and ocr_forms_nomvn: after our deskew psm 4
# ("one column of variable sizes") ≈ psm 3 < psm 6 in CER, and psm 4 keeps "label: value   label: value" rows on
# one line (psm 3 may split wide gaps into blocks), which label anchoring needs. LSTM only (--oem 1).
DEFAULT_PSM = 4
TIMED_OUT = "OCR quá thời gian"  # the failed page's reason

_L_SEVERITY_NONE = 6  # leptonica's environ.h
_local = threading.local()


@dataclass(slots=True)
class TesseractOutput:
    words: list[Word]  # in reading order (ocr.words.tesseract_words)
    pdf: bytes | None


def library() -> Any:
    """The ``tesserocr`` module, or ``PageFailed`` when it (or the libtesseract it links) cannot be loaded."""
    try:
        import tesserocr
    except ImportError as exc:
        raise PageFailed("Không tìm thấy thư viện Tesseract (gói tesseract-ocr, libtesseract)",
                         code="tesseract_missing") from exc
    _quiet_leptonica()
    return tesserocr


@functools.cache
def _quiet_leptonica() -> None:
    """Leptonica's notes on a page ("Error in boxClipToRectangle: box outside rectangle") went to the program's
    stderr, which nobody read; in the process they would reach a clerk's terminal. Nothing in them is an error of
    the page's: Tesseract's result says whether it was read."""
    name = ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")
    if name:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).setMsgSeverity(_L_SEVERITY_NONE)


def start_engine(lang: str) -> Any:
    """This thread's engine for ``lang``, started on first use (≈ 0.1 s) and kept."""
    engines: dict[str, Any] = _local.__dict__.setdefault("engines", {})
    if lang not in engines:
        tesserocr = library()
        try:
            api = tesserocr.PyTessBaseAPI(lang=lang, oem=tesserocr.OEM.LSTM_ONLY)
        except RuntimeError as exc:
            raise PageFailed(f"Tesseract không mở được dữ liệu ngôn ngữ «{lang}» (gói tesseract-ocr-{lang}?)",
                             code="tesseract_failed") from exc
        api.SetVariable("debug_file", os.devnull)  # its own notes ("Empty page!!"), as Leptonica's above
        # A PDF is the text layer alone: the page's scan goes under it (ocr.searchable), not the grey image read,
        # whose seals and signatures are washed out; and the image is not JPEG-encoded for nothing (≈ 50 ms).
        api.SetVariable("textonly_pdf", "1")
        # Tesseract reads every line it read below 0.7 again as white on black, in case it was: a page of this
        # archive prints none, and civil forms read a little better without (CER 4.91 → 4.36% on a fresh seed;
        # docs/benchmarks.md, session 20).
        api.SetVariable("tessedit_do_invert", "0")
        engines[lang] = api
    return engines[lang]


def run_tesseract(
    image: Image.Image,
    *,
    lang: str,
    timeout_s: float,
    psm: int | None = None,
    want_pdf: bool = True,
    dpi: int = 300,
    chars: str | None = None,
) -> TesseractOutput:
    """OCR one image once; ``words`` always, ``pdf`` (the invisible text layer alone) when ``want_pdf``; only the
    characters ``chars`` when given."""
    if timeout_s <= 0:
        raise OcrTimeout(TIMED_OUT)
    api = start_engine(lang)
    api.SetPageSegMode(psm or DEFAULT_PSM)
    api.SetVariable("tessedit_char_whitelist", chars or "")
    api.SetVariable("user_defined_dpi", str(dpi))
    api.SetVariable("tessedit_create_pdf", "1" if want_pdf else "0")
    # The library's deadline covers recognition; layout analysis before it runs to its end: a fraction of a second
    # on a page of text, seconds more on one of pure noise (docs/benchmarks.md, profile, session 9).
    timeout_ms = max(1, int(timeout_s * 1000))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # The image goes in as the program's did: an uncompressed TIFF (lossless, ~30× faster to write than PNG).
        src = Path(tmp) / "page.tif"
        image.save(src, dpi=(dpi, dpi))
        base = Path(tmp) / "out"
        try:
            if want_pdf:
                ok = api.ProcessPages(str(base), str(src), None, timeout_ms)
            else:
                api.SetImageFile(str(src))
                ok = api.Recognize(timeout_ms)
            words = _words(api) if ok else []
            pdf = base.with_suffix(".pdf").read_bytes() if ok and want_pdf else None
        except (RuntimeError, OSError) as exc:
            raise PageFailed(f"Tesseract lỗi: {exc}", code="tesseract_failed") from exc
        finally:
            api.Clear()  # the image and the results; the model stays
    if not ok:
        if time.monotonic() - started >= timeout_ms / 1000:
            raise OcrTimeout(TIMED_OUT)
        raise PageFailed("Tesseract không đọc được ảnh trang", code="tesseract_failed")
    return TesseractOutput(words=words, pdf=pdf)


def _words(api: Any) -> list[Word]:
    """The words of the read, as its program's TSV gives them (its numbering of blocks, paragraphs, lines and words,
    its confidence to six decimals), from the library's iterator: the TSV renderer took 0.07 s of CPU a page (7% of
    the read), its text then parsed again; this, a third of it."""
    it, RIL = api.GetIterator(), library().RIL  # noqa: N806 (the library's name)
    if it is None:
        return []
    read = []
    block = par = line = word = 0
    while not it.Empty(RIL.BLOCK):
        if it.Empty(RIL.WORD):
            it.Next(RIL.WORD)
            continue
        # A block's first word is its first paragraph's, a paragraph's its first line's (the library's test for a
        # block's or paragraph's start is its line's and more), and each test copies the iterator (7 µs): a word
        # that starts no line is asked once, not three times.
        if it.IsAtBeginningOf(RIL.TEXTLINE):
            if it.IsAtBeginningOf(RIL.PARA):
                if it.IsAtBeginningOf(RIL.BLOCK):
                    block, par = block + 1, 0
                par, line = par + 1, 0
            line, word = line + 1, 0
        word += 1
        x0, y0, x1, y1 = it.BoundingBox(RIL.WORD)
        read.append(((block, par, line, word), it.GetUTF8Text(RIL.WORD) or "", float(f"{it.Confidence(RIL.WORD):.6f}"),
                     x0, y0, x1 - x0, y1 - y0))
        if not it.Next(RIL.WORD):
            break
    return tesseract_words(read)
