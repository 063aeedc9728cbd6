"""Numbers written by pen into a form's blanks ("Số: 125/QĐ-UBND", "ngày 12 tháng 4"), and into a receipt stamp.

Digits are drawn as strokes, each from a few control points jittered per stroke, slanted, on a wandering
baseline — no handwriting font, so the same seed gives the same pixels on any machine (the handwriting fonts
of samples.handwriting are optional). Returns a float coverage mask for ``samples.ink.apply_ink``.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# Control points per character in a unit box (x right, y down); a "." is a dot; letters are not written.
_STROKES: dict[str, tuple[tuple[float, float], ...]] = {
    "0": tuple((0.5 + 0.45 * math.sin(t), 0.5 - 0.5 * math.cos(t)) for t in np.linspace(-0.3, 2 * math.pi, 14)),
    "1": ((0.25, 0.22), (0.6, 0.0), (0.58, 1.0)),
    "2": ((0.1, 0.25), (0.35, 0.02), (0.75, 0.05), (0.88, 0.3), (0.6, 0.62), (0.08, 1.0), (0.95, 0.97)),
    "3": ((0.1, 0.1), (0.5, 0.0), (0.85, 0.2), (0.45, 0.48), (0.9, 0.7), (0.6, 1.0), (0.08, 0.88)),
    "4": ((0.72, 1.0), (0.7, 0.0), (0.05, 0.7), (0.98, 0.68)),
    "5": ((0.9, 0.0), (0.2, 0.02), (0.15, 0.45), (0.6, 0.38), (0.92, 0.65), (0.7, 0.97), (0.1, 0.9)),
    "6": ((0.8, 0.03), (0.4, 0.12), (0.1, 0.6), (0.22, 0.96), (0.7, 0.98), (0.9, 0.7), (0.6, 0.5), (0.15, 0.66)),
    "7": ((0.04, 0.02), (0.96, 0.0), (0.38, 1.0)),
    "8": ((0.5, 0.48), (0.15, 0.25), (0.5, 0.0), (0.85, 0.25), (0.5, 0.48), (0.1, 0.76), (0.5, 1.0),
          (0.9, 0.76), (0.5, 0.48)),
    "9": ((0.86, 0.35), (0.5, 0.52), (0.14, 0.3), (0.5, 0.0), (0.86, 0.25), (0.78, 1.0)),
    "/": ((0.85, -0.05), (0.15, 1.05)),
    "-": ((0.1, 0.55), (0.8, 0.5)),
}


def pen_mask(text: str, height: int, rng: np.random.Generator) -> np.ndarray:
    """``text`` (digits, "/", "-", ".", spaces) written by hand, letters ``height`` px tall."""
    slant = float(rng.uniform(0.05, 0.3))
    width = height * 0.58 * float(rng.uniform(0.85, 1.15))
    gap = height * float(rng.uniform(0.08, 0.22))
    pen = max(3, int(height * rng.uniform(0.07, 0.1)))
    pad = int(height * 0.6)
    total = int(sum(width * (0.5 if ch in "/.- " else 1.0) + gap for ch in text)) + 2 * pad
    img = Image.new("L", (total, height + 2 * pad), 0)
    draw = ImageDraw.Draw(img)
    x, wander = float(pad), 0.0
    for ch in text:
        w = width * (0.5 if ch in "/.- " else 1.0)
        wander += float(rng.normal(0, height * 0.04))
        scale = float(rng.uniform(0.9, 1.1))
        if ch == ".":
            r = pen * 0.8
            cx, cy = x + w / 2, pad + height + wander
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
        elif ch in _STROKES:
            pts = []
            for px, py in _STROKES[ch]:
                px += float(rng.normal(0, 0.035))
                py += float(rng.normal(0, 0.03))
                yy = pad + height * (1 - scale) + py * height * scale + wander
                pts.append((x + px * w + (pad + height - yy) * slant, yy))
            draw.line(_smooth(pts), fill=255, width=pen, joint="curve")
        x += w + gap
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    mask = np.asarray(img, dtype=np.float32) / 255.0
    pressure = float(rng.uniform(0.75, 0.95))
    ys, xs = np.nonzero(mask > 0.02)
    if len(xs) == 0:
        return mask[:1, :1] * 0
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1] * pressure


def _smooth(pts: list[tuple[float, float]], steps: int = 6) -> list[tuple[float, float]]:
    """Catmull-Rom through the control points: a pen's curve, not a polyline's corners."""
    if len(pts) < 3:
        return pts
    p = [pts[0], *pts, pts[-1]]
    out = []
    for i in range(1, len(p) - 2):
        for t in np.linspace(0, 1, steps, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(tuple(0.5 * (2 * p[i][k] + (-p[i - 1][k] + p[i + 1][k]) * t
                                    + (2 * p[i - 1][k] - 5 * p[i][k] + 4 * p[i + 1][k] - p[i + 2][k]) * t2
                                    + (-p[i - 1][k] + 3 * p[i][k] - 3 * p[i + 1][k] + p[i + 2][k]) * t3)
                             for k in (0, 1)))
    out.append(pts[-1])
    return out  # type: ignore[return-value]
