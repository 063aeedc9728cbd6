"""A book's entries as a table: the columns (Vietnamese headings, the same for export and import), one row per
entry, and the way back from a keyed row to canonical field values.

Dates are written dd/mm/yyyy and genders Nam / Nữ, as clerks key them; a list (co-owners) is joined by "; ".
The headings are those of the web pages (domain.labels); import also accepts the canonical field names, so an
office's own spreadsheet only needs its header row renamed.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.labels import FIELD_LABELS_VI, STATUS_LABELS_VI, TYPE_LABELS, display_value
from domain.records import field_names
from domain.text import normalize

# Columns about the book and the scan, before the record type's fields.
TYPE_HEADING = "Loại giấy tờ"
BOOK_HEADINGS = {"batch_book": "Quyển sổ", "batch_years": "Năm của sổ", "batch_authority": "Cơ quan đăng ký của sổ"}
PAGES_HEADING = "Trang trong sổ quét"
PDF_HEADING = "Tệp PDF"
STATUS_HEADING = "Tình trạng"
NOTES_HEADING = "Ghi chú"
RECORD_ID_HEADING = "Mã hồ sơ"
_TYPES_BY_LABEL = {normalize(v).casefold(): k for k, v in TYPE_LABELS.items()}


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # a canonical field name, or one of the keys above
    heading: str


def columns(record_types: list[str]) -> list[Column]:
    """The sheet's columns for a book holding records of these types (the fields of each, in catalogue order)."""
    fields: list[str] = []
    for t in record_types:
        fields += [f for f in field_names(t) if f not in fields]
    return [
        Column("type", TYPE_HEADING),
        *(Column(k, h) for k, h in BOOK_HEADINGS.items()),
        *(Column(f, FIELD_LABELS_VI.get(f, f)) for f in fields),
        Column("notes", NOTES_HEADING),
        Column("status", STATUS_HEADING),
        Column("pages", PAGES_HEADING),
        Column("pdf", PDF_HEADING),
        Column("record_id", RECORD_ID_HEADING),
    ]


def cell(key: str, value: object) -> str:
    """A stored value as the sheet shows it."""
    if value is None:
        return ""
    if key == "type":
        return TYPE_LABELS.get(str(value), str(value))
    if key == "status":
        return STATUS_LABELS_VI.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    return display_value(key, value)


def heading_keys(headings: list[object]) -> dict[int, str]:
    """Column index → key for a header row; headings matched without regard to case or spacing; unknown ones
    are left out (and reported by the caller)."""
    known = {normalize(c.heading).casefold(): c.key for c in columns([t for t in TYPE_LABELS])}
    known |= {k: k for k in FIELD_LABELS_VI}
    out = {}
    for i, h in enumerate(headings):
        text = normalize(str(h or "")).casefold()
        if text in known:
            out[i] = known[text]
    return out


def record_type_of(text: str) -> str | None:
    """"Khai sinh" (or "birth") → "birth"."""
    value = normalize(text).casefold()
    return _TYPES_BY_LABEL.get(value) or (value if value in TYPE_LABELS else None)
