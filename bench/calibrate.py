"""Refit the calibration of field confidences (ocr/calibration.json) on generated pages.

    uv run python -m bench.calibrate [--pages 2] [--workers N]

It OCRs generated books (seeds 0.., every type, clean/moderate/poor; the accuracy benchmark uses other seeds),
pools (raw confidence, right?) pairs per field group and fits a monotone map with ``ocr.calibrate.isotonic``.
It lives with the benchmarks because, like them, it drives the sample generator through the OCR pipeline.
"""
from __future__ import annotations

import argparse
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ocr.calibrate import GROUPS, PATH, group, isotonic

from .common import as_scanned


def _pairs_for(record_type: str, level: str, pages: int, seed: int) -> list[tuple[str, float, bool]]:
    from domain.errors import PageFailed
    from domain.settings import Settings
    from ocr import extract_records
    from ocr.metrics import field_matches
    from ocr.page import ocr_page
    from samples import render_pages

    settings = Settings(home=Path("/tmp/sohoa-calibrate"))
    out = []
    for page in render_pages(record_type, pages, seed, level):
        try:
            result = ocr_page(as_scanned(page.image), settings, want_pdf=False)
        except PageFailed:
            continue
        truth = page.truth()
        entries = truth.get("entries") or [truth]
        records = extract_records(result, truth["type"], raw=True)
        for rec, want in zip(records, entries, strict=False):
            for field, value in rec.fields.items():
                if field in want["fields"]:
                    out.append((field, rec.confidence[field], field_matches(field, value, want["fields"][field])))
    return out


def fit(pages: int, workers: int) -> dict:
    jobs = [(t, lv, pages, seed) for seed, t in enumerate(("birth", "marriage", "death", "land"))
            for lv in ("clean", "moderate", "poor")]
    with ProcessPoolExecutor(workers) as pool:
        results = [f.result() for f in [pool.submit(_pairs_for, *j) for j in jobs]]
    by_group: dict[str, list[tuple[float, bool]]] = {g: [] for g in GROUPS}
    for rows in results:
        for field, c, ok in rows:
            by_group[group(field)].append((c, ok))
    return {"fitted_on": f"{pages} generated pages per type and level (seeds 0-3), samples generator",
            "pairs": {g: len(v) for g, v in by_group.items()},
            "groups": {g: isotonic(v) for g, v in by_group.items() if v}}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.calibrate")
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    result = fit(args.pages, args.workers)
    PATH.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
