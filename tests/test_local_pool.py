"""The local pool outlives a batch: started once per process and settings, reused, replaced for other settings."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from workers import local


def _pids(pool, n: int) -> set[int]:
    return {f.result(timeout=120) for f in [pool.submit(local._ready) for _ in range(4 * n)]}


def test_pool_started_once_and_reused_then_replaced_for_other_settings(embedded_settings, tmp_path):
    try:
        local.start_pool(embedded_settings)
        pool = local._shared_pool(embedded_settings, embedded_settings.workers)
        first = _pids(pool, 2)
        assert len(first) <= 2
        # A second batch (another executor, the same settings) gets the same workers: no start-up again.
        assert local._shared_pool(embedded_settings, embedded_settings.workers) is pool
        assert len(first | _pids(pool, 2)) <= 2  # no worker started anew
        other = embedded_settings.model_copy(update={"home": tmp_path / "other"})
        replaced = local._shared_pool(other, 2)
        assert replaced is not pool
        assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in first)
    finally:
        if local._pool is not None:
            local._discard_pool(local._pool[2])


def test_workers_are_forked_from_one_server_that_loaded_what_they_need(embedded_settings):
    """One start-up for the pool: every worker a fork of the same fork server, which imported workers.preload."""
    try:
        pool = local._shared_pool(embedded_settings, 2)
        parents = {f.result(timeout=120) for f in [pool.submit(os.getppid) for _ in range(8)]}
        assert len(parents) == 1 and os.getpid() not in parents
        server = psutil.Process(parents.pop())
        assert server.parent().pid == os.getpid() and "forkserver" in " ".join(server.cmdline())
        assert "workers.preload" in " ".join(server.cmdline())  # the modules it loaded before any fork
    finally:
        if local._pool is not None:
            local._discard_pool(local._pool[2])


def _engines() -> list[str]:
    from ocr import tesseract

    return sorted(tesseract._local.__dict__.get("engines", {}))


def test_a_worker_starts_its_tesseract_before_its_first_page(embedded_settings):
    """The language's model is read while the parent still checks and stores the files, not on the first page."""
    try:
        pool = local._shared_pool(embedded_settings, 1)
        assert pool.submit(_engines).result(timeout=120) == [embedded_settings.ocr_lang]
    finally:
        if local._pool is not None:
            local._discard_pool(local._pool[2])


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_workers_and_their_fork_server_end_when_the_pools_owner_is_killed(tmp_path):
    """A server or `sohoa ingest` killed outright leaves no workers behind waiting on their queue for ever."""
    code = ("import os, signal, sys; from domain.settings import Settings; from storage import open_database;"
            "from workers import local; s = Settings(home=sys.argv[1], workers=2); open_database(s);"
            "pool = local._shared_pool(s, 2);"
            "pids = {f.result(timeout=300) for f in [pool.submit(local._ready) for _ in range(8)]};"
            "print(*pids, flush=True); os.kill(os.getpid(), signal.SIGKILL)")
    owner = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    workers = [int(p) for p in owner.stdout.readline().split()]
    left = workers + [psutil.Process(workers[0]).ppid()]  # and the fork server
    owner.wait(60)
    deadline = time.monotonic() + 120
    while not all(map(_gone, left)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert all(map(_gone, left)), [p for p in left if not _gone(p)]


def _loaded() -> bool:
    from domain.gazetteer import gazetteer
    from ocr.correct.model import model

    return gazetteer.cache_info().currsize == model.cache_info().currsize == 1


def test_ingest_forks_its_first_pool_from_itself_and_starts_no_fork_server(tmp_path):
    """`sohoa ingest` starts its pool before it opens anything, single-threaded: the workers are forks of the
    command itself, which imported the pipeline (no fork server importing it all a second time), and they work,
    the gazetteer and the syllable model loaded by each worker while the command goes on, not by the command."""
    code = ("import os, sys; from multiprocessing import forkserver; from domain.settings import Settings;"
            "from workers import local; from tests.test_local_pool import _loaded;"
            "s = Settings(home=sys.argv[1], workers=2); local.start_pool(s);"
            "from storage import open_database; open_database(s); pool = local._pool[2];"
            "parents = {f.result(timeout=300) for f in [pool.submit(os.getppid) for _ in range(8)]};"
            "print(parents == {os.getpid()}, forkserver._forkserver._forkserver_pid is None,"
            " all(pool.submit(_loaded).result(timeout=300) for _ in range(4)), not _loaded());"
            "local._discard_pool(pool)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True", "True"]
