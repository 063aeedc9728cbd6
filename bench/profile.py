"""Where a page's seconds go: the pipeline's stages (render, clean-up, Tesseract, fields, stores, the batch's
finish) timed with cProfile on generated books, one process, beside bare `tesseract -l vie` on the same rasters.

    uv run python -m bench profile --pages 4 --degradation moderate poor

cProfile adds its overhead to Python code (not to Tesseract, OpenCV or pdftoppm, which run outside it): the
Python stages read a little slower here than in a plain run. The pool's start-up (a spawned interpreter
importing what a worker needs) is measured apart, as it is paid once per process, not per page.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import cpu_seconds, machine, table

# (label, file suffix, function[, caller's file suffix, caller]): the function's cumulative time (only what it
# spends when called from that caller, if given). Labels starting "  of which" are parts of the row above.
STAGES = [
    ("render the page (embedded image or pdftoppm)", "ingest/render.py", "_render"),
    ("photo check (a page on a desk?)", "ingest/photo.py", "flatten"),
    ("dark backing check and cut", "ingest/backing.py", "sheet"),
    ("levels (faded, tinted, dim paper)", "ocr/preprocess.py", "levelled"),
    ("seals washed out", "ocr/preprocess.py", "suppress_stamps"),
    ("coloured marks found (ocr.marks)", "ocr/marks.py", "colour_marks"),
    ("pen washed (ocr.marks)", "ocr/marks.py", "wash_pen"),
    ("black marks (signatures, grey seals)", "ocr/marks.py", "ink_marks"),
    ("sideways check and deskew", "ocr/preprocess.py", "straightened"),
    ("rules erased", "ocr/preprocess.py", "remove_rules"),
    ("unevenness", "ocr/preprocess.py", "unevenness"),
    ("binarised variant", "ocr/preprocess.py", "cleaned"),
    ("Tesseract runs", "ocr/tesseract.py", "run_tesseract"),
    ("  of which the TIFF handed to Tesseract", "PIL/Image.py", "save", "ocr/tesseract.py", "run_tesseract"),
    ("  of which what a seal or stamp covers, read again", "ocr/tesseract.py", "run_tesseract", "ocr/under_seal.py",
     "read_covered"),
    ("  of which lines the read left out, read again", "ocr/tesseract.py", "run_tesseract", "ocr/unread.py",
     "_read_again"),
    ("lines the read left out, found in the ink (ocr.unread)", "ocr/unread.py", "unread_boxes"),
    ("reading order + garbage", "ocr/layout.py", "reading_order"),
    ("diacritics post-correction", "ocr/correct/__init__.py", "correct_words"),
    ("record type", "ocr/record_type.py", "guess_record_type"),
    ("fields", "ocr/records.py", "extract_records"),
    ("page image JPEG for the store", "PIL/Image.py", "save", "workers/stages.py", "process_page"),
    ("stores' writes (image, words, PDF)", "storage/", "put_bytes"),
    ("batch finish (join, index, link, book PDF)", "workers/stages.py", "finalize_batch"),
    ("  of which the place-name parser's load (index.places)", "index/places.py", "_parser"),
]


def _seconds(stats: pstats.Stats, sfx: str, name: str, caller_sfx: str = "", caller: str = "") -> float:
    total = 0.0
    for (file, _, func), v in stats.stats.items():
        if func != name or not (file.endswith(sfx) or sfx.endswith("/") and sfx in file):
            continue
        total += sum(c[3] for (cf, _, cn), c in v[4].items() if cn == caller and cf.endswith(caller_sfx)) \
            if caller else v[3]
    return total


def _pool_start_s() -> float:
    """What a process does once before its first worker is forked from it (workers.preload: interpreter start,
    imports, the gazetteer and the syllable model), and a worker's own set-up (the Context)."""
    code = ("import workers.preload, workers.local as w; from domain.settings import Settings;"
            "w._init_worker(Settings(), w._owner())")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   env={**os.environ, "SOHOA_HOME": tempfile.mkdtemp()})
    return time.perf_counter() - start


def profile(degradation: str, pages: int, work: Path) -> tuple[list[list[str]], float, float]:
    from bench.ocr_throughput import prepare
    from domain.settings import Settings
    from workers.batches import BatchMeta, pages_to_run, register_batch
    from workers.context import Context
    from workers.stages import finalize_batch, process_page

    pdf, images = prepare(work / degradation, pages, degradation)
    # What a pool worker has before its first page (its parent loaded it before forking it): the modules, the
    # gazetteer and the syllable model. Measured apart, once a process (_pool_start_s), not in the pages' rows.
    # And, as in a worker, OpenCV on one thread.
    import cv2

    import workers.preload  # noqa: F401

    cv2.setNumThreads(1)
    bare_start, bare_cpu = time.perf_counter(), cpu_seconds()
    for img in images:
        subprocess.run(["tesseract", str(img), str(img.with_suffix("")), "-l", "vie", "--oem", "1", "txt"],
                       check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    bare, bare_cpu = time.perf_counter() - bare_start, cpu_seconds() - bare_cpu

    ctx = Context(Settings(home=work / f"home-{degradation}"))
    batch = register_batch([pdf], BatchMeta(), ctx).batch_id
    ids = pages_to_run(batch, ctx)
    prof = cProfile.Profile()
    start = time.perf_counter()
    cpu = cpu_seconds()
    prof.enable()
    for pid in ids:
        process_page(pid, ctx)
    finalize_batch(batch, ctx)
    prof.disable()
    total, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    ctx.close()
    stats = pstats.Stats(prof)
    rows, named = [], 0.0

    def row(label: str, sec: float) -> list[str]:
        return [label, f"{sec:.2f}", f"{sec / pages:.3f}", f"{sec / total:.0%}"]

    for label, *where in STAGES:
        sec = _seconds(stats, *where)
        named += 0 if label.startswith("  ") else sec
        rows.append(row(label, sec))
    rows.append(row("the rest (database, words JSON, Python glue)", total - named))
    rows.append(row(f"all, {pages} pages", total))
    return rows, total, bare, cpu, bare_cpu


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench profile")
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--degradation", nargs="+", default=["moderate", "poor"])
    args = ap.parse_args(argv)
    print(f"profile: {args.pages} pages per degradation, one process — {machine()}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        for degradation in args.degradation:
            rows, total, bare, cpu, bare_cpu = profile(degradation, args.pages, Path(tmp))
            print(f"\n{degradation}: pipeline {total:.2f} s vs bare `tesseract -l vie` {bare:.2f} s "
                  f"on the same rasters ({total / bare:.2f}×); CPU {cpu:.2f} s vs {bare_cpu:.2f} s "
                  f"({cpu / bare_cpu:.2f}×, under cProfile)")
            print(table(["stage", "s", "s/page", "share"], rows))
    print(f"\npool start-up (workers.preload loaded, one worker set up): {_pool_start_s():.2f} s, paid once per "
          "process; each worker is a fork of the process that loaded it")


if __name__ == "__main__":
    main()
