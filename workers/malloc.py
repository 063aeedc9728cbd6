"""glibc's malloc arenas, for the processes that hold memory for long or build a lot of it at once."""
from __future__ import annotations

import ctypes
import os


def few_arenas() -> None:
    """glibc gives each busy thread its own malloc arena (up to 8 per core) and keeps their memory: under 20
    officers on 100k records the server held 414 MiB after the load, 250 MiB with two arenas; the start-up
    rebuild of 100,000 records (``workers.stages.prepare_index``'s child, Tantivy's writer threads) peaked at
    529–596 MiB, 438–451 with two (docs/benchmarks.md, officer_load). Set before the threads exist; an
    explicit MALLOC_ARENA_MAX (already applied by glibc) or another C library is left alone."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-8, 2)  # M_ARENA_MAX
