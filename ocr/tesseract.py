"""The one place that runs the ``tesseract`` program: a single run per image yields TSV (words, boxes,
confidences) and, on request, a one-page searchable PDF. A time limit applies; every failure becomes one of
our exceptions (``OcrTimeout``, ``PageFailed``)."""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from domain.errors import OcrTimeout, PageFailed

# Measured (bench/accuracy.py, docs/accuracy.md) on rendered pages and ocr_forms_nomvn: after our deskew psm 4
# ("one column of variable sizes") ≈ psm 3 < psm 6 in CER, and psm 4 keeps "label: value   label: value" rows on
# one line (psm 3 may split wide gaps into blocks), which label anchoring needs. LSTM only (--oem 1).
DEFAULT_PSM = 4


@dataclass(slots=True)
class TesseractOutput:
    tsv: str
    pdf: bytes | None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # One thread per tesseract: parallelism comes from one worker process per core (halved time per page).
    env["OMP_THREAD_LIMIT"] = "1"
    return env


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
        raise OcrTimeout("OCR quá thời gian")
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # Uncompressed TIFF: lossless for OCR and ~30× faster to write than PNG; Tesseract JPEG-encodes
        # grey images (and G4-encodes 1-bit ones) for the PDF itself.
        src = Path(tmp) / "page.tif"
        image.save(src, dpi=(dpi, dpi))
        base = Path(tmp) / "out"
        cmd = ["tesseract", str(src), str(base), "-l", lang, "--oem", "1", "--psm", str(psm or DEFAULT_PSM),
               "--dpi", str(dpi), "-c", "tessedit_create_tsv=1"]
        if want_pdf:
            cmd += ["-c", "tessedit_create_pdf=1"]
        try:
            proc = subprocess.run(cmd, env=_env(), capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:  # subprocess.run kills the child before raising
            raise OcrTimeout("OCR quá thời gian") from exc
        except FileNotFoundError as exc:
            raise PageFailed("Không tìm thấy chương trình Tesseract", code="tesseract_missing") from exc
        tsv_path = base.with_suffix(".tsv")
        if proc.returncode != 0 or not tsv_path.exists():
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise PageFailed(f"Tesseract lỗi (mã {proc.returncode}): {detail[0]}", code="tesseract_failed")
        tsv = tsv_path.read_text(encoding="utf-8", errors="replace")
        pdf_path = base.with_suffix(".pdf")
        pdf = pdf_path.read_bytes() if want_pdf and pdf_path.exists() else None
        return TesseractOutput(tsv=tsv, pdf=pdf)
