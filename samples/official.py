"""Administrative documents as Decree 30/2020/NĐ-CP lays them out (drawn by ``samples.official_draw``), scanned
by an office at 200 dpi, with a ground truth to tune reading order and stamp/handwriting detection on.

Truth (``OfficialPage.truth()``): ``text`` is the print only, read left header, right header, body, left footer,
right footer (``blocks`` has each with its lines and box); ``regions`` are the seal, signature, stamp and each
handwritten value, with their boxes on the final image and what they say — never part of ``text``. Boxes
follow the scan's skew (fiducials degraded with the same random draws, an affine fitted to them).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from samples.degrade import LEVELS, degrade, level, stamp_overlap
from samples.official_draw import HEIGHT, WIDTH, Box, draw_page
from samples.official_text import KINDS, document, ministry_document

SCAN_DPI = 200
# A mix deals its scan kinds in a fixed cycle (page i: ``MIXES[mix][i % len]``) and the document kinds in
# another (``KINDS[i % 4]``), so any two seeds of the same page count hold the same count of each: a held-out
# seed differs from the tuning one in content and random draws only. Drawn at random, 4 pages a seed gave one
# run two photocopies and the other one — 2.9 points of word recall apart from that alone.
MIXES = {"office": ("moderate", "poor", "clean", "moderate", "poor")}


@dataclass(slots=True)
class OfficialPage:
    number: int
    kind: str
    level: str
    image: Image.Image
    blocks: list[dict[str, Any]]
    regions: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(line for b in self.blocks for line in b["lines"])

    def truth(self) -> dict[str, Any]:
        return {"page": self.number, "kind": self.kind, "degradation": self.level, "dpi": SCAN_DPI,
                "size": list(self.image.size), "text": self.text, "blocks": self.blocks, "regions": self.regions}


_FIDUCIALS = np.array([(250, 300), (WIDTH - 250, 300), (250, HEIGHT - 300), (WIDTH - 250, HEIGHT - 300)],
                      dtype=np.float32)


def _scan(image: Image.Image, name: str, rng: np.random.Generator) -> tuple[Image.Image, np.ndarray]:
    """``degrade`` at 300 dpi and the affine it applied (fitted on fiducial dots degraded with a copy of the same
    random draws), then down to 200 dpi as an office scanner stores it."""
    twin = copy.deepcopy(rng)
    out = degrade(image, name, rng)
    dots = Image.new("RGB", image.size, (255, 255, 255))
    dd = ImageDraw.Draw(dots)
    for x, y in _FIDUCIALS:
        dd.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(0, 0, 0))
    moved = np.asarray(degrade(dots, name, twin).convert("L"))
    found = []
    for x, y in _FIDUCIALS.astype(int):
        win = moved[y - 130:y + 130, x - 130:x + 130] < 110
        n, _, stats, cents = cv2.connectedComponentsWithStats(win.astype(np.uint8))
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) if n > 1 else 0
        found.append((x - 130 + cents[k][0], y - 130 + cents[k][1]) if k else (x, y))
    affine, _ = cv2.estimateAffine2D(_FIDUCIALS, np.array(found, dtype=np.float32), method=cv2.LMEDS)
    scale = SCAN_DPI / 300
    size = (round(WIDTH * scale), round(HEIGHT * scale))
    return out.resize(size, Image.LANCZOS), (affine if affine is not None else np.eye(2, 3)) * scale


def _moved(box: Box, affine: np.ndarray) -> list[int]:
    x0, y0, x1, y1 = box
    pts = np.array([(x0, y0, 1), (x1, y0, 1), (x0, y1, 1), (x1, y1, 1)], dtype=np.float64) @ affine.T
    return [int(pts[:, 0].min()), int(pts[:, 1].min()), int(np.ceil(pts[:, 0].max())), int(np.ceil(pts[:, 1].max()))]


def _level(degradation: str, i: int) -> str:
    if degradation in MIXES:
        return MIXES[degradation][i % len(MIXES[degradation])]
    return level(degradation).name


def _check(degradation: str) -> None:
    if degradation not in MIXES and degradation not in LEVELS:
        raise ValueError(f"không có kiểu quét {degradation!r}; chọn một trong: {', '.join([*LEVELS, *MIXES])}")


def official_pages(pages: int = 3, seed: int = 0, degradation: str = "tuning",
                   prose_dir: Path | None = None, start: int = 0, pen: str | None = None,
                   ministry: bool = False) -> Iterator[OfficialPage]:
    """Page ``i`` from generators seeded by (seed, i): the same seed, degradation and prose give the same
    pixels. ``degradation``: a level of samples.degrade (clean, moderate = office scan, poor = photocopy) or a
    mix (``MIXES``: "office", scan and document kinds stratified). ``start``: the first page's index (pages are
    independent). ``pen``: "black" writes every handwritten value in black ink (default: black, blue-black,
    violet or blue at random). ``ministry``: papers of ministries and the Government Office
    (``ministry_document``), drawn from seeds of their own, instead of local People's Committees'."""
    _check(degradation)
    make = ministry_document if ministry else document
    for i in range(start, start + pages):
        r = random.Random(f"official-{'ministry-' if ministry else ''}{seed}-{i}")
        rng = np.random.default_rng([seed, i, 31 if ministry else 30])
        lv = _level(degradation, i)
        doc = make(r, prose_dir, KINDS[i % len(KINDS)] if degradation in MIXES else None)
        clean, blocks, regions = draw_page(doc, rng, stamp_overlap(lv, rng), pen)
        image, affine = _scan(clean, lv, rng)
        for b in blocks:
            b["box"] = _moved(b["box"], affine)
        for reg in regions:
            reg["box"] = _moved(reg["box"], affine)
        yield OfficialPage(i + 1, doc.kind, lv, image, blocks, regions)


def generate_official(out_dir: Path, pages: int = 3, seed: int = 0, degradation: str = "tuning",
                      prose_dir: Path | None = None, name: str | None = None) -> tuple[list[Path], Path]:
    """``<name>/page-0001.png`` … and ``<name>.truth.json`` (PNG: the scan as the office stored it)."""
    _check(degradation)
    out_dir = Path(out_dir)
    name = name or f"official-{degradation}-s{seed}"
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    paths, truths = [], []
    for page in official_pages(pages, seed, degradation, prose_dir):
        path = folder / f"page-{page.number:04d}.png"
        page.image.save(path, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
        paths.append(path)
        truths.append(page.truth())
    truth_path = out_dir / f"{name}.truth.json"
    truth_path.write_text(json.dumps({"book": name, "layout": "official", "seed": seed, "degradation": degradation,
                                      "dpi": SCAN_DPI, "files": [p.name for p in paths], "pages": truths},
                                     ensure_ascii=False, indent=1), encoding="utf-8")
    return paths, truth_path
