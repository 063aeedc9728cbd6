"""Index documents built in other processes during a bulk load (``sohoa reindex``, a refill after a schema change).

Building a record's document is Python: its values analysed (NFC, tone key, folding), its places read in both
eras, its JSON payload — ≈ 80–100 µs of CPU a record once the caches are warm and several times that while the
archive's places are read for the first time. The engines take prebuilt documents far faster (Tantivy adds
21–23k a second on 2 cores), so on one interpreter the build is the load's limit (docs/benchmarks.md, issue 13
item 4). During a bulk load the build is spread over spawned processes, one a core, and the calling process
only hands the engine what they return, in order.

Spawned, not forked: the caller may be a server with threads and open handles. Each process keeps its caches
for the whole load and reads and adds places through the same file as the caller (``index.places_seen``), and
looks them up in the same table of the gazetteer's (``index.places_table``).
Small upserts (a batch's records) are built in the calling process: the processes cost about a second to start.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from . import places
from .base import IndexDoc

log = logging.getLogger(__name__)
T = TypeVar("T")
PARALLEL_MIN = 1000  # records in one upsert before the build is spread
PIECE = 250  # records a process builds per task: amortises the hand-over, keeps results flowing
IN_FLIGHT = 4  # tasks a process may have queued: the load streams, never the whole archive at once


def _start(seen: Path | None, table: Path | None) -> None:
    # Ctrl-C reaches the whole process group: the caller stops the load and ends these processes, which
    # would otherwise each print a traceback of where the signal found them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    places.remember_in(seen, table)


def _build_all(build: Callable[[IndexDoc], Any], docs: list[tuple]) -> list[Any]:
    return [build(IndexDoc(*d)) for d in docs]


def _plain(d: IndexDoc) -> tuple:
    """A record as plain values: pickled in half the time of the dataclass (≈ 20 against 40 µs there and back)."""
    return d.record_id, d.type, d.fields, d.batch_id, d.source, d.status


def processes() -> int:
    """One a core (the engine's own threads and the caller share them), at most eight."""
    return min(os.cpu_count() or 1, 8)


class Builders:
    """``map(build, docs)`` in order, spread over processes for large inputs. ``build`` must be a module-level
    function (it is sent to the processes by name). Started at the first large input, stopped by ``close``."""

    def __init__(self, build: Callable[[IndexDoc], T], workers: int | None = None) -> None:
        self.build = build
        self.workers = workers or processes()
        self._pool: ProcessPoolExecutor | None = None

    def map(self, docs: Iterable[IndexDoc]) -> Iterator[T]:
        """Streams: a generator of a million records is read a few thousand ahead of what is returned."""
        rest = iter(docs)
        head = list(islice(rest, PARALLEL_MIN))
        docs = chain(head, rest)
        # (a daemonic process, as multiprocessing's workers are, may not start processes)
        if self.workers < 2 or len(head) < PARALLEL_MIN or multiprocessing.current_process().daemon:
            return map(self.build, docs)
        return self._spread(docs)

    def _spread(self, docs: Iterator[IndexDoc]) -> Iterator[T]:
        pool = self._pool or self._open()
        plain = map(_plain, docs)
        pieces = iter(lambda: list(islice(plain, PIECE)), [])
        pending: list[Future] = [pool.submit(_build_all, self.build, p)
                                 for p in islice(pieces, self.workers * IN_FLIGHT)]
        while pending:
            done = pending.pop(0).result()  # a process that died raises BrokenProcessPool here, never hangs
            for p in islice(pieces, 1):
                pending.append(pool.submit(_build_all, self.build, p))
            yield from done

    def _open(self) -> ProcessPoolExecutor:
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start, initargs=places.sources())
        log.info("index documents built in %d processes", self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
