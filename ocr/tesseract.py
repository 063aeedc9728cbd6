"""The one place that runs Tesseract, through ``pytesseract``: a single run per image yields TSV (words, boxes,
confidences) and, on request, a one-page searchable PDF. A time limit applies; every failure becomes one of
our exceptions (``OcrTimeout``, ``PageFailed``)."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pytesseract import TesseractError, TesseractNotFoundError
from pytesseract import pytesseract as engine

from domain.errors import OcrTimeout, PageFailed

# Measured (bench/accuracy.py, docs/accuracy.md) on rendered pages and ocr_forms_nomvn: after our deskew psm 4
# ("one column of variable sizes") ≈ psm 3 < psm 6 in CER, and psm 4 keeps "label: value   label: value" rows on
# one line (psm 3 may split wide gaps into blocks), which label anchoring needs. LSTM only (--oem 1).
DEFAULT_PSM = 4
TIMED_OUT = "OCR quá thời gian"  # the failed page's reason


@dataclass(slots=True)
class TesseractOutput:
    tsv: str
    pdf: bytes | None


def run_tesseract(
    image: Image.Image,
    *,
    lang: str,
    timeout_s: float,
    psm: int | None = None,
    want_pdf: bool = True,
    dpi: int = 300,
) -> TesseractOutput:
    """OCR one image once; ``tsv`` always, ``pdf`` (image + invisible text layer) when ``want_pdf``."""
    if timeout_s <= 0:
        raise OcrTimeout(TIMED_OUT)
    # One thread per tesseract: parallelism comes from one worker process per core (OpenMP threads on top halve
    # the throughput, docs/benchmarks.md). pytesseract starts the program with this process's environment.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # Uncompressed TIFF: lossless for OCR and ~30× faster to write than the PNG pytesseract would write;
        # Tesseract JPEG-encodes grey images (and G4-encodes 1-bit ones) for the PDF itself.
        src = Path(tmp) / "page.tif"
        image.save(src, dpi=(dpi, dpi))
        base = Path(tmp) / "out"
        config = f"--oem 1 --psm {psm or DEFAULT_PSM} --dpi {dpi} -c tessedit_create_tsv=1"
        try:
            # The "pdf" config file of tesseract's own set makes the PDF; the TSV comes from the -c above.
            engine.run_tesseract(str(src), str(base), "pdf" if want_pdf else "tsv", lang, config=config,
                                 timeout=timeout_s)
        except TesseractNotFoundError as exc:
            raise PageFailed("Không tìm thấy chương trình Tesseract (gói tesseract-ocr)",
                             code="tesseract_missing") from exc
        except TesseractError as exc:
            raise PageFailed(f"Tesseract lỗi (mã {exc.status}): {exc.message}", code="tesseract_failed") from exc
        except RuntimeError as exc:  # pytesseract's only RuntimeError: the time limit, the child killed first
            raise OcrTimeout(TIMED_OUT) from exc
        tsv_path = base.with_suffix(".tsv")
        if not tsv_path.exists():
            raise PageFailed("Tesseract không ghi ra kết quả", code="tesseract_failed")
        tsv = tsv_path.read_text(encoding="utf-8", errors="replace")
        pdf_path = base.with_suffix(".pdf")
        pdf = pdf_path.read_bytes() if want_pdf and pdf_path.exists() else None
        return TesseractOutput(tsv=tsv, pdf=pdf)
