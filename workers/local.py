"""A process pool on this machine: the embedded executor.

Pages are OCR'd in worker processes (one single-threaded Tesseract per core); the parent alone writes the
Tantivy index, which allows one writer. If a worker dies (killed, out of memory) the pool is rebuilt and the
unfinished pages go again; a page that keeps killing workers is failed with that reason instead of looping.

The pool outlives a batch: a worker needs seconds of CPU to import OpenCV, SQLAlchemy and the pipeline and to load
the gazetteer and the syllable model, which a server taking batch after batch would otherwise pay for each. Workers
are forked from a process that did all of that once, not spawned each on its own: one start-up for the pool, not
one per worker. ``sohoa ingest`` imports the modules and forks its workers from itself (``start_pool``) before it
opens its database and checks and stores its files, and each worker loads the data meanwhile; a server, or a pool
rebuilt after a worker died, forks them from a fork server that loaded it all (``workers.forkserver``,
``workers.preload``), never from a process with open handles.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext

import cv2
import psutil
from sqlalchemy import select

from domain.errors import PageFailed, TransientBackendError
from domain.settings import Settings
from ocr.tesseract import start_engine
from storage import open_database
from storage.models import Page, PageStatus

from .context import Context
from .executor import ProgressSink
from .forkserver import pool_context
from .stages import fail_page, finalize_batch, index_records, prepare_index, process_page

log = logging.getLogger(__name__)
MAX_CRASHES_PER_PAGE = 3
_OWNER_CHECK_S = 2.0
_ctx: Context | None = None


def _init_worker(settings: Settings, owner: tuple[int, float]) -> None:
    global _ctx
    threading.Thread(target=_end_with, args=owner, daemon=True, name="pool-owner-watch").start()
    _ctx = Context(settings)
    # The parent migrated the database before it queued a page: no schema check (and Alembic) per worker.
    _ctx.db = open_database(settings, upgrade=False)
    ready_to_read(settings.ocr_lang)


def ready_to_read(lang: str) -> None:
    """This process set up to read pages as a worker is, before its first page (``bench accuracy``'s processes
    too, so that the CPU it measures is a worker's)."""
    # Tesseract's OpenMP threads fight each other when every core already runs one process; OpenCV's threads
    # too (a page's clean-up took 3–8% more CPU with them, for no gain in wall time: every core has its worker).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)
    # What every page reads, loaded before the first page: the place-name gazetteer (a quarter of a second of
    # folding 37,000 names) and the syllable model. Already there in a worker forked from the fork server
    # (workers.preload).
    from domain.gazetteer import gazetteer
    from ocr.correct.model import model

    gazetteer()
    model()
    # And this process's own Tesseract (≈ 0.1–0.2 s: its language's model read), started while the parent still
    # checks and stores the files instead of on the first page. A language that cannot be opened fails the page
    # that asks for it, with its reason, as before.
    with contextlib.suppress(PageFailed):
        start_engine(lang)


def _owner() -> tuple[int, float]:
    """This process, as its pool's workers watch it: pid and start time (a pid alone may be reused)."""
    return os.getpid(), psutil.Process().create_time()


def _end_with(pid: int, started: float) -> None:
    """End this worker once the process that owns its pool is gone (killed, crashed, a server stopped hard): the
    worker would otherwise wait on its task queue for ever, and with it the fork server it came from."""
    while True:
        time.sleep(_OWNER_CHECK_S)
        try:
            owner = psutil.Process(pid)
            if owner.create_time() == started and owner.status() != psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            pass
        os._exit(0)


def _ready() -> int:
    return os.getpid()


_pool_lock = threading.Lock()
_pool: tuple[Settings, int, ProcessPoolExecutor] | None = None


def _shared_pool(settings: Settings, workers: int, mp: BaseContext | None = None) -> ProcessPoolExecutor:
    """The process's pool for these settings, started (all its workers, in the background) on first use; its
    workers forked from the fork server unless ``mp`` says otherwise."""
    global _pool
    with _pool_lock:
        if _pool is not None and _pool[0] == settings and _pool[1] == workers:
            return _pool[2]
        if _pool is not None:
            _pool[2].shutdown(wait=True, cancel_futures=True)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp or pool_context(), initializer=_init_worker,
                                   initargs=(settings, _owner()))
        for _ in range(workers):  # a spawned pool starts one worker per queued call: all of them, now
            pool.submit(_ready)
        _pool = (settings, workers, pool)
        return pool


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    """Drop a broken pool (a worker died); the next call starts a new one."""
    global _pool
    with _pool_lock:
        if _pool is not None and _pool[2] is pool:
            _pool = None
    pool.shutdown(wait=True, cancel_futures=True)


def start_pool(settings: Settings, workers: int | None = None) -> None:
    """Start the pool's workers now, before this process opens its database or index (``sohoa ingest``'s first
    step): they are forked from this process itself, which imported the pipeline's modules with this one, so no
    fork server imports them a second time (≈ 2 s of CPU a batch, a sixth of the pipeline's overhead on a 12-page
    book). The gazetteer and the syllable model (≈ 0.35 s) each worker loads itself (``_init_worker``), at once,
    while this process still opens its database and stores the files, instead of this one before the fork: on a
    first book's batch the workers waited half a second for their first page anyway. A pool made later (after a
    worker died, or in a server) comes from the fork server, as does this one when another thread runs here."""
    _shared_pool(settings, workers or settings.workers, _fork_here())


def _fork_here() -> BaseContext | None:
    """A plain fork of this process, when that is safe: nothing open yet (the caller's word), and no other thread
    (a lock another thread holds at the fork stays held in the child for ever)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def _run_page(page_id: str) -> tuple[str, list[str]]:
    assert _ctx is not None
    for attempt in range(4):
        try:
            return page_id, process_page(page_id, _ctx)
        except TransientBackendError:
            if attempt == 3:
                raise
            time.sleep(0.5 * 2**attempt)
        except Exception as exc:  # the pool boundary: anything unexpected becomes a visible failed page
            log.error("page %s failed:\n%s", page_id, traceback.format_exc())
            fail_page(page_id, _ctx, "internal", f"Lỗi không mong đợi: {type(exc).__name__}: {exc}")
            return page_id, []
    raise AssertionError("unreachable")


class LocalExecutor:
    def __init__(self, ctx: Context, workers: int | None = None) -> None:
        self.ctx = ctx
        self.workers = workers or ctx.settings.workers

    def _status(self, page_ids: list[str]) -> dict[str, str]:
        with self.ctx.db.session() as s:
            return dict(s.execute(select(Page.id, Page.status).where(Page.id.in_(page_ids))).all())

    def run(self, batch_id: str, page_ids: list[str], progress: ProgressSink) -> None:
        prepare_index(self.ctx)  # this process is the index's one writer
        progress.start(len(page_ids))
        todo = list(page_ids)
        crashes: dict[str, int] = {}
        try:
            while todo:
                todo = self._run_pool(todo, progress, crashes)
        finally:
            progress.close()
        finalize_batch(batch_id, self.ctx)

    def _run_pool(self, todo: list[str], progress: ProgressSink, crashes: dict[str, int]) -> list[str]:
        """Run pages until done or the pool breaks; returns the pages that still need a pool."""
        pool = _shared_pool(self.ctx.settings, self.workers)
        pending: set[Future] = set()
        to_index: list[str] = []
        last_flush = time.monotonic()
        try:
            pending = {pool.submit(_run_page, pid) for pid in todo}
            while pending:
                done, pending = wait(pending, timeout=2.0, return_when=FIRST_COMPLETED)
                for fut in done:
                    page_id, record_ids = fut.result()
                    to_index.extend(record_ids)
                    progress.page_done(ok=self._status([page_id]).get(page_id) == PageStatus.DONE)
                if to_index and (len(to_index) >= 32 or time.monotonic() - last_flush > 3 or not pending):
                    index_records(to_index, self.ctx)
                    to_index, last_flush = [], time.monotonic()
            return []
        except BrokenProcessPool:
            index_records(to_index, self.ctx)
            status = self._status(todo)
            left = [pid for pid in todo if status.get(pid) not in (PageStatus.DONE, PageStatus.FAILED)]
            # The page(s) that were running when the worker died are suspects; fail one after repeated deaths.
            for pid in left:
                if status.get(pid) == PageStatus.RUNNING:
                    crashes[pid] = crashes.get(pid, 0) + 1
                    if crashes[pid] >= MAX_CRASHES_PER_PAGE:
                        fail_page(pid, self.ctx, "worker_crashed",
                                  "Tiến trình xử lý bị dừng đột ngột nhiều lần khi xử lý trang này (thiếu bộ nhớ?)")
                        progress.page_done(ok=False)
            log.warning("a worker process died; restarting the pool for %d pages", len(left))
            _discard_pool(pool)
            return [pid for pid in left if crashes.get(pid, 0) < MAX_CRASHES_PER_PAGE]
        except BaseException:  # Ctrl-C, a database error: this batch's queued pages stop, the pool stays
            for fut in pending:
                fut.cancel()
            raise
