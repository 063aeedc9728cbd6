"""The local pool's fork server: a fresh interpreter that imports ``workers.preload`` (the pipeline's modules,
the gazetteer, the syllable model: ≈ 2 s of CPU) once, and from which a pool's workers are forked when the
process that owns the pool may hold open handles or threads (a server, a pool rebuilt after a worker died).
``sohoa ingest`` forks its first pool from itself instead (``workers.local.start_pool``)."""
from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["workers.preload"]


def pool_context() -> BaseContext:
    """Workers forked from the fork server: no forked copies of this process's open database or index handles
    (which is why a plain fork is not used there), and no seconds of imports per worker (which a spawned worker
    pays). Spawn where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(PRELOAD)  # read when the server starts: the first pool of a process
    return mp
