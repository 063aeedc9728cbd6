"""What setting seals, stamps, signatures and handwriting aside (ocr.marks) costs per page, beside the plain
Tesseract run it must stay small against (issue 14: a page at most 1.5× plain Tesseract's time).

    .venv/bin/python -m bench marks              # 3 official documents (tuning seed) + 3 generated forms
    .venv/bin/python -m bench marks --pages 1
    .venv/bin/python -m bench marks --regions 10 # where the marks are found: official pages, tuning and held out

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


def _upright(image, regions: list[dict]) -> list:
    """The truth's regions as ``ocr.marks.Mark`` boxes in the image read (turned and deskewed as prepare does)."""
    from ocr import marks, preprocess

    grey = np.array(image) if image.mode == "L" else preprocess.suppress_stamps(preprocess.to_rgb_array(image))
    binary = preprocess.small_binary(grey)
    _, rotation, angle = preprocess.straightened(grey, binary)
    boxes = [marks.Mark(r["kind"], r["box"][0], r["box"][1], r["box"][2] - r["box"][0], r["box"][3] - r["box"][1],
                        1.0) for r in regions]
    return marks.moved(boxes, grey.shape, rotation, angle)


def _meets(a, b) -> bool:
    return a.left < b.left + b.width and b.left < a.left + a.width and a.top < b.top + b.height \
        and b.top < a.top + a.height


def regions(pages: int, pen: str | None) -> list[list[object]]:
    """Per run: handwritten values (number, day, month, the receipt stamp's number and date) found as handwriting,
    found inside any mark (a value written into a stamp is the stamp's), and marks found on print alone."""
    from ocr.page import prepare_marked
    from samples.official import official_pages

    from .accuracy import TEMPLATE_RUNS, _office_scan

    rows = []
    for split, seed, mix in TEMPLATE_RUNS:
        n = as_hand = in_mark = on_print = 0
        for page in official_pages(pages, seed, mix, pen=pen):
            image = _office_scan(page.image)
            truth = _upright(image, page.regions)
            found = prepare_marked(image)[3]
            hand = [t for t in truth if t.kind == "handwriting"]
            n += len(hand)
            as_hand += sum(any(_meets(t, f) for f in found if f.kind == "handwriting") for t in hand)
            in_mark += sum(any(_meets(t, f) for f in found) for t in hand)
            on_print += sum(not any(_meets(t, f) for t in truth) for f in found)
        rows.append([f"{split} (seed {seed}, {mix} mix)", pen or "any", pages, n, f"{as_hand / n:.0%}",
                     f"{in_mark / n:.0%}", on_print])
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench marks")
    ap.add_argument("--pages", type=int, default=3, help="official documents and generated forms (3 each)")
    ap.add_argument("--regions", type=int, help="instead: where marks are found on this many official pages per "
                                                "run, pens drawn at random and every value in black")
    ap.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args(argv)
    if args.regions:
        rows = regions(args.regions, None) + regions(args.regions, "black")
        body = table(["run", "pen", "pages", "handwritten values", "found as handwriting", "inside any mark",
                      "marks on print alone"], rows)
        body += (f"\n\nHandwritten values: the truth's number, day, month and the receipt stamp's number and date "
                 "(samples.official), boxes moved into the image read; found when a mark's box meets the value's. "
                 f"{machine()}; load {os.getloadavg()[0]:.1f} at the end.")
        print(body)
        if not args.no_doc:
            write_doc(f"python -m bench marks --regions {args.regions}", body, "marks: where they are found")
        return
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
