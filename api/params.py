"""Bounds on what a request may carry, declared once and used by every route, so a huge number, a deep page or
a long query is refused with a 422 before it reaches the database or the index (and the OpenAPI document
states the same limits a client can check)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from index.base import MAX_QUERY_CHARS, MAX_QUERY_TERMS, MAX_RESULT_WINDOW, MAX_YEAR, MIN_YEAR

DB_INT_MAX = 2**63 - 1  # PostgreSQL bigint and SQLite INTEGER; past it SQLite raised "int too large" (a 500)
MAX_TEXT = 2000  # reasons, notes: a paragraph, never a file


def _iso_date(value: object) -> object:
    # pydantic reads a number as seconds since 1970 ("until=0" was a date); people and clients send ISO dates.
    if value is None or isinstance(value, date):
        return value
    try:
        if not (isinstance(value, str) and len(value) == 10):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("phải là ngày dạng YYYY-MM-DD") from None


DbId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="Mã số (số nguyên dương)")]
PageSeq = Annotated[int, Path(ge=1, le=1_000_000, description="Số thứ tự trang trong quyển")]
MAX_PAGE_SIZE = 200  # results per request
# offset + limit stays inside the index's result window for any limit the schema allows
MAX_OFFSET = MAX_RESULT_WINDOW - MAX_PAGE_SIZE
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu kết quả đầu")]
SearchText = Annotated[str, Query(max_length=MAX_QUERY_CHARS,
                                  description=f"Câu tìm kiếm (tối đa {MAX_QUERY_CHARS} ký tự, {MAX_QUERY_TERMS} từ)")]
FilterText = Annotated[str | None, Query(max_length=200)]
Year = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]
IsoDate = Annotated[date | None, BeforeValidator(_iso_date), Query(description="Ngày, dạng YYYY-MM-DD")]
DossierRef = Annotated[str | None, Query(max_length=40, description="Hồ sơ thủ tục đang xử lý (ghi vào nhật ký)")]
LogOffset = Annotated[int, Query(ge=0, le=DB_INT_MAX, description="Bỏ qua bao nhiêu dòng nhật ký đầu")]


class Body(BaseModel):
    """A JSON body: a field the schema does not name is refused, as the OpenAPI document says
    (additionalProperties: false), instead of being silently dropped."""

    model_config = ConfigDict(extra="forbid")


# Text that must say something: whitespace alone is refused by the schema itself, not later by a service. The
# spaces listed, not ``\S``: pydantic's regex (Rust), a client's (ECMAScript, as OpenAPI says) and Python's each
# call other characters space (U+0085 and U+001C–U+001F are for Rust and Python, U+FEFF for ECMAScript), so a
# reason of one U+0085 met the document's pattern and was refused (schemathesis, tests/web/test_fuzz.py).
SAYS_SOMETHING = r"[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
Reason = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=SAYS_SOMETHING)]


def words(max_length: int, **kw) -> object:
    return Field(min_length=1, max_length=max_length, pattern=SAYS_SOMETHING, **kw)
