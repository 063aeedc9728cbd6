"""Scan and photocopy artefacts, in named levels, deterministic for a given ``numpy`` Generator.

- ``clean``: the rendered page as is (a perfect flatbed scan of a new print).
- ``moderate``: an office scan of a kept document: skew 0.3–1.2°, slight yellowing, gentle uneven light,
  lens blur, downsampled to 200–240 dpi and back, sensor noise, a few specks, JPEG quality 70–85; the seal
  may creep over the signer's title.
- ``poor``: a bad photocopy scanned again: skew 1–3°, grey toner with crushed contrast, strong uneven light
  and dark lid shadows at the edges, yellowed paper, more blur, 150–170 dpi and back, heavy noise, toner specks,
  JPEG quality 35–55, the seal stamped over text lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    skew: Range = (0.0, 0.0)  # degrees, either sign
    tint: Range = (0.0, 0.0)  # 0 white … 1 old yellowed paper
    light: Range = (0.0, 0.0)  # amplitude of the illumination gradient
    blur: Range = (0.0, 0.0)  # gaussian sigma, px at 300 dpi
    dpi: Range | None = None  # resample through this resolution
    noise: Range = (0.0, 0.0)  # gaussian sigma, grey levels
    specks: int = 0
    jpeg: Range | None = None  # quality
    photocopy: bool = False
    stamp_overlap: Range = (0.0, 0.0)  # see render.render


LEVELS: dict[str, Level] = {
    "clean": Level("clean"),
    "moderate": Level(
        "moderate",
        skew=(0.3, 1.2),
        tint=(0.2, 0.5),
        light=(0.04, 0.10),
        blur=(0.5, 0.9),
        dpi=(200, 240),
        noise=(3, 6),
        specks=150,
        jpeg=(70, 85),
        stamp_overlap=(0.0, 0.35),
    ),
    "poor": Level(
        "poor",
        skew=(1.0, 3.0),
        tint=(0.6, 1.0),
        light=(0.15, 0.28),
        blur=(0.9, 1.4),
        dpi=(150, 170),
        noise=(8, 14),
        specks=2500,
        jpeg=(35, 55),
        photocopy=True,
        stamp_overlap=(0.5, 0.9),
    ),
}
YELLOW = np.array([238, 226, 190], dtype=np.float32) / 255.0  # aged paper, RGB


def level(name: str) -> Level:
    try:
        return LEVELS[name]
    except KeyError:
        raise ValueError(f"unknown degradation {name!r}; choose one of {', '.join(LEVELS)}") from None


def _pick(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def stamp_overlap(name: str, rng: np.random.Generator) -> float:
    return _pick(rng, level(name).stamp_overlap)


def degrade(image: Image.Image, name: str, rng: np.random.Generator) -> Image.Image:
    """Apply level ``name`` to an RGB page; ``poor`` returns a greyscale ("L") page, the others RGB."""
    lv = level(name)
    if lv.name == "clean":
        return image
    out = np.asarray(image.convert("RGB"))
    h, w = out.shape[:2]
    # Paper and light: multiply by the aged-paper tint and a smooth illumination field (uint8 maths: fast).
    tint = _pick(rng, lv.tint)
    factor = (1.0 - tint) + tint * YELLOW
    field = _illumination(rng, h, w, _pick(rng, lv.light))  # coarse, float
    paper = np.clip(field[..., None] * factor[None, None, :] * 255.0, 0, 255).astype(np.uint8)
    out = cv2.multiply(out, cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR), scale=1 / 255)
    if lv.photocopy:
        grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        toner = np.clip((np.arange(256, dtype=np.float32) - 55.0) * 1.35, 0, 255).astype(np.uint8)
        out = cv2.LUT(grey, toner)  # darks go darker, lights wash out
        _lid_shadows(out, rng)
    out = _skew(out, rng, lv)
    sigma = _pick(rng, lv.blur)
    if sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    if lv.dpi:
        scale = _pick(rng, lv.dpi) / 300.0
        small = cv2.resize(out, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    noise_sigma = _pick(rng, lv.noise)
    if noise_sigma > 0:
        noise = (rng.standard_normal((h, w), dtype=np.float32) * noise_sigma).astype(np.int16)
        if out.ndim == 2:
            out = cv2.add(out, noise, dtype=cv2.CV_8U)
        else:  # luminance noise, the same on every channel
            out = cv2.merge([cv2.add(ch, noise, dtype=cv2.CV_8U) for ch in cv2.split(out)])
    _specks(out, rng, lv.specks)
    if lv.jpeg:
        quality = int(_pick(rng, lv.jpeg))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED) if ok else out
    return Image.fromarray(out, "L" if out.ndim == 2 else "RGB")


def _illumination(rng: np.random.Generator, h: int, w: int, amplitude: float) -> np.ndarray:
    """1.0 ± amplitude: a tilted plane (lamp falloff) plus a soft low-frequency blotch field, at 1/8 of the
    page's size (smooth enough to be upscaled linearly)."""
    h, w = h // 8, w // 8
    if amplitude <= 0:
        return np.ones((h, w), dtype=np.float32)
    gy, gx = np.mgrid[0:8, 0:6].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    plane = np.cos(angle) * (gx / 5 - 0.5) + np.sin(angle) * (gy / 7 - 0.5)
    blotch = rng.standard_normal((8, 6)).astype(np.float32) * 0.35
    coarse = 1.0 - amplitude * (0.5 + plane + blotch - (plane + blotch).min()) / 1.5
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _skew(img: np.ndarray, rng: np.random.Generator, lv: Level) -> np.ndarray:
    degrees = _pick(rng, lv.skew) * (1 if rng.random() < 0.5 else -1)
    if degrees == 0:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2 + rng.uniform(-40, 40), h / 2 + rng.uniform(-40, 40)), degrees, 1.0)
    border = (30,) * 3 if lv.photocopy else (250,) * 3
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def _lid_shadows(img: np.ndarray, rng: np.random.Generator) -> None:
    """Dark bands along one or two edges (in place, greyscale), as when the copier lid does not close on a
    bound book."""
    for side in rng.choice(4, size=int(rng.integers(1, 3)), replace=False):
        depth = int(rng.integers(40, 160))
        ramp = np.linspace(0.15, 1.0, depth, dtype=np.float32)
        if side == 0:
            img[:depth] = img[:depth] * ramp[:, None]
        elif side == 1:
            img[-depth:] = img[-depth:] * ramp[::-1, None]
        elif side == 2:
            img[:, :depth] = img[:, :depth] * ramp[None, :]
        else:
            img[:, -depth:] = img[:, -depth:] * ramp[None, ::-1]


def _specks(img: np.ndarray, rng: np.random.Generator, count: int) -> None:
    if count <= 0:
        return
    h, w = img.shape[:2]
    xs = rng.integers(0, w, count)
    ys = rng.integers(0, h, count)
    radii = rng.choice([1, 1, 1, 2, 2, 3, 4], count)
    shades = rng.integers(20, 120, count)
    for x, y, r, s in zip(xs.tolist(), ys.tolist(), radii.tolist(), shades.tolist(), strict=True):
        cv2.circle(img, (x, y), r, (s,) * img.ndim, -1, lineType=cv2.LINE_AA)
