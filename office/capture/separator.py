"""Separator sheets: a printed A4 cover sheet whose QR code carries one book's metadata, and reading it back.

A clerk prints one sheet per book and lays it on top of the book's pages before scanning a whole stack; the
watched folder then splits the stack at each sheet (Paperless-ngx's barcode splitting is the model). The QR
holds compact JSON with a tag and a version, ASCII-only so every decoder reads the same bytes; the same
metadata is printed in large Vietnamese text for people.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from domain.errors import ConfigError, InputRejected
from domain.records import TYPE_LABELS_VI, RecordType
from workers.batches import BatchMeta

from .book import book_meta

TAG = "sohoa-separator"
VERSION = 1
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# A 100 mm code at a 100-dpi render is ~6 px a module: reliably decoded, and a tenth of a 300-dpi render.
SCAN_DPI = 100
_LONG_SIDE_PX = 1400  # images (scanned at any resolution) are brought down to about that A4 at 100-120 dpi
_MAX_QR_VERSION = 20  # beyond this the modules get too small on the sheet to survive a poor scan
_AUTO_LABEL = "Tự nhận dạng (nhiều loại)"


def payload(meta: BatchMeta) -> str:
    data = {"sohoa": TAG, "v": VERSION, "type": meta.record_type, "book": meta.book, "authority": meta.authority,
            "years": meta.years, "spreads": meta.spreads or None}
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=True, separators=(",", ":"))


def parse(text: str) -> BatchMeta | None:
    """The metadata of a decoded QR text, or None when the code is not a separator (a certified copy's link,
    a product label…). A separator we cannot use is refused rather than taken for an ordinary page."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("sohoa") != TAG:
        return None
    if data.get("v") != VERSION:
        raise InputRejected(f"Tờ phân cách phiên bản {data.get('v')!r} không được hỗ trợ (chỉ phiên bản {VERSION});"
                            " hãy in lại tờ phân cách bằng lệnh sohoa separator.", code="separator_version")
    fields = [data.get(k) for k in ("type", "book", "authority", "years")]
    spreads = data.get("spreads", False)
    if not all(v is None or isinstance(v, str) for v in fields) or not isinstance(spreads, bool):
        raise InputRejected("Mã QR của tờ phân cách không đúng định dạng; hãy in lại tờ phân cách.",
                            code="separator_invalid")
    return book_meta(fields[0] or "auto", *fields[1:], spreads=spreads, need_book=True)


def read_page(image: Image.Image) -> BatchMeta | None:
    """The separator metadata on a page image, or None for an ordinary page."""
    gray = np.asarray(image.convert("L"))
    scale = _LONG_SIDE_PX / max(gray.shape)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    try:
        text, _points, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    except cv2.error:  # degenerate geometry in a page full of text: no code there
        return None
    return parse(text) if text else None


@cache
def _fonts() -> tuple[str, str]:
    try:
        pdfmetrics.registerFont(TTFont("DejaVu", f"{FONT_DIR}/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", f"{FONT_DIR}/DejaVuSans-Bold.ttf"))
    except OSError as exc:  # reportlab's TTFError is an OSError
        raise ConfigError(f"Thiếu phông chữ DejaVuSans ({FONT_DIR}): cài gói fonts-dejavu-core") from exc
    return "DejaVu", "DejaVu-Bold"


def _draw_qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    if qr.version > _MAX_QR_VERSION:
        raise InputRejected("Thông tin quyển sổ quá dài để in vào mã QR; hãy rút gọn tên cơ quan.",
                            code="bad_argument")
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    path = c.beginPath()  # one filled path: no hairline seams between modules when rasterised
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                end = col
                while end < len(row) and row[end]:
                    end += 1
                path.rect(x + col * cell, y + size - (r + 1) * cell, (end - col) * cell, cell)
                col = end
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def write_sheet(meta: BatchMeta, out: Path) -> Path:
    """An A4 PDF: title, the QR code, the book's metadata in large type, and how to use the sheet."""
    regular, bold = _fonts()
    w, h = A4
    c = Canvas(str(out), pagesize=A4, invariant=1)
    c.setTitle(f"Tờ phân cách sổ {meta.book}")
    c.setFont(bold, 30)
    c.drawCentredString(w / 2, h - 28 * mm, "TỜ PHÂN CÁCH SỔ")
    c.setFont(regular, 12)
    c.drawCentredString(w / 2, h - 37 * mm, "Đặt tờ này ngay trước trang đầu tiên của quyển sổ khi quét.")
    qr_size = 100 * mm
    _draw_qr(c, payload(meta), (w - qr_size) / 2, h - 45 * mm - qr_size, qr_size)
    kind = _AUTO_LABEL if meta.record_type == "auto" else TYPE_LABELS_VI[RecordType(meta.record_type)]
    y = h - 45 * mm - qr_size - 14 * mm
    spreads = "Mỗi ảnh là hai trang sổ mở (tách trái, phải)" if meta.spreads else None
    for label, value in (("Loại sổ", kind), ("Quyển số", meta.book), ("Năm", meta.years),
                         ("Cơ quan đăng ký", meta.authority), ("Cách quét", spreads)):
        if not value:
            continue
        c.setFont(regular, 14)
        c.drawString(20 * mm, y, f"{label}:")
        y -= 10 * mm
        c.setFont(bold, 24)
        for line in simpleSplit(value, bold, 24, w - 40 * mm):
            c.drawString(20 * mm, y, line)
            y -= 10 * mm
        y -= 2 * mm
    c.setFont(regular, 9)
    c.drawCentredString(w / 2, 12 * mm, "Sohoa — tờ này không được lưu vào sổ; các trang sau nó thuộc quyển ghi trên.")
    c.showPage()
    try:
        c.save()
    except OSError as exc:
        raise InputRejected(f"Không ghi được tệp {out}: thư mục không tồn tại hoặc không có quyền ghi ({exc}).",
                            code="bad_argument") from None
    return out
