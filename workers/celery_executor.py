"""The distributed executor: one Celery chain per page (process → index), progress read from the database.

The database, not the result backend, says how far a batch is: a page is finished when its row is ``done`` or
``failed``, whichever worker (or earlier run) got it there. Results are consulted only to notice a task that
died for good without being able to record it (a hard time limit), so that the batch still ends.

Interrupting the command (Ctrl-C) stops the waiting, not the work: the tasks already queued stay queued and
the workers finish them. ``sohoa ingest --resume LÔ`` (or the same ingest again) queues the pages still not
done once more and waits; a page that ends up queued twice is processed once and skipped the second time
(the stages are idempotent), so nothing is stored or indexed twice.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator

from celery import chain
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from sqlalchemy import select

from domain.errors import TransientBackendError
from storage.models import Page, PageStatus

from .celery_app import make_celery, time_limits
from .context import Context
from .executor import ProgressSink
from .stages import fail_page, prepare_index

log = logging.getLogger(__name__)
_FINISHED = (PageStatus.DONE, PageStatus.FAILED)
_CHUNK = 500


def task_result(result: AsyncResult, timeout: float, poll_s: float = 0.5) -> object:
    """A task's return value (its exception raised), waited for by reading the result store every ``poll_s``.

    Not ``result.get``: that waits on Redis pub/sub, and a published result can be missed (celery#4039); the
    wait then runs its whole timeout although the result was stored long before."""
    deadline = time.monotonic() + timeout
    while not result.ready():
        if time.monotonic() >= deadline:
            raise CeleryTimeoutError(f"task {result.id}: no result in {timeout:.0f} s ({result.state})")
        time.sleep(poll_s)
    return result.get(propagate=True)  # ready: read from the cache, no wait


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


class CeleryExecutor:
    poll_s = 1.0  # how often the database is asked which pages finished
    reap_s = 10.0  # how often task results are checked for tasks that died without a word

    def __init__(self, ctx: Context, app=None) -> None:
        self.ctx = ctx
        self.app = app or make_celery(ctx.settings)

    def run(self, batch_id: str, page_ids: list[str], progress: ProgressSink) -> None:
        prepare_index(self.ctx)
        progress.start(len(page_ids))
        try:
            if page_ids:
                self._warn_if_no_worker()
                tasks = self._enqueue(page_ids)
                self._wait(page_ids, tasks, progress)
        finally:
            progress.close()
        self._finalize(batch_id)

    # -- steps -------------------------------------------------------------------------------------------------

    def _enqueue(self, page_ids: list[str]) -> dict[str, str]:
        """One chain per page; returns page id → id of its process_page task."""
        tasks = {}
        try:
            for pid in page_ids:
                result = chain(self.app.signature("sohoa.process_page", args=(pid,)),
                               self.app.signature("sohoa.index_records")).apply_async()
                tasks[pid] = result.parent.id
        except OperationalError as exc:
            raise TransientBackendError(f"Không gửi được việc vào hàng đợi ({self.ctx.settings.broker_url}): {exc}"
                                        ) from exc
        return tasks

    def _wait(self, page_ids: list[str], tasks: dict[str, str], progress: ProgressSink) -> None:
        pending = set(page_ids)
        next_reap = time.monotonic() + self.reap_s
        while pending:
            status = self._status(pending)
            for pid in list(pending):
                state = status.get(pid)
                if state in _FINISHED or state is None:  # None: the page was deleted meanwhile
                    pending.discard(pid)
                    progress.page_done(ok=state == PageStatus.DONE)
            if pending and time.monotonic() >= next_reap:
                self._reap(pending, tasks)
                next_reap = time.monotonic() + self.reap_s
            if pending:
                time.sleep(self.poll_s)

    def _finalize(self, batch_id: str) -> None:
        _, hard, lease = time_limits(self.ctx.settings)
        result = self.app.signature("sohoa.finalize_batch", args=(batch_id,)).apply_async()
        # Long enough for a worker to die while finalising, its lease to lapse and another to run it in full.
        try:
            task_result(result, 2 * hard + lease + 60)
        except CeleryTimeoutError as exc:
            raise TransientBackendError(f"Lô {batch_id}: chưa worker nào hoàn tất bước cuối (gộp PDF, chỉ mục); "
                                        f"chạy lại `sohoa ingest --resume {batch_id}`") from exc

    # -- helpers -----------------------------------------------------------------------------------------------

    def _status(self, page_ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.ctx.db.session() as s:
            for chunk in _chunks(page_ids):
                out.update(s.execute(select(Page.id, Page.status).where(Page.id.in_(chunk))).all())
        return out

    def _reap(self, pending: set[str], tasks: dict[str, str]) -> None:
        """A page task that failed for good but left its page running (killed at the hard time limit): fail it."""
        for pid in pending:
            result = AsyncResult(tasks[pid], app=self.app)
            if result.state == "FAILURE":
                exc = result.result
                fail_page(pid, self.ctx, "task_failed",
                          f"Việc xử lý trang bị dừng: {type(exc).__name__}: {exc}")

    def _warn_if_no_worker(self) -> None:
        try:
            replies = self.app.control.ping(timeout=1.0)
        except OperationalError as exc:
            raise TransientBackendError(f"Không kết nối được hàng đợi ({self.ctx.settings.broker_url}): {exc}"
                                        ) from exc
        if not replies:
            log.warning("Chưa có worker nào trả lời: các trang sẽ chờ trong hàng đợi đến khi `sohoa worker` chạy.")


def requeue_failed(batch_id: str, ctx: Context, app=None) -> int:
    """The web's "Thử lại": a batch's failed pages back to pending and onto the queue, without waiting.

    Each page's chain ends with finalize_batch, which does nothing until no page of the batch is left to do,
    so whichever page finishes last indexes stragglers and rebuilds the book's PDF. Returns the pages queued."""
    from .batches import reset_failed

    with ctx.db.session() as s:
        page_ids = list(s.scalars(select(Page.id).where(Page.batch_id == batch_id, Page.status == PageStatus.FAILED)
                                  .order_by(Page.seq)))
    if not page_ids:
        return 0
    app = app or make_celery(ctx.settings)
    reset_failed(batch_id, ctx)
    try:
        for pid in page_ids:
            chain(app.signature("sohoa.process_page", args=(pid,)), app.signature("sohoa.index_records"),
                  app.signature("sohoa.finalize_batch", args=(batch_id,), immutable=True)).apply_async()
    except OperationalError as exc:
        raise TransientBackendError(f"Không gửi được việc vào hàng đợi ({ctx.settings.broker_url}): {exc}") from exc
    return len(page_ids)
