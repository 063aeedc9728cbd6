"""What setting seals, stamps, signatures and handwriting aside (ocr.marks) costs per page, beside the plain
Tesseract run it must stay small against (issue 14: a page at most 1.5× plain Tesseract's time).

    .venv/bin/python -m bench marks              # 3 official documents (tuning seed) + 3 generated forms
    .venv/bin/python -m bench marks --pages 1

Per page: ms for the colour pass (``colour_marks`` + ``wash_pen``), the stroke pass (``ink_marks``), and seconds
for ``tesseract IMG stdout -l vie`` on the same image (one thread). Results go to docs/benchmarks.md under
"## marks".
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time

import numpy as np

from .accuracy import TEMPLATE_RUNS
from .common import machine, plain_tesseract, table, write_doc


def _pages(n: int):
    from samples import render_pages
    from samples.official import official_pages

    from .common import as_scanned

    seed, mix = next((s, mix) for split, s, mix in TEMPLATE_RUNS if split == "tuning")
    for page in official_pages(n, seed, mix):
        yield f"official {page.number} ({page.level})", page.image
    for k, record_type in enumerate(("birth", "marriage", "land")[:n]):
        page = next(render_pages(record_type, 1, 900 + k, "moderate"))
        yield f"{record_type} form (moderate)", as_scanned(page.image)


def measure(name: str, image) -> list[object]:
    from ocr import marks, preprocess
    from ocr.page import prepare

    rgb = preprocess.to_rgb_array(image)
    grey = preprocess.suppress_stamps(rgb)
    t0 = time.perf_counter()
    found = marks.colour_marks(rgb)
    marks.wash_pen(grey, rgb, found)
    t1 = time.perf_counter()
    upright = prepare(image)[0]
    t2 = time.perf_counter()
    _, inked = marks.ink_marks(upright, found)
    t3 = time.perf_counter()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    plain = plain_tesseract(buf.getvalue())[1]
    extra = (t1 - t0) + (t3 - t2)
    return [name, f"{image.width}×{image.height}", len(found) + len(inked), f"{1000 * (t1 - t0):.0f}",
            f"{1000 * (t3 - t2):.0f}", f"{plain:.2f}", f"{100 * extra / plain:.1f}%"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench marks")
    ap.add_argument("--pages", type=int, default=3, help="official documents and generated forms (3 each)")
    ap.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args(argv)
    rows = [measure(name, image) for name, image in _pages(args.pages)]
    share = np.mean([float(r[-1].rstrip("%")) for r in rows])
    body = table(["page", "size", "marks", "colour pass ms", "stroke pass ms", "plain Tesseract s",
                  "marks / plain"], rows)
    body += (f"\n\nMean cost of finding and washing the marks: {share:.1f}% of a plain Tesseract run on the same "
             f"page. {machine()}; load {os.getloadavg()[0]:.1f} at the end (the machine is shared).")
    print(body)
    if not args.no_doc:
        command = "python -m bench marks " + " ".join(argv if argv is not None else sys.argv[2:])
        write_doc(command.strip(), body, "marks")


if __name__ == "__main__":
    main()
