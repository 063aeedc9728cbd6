"""Page images → what Tesseract reads best: colour stamps washed out, upright, deskewed; plus an optional
cleaned (denoised, binarised) variant for pages whose plain grey OCR is poor.

Geometry works on a downscaled binary copy (≈1000 px wide) so it costs milliseconds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from ocr import specks
from ocr.components import components

_WORK_WIDTH = 1000
_MIN_SKEW_DEG = 0.2
# The largest skew looked for, both ways: a sheet laid by hand on a flatbed lands a few degrees askew, 5–7° with
# the generators' own skew (docs/benchmarks.md, accuracy, session 48).
SKEW_LIMIT = 10.0


def _ink_per_row(binary: np.ndarray) -> np.ndarray:
    """Count of non-zero pixels in each row of a 0/255 image (cv2.reduce: numpy's sum is several times slower)."""
    return cv2.reduce(binary, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255


def to_rgb_array(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I", "F"):
        arr = np.asarray(image, dtype=np.float64)
        arr = (255 * (arr - arr.min()) / max(arr.ptp(), 1)).astype(np.uint8)
        return np.dstack([arr] * 3)
    if image.mode == "RGBA":  # transparent areas are paper
        bg = Image.new("RGB", image.size, "white")
        bg.paste(image, mask=image.getchannel("A"))
        image = bg
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"))  # no copy of an RGB page


def two_valued(image: np.ndarray) -> bool:
    """Is ``image`` (grey or RGB) a black-and-white scan's: black and white alone, as a 1-bit TIFF or PNG, or a
    PDF's CCITT page rendered? (Saved again as a JPEG it is not: its edges ring grey.)"""
    sample = image[::7, ::7]
    unwhite = sample[sample < 255]  # (a clean render's paper is all white too, its letters' edges grey)
    return unwhite.size > 0 and float((unwhite == 0).mean()) >= 0.99


# A page whose darkest print (the 0.5th percentile of its grey) is paler than this is faded: old typewriting, a
# spent ribbon, a light scan. The darkest print of every page the generators store is 58 or darker (session 48).
FADED_INK = 80
_FADED_SPAN = 40  # print this close to the paper is a blank page's noise, nothing to stretch
# Paper whose channels' medians lie further apart than this share of the brightest is tinted: aged, yellowed
# paper. The generators' papers lie up to 0.14 apart (session 48).
TINTED_PAPER = 0.2
# Paper darker than this grey on an evenly lit page is a dim scan (a lamp gone weak, grey paper); the generators'
# evenly lit pages' paper is 207 or lighter, their photocopies' darker paper comes with uneven shading (session 48).
DIM_PAPER = 200
# A page's large-scale brightness (``unevenness``) spreading more than this is shaded: a photocopy's toner, a lid's
# edge. Such a page is read binarised first (ocr.page), and its paper is no dim scan's.
UNEVEN_ABOVE = 15.0


def unevenness(grey: np.ndarray) -> float:
    """Spread (standard deviation, grey levels) of the page's large-scale brightness: shadows, a dark lid
    edge, uneven photocopier toner. ≈1 on clean scans, 3–6 on office scans and old photocopies, ≈7–10 on
    moderately degraded pages, 25–40 on dark, shadowed photocopies."""
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return float(cv2.medianBlur(small, 31).std())


def _levels_at(pixels: np.ndarray, channel: int, *shares: float) -> list[int]:
    """The grey levels below which each share of the channel's pixels lies (one histogram for them all)."""
    counts = _histogram(pixels, channel).cumsum()
    return [int(np.searchsorted(counts, share * counts[-1])) for share in shares]


def _histogram(pixels: np.ndarray, channel: int) -> np.ndarray:
    """Pixels of each grey level in the channel. A black-and-white page's are counted, not histogrammed: OpenCV's
    histogram adds one at a time into the same two bins there, each add waiting on the last (6 ms a 200-dpi page,
    against 1 ms on a grey one, and 1 ms for the counts)."""
    if pixels.ndim == 2:
        black = pixels.size - cv2.countNonZero(pixels)
        white = pixels.size - cv2.countNonZero(cv2.bitwise_not(pixels))
        if black + white == pixels.size:
            counts = np.zeros(256, np.float32)  # (OpenCV's type: the same cumulative sums and levels)
            counts[0], counts[255] = black, white
            return counts
    return cv2.calcHist([pixels], [channel], None, [256], [0, 256]).ravel()


def levelled(pixels: np.ndarray) -> np.ndarray:
    """A page (grey or RGB) with its levels set as a scanner's automatic levels would, where they are far off:
    tinted paper made white (a shaded copy's grey), channel by channel (yellowed paper is colour, which the mark
    finders look for); a faded page, or an evenly lit one on dim paper, stretched, its darkest print black and
    its paper (the median) white, every channel alike, so a stamp keeps its hue and gets its colour back (at half
    its contrast a page read its stamps' words as text). The page's colour, ink and speck measures are set for
    print near black on white paper. Any other page is returned as it is."""
    if pixels.ndim == 3:
        paper = np.array([_levels_at(pixels, c, 0.5)[0] for c in range(3)], np.float64)
        if paper.max() - paper.min() > TINTED_PAPER * paper.max() and paper.min() > 0:
            # A shaded copy's paper is made grey, not white: made white, its dark paper (147, 136, 108 on a yellowed
            # photocopy) took gains of 1.7–2.4 and its grey print paled with them (the header's summary lost).
            shaded = unevenness(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)) > UNEVEN_ABOVE
            gains = np.arange(256, dtype=np.float64)[:, None] * ((paper.max() if shaded else 255.0) / paper)
            pixels = cv2.LUT(pixels, np.clip(gains, 0, 255).astype(np.uint8).reshape(256, 1, 3))
    grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    ink, paper_grey = _levels_at(grey, 0, 0.005, 0.5)
    dim = paper_grey < DIM_PAPER and unevenness(grey) <= UNEVEN_ABOVE
    if (ink <= FADED_INK and not dim) or paper_grey - ink < _FADED_SPAN:
        return pixels
    return cv2.LUT(pixels, np.clip((np.arange(256) - ink) * 255.0 / (paper_grey - ink), 0, 255).astype(np.uint8))


# Seals, signatures and decorative frames are large marks; printed red text (a land certificate's title and
# serial, a marriage certificate's title) is made of glyph-sized marks and must stay readable.
_MARK_MIN = 0.06  # a coloured mark this share of the page width in both directions is a seal/signature/frame


QUARTER = 4  # the colour of a page is looked at first on a copy of a quarter of its size


def quarter(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` at a quarter of its size, area-averaged (a thin stroke pales, it does not vanish)."""
    h, w = rgb.shape[:2]
    return cv2.resize(rgb, (max(1, w // QUARTER), max(1, h // QUARTER)), interpolation=cv2.INTER_AREA)


def suppress_stamps(rgb: np.ndarray, quarter_of: Callable[[], np.ndarray] | None = None) -> np.ndarray:
    """Grey page in which red and blue seals, signatures and frames turn to paper while black text stays.

    Coloured pixels are washed against their ink (``washed``): a red stamp is bright in R, a blue one in B, so
    they wash out; black print, dark in every channel, survives even where a stamp overlaps it. Only *large*
    coloured marks are washed (connected regions at least ``_MARK_MIN`` of the page width both ways): red
    printed text keeps its ordinary luminance, which reads as dark grey. Pixels without colour keep ordinary
    luminance, so grey scans are untouched. Caveat: vivid blue handwriting fades too. ``quarter_of``: gives
    ``quarter(rgb)``, made once for ``ocr.marks`` too.
    """
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = rgb[::8, ::8].astype(np.int16)
    if not ((small.max(axis=2) - small.min(axis=2)) >= 60).any():  # no vivid colour anywhere: skip the work
        return grey
    # The ink's hues are looked for only around the coloured regions of a quarter-size copy (a seal and a signature
    # cover a few hundredths of a page; converting and testing all nine million pixels was a third of this
    # function). Outside them no large mark can be: the copy's test is the looser, and the margin holds the end of
    # a stroke thinner than the copy's pixels. The same pixels are washed as when the whole page was converted
    # (37 generated pages of every kind compared, the scanned books' and the official documents').
    stamp = np.zeros(grey.shape, np.uint8)
    for x0, y0, x1, y1 in _coloured_regions(quarter_of() if quarter_of else quarter(rgb), rgb.shape):
        stamp[y0:y1, x0:x1] = _stamp_ink(cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2HSV))
    if cv2.countNonZero(stamp):
        stamp &= _large_marks(stamp)
    if not cv2.countNonZero(stamp):
        return grey
    xs, ys = cv2.findNonZero(stamp).reshape(-1, 2).T  # in rows' order, as numpy's nonzero (7 ms against 30)
    pixels = cv2.cvtColor(rgb[ys, xs][:, None], cv2.COLOR_RGB2HSV)[:, 0]  # the marks' pixels alone, in HSV
    out = grey.copy()
    # The paper around each mark, not the page's: a seal washed to the page's lightest grey stood out of a dim
    # scan's paper as a bright ring that Tesseract's recogniser (it reads grey) took the title's letters with.
    wash(out, ys, xs, pixels, paper_at(paper_cells(grey, MARK_REACH), ys, xs))
    return out


def _stamp_ink(hsv: np.ndarray) -> np.ndarray:
    """0/255: a seal's or signature's ink. OpenCV hue is 0..179: red wraps around 0 (≤ 12 or ≥ 150), blue/violet
    sits at 95..149 (cv2.inRange: numpy's comparisons were a second of a 300 dpi page's clean-up)."""
    return cv2.inRange(hsv, (0, 40, 90), (12, 255, 255)) | cv2.inRange(hsv, (95, 40, 90), (179, 255, 255))


_REGION_MARGIN = 64  # pixels around a coloured region of the quarter-size copy where its ink is looked for


def _coloured_regions(small: np.ndarray, shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) of each region of a page of ``shape`` where a large coloured mark may be:
    coloured in its quarter-size copy ``small`` (a thin stroke paled by the paper around it: the thresholds are
    half ``_stamp_ink``'s) and at least half ``_large_marks``' size."""
    f = QUARTER
    h, w = shape[:2]
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    found = cv2.inRange(hsv, (0, 20, 45), (12, 255, 255)) | cv2.inRange(hsv, (95, 20, 45), (179, 255, 255))
    _, _, stats, _ = components(cv2.dilate(found, np.ones((5, 9), np.uint8)), connectivity=8)
    least = 0.5 * _MARK_MIN * w / f
    m = _REGION_MARGIN // f
    return [(max(0, x - m) * f, max(0, y - m) * f, min(w, (x + bw + m) * f), min(h, (y + bh + m) * f))
            for x, y, bw, bh, _area in stats[1:] if bw >= least and bh >= least]


def wash(out: np.ndarray, ys: np.ndarray, xs: np.ndarray, pixels: np.ndarray, paper: np.ndarray) -> None:
    """Wash, in place, ``out``'s coloured pixels at (``ys``, ``xs``): ``pixels`` their HSV, ``paper`` the paper's
    grey there. The red ones (a seal) and the blue-to-violet ones (the signature over it) each against their own
    ink (``washed``)."""
    red = (pixels[:, 0] <= 12) | (pixels[:, 0] >= 150)  # OpenCV hues
    for ink in (red, ~red):
        if ink.all():  # one ink (a seal alone): no copies picked out
            out[ys, xs] = washed(pixels, paper)
        elif ink.any():
            out[ys[ink], xs[ink]] = washed(pixels[ink], paper[ink])


# A coloured pixel at least this share as bright (brightest channel) as its ink's own is that ink on paper.
_INK_ALONE = 0.7
_PRINT_UNDER = 0.15  # at most this share: black print under the ink, as dark as print
# A pixel's hue this far (10°) from its ink's is another ink over it, not print under it: black print mixed in
# moves the hue nowhere but for the scan's noise (5–95%: -9 to +14° where a seal's ring crosses a title's strokes),
# a blue signature across a red seal moves it 8–50° (its strokes were left as a stroke read "N"), a blue pen's
# number on a violet stamp as far the other way.
_HUE_OFF = np.pi / 18
_HUE_ANGLE = np.arange(180, dtype=np.float32) * np.float32(np.pi / 90)  # OpenCV's hue is half the degrees
MARK_REACH = 8  # cells (of 8 px) around a washed pixel where its paper is found: past a seal's solid star


def washed(pixels: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """The grey of one ink's pixels (N × HSV) with the ink divided out. Ink on paper is as bright as the ink
    (the median of its pixels' brightest channel) and turns to paper (a dark red frame's brightest channel,
    ≈150, would otherwise still read as a grey line). Where black print shares the pixel (the scanner's blur
    mixes a seal's letter with the title's stroke it crosses) it is darker in proportion to the print's share,
    with the ink's hue, and keeps that darkness: made paper, the title's strokes were cut wherever the seal's
    lettering crossed them ("PHÓ GIÁM ĐỐC" read "PHIÓ", a name's "Lê" "1ê"). A darker pixel of another hue is
    a second ink over the first (a blue signature across a red seal: magenta) and turns to paper too."""
    if not len(pixels):
        return np.zeros(0, np.uint8)
    hue = pixels[:, 0]
    value = pixels[:, 2].astype(np.float32)
    angle = _HUE_ANGLE[hue]
    ink_angle = np.arctan2(np.sin(angle).mean(), np.cos(angle).mean())
    # Per hue and per brightness (tables of 180 and 256), not per pixel: a frame's 400,000 pixels took 25 ms.
    own = (np.abs(np.angle(np.exp(1j * (_HUE_ANGLE - ink_angle)))) <= _HUE_OFF)[hue]
    ink = float(np.median(value[own])) if own.any() else float(value.max())
    levels = np.arange(256, dtype=np.float32)
    share = np.clip((levels / max(ink, 1.0) - _PRINT_UNDER) / (_INK_ALONE - _PRINT_UNDER), 0.0, 1.0)[pixels[:, 2]]
    share[~own] = 1.0
    return (share * paper).astype(np.uint8)


def _large_marks(mask: np.ndarray) -> np.ndarray:
    """0/255: where ``mask`` (0/255) belongs to a large connected mark (seal ring and its text, signature,
    frame)."""
    f = QUARTER
    h0, w0 = mask.shape
    # Area-averaged, so a thin stroke between sampled pixels still counts.
    small = (cv2.resize(mask, (max(1, w0 // f), max(1, h0 // f)), interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    joined = cv2.dilate(small, np.ones((3, 5), np.uint8))  # ≈ 12 px down, 20 px across: a seal joins its letters
    n, labels, stats, _ = components(joined, connectivity=8)
    limit = _MARK_MIN * mask.shape[1] / f
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    fill = stats[1:, cv2.CC_STAT_AREA] / np.maximum(1, w * h)
    # Seals and signatures are compact (aspect ≤ 3.5), frames sparse; lines of red title text are neither.
    big = np.zeros(n, dtype=bool)
    big[1:] = (w >= limit) & (h >= limit) & ((np.maximum(w, h) <= 3.5 * np.minimum(w, h)) | (fill < 0.08))
    # Marks inside a seal or signature (a seal's centre text, not touching its ring) go with it; not inside a
    # frame, which encloses the whole page and its red printed title.
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    for k in np.flatnonzero(big):
        if max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]) >= 0.5 * small.shape[1]:
            continue
        inside = (x >= x[k]) & (y >= y[k]) & (x + stats[:, cv2.CC_STAT_WIDTH] <= x[k] + stats[k, cv2.CC_STAT_WIDTH]) \
            & (y + stats[:, cv2.CC_STAT_HEIGHT] <= y[k] + stats[k, cv2.CC_STAT_HEIGHT])
        inside[0] = False
        big |= inside
    keep = big[labels].astype(np.uint8) * 255
    return cv2.resize(keep, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)


@dataclass(frozen=True, slots=True)
class Rules:
    """Where the erased rules were: what a register page's table is made of."""

    rows: list[int] = field(default_factory=list)  # y of each horizontal rule crossing a quarter of the page
    columns: list[int] = field(default_factory=list)  # x of each vertical rule a quarter of the page high
    span: tuple[int, int] = (0, 0)  # median top and bottom of those vertical rules (the table's height)

    def flipped(self, width: int, height: int) -> Rules:
        """The same rules on the page turned 180°."""
        top, bottom = self.span
        return Rules([height - 1 - y for y in reversed(self.rows)], [width - 1 - x for x in reversed(self.columns)],
                     (height - 1 - bottom, height - 1 - top) if self.columns else (0, 0))


def _positions(counts: np.ndarray, least: int) -> list[int]:
    """Centres of the runs of indices where ``counts`` ≥ ``least`` (a 3-px rule is one position, not three)."""
    runs: list[list[int]] = []
    for i in np.flatnonzero(counts >= least).tolist():
        if runs and i - runs[-1][-1] <= 8:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [int(round(sum(r) / len(r))) for r in runs]


def line_opening(binary: np.ndarray, span: int, vertical: bool = False) -> np.ndarray:
    """``cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)`` of a 0/255 image with a line ``span`` long (1 × span, or
    span × 1 if ``vertical``), byte for byte, opened only on the rows (columns) that can hold a run of ink that
    long: each row's opening depends on that row alone, and on a page of text few rows have a run a sixteenth
    of the page wide (most of the 45 ms of a page's two openings went to rows with none). A run the opening
    keeps — ``span`` long, or half as long against the image's edge (out of the image counts as ink to the
    erosion) — holds a whole block of ``span // 2 - 1`` pixels aligned to the row's start, or the row's last
    such block: those blocks, all ink, pick the rows."""
    kernel = np.ones((span, 1) if vertical else (1, span), np.uint8)
    axis = 0 if vertical else 1  # the axis a line runs along
    length, block = binary.shape[axis], max(1, span // 2 - 1)
    blocks = length // block
    if blocks < 2:
        return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    h, w = binary.shape
    # A block's mean is 255 only when all its pixels are (one paper pixel brings it to ≤ 255·(block-1)/block).
    if vertical:
        full = cv2.resize(binary[:blocks * block], (w, blocks), interpolation=cv2.INTER_AREA) == 255
        last = cv2.reduce(binary[h - block:], 0, cv2.REDUCE_MIN).ravel() == 255
    else:
        full = cv2.resize(binary[:, :blocks * block], (blocks, h), interpolation=cv2.INTER_AREA) == 255
        last = cv2.reduce(binary[:, w - block:], 1, cv2.REDUCE_MIN).ravel() == 255
    lines = np.flatnonzero(full.any(axis=axis) | last)
    out = np.zeros_like(binary)
    if lines.size and vertical:
        out[:, lines] = cv2.morphologyEx(binary[:, lines], cv2.MORPH_OPEN, kernel)
    elif lines.size:
        out[lines] = cv2.morphologyEx(binary[lines], cv2.MORPH_OPEN, kernel)
    return out


_PAPER_CELL = 8  # pixels a side of the coarse copy's cells that ``local_paper`` reads the paper from


def local_paper(grey: np.ndarray) -> np.ndarray:
    """The paper's grey around each pixel. A rule erased with the page's lightest grey left, where the page is
    darker (a dim or shadowed scan, paper at 130 against 206), a bright stripe whose two edges the binarised
    variant read as a double rule: Tesseract dropped the words touching it, a register cell's first word."""
    h, w = grey.shape
    return cv2.resize(paper_cells(grey), (w, h), interpolation=cv2.INTER_LINEAR)


def paper_cells(grey: np.ndarray, reach: int = 1) -> np.ndarray:
    """The paper's grey on a coarse copy of the page (cells of ``_PAPER_CELL`` pixels): each cell's mean, the
    brightest within ``reach`` cells (a cell between two text lines is paper; a seal's solid star needs more),
    smoothed."""
    h, w = grey.shape
    # (every pixel counted: from a sixteenth of them, 7 ms less, the paper was noisy enough that poor forms lost fields)
    small = cv2.resize(grey, (max(1, w // _PAPER_CELL), max(1, h // _PAPER_CELL)), interpolation=cv2.INTER_AREA)
    return cv2.medianBlur(cv2.dilate(small, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)), 5)


def paper_at(cells: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``paper_cells``' grey at the pixels (``ys``, ``xs``) of the page."""
    return cells[np.minimum(ys // _PAPER_CELL, cells.shape[0] - 1), np.minimum(xs // _PAPER_CELL, cells.shape[1] - 1)]


def remove_rules(grey: np.ndarray) -> tuple[np.ndarray, Rules]:
    """Paper where long straight rules were (underlines, table borders, frames), so that Tesseract does not
    take them for letters or lose the text touching them; also where the rules were (``Rules``).

    A rule is a run of ink at least 1/16 of the page width long, horizontal or vertical; text strokes never are.
    """
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    span = max(40, grey.shape[1] // 16)
    horiz = line_opening(binary, span)
    vert = line_opening(binary, span, vertical=True)
    rules = horiz | vert
    if not cv2.countNonZero(rules):
        return grey, Rules()
    out = grey.copy()
    erased = cv2.dilate(rules, np.ones((5, 5), np.uint8)) > 0
    out[erased] = local_paper(grey)[erased]
    rows = _positions(_ink_per_row(horiz), grey.shape[1] // 4)
    columns = _positions(cv2.reduce(vert, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255, grey.shape[0] // 4)
    extent = (0, 0)
    if columns:
        tall = vert[:, [min(x, grey.shape[1] - 1) for x in columns]] > 0
        tops = [int(np.argmax(c)) for c in tall.T]
        bottoms = [len(c) - 1 - int(np.argmax(c[::-1])) for c in tall.T]
        # The median, not the extremes: a page edge or a broken rule must not stretch or cut the table.
        extent = (int(np.median(tops)), int(np.median(bottoms)))
    return out, Rules(rows, columns, extent)


def work_factor(width: int) -> int:
    """The whole factor that brings a page ``width`` wide to about ``_WORK_WIDTH`` (at least 1): the scale the
    mark finders look at a page's ink on, in whole pixels, so that a box found there is ``f`` times it on the page."""
    return max(1, width // _WORK_WIDTH)


def work_ink(grey: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """The mark finders' view of a page: its ``work_factor`` f, the page shrunk by it (area-averaged), and that copy's
    ink (1) by a local threshold, so that a speck is paper and a photocopy's dark border is not all ink."""
    f = work_factor(grey.shape[1])
    small = cv2.resize(grey, (grey.shape[1] // f, grey.shape[0] // f), interpolation=cv2.INTER_AREA) if f > 1 \
        else grey
    return f, small, cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)


def small_binary(grey: np.ndarray) -> np.ndarray:
    """Text pixels = 255 on a copy about _WORK_WIDTH wide."""
    scale = min(1.0, _WORK_WIDTH / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    # Local threshold: dark photocopy borders and uneven lighting are not ink; specks are dropped.
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    # Long straight strokes (page edges, rules, table borders) are not text: they would dominate profiles.
    span = max(40, binary.shape[1] // 12)
    lines = line_opening(binary, span) | line_opening(binary, span, vertical=True)
    return cv2.subtract(binary, cv2.dilate(lines, np.ones((3, 3), np.uint8)))


# The skew search scores an angle by how sharply the page's rows alternate between ink and paper once turned by
# it. Rather than rotating the page for every angle tried (62 rotations of a 1000-px image were a tenth of a
# page's clean-up), the page is cut into narrow vertical strips, each strip's ink per row counted once, and a turn
# by a small angle is taken as each strip sliding up or down by its distance from the centre × sin(angle).
_STRIPS = 48


class _Strips:
    """Ink per row of each vertical strip of a binary image, zero-padded above and below for the slides."""

    def __init__(self, binary: np.ndarray, limit: float) -> None:
        h, w = binary.shape
        edges = np.linspace(0, w, min(_STRIPS, w) + 1).astype(int)
        per_strip = np.add.reduceat(binary > 0, edges[:-1], axis=1, dtype=np.int32).T  # strips × rows
        self.pad = int(np.ceil(w / 2 * np.sin(np.radians(limit + 1)))) + 1
        # Counts as bytes where they fit (a strip is ≈ 21 pixels wide): the gather below, a hundred times a page,
        # moves a quarter of the memory, and the search takes a third of the time (session 63).
        rows = np.pad(per_strip, ((0, 0), (self.pad, self.pad)))
        self.rows = rows.astype(np.min_scalar_type(int(rows.max(initial=0))))
        self.centres = (edges[:-1] + edges[1:]) / 2 - w / 2
        self.height = h
        # Each strip's rows as flat indices into ``rows``, slid by nothing.
        self._index = (np.arange(len(rows)) * rows.shape[1])[:, None] + np.arange(h)[None, :] + self.pad

    def score(self, angle: float) -> float:
        # Turning the page counter-clockwise by ``angle`` lifts its right half: a strip at x from the centre
        # moves by -x·sin(angle) rows.
        shift = np.rint(self.centres * np.sin(np.radians(angle))).astype(int)
        profile = self.rows.ravel()[self._index + shift[:, None]].sum(axis=0, dtype=np.int32)
        return float(np.sum(np.diff(profile.astype(np.float64)) ** 2))


# The skew search's first pass: every half degree either way.
_COARSE = np.arange(-SKEW_LIMIT, SKEW_LIMIT + 1e-9, 0.5)


def _sharpest(strips: _Strips) -> tuple[float, float]:
    """The coarse angle whose rows alternate most sharply between ink and paper, and its score."""
    scores = [strips.score(angle) for angle in _COARSE]
    best = int(np.argmax(scores))  # the first of equals, as max() gave
    return float(_COARSE[best]), scores[best]


def _fine(strips: _Strips, coarse: float) -> float:
    return float(max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05), key=strips.score))


def skew_angle(grey: np.ndarray, *, binary: np.ndarray | None = None) -> float:
    """Angle in degrees (counter-clockwise) that makes text lines horizontal: projection-profile search,
    coarse 0.5° steps then 0.05° around the best. ``binary``: ``small_binary(grey)`` when already made."""
    binary = small_binary(grey) if binary is None else binary
    if not cv2.countNonZero(binary):
        return 0.0
    strips = _Strips(binary, SKEW_LIMIT)
    return _fine(strips, _sharpest(strips)[0])


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees counter-clockwise about the centre, keeping the whole page."""
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(grey, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=255)


def _sideways(binary: np.ndarray) -> tuple[bool, _Strips, float]:
    """Whether text lines run vertically; the upright rows' strips and their sharpest coarse angle, which the skew
    search starts from."""
    # Rows are sharp only within about a degree of the page's skew: tried every half degree (at -3, 0 and 3° only,
    # a photocopy skewed 1.5° under heavy shading scored its columns higher and was read sideways, as nothing),
    # as far as the skew search looks (within ±3° only, pages laid 5° askew were read sideways, as nothing).
    strips = _Strips(binary, SKEW_LIMIT)
    coarse, upright = _sharpest(strips)
    turned = _sharpest(_Strips(np.ascontiguousarray(binary.T), SKEW_LIMIT))[1]
    return turned > upright * 1.5, strips, coarse


def is_sideways(grey: np.ndarray, binary: np.ndarray | None = None) -> bool:
    """True when text lines run vertically (page turned 90° or 270°): rows of an upright page alternate
    between ink and paper much more sharply than its columns."""
    return _sideways(small_binary(grey) if binary is None else binary)[0]


def _turned_by(grey: np.ndarray, angle: float) -> tuple[np.ndarray, float]:
    if abs(angle) <= _MIN_SKEW_DEG:
        return grey, 0.0
    return rotate(grey, angle), angle


def deskew(grey: np.ndarray, binary: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    return _turned_by(grey, skew_angle(grey, binary=binary))


def straightened(grey: np.ndarray, binary: np.ndarray | None = None) -> tuple[np.ndarray, int, float]:
    """The page upright and level: text lines made horizontal (turned 90° clockwise where they run
    vertically, ``is_sideways``), then the skew undone (``deskew``); returns the image, the clockwise turn (0 or
    90) and the skew angle. The upright rows are scored once for both (the sideways check's coarse pass is the
    skew search's).

    0° vs 180° (and so 90° vs 270°) is not decided here: image heuristics (ascender/descender balance) and
    Tesseract OSD both proved unreliable on sparse forms, so ocr_page tries the page upside down only when
    its OCR confidence is very low."""
    binary = small_binary(grey) if binary is None else binary
    sideways, strips, coarse = _sideways(binary)
    if sideways:
        upright, angle = deskew(cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE))
        return upright, 90, angle
    level, angle = _turned_by(grey, _fine(strips, coarse) if cv2.countNonZero(binary) else 0.0)
    return level, 0, angle


# A black-and-white copy's shading (a photocopier's grey toner, dithered by the scanner into dots) around a pixel:
# at least this share of the small squares (``_DOT`` of the page width a side) within ``_AROUND`` of it hold ink.
# Print leaves the squares between its lines and words empty: on the pages of print looked at (the template's and
# the other generator's, black and white), at most 0.64 of them around any pixel held ink; in dither almost every
# square holds a dot (session 61).
_SHADED = 0.9
_DOT, _AROUND = 0.003, 0.024  # page widths: 5 and 41 pixels on a straightened A4 page at 200 dpi
_SMOOTH = 0.00145  # page widths: the sigma of the blur that makes the dots grey again (2.5 pixels there)


def descreened(grey: np.ndarray, apart: Iterable[tuple[int, int, int, int]] = ()) -> np.ndarray:
    """``grey`` (a black-and-white scan's) with its shaded areas blurred back to grey, but for the boxes ``apart``
    (left, top, width, height: its seals and stamps). In the dots, print is no darker than the shading, and
    Tesseract lost whole blocks there ("Nơi nhận:" and its list under a dark corner); blurred, the print is solid
    dark on a mid grey, which the binarised variant's levelling (``cleaned``) parts."""
    w = grey.shape[1]
    dot, around = (max(3, int(share * w) | 1) for share in (_DOT, _AROUND))
    inked = cv2.dilate(cv2.threshold(grey, 127, 255, cv2.THRESH_BINARY_INV)[1], np.ones((dot, dot), np.uint8))
    # (the share as a byte, rounded: 0.9 of 255 is 229.5, so above 229 is the share 0.9 and more)
    shaded = (cv2.boxFilter(inked, -1, (around, around)) > int(_SHADED * 255)).view(np.uint8)
    for x, y, bw, bh in apart:  # a seal's star, a stamp's bold letters: as dense, and read on their own
        shaded[max(0, y):y + bh, max(0, x):x + bw] = 0
    if not shaded.any():
        return grey
    shaded = cv2.dilate(shaded, np.ones((2 * dot + 1, 2 * dot + 1), np.uint8))
    # Blurred only around the shading (a 600-dpi page is 35 million pixels), with the kernel's reach beside it
    x, y, bw, bh = cv2.boundingRect(shaded)
    sigma = _SMOOTH * w
    reach = int(np.ceil(4 * sigma))
    x0, y0 = max(0, x - reach), max(0, y - reach)
    x1, y1 = min(w, x + bw + reach), min(grey.shape[0], y + bh + reach)
    out = grey.copy()
    part, mask = out[y0:y1, x0:x1], shaded[y0:y1, x0:x1] > 0
    part[mask] = cv2.GaussianBlur(grey[y0:y1, x0:x1], (0, 0), sigma)[mask]
    return out


def cleaned(grey: np.ndarray) -> np.ndarray:
    """Denoised, background-flattened, Otsu-binarised variant, toner specks off (``ocr.specks``); helps bad
    scans, can erase hook-above marks on good ones — so it is only tried when the grey variant reads poorly."""
    background = cv2.medianBlur(cv2.dilate(grey, np.ones((7, 7), np.uint8)), 21)
    flat = cv2.divide(grey, background, scale=255)
    denoised = cv2.medianBlur(flat, 3)
    _, binary = cv2.threshold(denoised, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Toner specks the 3-px median leaves were read as punctuation and stray words on photocopies.
    return specks.despeckle(binary)
