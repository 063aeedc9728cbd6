"""Which pages of an automatic batch become records: each page read by the pipeline, then its record type guessed
by today's ``ocr.record_type`` and by a baseline commit's, side by side.

    uv run python -m bench page_kinds                       # against 96dd5be, 4 pages a kind
    uv run python -m bench page_kinds --pages 2 --baseline none

Pages: civil-status extracts and land certificates (``samples``, office scans and photocopies in turn), register
pages, phone photos of extracts and certificates (``samples.photo``, through the photo intake), administrative
documents laid out as Decree 30/2020 prescribes (``samples.official``, the office mix) — which hold no record —
and, where ``../shared/data`` is present, the 20 ``ocr_forms_nomvn`` scans: applications (leave, residence,
enrolment, business) from another generator, which hold none either. The baseline's module is loaded from ``git
show REV:ocr/record_type.py`` beside today's other modules (``ocr.labels``).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .accuracy import NOMVN, REGISTERS, TYPES, _office_scan, _prose_dir
from .common import machine, photographed, table

REPO = Path(__file__).resolve().parents[1]
NONE = "—"  # no record


def _specs(pages: int, seed: int) -> list[tuple[str, str, int]]:
    specs = [(f"form:{t}", t, k) for t in TYPES for k in range(pages)]
    specs += [(f"register:{t}", t, k) for t in REGISTERS for k in range(max(1, pages // 2))]
    specs += [(f"photo:{t}", t, k) for t in TYPES for k in range(max(1, pages // 2))]
    specs += [("official", NONE, k) for k in range(2 * pages)]
    if NOMVN.is_dir():
        specs += [("nomvn", NONE, k) for k in range(len((NOMVN / "metadata.jsonl").read_text().splitlines()))]
    return specs


def _read(spec: tuple[str, str, int], seed: int) -> tuple[str, str, str]:
    """(group, expected type, the text our pipeline reads) of one page."""
    import tempfile

    import numpy as np
    from PIL import Image

    from domain.settings import Settings
    from ocr import ocr_page
    from samples.book import render_pages
    from samples.official import MIXES, official_pages
    from samples.register_book import register_pages

    what, expected, k = spec
    level = ("moderate", "poor")[k % 2]
    settings = Settings(home=Path(tempfile.gettempdir()) / "sohoa-bench-page-kinds")
    if what.startswith("form:"):
        image = next(render_pages(expected, 1, seed=seed, degradation=level, start=k)).image
    elif what.startswith("register:"):  # entries run on from page to page: the pages before are laid out too
        image = list(register_pages(expected, k + 1, seed=seed, degradation=level))[k].image
    elif what.startswith("photo:"):  # a phone photo through intake (gate, flattening), as the pipeline renders it
        flat = next(render_pages(expected, 1, seed=seed, degradation="clean", start=k)).image
        image = photographed(flat, np.random.default_rng([seed, 7001, k]), settings)
    elif what == "official":
        image = _office_scan(next(official_pages(1, seed, next(iter(MIXES)), _prose_dir(), start=k)).image)
    else:
        meta = json.loads((NOMVN / "metadata.jsonl").read_text().splitlines()[k])
        image = Image.open(NOMVN / meta["image"])
    return what.split(":")[0], expected, ocr_page(image, settings, want_pdf=False).text


def _baseline(rev: str):
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:ocr/record_type.py"], check=True,
                            capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("baseline_record_type", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{rev}:ocr/record_type.py", "exec"), module.__dict__)
    return module


def _name(guess) -> str:
    return NONE if guess is None else str(guess.value)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench page_kinds", description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=4, help="pages a record type (administrative documents: twice)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", default="96dd5be", help="git revision to compare with, or 'none'")
    args = ap.parse_args(argv)

    from ocr import guess_record_type

    sides = {"new": guess_record_type}
    if args.baseline != "none":
        sides = {"baseline": _baseline(args.baseline).guess_record_type, **sides}
    specs = _specs(args.pages, args.seed)
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        read = list(pool.map(_read, specs, [args.seed] * len(specs)))
    right: dict[tuple[str, str], Counter] = {}
    for group, expected, text in read:
        for side, guess in sides.items():
            got = _name(guess(text))
            right.setdefault((group, side), Counter())[got == expected] += 1
            right.setdefault((group, f"{side}:as"), Counter())[got] += 1
    groups = list(dict.fromkeys(g for g, _, _ in read))
    rows = []
    for group in groups:
        n = sum(right[(group, "new")].values())
        row = [group, n]
        for side in sides:
            as_ = ", ".join(f"{k} {v}" for k, v in sorted(right[(group, f"{side}:as")].items()))
            row += [f"{right[(group, side)][True]}/{n}", as_]
        rows.append(row)
    heads = ["pages", "n"] + [h for side in sides for h in (f"right, {side}", f"read as, {side}")]
    print(f"{machine()}; seed {args.seed}; baseline {args.baseline}; {len(read)} pages read in "
          f"{time.perf_counter() - started:.0f} s")
    print(table(heads, rows))


if __name__ == "__main__":
    main(sys.argv[1:])
