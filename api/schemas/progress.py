"""Response body of the progress dashboard: totals, per batch, per year, per unit."""
from __future__ import annotations

from pydantic import Field

from .base import Out, Timestamp


class Totals(Out):
    pages: int
    done: int
    failed: int
    pending: int
    records: int
    needs_review: int
    percent: int


class BatchProgress(Out):
    batch_id: str
    book: str | None
    authority: str | None
    years: str | None
    record_type: str
    created_by: str | None
    created_at: Timestamp
    finished: bool
    pages: int
    done: int
    failed: int
    pending: int
    records: int
    needs_review: int
    percent: int = Field(description="Phần trăm số trang đã xử lý (xong hoặc lỗi)")


class GroupRow(Out):
    label: str
    records: int
    needs_review: int
    reviewed: int
    percent: int


class Overview(Out):
    totals: Totals
    batches: list[BatchProgress]
    by_year: list[GroupRow]
    by_unit: list[GroupRow]
