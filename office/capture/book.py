"""A book's metadata as a clerk gives it — the upload form and API, `sohoa ingest`, a separator sheet and the
watched folder's defaults — checked here, once, the same way for all of them: NFC and trimmed, a record type we
know, no longer than its database column (PostgreSQL refuses what SQLite would keep), years that are years."""
from __future__ import annotations

import re
from datetime import date

from domain.errors import InputRejected
from domain.records import RecordType
from domain.text import normalize
from storage.models import Batch
from workers.batches import BatchMeta

# The columns' own sizes (what PostgreSQL enforces); a note is a paragraph, never a file.
MAX_TEXT = {**{name: Batch.__table__.c[name].type.length for name in ("book", "authority", "years")}, "note": 2000}
FIRST_YEAR = 1800  # older than any civil-status or land register an office holds
_YEARS = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?")


class BadMetadata(InputRejected):
    code = "invalid_metadata"


def _check_years(years: str) -> None:
    """One year ("1998") or a span ("1998-1999", "1998 – 2001"), first year first, none in the future."""
    m = _YEARS.fullmatch(years)
    last = date.today().year
    if m is None or not FIRST_YEAR <= int(m[1]) <= int(m[2] or m[1]) <= last:
        raise BadMetadata(f"Năm của sổ phải là một năm hoặc một khoảng năm từ {FIRST_YEAR} đến {last}, "
                          f"ví dụ 1998 hoặc 1998-1999 (đã nhập {years!r}).")


def book_meta(record_type: str | None, book: str | None = None, authority: str | None = None,
              years: str | None = None, *, note: str | None = None, created_by: str | None = None,
              spreads: bool = False, need_book: bool = False) -> BatchMeta:
    """The book's metadata, or ``BadMetadata`` saying in Vietnamese what is wrong. ``need_book``: a separator
    sheet names its book, or the pages after it could not be told from another book's."""
    allowed = [t.value for t in RecordType] + ["auto"]
    record_type = (record_type or "auto").strip()
    if record_type not in allowed:
        raise BadMetadata(f"Loại sổ không hợp lệ: {record_type!r}; phải là một trong {', '.join(allowed)}.")
    values = {"book": book, "authority": authority, "years": years, "note": note}
    for key, value in values.items():
        value = normalize(value).strip() if value else None
        if value and len(value) > MAX_TEXT[key]:
            raise BadMetadata(f"Thông tin '{key}' dài quá {MAX_TEXT[key]} ký tự.")
        values[key] = value or None
    if values["years"]:
        _check_years(values["years"])
    if need_book and not values["book"]:
        raise BadMetadata("Cần số quyển sổ (--book), ví dụ 01/1998.")
    return BatchMeta(record_type=record_type, created_by=created_by, spreads=spreads, **values)
