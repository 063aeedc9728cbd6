"""Phone photos of pages made flat, A3 spreads split in two, and a cheap check that a photo can be read at all.

- ``find_page``: the page's four corners in a photo, on a plain, wooden or checked desk. Paper is what is bright
  in every channel (wood, cloth and dark laminates are not); a wide opening cuts off desk patterns as bright as
  paper (a checked cloth's light squares), and lines fitted to each side of the outline give the corners.
  ``None`` when no page-shaped region lies well inside the frame: a flat scan (paper to the edges), or a photo
  too close to tell — the image is then kept as it is.
- ``photo_corners``: whether an image is a photo is decided by what it shows, whatever the image file (JPEG,
  HEIC, PNG, WebP): a page with desk all round it (``find_page``) *and* seen in perspective — a phone is never
  held exactly square, while a scanner's page, however turned or framed, stays a rectangle (a certificate's
  printed frame on a photocopy found as a "page" is left alone).
- ``flatten``: perspective corrected to a flat page at a known resolution from its shape (ISO A-series pages —
  A5, A4, A3 share one shape — come out at A4 size, so text keeps the pixel size it has on a 300 dpi A4 scan;
  an A3 spread at A3 landscape), light and shadow evened out by dividing by the paper's own brightness, and
  page curl straightened (``dewarp``: the text lines' baselines fitted with a low-order polynomial surface).
- ``split_spread``: an open register's two pages, left then right, cut at the binding's gutter.
- ``check_quality``: refuses a photo that cannot be read — too dark, page too small, blurred — with advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from domain.errors import InputRejected
from ingest import images

DPI = 300
_WORK = 1000  # long side of the copy on which the page is looked for
A4 = (210.0, 297.0)  # mm
A3_LANDSCAPE = (420.0, 297.0)
_ISO = np.sqrt(2.0)
_SHAPE_TOLERANCE = 0.07  # |log(aspect / √2)| under this is an ISO page seen through perspective


@dataclass(frozen=True, slots=True)
class Quality:
    brightness: float  # median grey level of the page, 0..255
    sharpness: float  # steepest edges of the page at 150 dpi, light evened: 99.5th percentile of the gradient
    page_pixels: int  # short side of the page in the photo, px
    page_fraction: float  # share of the photo the page covers


# Limits for ``check_quality``; fitted on generated photos (samples.photo) whose pages OCR could or could not
# read — see docs/accuracy.md "Phone photos".
# A generated photo darkened to a median of 30 still read every field (light is evened before OCR): only a
# photo darker than this is refused; real ones that dark are mostly sensor noise.
MIN_BRIGHTNESS = 25.0
# An A4 page's short side: 421 px (≈50 dpi) still read 26 of 28 fields on a generated photo, 515 px all of them;
# under this the accents are a pixel or two tall.
MIN_PAGE_PIXELS = 400
MIN_SHARPNESS = 170.0  # a 3.5 px blur (photo pixels, 12 MP) reads ≈210 and is read; 4.5 px ≈160 is not


def _to_rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"))


def _whiteness(rgb: np.ndarray) -> np.ndarray:
    """Bright and colourless: the darkest channel less the spread of the channels (wood and cloth are coloured,
    laminates dark; paper in shadow stays grey)."""
    lo, hi = rgb.min(axis=2).astype(np.int16), rgb.max(axis=2).astype(np.int16)
    return np.clip(2 * lo - hi, 0, 255).astype(np.uint8)


def _paper_mask(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whitish pixels with text closed away, cut along strong edges (a light desk pattern next to the page is
    as white as paper, but there is a step at the page's edge), narrow links opened away; and the whitish
    pixels before any cut."""
    white = cv2.morphologyEx(_whiteness(small), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    white = cv2.GaussianBlur(white, (0, 0), 1)
    # Stretched so the paper is near white: the edge thresholds then hold in a dim photo too.
    white = cv2.convertScaleAbs(white, alpha=255.0 / max(float(np.percentile(white, 99)), 1.0))
    _, whitish = cv2.threshold(white, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = whitish.copy()
    edges = cv2.dilate(cv2.Canny(white, 20, 50), np.ones((3, 3), np.uint8))
    mask[edges > 0] = 0
    k = max(3, min(mask.shape) // 50) | 1
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))), whitish


