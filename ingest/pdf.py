"""PDF structure through pikepdf (qpdf): page count and page size, without rendering anything; and a scanned
page's own image, taken out as stored when rendering it would only redraw it pixel for pixel (its JPEG bytes
too, kept as the page's image)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pikepdf
from PIL import Image

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


# What a scanner writes: one image per page, grey or RGB (8 bits) or bilevel, in one of these encodings.
_SCAN_FILTERS = {"/DCTDecode", "/FlateDecode", "/CCITTFaxDecode"}
_SCAN_COLOURS = {"/DeviceGray", "/DeviceRGB"}
_BOX_TOLERANCE_PT = 0.01
_EXIF_ORIENTATION = 0x0112
# JPEG frames every browser shows (8-bit baseline or progressive Huffman); arithmetic-coded, 12-bit or lossless
# ones are encoded again.
_SHOWN_FRAMES = {(0xC0, 8), (0xC1, 8), (0xC2, 8)}


def scanned_image(path: Path, page: int, dpi: int) -> Image.Image | None:
    """The 1-based page's one image, decoded as stored, when the page is nothing but that image covering its
    whole media box at ``dpi``: a scanner's page, which pdftoppm would only redraw at the same size (poppler
    rounds the page's size in pixels to the nearest), spending a second a page and smoothing it a little.
    ``None`` for any other page (text or drawings on it, a mask, a rotation, a colour profile, another
    resolution): those go to pdftoppm."""
    with open_pdf(path) as pdf:
        try:
            pg = pdf.pages[page - 1]
            xobject = _only_image(pg, dpi)
            if xobject is None:
                return None
            image = pikepdf.PdfImage(xobject).as_pil_image()
            image.load()
        except (pikepdf.PdfError, pikepdf.models.image.UnsupportedImageTypeError, OSError, ValueError,
                KeyError, AttributeError, TypeError):
            return None  # anything unusual: pdftoppm renders it, or says why it cannot
    return image.convert("L") if image.mode == "1" else image


def scanned_jpeg(path: Path, page: int, dpi: int, max_bytes_per_pixel: float) -> bytes | None:
    """The JPEG file that ``scanned_image`` decoded, byte for byte, when the page's one image is a JPEG stream
    (``/DCTDecode``) with no EXIF turn (which a browser would apply and the pipeline does not) and at most
    ``max_bytes_per_pixel``; else ``None``. Stored as the page's image, it spares encoding the page again
    (≈ 0.14 s of CPU an A4 page at 300 dpi) and a second generation of JPEG loss."""
    with open_pdf(path) as pdf:
        try:
            xobject = _only_image(pdf.pages[page - 1], dpi)
            if xobject is None or str(xobject.get("/Filter")) != "/DCTDecode":
                return None
            raw = xobject.read_raw_bytes()
            with Image.open(io.BytesIO(raw)) as im:
                if (im.format != "JPEG" or im.mode not in ("L", "RGB") or _frame_kind(raw) not in _SHOWN_FRAMES
                        or im.getexif().get(_EXIF_ORIENTATION, 1) != 1
                        or len(raw) > max_bytes_per_pixel * im.width * im.height):
                    return None
        except (pikepdf.PdfError, OSError, ValueError, KeyError, AttributeError, TypeError):
            return None
    return raw


def _frame_kind(jpeg: bytes) -> tuple[int, int] | None:
    """The JPEG's frame marker and sample precision ((0xC0, 8): baseline), from the segments before the frame."""
    at = 2  # after SOI
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF:
        marker, length = jpeg[at + 1], int.from_bytes(jpeg[at + 2:at + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return (marker, jpeg[at + 4]) if at + 4 < len(jpeg) else None
        at += 2 + length
    return None


def _only_image(pg: pikepdf.Page, dpi: int) -> pikepdf.Stream | None:
    if pg.rotation % 360 or _box(pg.cropbox) != _box(pg.mediabox):  # /Rotate, inherited too
        return None
    ops = [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(pg)]
    if [op for _, op in ops] not in (["cm", "Do"], ["q", "cm", "Do", "Q"]):
        return None
    (matrix, _), (name, _) = (x for x in ops if x[1] in ("cm", "Do"))
    a, b, c, d, e, f = (float(v) for v in matrix)
    x0, y0, x1, y1 = _box(pg.mediabox)
    drawn = (e, f, e + a, f + d)
    if b or c or any(abs(u - v) > _BOX_TOLERANCE_PT for u, v in zip(drawn, (x0, y0, x1, y1), strict=True)):
        return None
    xobject = pg.Resources.XObject[name[0]]
    filters = xobject.get("/Filter")
    filters = [str(x) for x in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    colour, bits = str(xobject.get("/ColorSpace")), int(xobject.get("/BitsPerComponent", 0))
    if (xobject.get("/Subtype") != pikepdf.Name.Image or bool(xobject.get("/ImageMask", False))
            or any(k in xobject for k in ("/SMask", "/Mask", "/Decode")) or len(filters) != 1
            or filters[0] not in _SCAN_FILTERS or colour not in _SCAN_COLOURS
            or not (bits == 8 or bits == 1 and colour == "/DeviceGray")
            or (int(xobject.Width), int(xobject.Height)) != (round(a * dpi / 72), round(d * dpi / 72))):
        return None
    return xobject


def _box(box: pikepdf.Array) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
