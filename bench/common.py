"""Shared bits of the benchmarks: a memory sampler for a process tree, timing, the result table, and the
page scans and query typos the benchmarks make."""
from __future__ import annotations

import io
import os
import platform
import random
import re
import resource
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children waited for (Tesseract, pdftoppm): what a shared machine's
    load changes least, where it stretches the wall clock."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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


def taken_in(jpeg_file: Path, settings):
    """A JPEG file (a phone photo, a scan) as the pipeline takes it in: the intake gate (InputRejected for a photo
    nobody could read), then the page rendered (ingest.render_page: a photo's page found and flattened)."""
    from ingest import photo, render_page

    photo.gate(jpeg_file, settings.max_image_pixels)
    return render_page(jpeg_file, "image/jpeg", 1, settings)


def photographed(page, rng, settings):
    """``page`` photographed on a desk by a phone (samples.photo, ``rng`` drawing the shot), saved as the phone
    would (JPEG 92), and taken in (``taken_in``)."""
    from samples.photo import photograph

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        photograph(page, rng).image.save(path, "JPEG", quality=92)
        return taken_in(path, settings)


def typo(word: str, rng: random.Random) -> str:
    """One OCR-like slip: a letter replaced, in a word long enough to carry it."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("aeiounmhtc".replace(word[i], "")) + word[i + 1:]


DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_doc(command: str, body: str, title: str) -> None:
    """Replace (or add) the "## ``title``" section of docs/benchmarks.md; other sections are left as they are."""
    section = f"## {title}\n\n`{command}` — {time.strftime('%Y-%m-%d')}, {machine()}\n\n{body}\n"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text, count=1) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def plain_tesseract(png: bytes) -> tuple[str, float]:
    """What plain ``tesseract IMG stdout -l vie`` reads from a PNG, and its wall time: the baseline every OCR
    benchmark puts beside ours (one thread, as our workers run it)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.png"
        src.write_bytes(png)
        t = time.perf_counter()
        out = subprocess.run(["tesseract", str(src), "stdout", "-l", "vie"], capture_output=True, env=env,
                             check=True)
        return out.stdout.decode("utf-8", "replace"), time.perf_counter() - t
