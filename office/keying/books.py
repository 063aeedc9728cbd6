"""The keying station's list of books: each book's verification mode and its entries counted by state."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Batch

from .models import KeyingBook, KeyingEntry


def books(*, s: Session, limit: int = 200) -> list[dict]:
    """The most recent books, newest first; ``mode`` None while nobody has chosen one."""
    counts: dict[str, dict] = {}
    for bid, status, n in s.execute(select(KeyingEntry.batch_id, KeyingEntry.status, func.count())
                                    .group_by(KeyingEntry.batch_id, KeyingEntry.status)):
        counts.setdefault(bid, {})[status] = n
    modes = {b.batch_id: b.mode for b in s.scalars(select(KeyingBook))}
    return [{"batch_id": b.id, "book": b.book or b.id, "record_type": b.record_type,
             "mode": modes.get(b.id), "counts": counts.get(b.id, {})}
            for b in s.scalars(select(Batch).order_by(Batch.created_at.desc()).limit(limit))]
