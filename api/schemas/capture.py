"""Response bodies of the capture station: an uploaded book, a batch's report and live state, its pages and
their fixes (the capture API contract of issue 11)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Out


class Rejected(Out):
    source: str
    page: int | None
    code: str
    reason: str


class Uploaded(Out):
    batch_id: str
    new_pages: int
    duplicates: list[str] = Field(description="Tệp đã có trong lô khác")
    rejected: list[Rejected]
    url: str


class Failure(Out):
    source: str
    page: int | None
    code: str | None
    reason: str | None


class FailedPage(Out):
    page_id: str
    seq: int
    source: str
    page: int
    code: str | None
    reason: str | None


class BatchReport(Out):
    """``sohoa status --json`` with the live counts."""

    batch_id: str
    pages: int
    records: int
    failed: list[Failure] = Field(description="Tệp bị từ chối và trang lỗi, kèm lý do")
    status: dict[str, int] = Field(description="Số trang theo trạng thái")
    needs_review: int
    pages_without_record: int
    book: str | None
    authority: str | None
    record_type: str
    pdf_key: str | None
    failed_pages: list[FailedPage]
    note: str | None
    finished: bool
    done: int
    waiting: int
    rate_per_min: float | None
    seconds_left: int | None


class LiveProgress(Out):
    batch_id: str
    pages: int
    done: int
    failed: int
    waiting: int
    running: int
    rejected_files: int
    finished: bool
    rate_per_min: float | None = Field(description="Trang mỗi phút trong mười phút gần nhất")
    seconds_left: int | None


class BookPage(Out):
    page_id: str
    seq: int
    source: str
    page: int
    status: str
    role: str | None
    code: str | None
    reason: str | None
    records: int


class PageFixed(Out):
    batch_id: str
    page_id: str = Field(description="Mã trang (mới, nếu trang được xoay hoặc thay)")


PageRole = Literal["blank", "cover", "back", "document"]  # office.capture.pages.ROLES


class PageMarked(Out):
    batch_id: str
    page_id: str
    role: PageRole | None


class PageDeleted(Out):
    batch_id: str
    deleted: str


class Reordered(Out):
    batch_id: str
    pages: int


class Queued(Out):
    batch_id: str
    queued: int = Field(description="Số trang đưa vào hàng đợi")
