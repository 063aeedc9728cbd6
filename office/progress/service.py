"""How much is digitised: per batch (book), per year and per registering/issuing unit (the service; no HTTP).

Per batch the numbers are the pages' states, as ``workers.batches.report`` counts them, plus records and
records needing review. Per year and per unit they are records, grouped in SQL on values read out of the JSON
fields (the same expression on SQLite and PostgreSQL), then tidied in Python (stray OCR text → "Không rõ").
"""
from __future__ import annotations

import re

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from domain.errors import SohoaError
from domain.text import normalize
from office.audit.service import Actor, record
from storage.models import Batch, Page, PageStatus, Record
from workers import Context
from workers.batches import report

UNKNOWN = "Không rõ"


class RetryInEmbeddedMode(SohoaError):
    """The retry form queues pages for Celery workers; an embedded installation reads them in the server."""

    code = "embedded_mode"
    http_status = 409


_YEAR = re.compile(r"(1[6-9]\d\d|20\d\d)")


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def batches(*, s: Session, limit: int = 200) -> list[dict]:
    counts: dict[str, dict[str, int]] = {}
    for batch_id, status, n in s.execute(
        select(Page.batch_id, Page.status, func.count()).group_by(Page.batch_id, Page.status)
    ):
        counts.setdefault(batch_id, {})[status] = n
    review = func.sum(case((Record.needs_review.is_(True), 1), else_=0))
    records = {b: (n, int(r or 0)) for b, n, r in
               s.execute(select(Record.batch_id, func.count(), review).group_by(Record.batch_id))}
    out = []
    for b in s.scalars(select(Batch).order_by(Batch.created_at.desc()).limit(limit)):
        c = counts.get(b.id, {})
        total, done, failed = sum(c.values()), c.get(PageStatus.DONE, 0), c.get(PageStatus.FAILED, 0)
        n_records, n_review = records.get(b.id, (0, 0))
        out.append({
            "batch_id": b.id, "book": b.book, "authority": b.authority, "years": b.years,
            "record_type": b.record_type, "created_by": b.created_by, "created_at": b.created_at.isoformat(),
            "finished": b.finished_at is not None, "pages": total, "done": done, "failed": failed,
            "pending": c.get(PageStatus.PENDING, 0) + c.get(PageStatus.RUNNING, 0),
            "records": n_records, "needs_review": n_review, "percent": _percent(done + failed, total),
        })
    return out


def _field(name: str):
    return Record.fields[name].as_string()


def _grouped(key, *, s: Session, tidy) -> list[dict]:
    review = func.sum(case((Record.needs_review.is_(True), 1), else_=0))
    merged: dict[str, list[int]] = {}
    # Grouped by the output column's name: PostgreSQL then need not match two copies of a parametrised expression.
    q = select(key.label("k"), func.count(), review).select_from(Record).outerjoin(Batch, Batch.id == Record.batch_id)
    for value, n, r in s.execute(q.group_by(literal_column("k"))):
        label = tidy(value)
        row = merged.setdefault(label, [0, 0])
        row[0] += n
        row[1] += int(r or 0)
    rows = [{"label": k, "records": n, "needs_review": r, "reviewed": n - r, "percent": _percent(n - r, n)}
            for k, (n, r) in merged.items()]
    return sorted(rows, key=lambda d: (d["label"] == UNKNOWN, d["label"]))


def _year(value: str | None) -> str:
    m = _YEAR.match(value or "")
    return m.group(1) if m else UNKNOWN


def by_year(*, s: Session) -> list[dict]:
    """Records per year: registration year (civil records; the birth or death date when it is missing), issue
    year (land certificates)."""
    when = func.coalesce(_field("registration_date"), _field("issue_date"), _field("date_of_birth"),
                         _field("date_of_death"))
    return _grouped(func.substr(when, 1, 4), s=s, tidy=_year)


def by_unit(*, s: Session) -> list[dict]:
    """Records per registering (civil) or issuing (land) authority, as written; the batch's when unread."""
    unit = func.coalesce(_field("registration_authority"), _field("issuing_authority"), Batch.authority)
    return _grouped(unit, s=s, tidy=lambda v: normalize(v) if v and normalize(v) else UNKNOWN)


def overview(*, s: Session) -> dict:
    rows = batches(s=s)
    totals = {k: sum(r[k] for r in rows) for k in ("pages", "done", "failed", "pending", "records", "needs_review")}
    totals["percent"] = _percent(totals["done"] + totals["failed"], totals["pages"])
    return {"totals": totals, "batches": rows, "by_year": by_year(s=s), "by_unit": by_unit(s=s)}


def batch_report(batch_id: str, ctx: Context, *, actor: Actor) -> dict:
    """A batch's report (``sohoa status``) as an officer opens it: the read is audited."""
    rep = report(batch_id, ctx)
    with ctx.db.session() as s:
        record(s, actor, "view_batch", target=batch_id)
    return rep


def retry_failed(batch_id: str, ctx: Context, *, actor: Actor) -> int:
    """Send a batch's failed pages back to the workers (distributed mode); the number queued, audited."""
    report(batch_id, ctx)  # NotFound for an unknown batch
    if not ctx.settings.distributed:
        raise RetryInEmbeddedMode("Bản cài đặt này nhận dạng ngay trên máy chủ: bấm nút “Nhận dạng lại các trang "
                                   f"lỗi” trên trang của lô (hoặc chạy `sohoa retry {batch_id}` trên máy đó).")
    from workers.celery_executor import requeue_failed  # Celery only where it is configured

    n = requeue_failed(batch_id, ctx)
    with ctx.db.session() as s:
        record(s, actor, "retry_batch", target=batch_id, pages=n)
    return n
