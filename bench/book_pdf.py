"""The book's searchable PDF: time and peak memory of assembling it (``workers.stages._book_pdf``) beside the ways
it was made before: until session 50 every page's PDF, scan included, joined in memory and stored as bytes; in
session 50 the scans added to one book in memory, written to a file.

    uv run python -m bench book_pdf --pages 200

Each side runs in a fresh process that does nothing else, over the same stored pages: a text page (a generated
page's own words drawn by ``ocr.searchable.text_page``) and its scan (that page as a 300-dpi colour JPEG, quality
90, as a scanner stores it), repeated. Peak memory is the process's high-water resident set, less what it held
before assembling; a program it runs (qpdf) is shown apart, its own peak.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from ocr.searchable import BOOK_PART

SIDES = ("page PDFs joined in memory (until session 50)", "one book in memory, written to a file (session 50)",
         f"now: parts of {BOOK_PART} pages joined by qpdf")


def _pages(ctx, n: int) -> list[tuple[str, str]]:
    """``n`` (text page, scan) keys in the store: one generated page, OCR'd once, its scan kept as a JPEG."""
    from ocr import ocr_page, text_page
    from samples.official import official_pages

    page = next(official_pages(1, seed=7, degradation="clean")).image.convert("RGB")
    page = page.resize((page.width * 3 // 2, page.height * 3 // 2))  # 200 → 300 dpi
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=90, dpi=(300, 300))
    read = ocr_page(page, ctx.settings)
    text = ctx.store.put_bytes(text_page(read.pdf, read.words, page.size, read.rotation, read.angle),
                               kind="pagepdf", suffix=".pdf").key
    scan = ctx.store.put_bytes(buf.getvalue(), kind="page", suffix=".jpg").key
    return [(text, scan)] * n


def _in_memory(pages: list[tuple[str, str]], ctx) -> str:
    """The former assembly: each page's PDF with its scan in it, the book joined and saved in memory."""
    import pikepdf

    from ocr import with_scan

    book = pikepdf.Pdf.new()
    for key, image_key in pages:
        page = pikepdf.Pdf.open(io.BytesIO(ctx.store.get_bytes(key)))
        with_scan(page, page.pages[0], ctx.store.get_bytes(image_key))
        buf = io.BytesIO()
        page.save(buf)  # the page PDF as it was stored, scan included
        book.pages.extend(pikepdf.Pdf.open(io.BytesIO(buf.getvalue())).pages)
    out = io.BytesIO()
    book.save(out, deterministic_id=True)
    return ctx.store.put_bytes(out.getvalue(), kind="book", suffix=".pdf").key


def _one_book(pages: list[tuple[str, str]], ctx) -> str:
    """Session 50's assembly: every page's scan added to one book, which pikepdf holds until it is saved."""
    import pikepdf

    from ocr import add_page

    with (tempfile.TemporaryDirectory(dir=ctx.cache_dir) as tmp, pikepdf.Pdf.new() as book,
          contextlib.ExitStack() as texts):
        for key, image_key in pages:
            add_page(book, ctx.store.get_bytes(key), ctx.store.get_bytes(image_key), texts)
        book.save(Path(tmp) / "book.pdf", deterministic_id=True)
        return ctx.store.put_file(Path(tmp) / "book.pdf", kind="book", suffix=".pdf").key


def _peak_mib() -> float:
    """This process's high-water resident set (VmHWM: per address space, so not the parent's from before the exec,
    as ``getrusage``'s maximum is on Linux)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(status["VmHWM"].split()[0]) / 1024


_programs: list[float] = []  # the peak of each program the assembly ran


def _watched(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """``subprocess.run`` for the assembly (its output captured, never raising, as the one call asks), its program's
    peak memory kept: its VmHWM read while it runs (the kernel's count for a finished child starts from the
    parent's, which it ran in until its exec)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, status = 0.0, Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        with contextlib.suppress(OSError, KeyError, ValueError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
            peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
        time.sleep(0.005)
    out, err = proc.communicate()
    _programs.append(peak)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _side(side: int, home: str) -> dict:
    """One side's assembly, in a process that did nothing else (its high-water mark is the assembly's)."""
    from domain.settings import Settings
    from ocr import searchable
    from workers.context import Context
    from workers.stages import _book_pdf

    ctx = Context(Settings(home=Path(home)))
    keys = [tuple(k) for k in json.loads((Path(home) / "pages.json").read_text())]
    searchable.subprocess = SimpleNamespace(run=_watched)  # (its module's name for it, this process only)
    before = _peak_mib()
    t = time.perf_counter()
    key = (_in_memory, _one_book, _book_pdf)[side](keys, ctx)
    seconds = time.perf_counter() - t
    peak = _peak_mib()
    size = ctx.store.download(key, Path(home) / "book.pdf").stat().st_size
    scan = len(ctx.store.get_bytes(keys[0][1]))
    ctx.close()
    return {"seconds": seconds, "peak_mib": peak - before, "child_mib": max(_programs, default=0),
            "book_mb": size / 1e6, "scan_kb": scan / 1e3}


def main(argv: list[str] | None = None) -> None:
    from bench.common import machine, table

    ap = argparse.ArgumentParser(prog="bench book_pdf")
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--side", type=int, choices=range(len(SIDES)), help=argparse.SUPPRESS)  # one side, in this process
    ap.add_argument("--home", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.side is not None:
        print(json.dumps(_side(args.side, args.home)))
        return
    from domain.settings import Settings
    from workers.context import Context

    rows = []
    with tempfile.TemporaryDirectory() as home:
        ctx = Context(Settings(home=Path(home)))
        (Path(home) / "pages.json").write_text(json.dumps(_pages(ctx, args.pages)))
        ctx.close()
        for side, label in enumerate(SIDES):
            out = subprocess.run([sys.executable, "-m", "bench", "book_pdf", "--side", str(side), "--home", home],
                                 capture_output=True, text=True, check=True)
            rows.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    print(f"book_pdf: {args.pages} pages, each a {rows[0][1]['scan_kb']:.0f} kB scan — {machine()}")
    print(table(["assembly", "time s", "peak MiB (above start)", "a program it ran, peak MiB", "book MB"],
                [[label, f"{g['seconds']:.1f}", f"{g['peak_mib']:.0f}",
                  f"{g['child_mib']:.0f}" if g["child_mib"] else "–", f"{g['book_mb']:.0f}"] for label, g in rows]))
    before, now = (max(g["peak_mib"], g["child_mib"]) for g in (rows[0][1], rows[-1][1]))
    print(f"peak memory now / before: {now / before:.2f}×" if before > 0 else "peak memory now / before: — (none)")
