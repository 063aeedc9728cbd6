"""PDF structure through pikepdf (qpdf): page count and page size, without rendering anything."""

from __future__ import annotations

import math
from pathlib import Path

import pikepdf

from domain.errors import InputRejected

_TAIL_BYTES = 1024  # "%%EOF" must appear in the last KiB; its absence means the file was cut short


def _truncated(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - _TAIL_BYTES))
        return b"%%EOF" not in f.read()


def open_pdf(path: Path) -> pikepdf.Pdf:
    """Open without a password. PDFs with only an owner password (print/copy restrictions) open — poppler
    renders them too; a user password is refused."""
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputRejected(
            "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi nộp lại.", code="pdf_encrypted"
        ) from None
    except pikepdf.PdfError as exc:
        raise InputRejected(f"Tệp PDF bị hỏng, không đọc được ({exc}).", code="pdf_corrupt") from None


def page_count(path: Path, max_pages: int) -> int:
    if _truncated(path):
        raise InputRejected("Tệp PDF bị cắt cụt (thiếu phần cuối tệp); hãy sao chép hoặc quét lại.", code="pdf_corrupt")
    with open_pdf(path) as pdf:
        try:
            count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            raise InputRejected(f"Tệp PDF bị hỏng, không đọc được ({exc}).", code="pdf_corrupt") from None
    if count == 0:
        raise InputRejected("Tệp PDF không có trang nào.", code="pdf_no_pages")
    if count > max_pages:
        raise InputRejected(
            f"Tệp PDF có {count} trang, vượt giới hạn {max_pages} trang; hãy tách thành nhiều tệp.",
            code="too_many_pages",
        )
    return count


def page_pixels(path: Path, page: int, dpi: int) -> tuple[int, int]:
    """Pixel size pdftoppm will produce for a 1-based page at ``dpi``: MediaBox × dpi / 72 (poppler 22
    ignores /UserUnit, so it is ignored here too)."""
    with open_pdf(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise InputRejected(f"Tệp PDF không có trang {page}.", code="page_out_of_range")
        try:
            pg = pdf.pages[page - 1]
            x0, y0, x1, y1 = (float(v) for v in pg.mediabox)
        except (pikepdf.PdfError, TypeError, ValueError) as exc:
            raise InputRejected(
                f"Không đọc được kích thước trang {page} của tệp PDF ({exc}).", code="page_render_failed"
            ) from None
    scale = dpi / 72
    return math.ceil(abs(x1 - x0) * scale), math.ceil(abs(y1 - y0) * scale)