def _paper_to_an_edge(whitish: np.ndarray) -> bool:
    """Paper along (nearly) a whole side of the frame: a scan — a frame printed on the page (a land certificate's,
    a marriage certificate's) must not be taken for a page's edge. A desk is never that white along a side; a
    checked cloth is about half."""
    h, w = whitish.shape
    d = max(2, round(0.015 * min(h, w)))
    sides = (whitish[:d], whitish[-d:], whitish[:, :d], whitish[:, -d:])
    return max(float(np.count_nonzero(s)) / s.size for s in sides) >= 0.85


def _order(quad: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles)]  # clockwise in image coordinates, starting at the left
    start = int(np.argmin(quad.sum(axis=1)))
    return np.roll(quad, -start, axis=0)


def _fit_sides(contour: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """Corners where lines fitted to the outline's points along each side of ``quad`` meet."""
    pts = contour.reshape(-1, 2).astype(np.float32)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 10:
            return None
        u = d / length
        rel = pts - a
        along = rel @ u
        across = np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
        near = (along > 0.1 * length) & (along < 0.9 * length) & (across < 0.03 * length + 2)
        if near.sum() < 10:
            return None
        vx, vy, x0, y0 = cv2.fitLine(pts[near], cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    corners = []
    for i in range(4):
        (p, r), (q, s) = lines[i - 1], lines[i]
        denom = r[0] * s[1] - r[1] * s[0]
        if abs(denom) < 1e-6:
            return None
        t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / denom
        corners.append(p + t * r)
    return np.array(corners, np.float32)


def _refine(rgb: np.ndarray, corners: np.ndarray, reach: float) -> np.ndarray:
    """Corners at full resolution: along each side, the steepest fall of whiteness going outwards within
    ``reach`` px of the coarse side, at 40 places; a robust line through them; the lines' meeting points."""
    lines = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
        normal = np.array([u[1], -u[0]], np.float32)  # outwards for clockwise corners (y down)
        ts = np.linspace(0.1, 0.9, 40, dtype=np.float32)
        offsets = np.arange(-reach, reach + 1, dtype=np.float32)
        base = a[None, :] + ts[:, None] * (b - a)[None, :]
        pts = base[:, None, :] + offsets[None, :, None] * normal[None, None, :]
        samples = cv2.remap(rgb, pts[..., 0].copy(), pts[..., 1].copy(), cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
        profile = cv2.GaussianBlur(_whiteness(samples).astype(np.float32), (0, 0), 1.5)
        fall = profile[:, :-1] - profile[:, 1:]
        j = np.argmax(fall, axis=1)
        found = base + (offsets[j] + 0.5)[:, None] * normal[None, :]
        vx, vy, x0, y0 = cv2.fitLine(found.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    return _meet(lines) if lines else corners


def _meet(lines: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    corners = []
    for i in range(4):
        (p, r), (q, s) = lines[i - 1], lines[i]
        denom = r[0] * s[1] - r[1] * s[0]
        t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / denom if abs(denom) > 1e-6 else 0.0
        corners.append(p + t * r)
    return np.array(corners, np.float32)


def find_page(image: Image.Image | np.ndarray) -> np.ndarray | None:
    """The page's corners (4×2, top-left first, clockwise) in ``image``'s pixels, or None (see the module)."""
    small, scale = _small(image)
    mask, whitish = _paper_mask(small)
    if _paper_to_an_edge(whitish):
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    sh, sw = mask.shape
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    # Paper that reaches the frame's edge is desk (a white table) or a page cut off: neither is looked at.
    inner = (x > 0) & (y > 0) & (x + bw < sw) & (y + bh < sh)
    if not inner.any():
        return None
    # The biggest piece of paper, with those nearly as big: an open book's two pages, parted by the gutter.
    keep = 1 + np.flatnonzero(inner & (area >= 0.3 * area[inner].max()))
    region = np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = np.concatenate(contours)
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            quad = _order(approx.reshape(4, 2).astype(np.float32))
            break
    if quad is None:
        return None
    corners = _fit_sides(contour, quad)
    if corners is None:
        return None
    area = cv2.contourArea(corners) / (sh * sw)
    margin_x, margin_y = 0.012 * sw, 0.012 * sh
    inside = ((corners[:, 0] > margin_x) & (corners[:, 0] < sw - margin_x)
              & (corners[:, 1] > margin_y) & (corners[:, 1] < sh - margin_y))
    # A flat scan is paper to (or past) its edges; a page in a photo has desk all round it.
    if not inside.all() or not 0.05 < area < 0.92 or not cv2.isContourConvex(corners.reshape(-1, 1, 2)):
        return None
    full = (corners / scale).astype(np.float32)
    return _refine(image if isinstance(image, np.ndarray) else _to_rgb(image), full, reach=4 / scale)


# A page found in a scan is a rectangle up to the corners' precision (±2 px on 2,000 px sides: ≈0.1°, 0.1%); a
# hand-held phone's page is not: of 2,000 generated photos none came under 0.3° and 0.3% at once.
MIN_SKEW_DEG = 0.3
MIN_SIDE_RATIO = 0.003


def shows_perspective(corners: np.ndarray) -> bool:
    """A corner off square, or opposite sides of unequal length: the page was seen at an angle."""
    c = np.asarray(corners, np.float64)
    off_square = 0.0
    for i in range(4):
        u, v = c[i - 1] - c[i], c[(i + 1) % 4] - c[i]
        cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9))
        off_square = max(off_square, abs(np.degrees(np.arccos(np.clip(cos, -1, 1))) - 90))
    side = [float(np.linalg.norm(c[(i + 1) % 4] - c[i])) for i in range(4)]
    uneven = max(abs(np.log(side[0] / side[2])), abs(np.log(side[1] / side[3])))
    return off_square >= MIN_SKEW_DEG or uneven >= MIN_SIDE_RATIO


def photo_corners(image: Image.Image | np.ndarray) -> np.ndarray | None:
    """The page's corners when the image is a photo of a page (desk round it, perspective), else None."""
    corners = find_page(image)
    return corners if corners is not None and shows_perspective(corners) else None


def _small(image: Image.Image | np.ndarray) -> tuple[np.ndarray, float]:
    """An RGB copy with a long side of about ``_WORK`` px, and its scale. A Pillow image is box-reduced before
    anything else, so a scan (the common case, where nothing is found) never costs a full-size conversion."""
    if isinstance(image, np.ndarray):
        h, w = image.shape[:2]
        scale = _WORK / max(h, w)
        return cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA), scale
    factor = max(1, max(image.size) // _WORK)
    reduced = image.reduce(factor) if factor > 1 else image
    small = _to_rgb(reduced)
    return small, small.shape[1] / image.width


def _sides(corners: np.ndarray) -> tuple[float, float]:
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return float(width), float(height)


def target_size(corners: np.ndarray, dpi: int = DPI, spread: bool = False) -> tuple[int, int]:
    """Output (width, height) px: A4 (or A3 landscape for a spread) when the shape is ISO, else the measured
    shape with A4's long side."""
    width, height = _sides(corners)
    aspect = max(width, height) / max(min(width, height), 1.0)
    long_mm = A3_LANDSCAPE[0] if spread and width > height else A4[1]
    long_px = long_mm / 25.4 * dpi
    short_px = long_px / (_ISO if abs(np.log(aspect / _ISO)) < _SHAPE_TOLERANCE else aspect)
    w, h = (long_px, short_px) if width > height else (short_px, long_px)
    return round(w), round(h)


def even_light(rgb: np.ndarray) -> np.ndarray:
    """Divide each channel by the paper's brightness around it (text closed away at ¼ size), so shadows and
    a lamp's falloff become white paper again; ink keeps its contrast to the paper it is on."""
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (17, 17)))
    background = cv2.GaussianBlur(background, (0, 0), 3)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(rgb, np.maximum(background, 1), scale=245)


def warp(rgb: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    dst = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


# Page curl (dewarp). Text lines are found at half size: ink closed along the line into blobs, vertical rules
# taken out first (a register's columns would tie every row into one blob).
_CURL_MIN_LINES = 6  # fewer lines say too little about the surface: the page is left as it is
_CURL_MIN_PX = 2.0  # bends smaller than this (full-size px) are not worth a resampling
_BASELINE_RUN = 31  # columns (half size) over which a line's lowest ink is taken as its baseline
_CURL_RIDGE = 0.0002  # per sample: the price of one pixel of bend coefficient, squared (keeps noise flat)
_CURL_MAX_SHARE = 0.03  # a fitted bend beyond 3% of the height is a bad fit (tables, pictures), not paper


def _line_samples(grey: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each text line's baseline, (x, y) samples along it, on ``grey`` (ink dark on white); lines touching the image's
    edge (a border left by the warp, a neighbouring page) are not text."""
    h, w = grey.shape
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 40))))
    ink[rules > 0] = 0
    blobs = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, w // 60), 1)))
    blobs = cv2.morphologyEx(blobs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, w // 60), 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blobs)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    typical = float(np.median(heights[stats[1:, cv2.CC_STAT_WIDTH] > w // 8])) if count > 1 else 0.0
    lines = []
    for i in range(1, count):
        x, y, bw, bh, _ = stats[i]
        if bw < w * 0.2 or bh > 3 * max(typical, 4.0) or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        inside = ink[y:y + bh, x:x + bw].astype(bool) & (labels[y:y + bh, x:x + bw] == i)
        ok = inside.any(axis=0)
        if ok.sum() <= 2 * _BASELINE_RUN:
            continue
        # The baseline: each column's lowest ink, its running median over a few letters' width taking away
        # descenders and the dots below (ạ, ệ), which are narrow; accents above never count.
        bottom = (bh - 1 - np.argmax(inside[::-1], axis=0))[ok].astype(np.float64) + y
        runs = np.lib.stride_tricks.sliding_window_view(bottom, _BASELINE_RUN)
        base = np.median(runs, axis=1)
        xs = (np.arange(bw) + x)[ok].astype(np.float64)[_BASELINE_RUN // 2:][:len(base)]
        step = max(1, len(xs) // 60)
        lines.append((xs[::step], base[::step]))
    return lines


def _bend_terms(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x^j·y^k, j 1–3, k 0–2 (coordinates scaled to [-1, 1]): a line's own height takes the terms without x."""
    return np.stack([x**j * y**k for j in range(1, 4) for k in range(3)], axis=-1)


def dewarp(rgb: np.ndarray) -> np.ndarray:
    """Page curl straightened. The text lines' baselines are fitted all at once as y = c_i + d(x, y): a height c_i
    of its own for each line and one smooth surface d (cubic across, quadratic down) for how the paper bends
    them, least squares with outlying samples (accents, a stamp) dropped once; the page is then resampled so
    that a point at (x, y) comes from (x, y + d). A flat page (bends under two pixels), or one with too few
    lines to tell, is returned unchanged."""
    h, w = rgb.shape[:2]
    half = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    lines = _line_samples(half)
    if len(lines) < _CURL_MIN_LINES:
        return rgb
    x = np.concatenate([lx for lx, _ in lines]) * 2 / w * 2 - 1  # half size → full → [-1, 1]
    y_obs = np.concatenate([ly for _, ly in lines]) * 2
    which = np.concatenate([np.full(len(lx), i) for i, (lx, _) in enumerate(lines)])
    own = np.zeros((len(x), len(lines)))
    own[np.arange(len(x)), which] = 1.0
    keep = np.ones(len(x), bool)
    # A little ridge on the bend's terms: where the lines say nothing clear, no bend (rather than a polynomial
    # free to swing), while a real bend of a few pixels along many lines easily pays for itself.
    ridge = np.hstack([np.zeros((9, len(lines))), np.eye(9) * np.sqrt(_CURL_RIDGE * len(x))])
    for _ in range(2):
        means = np.bincount(which[keep], y_obs[keep], len(lines)) / np.maximum(np.bincount(which[keep], None,
                                                                                            len(lines)), 1)
        design = np.hstack([own, _bend_terms(x, means[which] / h * 2 - 1)])
        solution, *_ = np.linalg.lstsq(np.vstack([design[keep], ridge]), np.r_[y_obs[keep], np.zeros(9)],
                                       rcond=None)
        residual = np.abs(design @ solution - y_obs)
        keep = residual <= max(3 * float(np.median(residual[keep])) * 1.4826, 1.0)
    coeffs = solution[len(lines):]
    # Beyond the lines (margins, a column with no text) the bend is held at its last value, not extrapolated.
    x_span = (float(x.min()), float(x.max()))
    y_span = (float(means.min()) / h * 2 - 1, float(means.max()) / h * 2 - 1)
    gx, gy = np.meshgrid(np.linspace(*x_span, 64), np.linspace(*y_span, 96))
    grid = _bend_terms(gx, gy) @ coeffs
    # One tilt for the whole page is the deskew's job later; lines bent, or tilted unlike each other (a fan, as
    # paper lifting towards the spine), need a resampling.
    tilt = np.polyval(np.polyfit(gx[0], grid.mean(axis=0), 1), gx[0])
    bend = float(np.abs(grid - tilt[None, :]).max())
    if bend < _CURL_MIN_PX or bend > _CURL_MAX_SHARE * h:
        return rgb
    # d(x, y) = Σ_k y^k Σ_j c_jk x^j: two small matrices, not the terms at every pixel
    across = np.stack([np.clip(np.linspace(-1, 1, w), *x_span) ** j for j in range(1, 4)])  # 3 × w
    down = np.stack([np.clip(np.linspace(-1, 1, h), *y_span) ** k for k in range(3)], axis=1)  # h × 3
    shift = (down @ (coeffs.reshape(3, 3).T @ across)).astype(np.float32)
    map_x = np.broadcast_to(np.arange(w, dtype=np.float32), (h, w))
    map_y = np.arange(h, dtype=np.float32)[:, None] + shift
    return cv2.remap(rgb, np.ascontiguousarray(map_x), map_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def flatten(image: Image.Image, *, spread: bool = False, dpi: int = DPI) -> Image.Image:
    """A photo made a flat page (see the module); anything else (a scan, a page not found) is returned as is."""
    corners = photo_corners(image)
    if corners is None:
        return image
    page = even_light(warp(_to_rgb(image), corners, target_size(corners, dpi, spread)))
    return Image.fromarray(page if spread else dewarp(page), "RGB")


def split_spread(image: Image.Image) -> tuple[Image.Image, Image.Image]:
    """Left and right pages of an open book, cut at the gutter: the darkest (or, on a scan with a bright
    binding, the brightest) narrow vertical band within the middle fifth."""
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    w = grey.shape[1]
    profile = grey.mean(axis=0)
    smooth = cv2.GaussianBlur(profile.reshape(1, -1), (0, 0), max(2.0, w / 400)).ravel()
    lo, hi = int(w * 0.4), int(w * 0.6)
    middle = smooth[lo:hi]
    dark, bright = int(np.argmin(middle)), int(np.argmax(middle))
    level = float(np.median(smooth))
    # A binding shows as a band clearly darker than the pages; a white strip between two pages, brighter.
    if level - middle[dark] >= middle[bright] - level:
        cut = lo + dark
    else:  # the middle of the white run (two margins and the strip), not wherever its noise peaks
        white = middle >= middle[bright] - 2.0
        start, end = bright, bright
        while start > 0 and white[start - 1]:
            start -= 1
        while end < len(middle) - 1 and white[end + 1]:
            end += 1
        cut = lo + (start + end) // 2
    return image.crop((0, 0, cut, image.height)), image.crop((cut, 0, w, image.height))


def measure(image: Image.Image, corners: np.ndarray | None, scale: float = 1.0) -> Quality:
    """Cheap measures of a photo's page; ``scale`` is how much ``image`` was shrunk from the original."""
    rgb = _to_rgb(image)
    h, w = rgb.shape[:2]
    if corners is None:
        corners = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    page = warp(rgb, corners, target_size(corners, 150))
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    # Sharpness on the page with its light evened out (a dim photo is not mistaken for a blurred one), as the
    # steepness of the steepest edges — text strokes' — rather than the variance of the Laplacian, which sensor
    # noise and JPEG blocks keep high on a photo too blurred to read.
    flat = cv2.cvtColor(even_light(page), cv2.COLOR_RGB2GRAY).astype(np.float32)
    gradient = np.hypot(cv2.Sobel(flat, cv2.CV_32F, 1, 0), cv2.Sobel(flat, cv2.CV_32F, 0, 1))
    width, height = _sides(corners)
    return Quality(
        brightness=float(np.median(grey)),
        sharpness=float(np.percentile(gradient, 99.5)),
        page_pixels=round(min(width, height) / scale),
        page_fraction=float(cv2.contourArea(corners) / (h * w)),
    )


def check_quality(q: Quality) -> None:
    """Raise InputRejected (code photo_dark / photo_small / photo_blurred) with advice to take the photo again."""
    if q.brightness < MIN_BRIGHTNESS:
        raise InputRejected("Chụp lại: ảnh quá tối — hãy chụp nơi đủ sáng, không để bóng che trang.",
                            code="photo_dark")
    if q.page_pixels < MIN_PAGE_PIXELS:
        raise InputRejected("Chụp lại: trang quá nhỏ trong ảnh — hãy đưa máy lại gần để trang chiếm gần hết khung "
                            f"hình (trang chỉ rộng {q.page_pixels} điểm ảnh, cần ít nhất {MIN_PAGE_PIXELS}).",
                            code="photo_small")
    if q.sharpness < MIN_SHARPNESS:
        raise InputRejected("Chụp lại: ảnh bị mờ — hãy giữ chắc máy và chạm vào trang để lấy nét trước khi chụp.",
                            code="photo_blurred")


_GATE_SIDE = 2000  # long side the gate looks at: enough to see blur at 150 dpi, cheap to decode and search


def gate(path: Path, max_pixels: int) -> Quality | None:
    """Refuse (InputRejected) a one-image file that is a photo nobody could read, in well under a second on a
    12 MP JPEG (decoded at reduced size). Returns the photo's measures, or None for a scan (not judged here;
    OCR decides). An image that is all but black is refused too, page found or not."""
    with images.open_image(path) as im:
        images.check_frame(im, max_pixels)
        full = max(im.size)
        if im.format == "JPEG":
            im.draft("RGB", (im.width // 2, im.height // 2))  # DCT scaling: decodes half size at a quarter cost
        try:
            im.load()
            factor = max(1, max(im.size) // _GATE_SIDE)  # a PNG or TIFF scan is decoded whole: reduced at once
            upright = ImageOps.exif_transpose(im.reduce(factor) if factor > 1 else im).convert("RGB")
        except (OSError, SyntaxError, ValueError, EOFError):
            return None  # a broken file is the validator's to report, with its own reason
    scale = max(upright.size) / full
    rgb = _to_rgb(upright)
    corners = photo_corners(rgb)
    if corners is None:
        # No page to be found, perhaps for the dark: refused only if even its brightest tenth is too dark.
        brightest = float(np.percentile(rgb[::4, ::4], 90))
        if brightest < MIN_BRIGHTNESS:
            check_quality(Quality(brightness=brightest, sharpness=0, page_pixels=0, page_fraction=1.0))
        return None
    quality = measure(upright, corners, scale)
    check_quality(quality)
    return quality
