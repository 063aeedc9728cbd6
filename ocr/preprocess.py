"""Page images → what Tesseract reads best: colour stamps washed out, upright, deskewed; plus an optional
cleaned (denoised, binarised) variant for pages whose plain grey OCR is poor.

Geometry works on a downscaled binary copy (≈1000 px wide) so it costs milliseconds.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

_WORK_WIDTH = 1000
_MIN_SKEW_DEG = 0.2


def to_rgb_array(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I", "F"):
        arr = np.asarray(image, dtype=np.float64)
        arr = (255 * (arr - arr.min()) / max(arr.ptp(), 1)).astype(np.uint8)
        return np.dstack([arr] * 3)
    if image.mode == "RGBA":  # transparent areas are paper
        bg = Image.new("RGB", image.size, "white")
        bg.paste(image, mask=image.getchannel("A"))
        image = bg
    return np.asarray(image.convert("RGB"))


def suppress_stamps(rgb: np.ndarray) -> np.ndarray:
    """Grey page in which vivid red and blue ink (stamps, seals) turns to paper while black text stays.

    On coloured pixels the brightest channel is used: a red stamp is bright in R, a blue one in B, so they
    wash out; black print, dark in every channel, survives even where a stamp overlaps it. Pixels without
    colour keep ordinary luminance, so grey scans are untouched. Caveat: vivid blue handwriting fades too.
    """
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = rgb[::8, ::8].astype(np.int16)
    if not ((small.max(axis=2) - small.min(axis=2)) >= 60).any():  # no vivid colour anywhere: skip the work
        return grey
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    # OpenCV hue is 0..179: red wraps around 0, blue/violet sits around 100..160.
    reddish = (hue <= 12) | (hue >= 150)
    bluish = (hue >= 95) & (hue < 150)
    stamp = (sat >= 40) & (val >= 90) & (reddish | bluish)
    if not stamp.any():
        return grey
    brightest = rgb.max(axis=2)
    out = grey.copy()
    out[stamp] = brightest[stamp]
    return out


def _small_binary(grey: np.ndarray) -> np.ndarray:
    """Text pixels = 255 on a copy about _WORK_WIDTH wide."""
    scale = min(1.0, _WORK_WIDTH / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    # Local threshold: dark photocopy borders and uneven lighting are not ink; specks are dropped.
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    # Long straight strokes (page edges, rules, table borders) are not text: they would dominate profiles.
    span = max(40, binary.shape[1] // 12)
    lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, span), np.uint8)) | cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, np.ones((span, 1), np.uint8))
    return cv2.subtract(binary, cv2.dilate(lines, np.ones((3, 3), np.uint8)))


def _profile_score(binary: np.ndarray, angle: float) -> float:
    h, w = binary.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def skew_angle(grey: np.ndarray, *, limit: float = 10.0) -> float:
    """Angle in degrees (counter-clockwise) that makes text lines horizontal: projection-profile search,
    coarse 0.5° steps then 0.05° around the best."""
    binary = _small_binary(grey)
    if binary.sum() == 0:
        return 0.0
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = max(coarse, key=lambda a: _profile_score(binary, a))
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return float(max(fine, key=lambda a: _profile_score(binary, a)))


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees counter-clockwise about the centre, keeping the whole page."""
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(grey, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=255)


def is_sideways(grey: np.ndarray) -> bool:
    """True when text lines run vertically (page turned 90° or 270°): rows of an upright page alternate
    between ink and paper much more sharply than its columns."""
    binary = _small_binary(grey)
    upright = max(_profile_score(binary, a) for a in (-3, 0, 3))
    turned = max(_profile_score(np.ascontiguousarray(binary.T), a) for a in (-3, 0, 3))
    return turned > upright * 1.5


def orient(grey: np.ndarray) -> tuple[np.ndarray, int]:
    """Make text lines horizontal; returns the image and the clockwise turn applied (0 or 90).

    0° vs 180° (and so 90° vs 270°) is not decided here: image heuristics (ascender/descender balance) and
    Tesseract OSD both proved unreliable on sparse forms, so ocr_page tries the page upside down only when
    its OCR confidence is very low."""
    if is_sideways(grey):
        return cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE), 90
    return grey, 0


def deskew(grey: np.ndarray) -> tuple[np.ndarray, float]:
    angle = skew_angle(grey)
    if abs(angle) <= _MIN_SKEW_DEG:
        return grey, 0.0
    return rotate(grey, angle), angle


def cleaned(grey: np.ndarray) -> np.ndarray:
    """Denoised, background-flattened, Otsu-binarised variant (helps bad scans, can erase hook-above marks
    on good ones — so it is only tried when the grey variant reads poorly)."""
    background = cv2.medianBlur(cv2.dilate(grey, np.ones((7, 7), np.uint8)), 21)
    flat = cv2.divide(grey, background, scale=255)
    denoised = cv2.medianBlur(flat, 3)
    _, binary = cv2.threshold(denoised, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary
