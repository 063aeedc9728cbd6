"""The embedded executor under kill -9: a pool child dies mid-book, or the whole `sohoa ingest` process does.

Either way the book ends with every page done once: one record per page, as many index documents as records.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import func, select

from domain.settings import Settings
from storage.models import Page, PageStatus, Record, RecordPage

pytestmark = pytest.mark.slow

PAGES = 4


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from samples import generate_book

    return generate_book(tmp_path_factory.mktemp("book"), record_type="birth", pages=PAGES, seed=5,
                         degradation="moderate", fmt="pdf")


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def assert_each_page_once(settings: Settings, batch_id: str) -> None:
    from workers import Context

    ctx = Context(settings)
    try:
        with ctx.db.session() as s:
            statuses = dict(s.execute(select(Page.id, Page.status).where(Page.batch_id == batch_id)).all())
            n_records = s.scalar(select(func.count()).select_from(Record).where(Record.batch_id == batch_id))
            links = s.execute(select(RecordPage.page_id, func.count()).group_by(RecordPage.page_id)).all()
        assert len(statuses) == PAGES and set(statuses.values()) == {PageStatus.DONE}, statuses
        assert n_records == PAGES, f"{n_records} records for {PAGES} pages"
        assert len(links) == PAGES and all(n == 1 for _, n in links), links
        assert ctx.index.count() == n_records
    finally:
        ctx.close()


# -- a pool child killed -------------------------------------------------------------------------------------

def _pool_children() -> dict[int, psutil.Process]:
    """This process's ProcessPoolExecutor workers: the children of its pool's fork server (spawned children where
    there is none), not the fork server itself, the resource tracker or a worker's Tesseract."""
    out = {}
    for child in psutil.Process().children():
        try:
            cmd = " ".join(child.cmdline())
            if "forkserver" in cmd:
                out.update((worker.pid, worker) for worker in child.children())
            elif "spawn_main" in cmd and "resource_tracker" not in cmd:
                out[child.pid] = child
        except psutil.NoSuchProcess:
            continue
    return out


@pytest.mark.timeout(300)
def test_pool_child_killed_mid_book_pool_rebuilt_every_page_once(embedded_settings, book):
    from workers import Context
    from workers.batches import BatchMeta, pages_to_run, register_batch
    from workers.local import LocalExecutor

    ctx = Context(embedded_settings)
    batch_id = register_batch(list(book.paths), BatchMeta(record_type="birth"), ctx).batch_id
    errors: list[BaseException] = []

    def run() -> None:
        try:
            from workers import NoProgress

            LocalExecutor(ctx, workers=2).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        def victim() -> tuple[str, int] | None:
            with ctx.db.session() as s:
                for pid, worker in s.execute(select(Page.id, Page.worker).where(
                        Page.batch_id == batch_id, Page.status == PageStatus.RUNNING)):
                    child = int(worker.rsplit(":", 1)[1]) if worker else None
                    if child in _pool_children():
                        return pid, child
            return None

        _wait_for(lambda: victim() is not None, 120, "a page running in a pool child")
        page_id, child = victim()
        time.sleep(0.5)
        os.kill(child, signal.SIGKILL)
        thread.join(240)
        assert not thread.is_alive(), "the batch did not finish after the pool child was killed"
        assert not errors, errors
        with ctx.db.session() as s:
            assert s.get(Page, page_id).attempts >= 2, "the killed page was not run again"
    finally:
        ctx.close()
    assert_each_page_once(embedded_settings, batch_id)


# -- the whole CLI killed ------------------------------------------------------------------------------------

def _sohoa(home: Path, *args: str, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(SOHOA_HOME=str(home), SOHOA_WORKERS="2")
    return subprocess.Popen([sys.executable, "-m", "api", *args], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def _done_pages(home: Path) -> int:
    """Read the SQLite file directly (read-only) while the CLI writes it."""
    db = home / "sohoa.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM pages WHERE status = 'done'").fetchone()[0]
    except sqlite3.OperationalError:  # the tables are not created yet
        return 0


def _kill_ingest_mid_book(home: Path, book) -> None:
    proc = _sohoa(home, "ingest", *map(str, book.paths), "--type", "birth", "--json")
    try:
        _wait_for(lambda: _done_pages(home) >= 1 or proc.poll() is not None, 180, "the first page to be done")
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.communicate()}"
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its pool children, as a power cut would
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert _done_pages(home) < PAGES, "the whole book was done before the kill: nothing was interrupted"


def _finish(home: Path, *args: str) -> dict:
    proc = _sohoa(home, *args, "--json")
    stdout, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 0, f"sohoa {args} exited {proc.returncode}\n{stdout}\n{stderr}"
    return json.loads(stdout)


@pytest.mark.timeout(420)
@pytest.mark.parametrize("how", ["resume", "same-ingest"])
def test_ingest_killed_mid_book_then_finished_every_page_once(tmp_path, book, how):
    home = tmp_path / "home"
    _kill_ingest_mid_book(home, book)
    with sqlite3.connect(home / "sohoa.db") as conn:
        (batch_id,), = conn.execute("SELECT id FROM batches").fetchall()
    if how == "resume":
        rep = _finish(home, "ingest", "--resume", batch_id)
    else:
        rep = _finish(home, "ingest", *map(str, book.paths), "--type", "birth")
    assert rep["batch_id"] == batch_id
    assert rep["pages"] == PAGES and rep["records"] == PAGES and not rep["failed"]
    settings = Settings(home=home, workers=2, database_url="", storage_url="", index_url="", broker_url="")
    assert_each_page_once(settings, batch_id)
