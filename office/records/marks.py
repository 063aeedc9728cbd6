"""The marks OCR set aside on a page (ocr.marks: seals, stamps, signatures, handwriting), read back from the page's
words JSON: for the record page to list and draw on the scan, and for keying to offer a handwritten number to type."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Page

KINDS = {"seal": "Con dấu", "stamp": "Dấu (công văn đến, dấu khung)", "signature": "Chữ ký",
         "handwriting": "Chữ viết tay"}


def on_scan(left: float, top: float, right: float, bottom: float, rotation: int) -> tuple[float, ...]:
    """A box given as fractions of the image read, as fractions of the scan it was read from: OCR turned the scan
    ``rotation``° clockwise to read it upright (its deskew, a degree or two, is not undone: as the search's crop,
    the box is placed within that much)."""
    corners = [(left, top), (right, bottom)]
    if rotation == 90:
        corners = [(y, 1 - x) for x, y in corners]
    elif rotation == 180:
        corners = [(1 - x, 1 - y) for x, y in corners]
    elif rotation == 270:
        corners = [(1 - y, x) for x, y in corners]
    (x0, y0), (x1, y1) = corners
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def page_marks(page_id: str, *, s: Session, store) -> list[dict]:
    """The page's marks, largest first, each with its kind (and its Vietnamese name), confidence and box as
    percentages of the scan (left, top, width, height), so that a scan shown at any size can place them.
    Empty for a page read before marks were kept, or not read."""
    key = s.scalar(select(Page.words_key).where(Page.id == page_id))
    if not key:
        return []
    data = json.loads(store.get_bytes(key))
    w, h = data.get("width") or 0, data.get("height") or 0
    if not w or not h:
        return []
    out = []
    for m in data.get("marks", []):
        x0, y0, x1, y1 = on_scan(m["left"] / w, m["top"] / h, (m["left"] + m["width"]) / w,
                                 (m["top"] + m["height"]) / h, data.get("rotation") or 0)
        out.append({"kind": m["kind"], "label": KINDS.get(m["kind"], m["kind"]), "confidence": m["confidence"],
                    "left": round(100 * x0, 1), "top": round(100 * y0, 1), "width": round(100 * (x1 - x0), 1),
                    "height": round(100 * (y1 - y0), 1)})
    return sorted(out, key=lambda m: -m["width"] * m["height"])
