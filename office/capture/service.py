"""The capture station's service: books uploaded in the browser or the API run in the server's background, and
the live state of a batch (pages done / failed / waiting, rate, time left, each failed page with its reason).

The executor blocks until a batch is done, so it runs in one background thread of the server process: the
upload returns at once, batches (and the re-reads page fixes ask for) run one after another in arrival order,
and an interrupted one is picked up like `sohoa ingest --resume` (pages left pending or running run again).
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office.audit.service import Actor, record
from storage.models import Batch, Page, PageStatus, RecordPage, SourceFileRow, utcnow
from workers import Context, NoProgress, open_executor
from workers.batches import BatchMeta, existing_batch, pages_to_run, report

from .upload import Incoming, check_taken, take_in

log = logging.getLogger(__name__)
RATE_WINDOW = timedelta(minutes=10)  # the rate is measured over the pages finished in the last ten minutes


class Runner:
    """One background thread running batches to completion, in the order they were handed over.

    A daemon thread: stopping the server does not wait for a long book; its unfinished pages stay pending or
    running, and run again when the server starts next (office.capture.background, as `sohoa ingest --resume`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._queued: Counter[str] = Counter()
        threading.Thread(target=self._loop, name="sohoa-capture", daemon=True).start()

    def submit(self, batch_id: str) -> None:
        with self._lock:
            self._queued[batch_id] += 1
        self._todo.put(batch_id)

    def busy(self, batch_id: str) -> bool:
        with self._lock:
            return self._queued[batch_id] > 0

    def _loop(self) -> None:
        while True:
            batch_id = self._todo.get()
            try:
                open_executor(self.ctx).run(batch_id, pages_to_run(batch_id, self.ctx), NoProgress())
            except Exception:  # the thread's boundary: the pages stay pending, and the next submit runs them
                log.exception("batch %s stopped", batch_id)
            finally:
                with self._lock:
                    self._queued[batch_id] -= 1


def upload_book(items: list[Incoming], meta: BatchMeta, *, ctx: Context, runner: Runner, actor: Actor) -> dict:
    """Register the files as one book (the checks of `sohoa ingest`), queue its pages, answer at once."""
    reg = take_in(items, meta, ctx)
    with ctx.db.session() as s:
        record(s, actor, "upload_book", target=reg.batch_id, files=len(items), pages=reg.new_pages,
               rejected=len(reg.rejected), book=meta.book)
    runner.submit(reg.batch_id)  # even with nothing taken: the batch is then finalised with its rejections
    check_taken(reg, ctx)
    return {"batch_id": reg.batch_id, "new_pages": reg.new_pages, "duplicates": reg.duplicates,
            "rejected": [{"source": r.source, "page": r.page, "code": r.code, "reason": r.reason}
                         for r in reg.rejected],
            "url": f"/batches/{reg.batch_id}"}


def _rate(s: Session, batch_id: str) -> float | None:
    """Pages per minute over the recent finished pages of the batch; None before two have finished."""
    since = utcnow() - RATE_WINDOW
    n, first, last = s.execute(select(func.count(), func.min(Page.updated_at), func.max(Page.updated_at)).where(
        Page.batch_id == batch_id, Page.status.in_([PageStatus.DONE, PageStatus.FAILED]),
        Page.updated_at >= since)).one()
    if n < 2 or first is None or last is None:
        return None
    minutes = (last - first).total_seconds() / 60
    return round((n - 1) / minutes, 1) if minutes > 0 else None


def progress(batch_id: str, *, s: Session, busy: bool = False) -> dict:
    """The small live summary the batch and progress pages poll (or stream): cheap, one grouped count."""
    batch = existing_batch(s, batch_id)
    counts = dict(s.execute(select(Page.status, func.count()).where(Page.batch_id == batch_id)
                            .group_by(Page.status)).all())
    waiting = counts.get(PageStatus.PENDING, 0) + counts.get(PageStatus.RUNNING, 0)
    rate = _rate(s, batch_id) if waiting else None
    return {
        "batch_id": batch_id, "pages": sum(counts.values()), "done": counts.get(PageStatus.DONE, 0),
        "failed": counts.get(PageStatus.FAILED, 0), "waiting": waiting,
        "running": counts.get(PageStatus.RUNNING, 0), "rejected_files": len(batch.rejections),
        "finished": waiting == 0 and batch.finished_at is not None and not busy,
        "rate_per_min": rate, "seconds_left": round(waiting / rate * 60) if rate else None,
    }


def failed_pages(batch_id: str, *, s: Session) -> list[dict]:
    """Each failed page with what the clerk needs to act on it: where it is, why, and its id for a retry."""
    rows = s.execute(select(Page, SourceFileRow.name).join(SourceFileRow, Page.file_id == SourceFileRow.id)
                     .where(Page.batch_id == batch_id, Page.status == PageStatus.FAILED).order_by(Page.seq))
    return [{"page_id": p.id, "seq": p.seq, "source": name, "page": p.number, "code": p.error_code,
             "reason": p.reason} for p, name in rows]


def batch_status(batch_id: str, ctx: Context, *, actor: Actor, busy: bool = False) -> dict:
    """GET /api/v1/batches/{id}: the CLI's report (``sohoa status --json``) with the live counts beside it."""
    rep = report(batch_id, ctx)
    with ctx.db.session() as s:
        record(s, actor, "view_batch", target=batch_id)
        live = progress(batch_id, s=s, busy=busy)
        rep["failed_pages"] = failed_pages(batch_id, s=s)
        rep["note"] = s.get(Batch, batch_id).note
    rep.update({k: live[k] for k in ("finished", "done", "waiting", "rate_per_min", "seconds_left")})
    return rep


def pages_of(batch_id: str, *, s: Session) -> list[dict]:
    """Every page of the book in order, for the page-fix view: where it comes from, its state and records."""
    existing_batch(s, batch_id)
    n_records = dict(s.execute(select(RecordPage.page_id, func.count()).join(Page, Page.id == RecordPage.page_id)
                               .where(Page.batch_id == batch_id).group_by(RecordPage.page_id)).all())
    rows = s.execute(select(Page, SourceFileRow.name).join(SourceFileRow, Page.file_id == SourceFileRow.id)
                     .where(Page.batch_id == batch_id).order_by(Page.seq))
    return [{"page_id": p.id, "seq": p.seq, "source": name, "page": p.number, "status": p.status, "role": p.role,
             "code": p.error_code, "reason": p.reason, "records": n_records.get(p.id, 0)} for p, name in rows]


def interrupted(*, s: Session) -> list[str]:
    """Batches a stopped process left unfinished, oldest first: pages still pending or running, or never
    finalised. A page that is in fact still running elsewhere (an orphaned worker finishing its page, a
    `sohoa ingest` beside the server) may then be read twice: the stages are idempotent, nothing doubles."""
    open_pages = set(s.scalars(select(Page.batch_id).where(Page.status.in_([PageStatus.PENDING, PageStatus.RUNNING]))))
    rows = s.execute(select(Batch.id).where(Batch.id.in_(open_pages) | Batch.finished_at.is_(None))
                     .order_by(Batch.created_at)).all()
    return [b for (b,) in rows]
