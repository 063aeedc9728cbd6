"""The marks OCR set aside on a page (ocr.marks: seals, stamps, signatures, handwriting), read back from the page's
words JSON: for the record page to show, and for keying to offer a handwritten number to type."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Page

KINDS = {"seal": "Con dấu", "stamp": "Dấu (công văn đến, dấu khung)", "signature": "Chữ ký",
         "handwriting": "Chữ viết tay"}


def page_marks(page_id: str, *, s: Session, store) -> list[dict]:
    """The page's marks, largest first, each with its kind (and its Vietnamese name), confidence and box as
    percentages of the page read (left, top, width, height), so that a page shown at any size can place them.
    Empty for a page read before marks were kept, or not read."""
    key = s.scalar(select(Page.words_key).where(Page.id == page_id))
    if not key:
        return []
    data = json.loads(store.get_bytes(key))
    w, h = data.get("width") or 0, data.get("height") or 0
    if not w or not h:
        return []
    out = [{"kind": m["kind"], "label": KINDS.get(m["kind"], m["kind"]), "confidence": m["confidence"],
            "left": round(100 * m["left"] / w, 1), "top": round(100 * m["top"] / h, 1),
            "width": round(100 * m["width"] / w, 1), "height": round(100 * m["height"] / h, 1)}
           for m in data.get("marks", [])]
    return sorted(out, key=lambda m: -m["width"] * m["height"])
