"""Pages per minute and peak memory: the full pipeline (`sohoa ingest`, local pool) against bare `tesseract -l vie`
run on the same page images with the same number of parallel processes.

    uv run python -m bench ocr_throughput --pages 12 --workers 2
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from .common import machine, run_measured, table


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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench ocr_throughput")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--degradation", default="moderate")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf, images = prepare(work, args.pages, args.degradation)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        listing = work / "pages.txt"
        listing.write_text("\n".join(str(p) for p in images) + "\n")
        bare = run_measured(["bash", "-c", f"xargs -P {args.workers} -I{{}} tesseract {{}} {{}} -l vie --oem 1 txt "
                             f"2>/dev/null < {shlex.quote(str(listing))}"], env=env)
        bare_default = run_measured(["bash", "-c", f"xargs -P {args.workers} -I{{}} tesseract {{}} {{}} -l vie "
                                     f"2>/dev/null < {shlex.quote(str(listing))}"], env=dict(os.environ))
        penv = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        penv.update(SOHOA_HOME=str(work / "home"), SOHOA_WORKERS=str(args.workers))
        pipe = run_measured([sys.executable, "-m", "api", "ingest", str(pdf), "--json"], env=penv)

    n = args.pages
    rows = [
        ["bare tesseract -l vie (OMP_THREAD_LIMIT=1)", f"{n / bare.seconds * 60:.1f}", f"{bare.seconds / n:.2f}",
         f"{bare.peak_mib:.0f}", "text only"],
        ["bare tesseract -l vie (default threads)", f"{n / bare_default.seconds * 60:.1f}",
         f"{bare_default.seconds / n:.2f}", f"{bare_default.peak_mib:.0f}", "text only"],
        ["sohoa ingest (full pipeline)", f"{n / pipe.seconds * 60:.1f}", f"{pipe.seconds / n:.2f}",
         f"{pipe.peak_mib:.0f}", "render+clean-up+OCR+fields+store+index+book PDF"
         + ("" if pipe.returncode == 0 else f" (exit {pipe.returncode})")],
    ]
    print(f"ocr_throughput: {n} pages ({args.degradation}), {args.workers} parallel processes — {machine()}")
    print(table(["run", "pages/min", "s/page (wall)", "peak MiB", "does"], rows))
    print(f"pipeline / bare (OMP=1) time ratio: {pipe.seconds / bare.seconds:.2f}×")


if __name__ == "__main__":
    main()
