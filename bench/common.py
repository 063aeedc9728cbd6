"""Shared bits of the benchmarks: a memory sampler for a process tree, timing, the result table, and the
page scans and query typos the benchmarks make."""
from __future__ import annotations

import io
import os
import platform
import random
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psutil


class PeakRss:
    """Samples the summed resident memory of a process and all its descendants (every 50 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    seconds: float
    peak_mib: float
    returncode: int


def run_measured(cmd: Sequence[str], env: dict | None = None, timeout: float = 3600) -> Measured:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakRss(proc.pid) as mem:
        _, stderr = proc.communicate(timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(stderr.decode(errors="replace")[-2000:])
    return Measured(elapsed, mem.peak / 2**20, proc.returncode)


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return f"{platform.node()} · {os.cpu_count()} cores · {memory:.0f} GiB · {platform.python_version()}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table: readable in a terminal and pasteable into docs/benchmarks.md."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def as_scanned(image):
    """The page as the scanner's JPEG (quality 90), as generate_book writes it."""
    from PIL import Image

    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    out = Image.open(io.BytesIO(buf.getvalue()))
    out.load()
    return out


def typo(word: str, rng: random.Random) -> str:
    """One OCR-like slip: a letter replaced, in a word long enough to carry it."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("aeiounmhtc".replace(word[i], "")) + word[i + 1:]
