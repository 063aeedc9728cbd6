"""Rasterise one PDF page with poppler's pdftoppm (through pdf2image), under a time limit."""

from __future__ import annotations

from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import (
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
    PopplerNotInstalledError,
)
from PIL import Image

from domain.errors import ConfigError, InputRejected

RENDER_TIMEOUT_S = 120  # one page at 300 dpi takes well under a second; this only stops a runaway file


def render(path: Path, page: int, dpi: int, timeout_s: int = RENDER_TIMEOUT_S) -> Image.Image:
    try:
        images = convert_from_path(path, dpi=dpi, first_page=page, last_page=page, timeout=timeout_s)
    except PDFPopplerTimeoutError:
        raise InputRejected(
            f"Dựng ảnh trang {page} của tệp PDF quá {timeout_s} giây nên đã dừng.", code="page_render_timeout"
        ) from None
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputRejected(
            f"Không dựng được ảnh trang {page} của tệp PDF ({exc}).", code="page_render_failed"
        ) from None
    except PopplerNotInstalledError as exc:
        raise ConfigError(f"Chưa cài poppler-utils (pdftoppm, pdfinfo): {exc}") from None
    if len(images) != 1:
        raise InputRejected(f"Không dựng được ảnh trang {page} của tệp PDF.", code="page_render_failed")
    return images[0]
