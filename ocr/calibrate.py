"""Calibrated field confidence: raw confidence (OCR × label × checks, see ocr/extract.py) → probability that the
value is exactly right, by an isotonic map per field group fitted on generated pages.

    python -m bench.calibrate [--pages 2] [--workers N]   # refit (bench/calibrate.py): writes ocr/calibration.json

The fit OCRs generated books (seeds 0.., every type, clean/moderate/poor; the accuracy benchmark uses other
seeds) and pools (raw confidence, right?) pairs per group; pool-adjacent-violators gives a monotone map, kept
as at most 12 knots and interpolated linearly. Without the file confidence stays raw.
"""
from __future__ import annotations

import json
from bisect import bisect_left
from functools import cache
from pathlib import Path

from domain.records import DATE_FIELDS, ID_FIELDS, NAME_FIELDS, PLACE_FIELDS

PATH = Path(__file__).with_name("calibration.json")
GROUPS = ("name", "date", "id", "place", "other")


def group(field: str) -> str:
    if field in NAME_FIELDS:
        return "name"
    if field in DATE_FIELDS or field.endswith(("birth_year", "birth_years", "in_words")):
        return "date"
    if field in ID_FIELDS:
        return "id"
    if field in PLACE_FIELDS:
        return "place"
    return "other"


@cache
def _knots() -> dict[str, list[list[float]]]:
    if not PATH.exists():
        return {}
    return json.loads(PATH.read_text(encoding="utf-8"))["groups"]


def calibrated(field: str, raw: float) -> float:
    knots = _knots().get(group(field))
    if not knots:
        return raw
    xs = [k[0] for k in knots]
    i = bisect_left(xs, raw)
    if i == 0:
        return knots[0][1]
    if i == len(xs):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1


def isotonic(pairs: list[tuple[float, bool]], max_knots: int = 12) -> list[list[float]]:
    """Pool-adjacent-violators on (x, y∈{0,1}) sorted by x → knots (mean x of block, mean y of block)."""
    blocks: list[list[float]] = []  # [sum_x, sum_y, n]
    for x, y in sorted(pairs):
        blocks.append([x, float(y), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            b = blocks.pop()
            for k in range(3):
                blocks[-1][k] += b[k]
    knots = [[sx / n, sy / n] for sx, sy, n in blocks]
    while len(knots) > max_knots:  # merge the closest neighbours in x
        i = min(range(len(knots) - 1), key=lambda j: knots[j + 1][0] - knots[j][0])
        knots[i:i + 2] = [[(knots[i][0] + knots[i + 1][0]) / 2, (knots[i][1] + knots[i + 1][1]) / 2]]
    # Never quite 1.0: a map fitted on a few dozen pages has not seen every way a value can go wrong.
    return [[round(x, 4), round(min(y, 0.995), 4)] for x, y in knots]
