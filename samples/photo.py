"""Phone photos and A3 spreads of generated pages, with ground truth, deterministic for a seed.

- ``photograph``: the page lying on a desk (wood grain, a patterned cloth or a plain dark top), turned up to
  ±10° with perspective, a gentle curl, a lamp's uneven light and a soft shadow (a hand or the phone), slight
  blur and sensor noise; returned as decoded JPEG at a phone's resolution, with the page's four corners.
- ``spread``: two pages side by side as an open register on A3 (landscape), with the binding's gutter shadow.
- ``generate_photos``: a folder of JPEG photos (or spread scans) and a ``.truth.json`` like ``generate_book``'s.

Only numpy/OpenCV drawing: no fonts beyond those the pages were rendered with.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from samples.book import BOOK_TYPES, LAYOUTS, render_pages
from samples.register_book import REGISTER_TYPES, register_pages
from samples.render import DPI

PHOTO_SIZE = (3000, 4000)  # width, height: a 12 MP phone held upright
SPREAD_PHOTO_SIZE = (4000, 3000)  # held sideways over an open register


@dataclass(slots=True)
class Photo:
    image: Image.Image  # RGB
    corners: np.ndarray  # 4×2 float: the page's top-left, top-right, bottom-right, bottom-left in the photo


DESKS = ("wood", "checks", "plain")


def _desk(rng: np.random.Generator, w: int, h: int, desk: str | None = None) -> np.ndarray:
    """A desk top, RGB uint8: wood grain, a checked cloth, or a plain dark laminate, with its own texture."""
    kind = int(rng.integers(0, 3))
    kind = DESKS.index(desk) if desk else kind
    yy, xx = np.mgrid[0:h // 4, 0:w // 4].astype(np.float32)
    if kind == 0:  # wood: warped stripes along a random direction
        angle = rng.uniform(0, np.pi)
        u = np.cos(angle) * xx + np.sin(angle) * yy
        v = -np.sin(angle) * xx + np.cos(angle) * yy
        warp = cv2.resize(rng.standard_normal((8, 8)).astype(np.float32), (w // 4, h // 4),
                          interpolation=cv2.INTER_CUBIC) * 12
        grain = 0.5 + 0.5 * np.sin((u + warp + 3 * np.sin(v / 40)) / rng.uniform(4, 9))
        base = np.array(rng.choice([[150, 100, 60], [120, 80, 45], [180, 135, 90]]), np.float32)
        img = base[None, None, :] * (0.75 + 0.35 * grain[..., None])
    elif kind == 1:  # a checked cloth, with light squares that are nearly paper-white
        cell = rng.uniform(25, 60)
        checks = ((xx // cell + yy // cell) % 2).astype(np.float32)
        light = np.array([235, 230, 220], np.float32)
        dark = np.array(rng.choice([[60, 90, 160], [160, 50, 50], [60, 120, 70]]), np.float32)
        img = light * checks[..., None] + dark * (1 - checks[..., None])
    else:  # plain laminate
        base = np.array(rng.choice([[70, 70, 75], [95, 85, 80], [40, 45, 55]]), np.float32)
        img = np.broadcast_to(base, (h // 4, w // 4, 3)).copy()
    img += rng.standard_normal(img.shape[:2]).astype(np.float32)[..., None] * 6
    img = cv2.resize(np.clip(img, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    return img


def _curl(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A gentle page curl: rows bend by up to ~0.3% of the height, most near one side, as paper lifting off."""
    h, w = page.shape[:2]
    amp = rng.uniform(0.0, 0.003) * h
    if amp < 1:
        return page
    x = np.linspace(0, 1, w, dtype=np.float32)
    bend = amp * (x if rng.random() < 0.5 else 1 - x) ** 2
    map_x = np.broadcast_to(np.arange(w, dtype=np.float32), (h, w))
    map_y = np.arange(h, dtype=np.float32)[:, None] + bend[None, :] * np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    return cv2.remap(page, map_x, np.ascontiguousarray(map_y), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _place(rng: np.random.Generator, pw: int, ph: int, w: int, h: int, max_turn: float) -> np.ndarray:
    """Corners of the page in the photo: fitted into 72–88% of the frame, turned, with perspective jitter."""
    fill = rng.uniform(0.72, 0.88)
    scale = fill * min(w / pw, h / ph)
    half = np.array([[-pw, -ph], [pw, -ph], [pw, ph], [-pw, ph]], np.float64) * scale / 2
    turn = np.deg2rad(rng.uniform(-max_turn, max_turn))
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    pts = half @ rot.T
    # Perspective: the phone leans a little; the far edge comes out shorter.
    pts += rng.uniform(-0.035, 0.035, size=(4, 2)) * np.array([pw, ph]) * scale
    lean = rng.uniform(-0.04, 0.04) * pw * scale
    pts[0, 0] += lean
    pts[1, 0] -= lean
    span = pts.max(axis=0) - pts.min(axis=0)
    shrink = min(1.0, float(np.min(0.94 * np.array([w, h]) / span)))  # the whole page in the frame, desk round it
    pts *= shrink
    span *= shrink
    room = np.array([w, h]) - span
    offset = np.array([w, h]) / 2 + rng.uniform(-0.3, 0.3, size=2) * np.maximum(room, 0) / 2
    pts += offset - (pts.max(axis=0) + pts.min(axis=0)) / 2
    return pts.astype(np.float32)


def _light(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Multiplicative light, float32 h×w: a lamp falling off across the frame and one soft shadow blob."""
    yy, xx = np.mgrid[0:h // 8, 0:w // 8].astype(np.float32)
    xx /= w / 8
    yy /= h / 8
    angle = rng.uniform(0, 2 * np.pi)
    field = 1.0 - rng.uniform(0.10, 0.25) * (0.5 + 0.5 * (np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)))
    shadow = np.zeros_like(field)
    # The shadow of a hand or the phone: an ellipse entering from one edge, blurred wide.
    cx, cy = rng.choice([0.0, 1.0]) if rng.random() < 0.5 else rng.uniform(0, 1), rng.uniform(0, 1)
    axes = (int(rng.uniform(0.15, 0.35) * w / 8), int(rng.uniform(0.2, 0.4) * h / 8))
    cv2.ellipse(shadow, (int(cx * w / 8), int(cy * h / 8)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shadow, (0, 0), rng.uniform(15, 30))
    field *= 1.0 - rng.uniform(0.2, 0.35) * shadow / max(float(shadow.max()), 1e-6)
    return cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)


def _finish(img: np.ndarray, rng: np.random.Generator, blur: tuple[float, float],
            quality: tuple[int, int]) -> Image.Image:
    sigma = rng.uniform(*blur)
    if sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    noise = (rng.standard_normal(img.shape[:2], dtype=np.float32) * rng.uniform(2, 5)).astype(np.int16)
    img = cv2.merge([cv2.add(ch, noise, dtype=cv2.CV_8U) for ch in cv2.split(img)])
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(*quality))])
    assert ok
    return Image.open(io.BytesIO(buf.tobytes())).convert("RGB")


def photograph(page: Image.Image, rng: np.random.Generator, size: tuple[int, int] = PHOTO_SIZE,
               max_turn: float = 10.0, blur: tuple[float, float] = (0.6, 1.2),
               quality: tuple[int, int] = (80, 92), desk: str | None = None) -> Photo:
    """The page photographed on a desk (one of DESKS, or drawn at random); ``blur`` is the Gaussian sigma range
    in photo pixels."""
    w, h = size
    src = _curl(np.asarray(page.convert("RGB")), rng)
    ph, pw = src.shape[:2]
    corners = _place(rng, pw, ph, w, h, max_turn)
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]), corners)
    warped = cv2.warpPerspective(src, m, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (w, h), flags=cv2.INTER_LINEAR)
    desk_img = _desk(rng, w, h, desk)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    img = warped * alpha + desk_img * (1 - alpha)
    img = np.clip(img * _light(rng, w, h)[..., None], 0, 255).astype(np.uint8)
    return Photo(_finish(img, rng, blur, quality), corners)


def spread(left: Image.Image, right: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Two pages of an open register side by side on A3 landscape, the binding's shadow between them."""
    a, b = np.asarray(left.convert("RGB")), np.asarray(right.convert("RGB"))
    h = max(a.shape[0], b.shape[0])
    pad = [np.pad(x, ((0, h - x.shape[0]), (0, 0), (0, 0)), constant_values=255) for x in (a, b)]
    img = np.concatenate(pad, axis=1).astype(np.float32)
    w = img.shape[1]
    mid = a.shape[1] + rng.uniform(-0.01, 0.01) * w
    x = np.arange(w, dtype=np.float32)
    depth, width = rng.uniform(0.45, 0.75), rng.uniform(0.008, 0.02) * w
    gutter = 1.0 - depth * np.exp(-(((x - mid) / width) ** 2))
    img *= gutter[None, :, None]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def generate_photos(out_dir: Path, record_type: str = "birth", pages: int = 4, seed: int = 0,
                    kind: str = "photo", data_dir: Path | None = None, name: str | None = None,
                    layout: str = "form") -> Path:
    """``<name>/page-0001.jpg`` … and ``<name>.truth.json``; returns the truth path.

    ``kind`` "photo": each page photographed on a desk (truth pages carry their ``corners``); "spread": pages two
    by two on A3 scans (a last odd page alone); "spread-photo": those spreads photographed."""
    if kind not in ("photo", "spread", "spread-photo"):
        raise ValueError(f"unknown kind {kind!r}; choose photo, spread or spread-photo")
    if record_type not in BOOK_TYPES:
        raise ValueError(f"unknown record type {record_type!r}; choose one of {', '.join(BOOK_TYPES)}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout == "register" and record_type not in REGISTER_TYPES:
        raise ValueError(f"register books are made for {', '.join(REGISTER_TYPES)}, not {record_type!r}")
    if pages < 1:
        raise ValueError("a book needs at least one page")
    name = name or f"{record_type}{'-register' if layout == 'register' else ''}-{kind}-s{seed}"
    folder = Path(out_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    truth_pages: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    make = register_pages if layout == "register" else render_pages
    made = list(make(record_type, pages, seed, "clean", data_dir))
    groups = [made[i:i + 1] for i in range(len(made))] if kind == "photo" else \
        [made[i:i + 2] for i in range(0, len(made), 2)]
    for n, group in enumerate(groups, start=1):
        rng = np.random.default_rng([seed, 7001, n])
        if kind == "photo":
            landscape = group[0].image.width > group[0].image.height
            shot = photograph(group[0].image, rng, SPREAD_PHOTO_SIZE if landscape else PHOTO_SIZE)
            image, corners = shot.image, shot.corners.round(1).tolist()
        else:
            image = spread(group[0].image, group[1].image, rng) if len(group) == 2 else group[0].image
            corners = None
            if kind == "spread-photo":
                shot = photograph(image, rng, SPREAD_PHOTO_SIZE, max_turn=6.0)
                image, corners = shot.image, shot.corners.round(1).tolist()
        path = folder / f"page-{n:04d}.jpg"
        image.save(path, "JPEG", quality=92, dpi=(72, 72) if "photo" in kind else (DPI, DPI))
        images.append({"file": path.name, "corners": corners, "pages": [p.number for p in group]})
        truth_pages += [p.truth() for p in group]
    truth = {"book": name, "record_type": record_type, "layout": layout, "seed": seed, "degradation": kind,
             "format": "jpeg", "dpi": DPI, "files": [i["file"] for i in images], "images": images,
             "pages": truth_pages}
    truth_path = Path(out_dir) / f"{name}.truth.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth_path
