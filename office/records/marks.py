"""The marks OCR set aside on a page (ocr.marks: seals, stamps, signatures, handwriting), read back from the page's
words JSON: for the record page and the book's page view to list and draw on the scan; and what a clerk typed for
the ones that hold writing (``key_mark``), which is how a number a pen wrote on a decision or a letter — a page
that yields no record, so no field to key it into — gets into the archive."""
from __future__ import annotations

import hashlib
import json
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import InvalidRequest, NotFound
from domain.text import normalize
from office.audit.service import Actor, page_records, record
from storage.mark_models import MarkValue
from storage.models import Page

KINDS = {"seal": "Con dấu", "stamp": "Dấu (công văn đến, dấu khung)", "signature": "Chữ ký",
         "handwriting": "Chữ viết tay"}
# The marks that hold writing one can type: a pen's number or date, a receipt stamp's number and day. A seal's
# words are the office's name, printed elsewhere on the page; a signature is not text.
KEYABLE = frozenset({"handwriting", "stamp"})
VALUE_MAX = 200


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


def mark_id(kind: str, box: tuple[float, float, float, float]) -> str:
    """A mark's name for as long as the page's read stands: its kind and box as shown (a list's index would
    name another mark once a re-read finds one more)."""
    return hashlib.sha1(f"{kind}|{'|'.join(map(str, box))}".encode()).hexdigest()[:12]


def _listed(mark: str, kind: str, box: tuple[float, ...], confidence: float, keyable: bool) -> dict:
    left, top, width, height = box
    return {"id": mark, "kind": kind, "label": KINDS.get(kind, kind), "confidence": confidence, "left": left,
            "top": top, "width": width, "height": height, "keyable": keyable}


def _read_marks(page: Page, store) -> tuple[list[dict], float]:
    """The marks of the page's read, largest first, boxes as percentages of the scan (left, top, width,
    height) so that a scan shown at any size can place them, and the scan's height over its width (to show a
    mark's part of it in its own shape). Empty for a page read before marks were kept, or not read."""
    if not page.words_key:
        return [], 0.0
    data = json.loads(store.get_bytes(page.words_key))
    w, h = data.get("width") or 0, data.get("height") or 0
    if not w or not h:
        return [], 0.0
    rotation = data.get("rotation") or 0
    out = []
    for m in data.get("marks", []):
        x0, y0, x1, y1 = on_scan(m["left"] / w, m["top"] / h, (m["left"] + m["width"]) / w,
                                 (m["top"] + m["height"]) / h, rotation)
        box = (round(100 * x0, 1), round(100 * y0, 1), round(100 * (x1 - x0), 1), round(100 * (y1 - y0), 1))
        out.append(_listed(mark_id(m["kind"], box), m["kind"], box, m["confidence"], m["kind"] in KEYABLE))
    return sorted(out, key=lambda m: -m["width"] * m["height"]), round(w / h if rotation in (90, 270) else h / w, 4)


def _keyed(page_id: str, s: Session) -> dict[str, MarkValue]:
    """Each mark's latest keying (the earlier ones are its history)."""
    latest: dict[str, MarkValue] = {}
    for row in s.scalars(select(MarkValue).where(MarkValue.page_id == page_id).order_by(MarkValue.id)):
        latest[row.mark_id] = row
    return latest


def page_marks(page: Page, *, s: Session, store) -> list[dict]:
    """The page's marks with what was typed for each (``value``, ``keyed_by``, ``keyed_at``). A value typed
    for a mark a later read no longer finds is listed too, with the box it was typed for: nothing typed is lost."""
    marks, ratio = _read_marks(page, store)
    keyed = _keyed(page.id, s)
    listed = [_with_value(m, keyed.pop(m["id"], None), ratio) for m in marks]
    return listed + [_with_value(_listed(row.mark_id, row.kind, (row.left, row.top, row.width, row.height), 0.0,
                                         False), row, ratio, stale=True) for row in keyed.values() if row.value]


def _with_value(mark: dict, row: MarkValue | None, ratio: float, stale: bool = False) -> dict:
    """A listed mark with what was typed for it (``row``: its latest keying) and the scan's shape."""
    return mark | {"value": row.value if row else "", "keyed_by": row.keyed_by if row else None,
                   "keyed_at": row.keyed_at.isoformat() if row else None, "stale": stale, "page_ratio": ratio}


def typed_value(raw: str) -> str:
    """What a clerk typed, as stored: NFC with its spaces collapsed; refused if too long or holding control
    characters (a value is shown on pages and in exports, one line)."""
    value = normalize(raw or "")
    if len(value) > VALUE_MAX:
        raise InvalidRequest(f"Giá trị dài quá {VALUE_MAX} ký tự.", code="value_too_long")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise InvalidRequest("Giá trị có ký tự điều khiển, không nhập được.", code="bad_value")
    return value


def key_mark(page_id: str, mark: str, raw: str, actor: Actor, *, s: Session, store) -> dict:
    """Store what a clerk typed for one of the page's marks that hold writing (an empty value clears it; the
    earlier values stay as its history) and audit it; returns the mark as ``page_marks`` lists it."""
    page = s.get(Page, page_id)
    if page is None:
        raise NotFound(f"Không có trang {page_id}")
    listed, ratio = _read_marks(page, store)
    found = next((m for m in listed if m["id"] == mark), None)
    if found is None:
        raise NotFound("Trang không còn vùng này (trang đã được nhận dạng lại?); hãy tải lại trang.")
    if not found["keyable"]:
        raise InvalidRequest(f"{found['label']} không có chữ để nhập.", code="not_keyable")
    value = typed_value(raw)
    row = _keyed(page_id, s).get(mark)
    if (row.value if row else "") != value:
        record(s, actor, "key_mark", target=page_id, batch_id=page.batch_id, seq=page.seq, mark=mark,
               kind=found["kind"], old=row.value if row else "", new=value, records=page_records(s, page_id))
        row = MarkValue(page_id=page_id, mark_id=mark, kind=found["kind"], left=found["left"], top=found["top"],
                        width=found["width"], height=found["height"], value=value,
                        keyed_by=actor.principal.username if actor.principal else actor.username or "?")
        s.add(row)
        s.flush()
    return _with_value(found, row, ratio)  # as ``page_marks`` lists it, the page's words JSON read once
