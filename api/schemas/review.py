"""Response bodies of the review queue and of field corrections."""
from __future__ import annotations

from typing import Any

from .base import Out


class Flagged(Out):
    field: str
    value: Any
    confidence: float


class QueueItem(Out):
    record_id: str
    type: str
    batch_id: str
    book: str | None
    title: str
    min_confidence: float
    flagged: list[Flagged]
    page_note: str | None = None  # why the page it was read from needs a look (an administrative document)


class ReviewQueue(Out):
    total: int
    items: list[QueueItem]


class Change(Out):
    old: Any
    new: Any


class Corrected(Out):
    record_id: str
    changed: dict[str, Change]
    needs_review: bool
