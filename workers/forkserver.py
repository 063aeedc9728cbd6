"""The local pool's fork server: a fresh interpreter that imports ``workers.preload`` (the pipeline's modules,
the gazetteer, the syllable model: ≈ 2 s of CPU) once, and from which every pool worker is forked.

This module imports nothing heavy, so that a command can start the server first thing: its loading then runs
on the other core while the command imports the same modules for itself (≈ 2 s on the machines measured, each
paid one after the other before), instead of after them.
"""
from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["workers.preload"]


def pool_context() -> BaseContext:
    """Workers forked from the fork server: no forked copies of this process's open database or index handles
    (which is why a plain fork is never used), and no seconds of imports per worker (which a spawned worker
    pays). Spawn where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(PRELOAD)  # read when the server starts: the first pool of a process
    return mp


def start_fork_server() -> None:
    """Start the fork server now, in the background (its loading overlaps what the caller does next); the pool
    made later forks its workers from it. Nothing to do where there is none (spawned workers)."""
    if pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
