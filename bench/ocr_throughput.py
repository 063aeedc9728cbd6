"""Pages per minute and peak memory: the full pipeline (`sohoa ingest`, local pool) against bare `tesseract -l vie`
run on the same page images with the same number of parallel processes, and against OCRmyPDF (what Paperless-ngx
runs on every document: `ocrmypdf --rotate-pages --deskew -l vie --jobs N`) on the same book PDF.

    uv run python -m bench ocr_throughput --pages 12 --workers 2

``--places-seen`` runs the pipeline a second time, on a fresh home holding only the places the first run read
(``index.places_seen``): an office's next book, whose places were all read before. ``--next-book`` runs it again in
the first run's own installation (its database made, its index and places there), on the same pages saved as
another file: what every book after an office's first costs.
The machine may be shared: the load average before and after is printed with the table.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shlex
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from .common import Measured, machine, run_measured, table


class WorkerPeak:
    """Every 50 ms over the measured process's tree: the largest resident memory of one pool worker (Tesseract
    runs inside it; the figure the 400 MiB worker budget is about), and the CPU each process has used so far, by role
    (``cpu``: its last sample, so a Tesseract's last 50 ms are missed and the roles add up to a little less than
    the whole run's CPU)."""

    def __init__(self) -> None:
        self.peak, self._stop = 0, threading.Event()
        self._cpu: dict[int, tuple[str, float]] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        root = None  # the measured process: this one's first child (its orphans, adopted later, are not it)
        while not self._stop.is_set():
            root = root or next(iter(psutil.Process().children()), None)
            if root is not None and root.is_running():
                workers = _workers(root)
                for worker in workers:
                    total = 0
                    for p in [worker, *_children(worker, recursive=True)]:
                        try:
                            total += p.memory_info().rss
                        except psutil.Error:
                            pass
                    self.peak = max(self.peak, total)
                for p in [root, *_children(root, recursive=True)]:
                    try:
                        role = ("the command" if p.pid == root.pid else "pool workers" if p in workers
                                else "fork server" if "forkserver" in " ".join(p.cmdline()) else "other")
                        times = p.cpu_times()
                        self._cpu[p.pid] = (role, times.user + times.system)
                    except psutil.Error:
                        pass
            self._stop.wait(0.05)

    @property
    def cpu(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, seconds in self._cpu.values():
            out[role] = out.get(role, 0.0) + seconds
        return out

    def per_page(self, pages: int) -> str:
        """The CPU by role per page, the largest first."""
        return ", ".join(f"{role} {seconds / pages:.2f}"
                         for role, seconds in sorted(self.cpu.items(), key=lambda kv: -kv[1])
                         if seconds / pages >= 0.005)  # the start-up probe's `tesseract --version`, as "other"

    def __enter__(self) -> WorkerPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _workers(root: psutil.Process) -> list[psutil.Process]:
    """The pool workers under the measured process: the children of its pool's fork server, or its own children
    where there is none (forked from it by `sohoa ingest`, or spawned)."""
    out = []
    for child in _children(root):
        try:
            forkserver = "forkserver" in " ".join(child.cmdline())
        except psutil.Error:
            continue
        out += _children(child) if forkserver else [child]
    return out


_PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans() -> None:
    """Become the reaper of this process's orphaned descendants (Linux): the pool's fork server outlives the
    measured process for a moment, and a process's CPU reaches ``RUSAGE_CHILDREN`` only through a parent that
    waits for it — the fork server's, and its workers' with it, would otherwise be lost from the figure."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _reap_orphans(timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.05)


def cpu_measured(cmd: list[str], env: dict) -> tuple[Measured, float]:
    """``run_measured`` and the CPU seconds (user + system) of the whole process tree it ran, orphans included:
    on a machine others share, the wall clock stretches with their load, the CPU a page costs much less."""
    _adopt_orphans()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    measured = run_measured(cmd, env=env)
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return measured, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _children(p: psutil.Process, recursive: bool = False) -> list[psutil.Process]:
    try:
        return p.children(recursive=recursive)
    except psutil.Error:
        return []


def prepare(workdir: Path, pages: int, degradation: str) -> tuple[Path, list[Path]]:
    from domain.settings import Settings
    from ingest import render_page
    from samples import generate_book

    book = generate_book(workdir / "book", record_type="mixed", pages=pages, seed=11, degradation=degradation,
                         fmt="pdf")
    settings = Settings(home=workdir / "render-home")
    images = []
    for n in range(1, pages + 1):  # the exact rasters the pipeline OCRs, for the baseline
        path = workdir / "png" / f"p{n:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        render_page(book.path, "application/pdf", n, settings).save(path)
        images.append(path)
    return book.path, images


def _resaved(pdf: Path, to: Path) -> Path:
    """The same pages under another title: another file to the installation, the same rasters to Tesseract."""
    import pikepdf

    with pikepdf.open(pdf) as book:
        book.docinfo["/Title"] = "next book"
        book.save(to)
    return to


def _pipeline(pdf: Path, home: Path, workers: int) -> tuple[WorkerPeak, tuple[Measured, float]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(SOHOA_HOME=str(home), SOHOA_WORKERS=str(workers))
    with WorkerPeak() as worker:
        run = cpu_measured([sys.executable, "-m", "api", "ingest", str(pdf), "--json"], env=env)
    return worker, run


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench ocr_throughput")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--degradation", default="moderate")
    ap.add_argument("--no-ocrmypdf", action="store_true", help="leave the OCRmyPDF run out")
    ap.add_argument("--no-threads-row", action="store_true", help="leave out bare Tesseract with its own threads")
    ap.add_argument("--places-seen", action="store_true",
                    help="run the pipeline again on a fresh home holding the places the first run read")
    ap.add_argument("--next-book", action="store_true",
                    help="run the pipeline again in the first run's installation, the same pages as another file")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf, images = prepare(work, args.pages, args.degradation)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        listing = work / "pages.txt"
        listing.write_text("\n".join(str(p) for p in images) + "\n")
        bare, bare_cpu = cpu_measured(["bash", "-c", f"xargs -P {args.workers} -I{{}} tesseract {{}} {{}} -l vie "
                                       f"--oem 1 txt 2>/dev/null < {shlex.quote(str(listing))}"], env=env)
        threads = None if args.no_threads_row else cpu_measured(
            ["bash", "-c", f"xargs -P {args.workers} -I{{}} tesseract {{}} {{}} -l vie "
             f"2>/dev/null < {shlex.quote(str(listing))}"], env=dict(os.environ))
        worker, (pipe, pipe_cpu) = _pipeline(pdf, work / "home", args.workers)
        seen = None
        if args.places_seen:  # an office's next book: a fresh home but for the places the first run read
            (work / "home2").mkdir()
            for path in (work / "home").glob("places.sqlite3*"):
                shutil.copy(path, work / "home2" / path.name)
            seen = _pipeline(pdf, work / "home2", args.workers)
        # the same pages as another file (its own checksum: not refused as a book already taken in)
        nxt = _pipeline(_resaved(pdf, work / "next.pdf"), work / "home", args.workers) if args.next_book else None
        # Its Python API, not its command: the command lowers its own priority (nice 5), which on a shared
        # machine would hand it less CPU than the runs beside it. The same options as the command line above.
        peer = None if args.no_ocrmypdf else cpu_measured(
            [sys.executable, "-c", "import sys, ocrmypdf; sys.exit(ocrmypdf.ocr(sys.argv[1], sys.argv[2], "
             "rotate_pages=True, deskew=True, language=['vie'], jobs=int(sys.argv[3]), progress_bar=False))",
             str(pdf), str(work / "ocrmypdf.pdf"), str(args.workers)], env=dict(os.environ))

    n = args.pages

    def row(label: str, run: tuple[Measured, float], does: str) -> list[str]:
        m, cpu = run
        return [label, f"{n / m.seconds * 60:.1f}", f"{m.seconds / n:.2f}", f"{cpu / n:.2f}", f"{m.peak_mib:.0f}",
                does + ("" if m.returncode == 0 else f" (exit {m.returncode})")]

    rows = [row("bare tesseract -l vie (OMP_THREAD_LIMIT=1)", (bare, bare_cpu), "text only")]
    if threads:
        rows.append(row("bare tesseract -l vie (default threads)", threads, "text only"))
    rows.append(row("sohoa ingest (full pipeline)", (pipe, pipe_cpu),
                    "render+clean-up+OCR+fields+store+index+book PDF"))
    if seen:
        rows.append(row("sohoa ingest, its places read before", seen[1], "the same, places.sqlite3 kept"))
    if nxt:
        rows.append(row("sohoa ingest, the office's next book", nxt[1], "the same, in the first run's installation"))
    if peer:
        rows.append(row("OCRmyPDF --rotate-pages --deskew -l vie", peer, "render+orientation+deskew+OCR+PDF/A"))
    print(f"ocr_throughput: {n} pages ({args.degradation}), {args.workers} parallel processes — {machine()}; "
          f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(table(["run", "pages/min", "s/page (wall)", "CPU s/page", "peak MiB", "does"], rows))
    print(f"largest pipeline worker (Tesseract runs inside it): {worker.peak / 2**20:.0f} MiB")
    print(f"pipeline CPU by process (sampled every 50 ms), s/page: {worker.per_page(n)}")
    print(f"pipeline / bare (OMP=1) time ratio: {pipe.seconds / bare.seconds:.2f}× (CPU: {pipe_cpu / bare_cpu:.2f}×)")
    if seen:
        (m, cpu) = seen[1]
        print(f"places read before, CPU by process, s/page: {seen[0].per_page(n)}")
        print(f"places read before / bare (OMP=1) time ratio: {m.seconds / bare.seconds:.2f}× "
              f"(CPU: {cpu / bare_cpu:.2f}×)")
    if nxt:
        (m, cpu) = nxt[1]
        print(f"next book / bare (OMP=1) time ratio: {m.seconds / bare.seconds:.2f}× (CPU: {cpu / bare_cpu:.2f}×)")
    if peer:
        m, cpu = peer
        print(f"pipeline / OCRmyPDF time ratio: {pipe.seconds / m.seconds:.2f}× (CPU: {pipe_cpu / cpu:.2f}×); "
              f"OCRmyPDF / bare: {m.seconds / bare.seconds:.2f}× (CPU: {cpu / bare_cpu:.2f}×)")


if __name__ == "__main__":
    main()
