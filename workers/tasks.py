"""Celery tasks: thin wrappers over the stages, taking ids (JSON) and nothing else.

Each task retries on :class:`TransientBackendError` (a backend briefly away) with exponential backoff and
jitter (:data:`RETRY`, beside the tasks), and returns cleanly when its page or batch no longer exists. The
stages are idempotent, so a task delivered twice (a worker killed mid-page, a retry, a resumed ingest) stores
and indexes its results once. The app registers this module through its ``include`` (``workers.celery_app``);
the tasks are shared tasks and need no app at import.
"""
from __future__ import annotations

import logging
import os

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_process_init, worker_process_shutdown

from domain.errors import TransientBackendError
from storage import open_database
from storage.models import Batch, Page

from . import stages
from .context import Context

log = logging.getLogger(__name__)

#: Longest pause between two retries of a task whose backend was briefly away (seconds).
RETRY_BACKOFF_MAX = 30
RETRY = {
    "autoretry_for": (TransientBackendError,),
    "retry_backoff": 2,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 10,
}
_ctx: Context | None = None


@worker_init.connect
def _upgrade_schema(sender=None, **_: object) -> None:
    """In the worker's main process, before its pool forks: bring the database schema up to date once, so
    the pool processes do not all race to run the migrations."""
    settings = getattr(getattr(sender, "app", None), "settings", None)
    if settings is not None:
        open_database(settings).dispose()


@worker_process_init.connect
def _open_context(**_: object) -> None:
    """Once per pool process, after the fork: its own database engine, object store and index client."""
    global _ctx
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one single-threaded Tesseract per pool process
    _ctx = Context(current_app.settings)


@worker_process_shutdown.connect
def _close_context(**_: object) -> None:
    global _ctx
    if _ctx is not None:
        _ctx.close()
        _ctx = None


def context(app=None) -> Context:
    """This process's Context (created here for pools without process-init signals, e.g. ``--pool solo``)."""
    global _ctx
    if _ctx is None:
        _ctx = Context((app or current_app).settings)
    return _ctx


def bind_context(ctx: Context | None) -> None:
    """Use this Context for tasks run in this process (tests calling the tasks directly, eagerly)."""
    global _ctx
    _ctx = ctx


def _page_failed_for_good(task, exc, task_id, args, kwargs, einfo) -> None:
    """The task gave up (retries exhausted, time limit, a bug): show the page as failed, with the reason."""
    page_id = args[0] if args else kwargs.get("page_id")
    if isinstance(exc, TransientBackendError):
        code, reason = exc.code, f"Hệ thống lưu trữ không phản hồi sau nhiều lần thử lại: {exc}"
    elif isinstance(exc, SoftTimeLimitExceeded):
        code, reason = "timeout", "Xử lý trang này quá thời gian cho phép"
    else:
        code, reason = "internal", f"Lỗi không mong đợi: {type(exc).__name__}: {exc}"
    try:
        stages.fail_page(page_id, context(task.app), code, reason)
    except TransientBackendError:
        log.error("page %s: could not record its failure; the executor will", page_id)


@shared_task(name="sohoa.process_page", bind=True, on_failure=_page_failed_for_good, **RETRY)
def process_page(self, page_id: str) -> list[str]:
    """Render, OCR, extract and store one page; returns its record ids (the next task indexes them)."""
    ctx = context(self.app)
    with ctx.db.session() as s:
        if s.get(Page, page_id) is None:
            log.info("page %s is gone; nothing to do", page_id)
            return []
    return stages.process_page(page_id, ctx)


@shared_task(name="sohoa.index_records", bind=True, **RETRY)
def index_records(self, record_ids: list[str]) -> int:
    """Send records to the search index (upsert by id: repeating it changes nothing). Missing ids are skipped."""
    return stages.index_records(list(record_ids or []), context(self.app))


@shared_task(name="sohoa.finalize_batch", bind=True, **RETRY)
def finalize_batch(self, batch_id: str) -> str | None:
    """Index stragglers and assemble the book's searchable PDF once no page is left to do."""
    ctx = context(self.app)
    with ctx.db.session() as s:
        if s.get(Batch, batch_id) is None:
            log.info("batch %s is gone; nothing to finalise", batch_id)
            return None
    return stages.finalize_batch(batch_id, ctx)

