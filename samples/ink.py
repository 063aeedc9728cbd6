"""Ink marks that are not text: the red round seal and the signer's pen scribble.

Both are returned as float32 coverage masks (0 = no ink, 1 = full ink) so the caller composites them with
``apply_ink`` as ink does on paper (multiply), which keeps black text visible under the red seal.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.fonts import font

STAMP_RED = (206, 32, 44)
PEN_BLUE = (28, 48, 150)


def stamp_mask(text: str, rng: np.random.Generator, diameter: int = 420) -> np.ndarray:
    """A round seal: double ring, ``text`` around the ring, a star in the centre; mottled like real ink."""
    size = diameter + 20
    c = size / 2
    r_out = diameter / 2
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    draw.ellipse((c - r_out, c - r_out, c + r_out, c + r_out), outline=255, width=9)
    r_in = r_out - 68
    draw.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=4)
    r_in2 = r_in - 30
    draw.ellipse((c - r_in2, c - r_in2, c + r_in2, c + r_in2), outline=255, width=3)
    _star(draw, c, c, r_in2 * 0.62)
    _ring_text(img, text, c, r_out - 38, height=38)
    mask = np.asarray(img, dtype=np.float32) / 255.0
    # Mottled ink: low-frequency density variation plus a few dry patches.
    low = rng.random((12, 12), dtype=np.float32)
    low = np.asarray(Image.fromarray((low * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC), np.float32)
    density = 0.55 + 0.45 * (low / 255.0)
    grain = rng.random((size, size), dtype=np.float32)
    mask *= density * (grain > 0.08)
    angle = float(rng.uniform(-25, 25))
    rotated = Image.fromarray((mask * 255).astype(np.uint8)).rotate(angle, resample=Image.BILINEAR)
    rotated = rotated.filter(ImageFilter.GaussianBlur(0.8))
    return np.asarray(rotated, dtype=np.float32) / 255.0 * 0.92


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    draw.polygon(points, fill=255)


def _ring_text(img: Image.Image, text: str, c: float, radius: float, height: int) -> None:
    """Letters upright, tops outward, clockwise, centred on the top; a short text is spaced out a little,
    a long one squeezed into a 330° arc."""
    f = font("sans-bold", height)
    widths = [f.getlength(ch) for ch in text]
    natural = sum(widths) / radius
    arc = min(math.radians(330), natural * 1.35)
    spacing = (arc - natural) / max(1, len(text) - 1) if natural < arc else 0.0
    scale = min(1.0, arc / natural) if natural else 1.0
    theta = math.radians(270) - arc / 2  # angles clockwise from +x (y points down): 270° is the top
    for ch, w in zip(text, widths, strict=True):
        step = w / radius * scale
        mid = theta + step / 2
        if ch.strip():
            glyph = Image.new("L", (height * 2, height * 2), 0)
            ImageDraw.Draw(glyph).text((height, height), ch, font=f, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(mid) - 90, resample=Image.BILINEAR)
            x = c + radius * math.cos(mid) - height
            y = c + radius * math.sin(mid) - height
            img.paste(255, (int(x), int(y)), glyph)
        theta += step + spacing


def signature_mask(rng: np.random.Generator, width: int = 460, height: int = 190) -> np.ndarray:
    """A pen scribble: a few looping strokes left to right and a flourish underneath."""
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    pen = int(rng.integers(4, 7))
    t = np.linspace(0.0, 1.0, 240)
    loops = rng.uniform(3, 6)
    x = 30 + t * (width * rng.uniform(0.6, 0.8)) + 28 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    y = (
        height * 0.45
        - 45 * np.cos(2 * np.pi * loops * t) * (1 - 0.5 * t)
        + 30 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * t)
    )
    draw.line(list(zip(x.tolist(), y.tolist(), strict=True)), fill=255, width=pen, joint="curve")
    # flourish: a long slightly curved stroke back under the name
    x0, x1 = float(x[-1]), float(rng.uniform(10, 60))
    fx = np.linspace(x0, x1, 60)
    fy = height * 0.72 + 18 * np.sin(np.linspace(0, np.pi, 60)) + rng.uniform(-10, 10)
    draw.line(list(zip(fx.tolist(), fy.tolist(), strict=True)), fill=255, width=max(3, pen - 1), joint="curve")
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    return np.asarray(img, dtype=np.float32) / 255.0 * 0.95


def apply_ink(page: np.ndarray, mask: np.ndarray, color: tuple[int, int, int], x: int, y: int) -> None:
    """Multiply ``color`` into ``page`` (H×W×3 uint8, in place) where ``mask`` (placed at x, y) has ink."""
    h, w = mask.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(page.shape[1], x + w), min(page.shape[0], y + h)
    if x0 >= x1 or y0 >= y1:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x, None]
    tint = np.asarray(color, dtype=np.float32) / 255.0
    region = page[y0:y1, x0:x1].astype(np.float32)
    page[y0:y1, x0:x1] = (region * (1.0 - m * (1.0 - tint))).astype(np.uint8)
