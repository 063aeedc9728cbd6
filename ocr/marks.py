"""Marks that are not printed text — seals, stamps, signatures, handwriting — found, kept out of what Tesseract
reads, and kept as flagged regions (``Mark``: kind, box, confidence) for the record page and for keying.

Two cheap passes, both on downscaled masks (a few milliseconds a page):

* colour (``colour_marks``, on the scan as it came): red, violet and blue ink. A large ink region is a seal
  when round, a stamp when boxed, else a signature (pen hues) or a stamp (red); a glyph-sized region in pen hues
  is handwriting (a number or a day written into a blank), in red it is printed red text and no mark at all.
  On a page written by pen (mostly, or in many pieces: a handwritten register) the pen is the text: nothing is
  set aside there.
* stroke (``ink_marks``, on the upright grey image): a black signature or a grey seal ring is one connected
  stroke several text lines tall and sparse, where a printed glyph is a line tall. Round ones are seals, boxed
  ones stamps; a stamp's frame worn in two strokes is the two together (``_broken_frames``).

Washing: large colour marks are washed by ``preprocess.suppress_stamps`` (brightest channel, so black print
under a seal stays); ``wash_pen`` does the same for handwriting and small signatures it leaves; black
signatures are whitened stroke by stroke (``ink_marks``). Grey seals are only flagged: their ring crosses the
printed title it sits on, which whitening would cut.
"""
from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

import cv2
import numpy as np

from domain.text import fold
from ocr import blanks, preprocess
from ocr.components import band_stats, components
from ocr.correct.syllables import NUMBER_CORE

SEAL, STAMP, SIGNATURE, HANDWRITING = "seal", "stamp", "signature", "handwriting"

_F = preprocess.QUARTER  # colour masks are made at a quarter of the scan's size
_LARGE = 0.06  # a mark at least this share of the page width both ways is a seal, stamp or signature
_FRAME = 0.45  # a coloured mark this share of the page width long is a printed frame (a seal is ≈0.15, a stamp 0.25)
_PEN_PAGE = 0.25  # pen ink above this share of all ink: the page is handwritten, its pen is its text
# More pieces of pen than this and the page is written by hand (a register's rows), whatever its printed share: an
# official document carries a few (a number, a day, a month, a signature), a handwritten register page dozens.
_PEN_PIECES = 15
_EDGE = 0.04  # a dark stroke reaching this close to the page's edge is the copier's, not a signature
_SAT = 35  # OpenCV saturation (0..255) above which ink is coloured: a faded violet stamp is ≈45, black print < 20
_RIM = 110  # a washed stroke's edge whose brightest channel is at least this is paper; darker is print it touches
_STAMP_PIECES = 8  # a boxed mark of at least this many separate bits of ink is a stamp (letters in a frame)
# A seal is 35 mm across at the least (a commune's), a sixth of an A4 page's width: a ring much smaller is a letter
# ("Đ" of a stamp's "ĐẾN" run into its underline, 58 px tall, took for one: the stamp over it was then left unwashed)
_SEAL_TALL = 0.1
_RING_INKED = 0.6  # a ring is inked along this share of its length at least (a circle through print is not)
_MIN_INK = 8  # pixels of the 1/_F mask (≈ 130 at full size): less is a speck, not a digit


@dataclass(slots=True)
class Mark:
    """A region set aside, in the coordinates of the image read (``PageOcr.width`` × ``height``)."""

    kind: str
    left: int
    top: int
    width: int
    height: int
    confidence: float

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.left + self.width and self.top <= y <= self.top + self.height

    def overlaps(self, other: Mark) -> bool:
        return self.left < other.left + other.width and other.left < self.left + self.width \
            and self.top < other.top + other.height and other.top < self.top + self.height


def _shape(component: np.ndarray, pieces: int) -> tuple[str | None, float]:
    """SEAL (round), STAMP (boxed) or None for a mark's 0/1 ink cut to its box, made of ``pieces`` separate
    bits of ink (a stamp's letters and worn frame: dozens; a signature: a few strokes); with a confidence."""
    h, w = component.shape
    contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(np.vstack(contours))
    area = cv2.contourArea(hull)
    if area <= 0:
        return None, 0.0
    _, radius = cv2.minEnclosingCircle(hull)
    roundness = area / (math.pi * radius * radius)  # 1 for a disc, 0.64 for a square, less for a scribble
    rect = cv2.minAreaRect(hull)
    boxed = area / max(1.0, rect[1][0] * rect[1][1])  # 1 for a box however turned, π/4 for a disc
    aspect = min(w, h) / max(w, h)
    # Both a seal and a stamp enclose their inside with ink: the border is a closed ring or frame.
    border = np.zeros_like(component)
    cv2.drawContours(border, [hull], -1, 1, thickness=max(2, min(w, h) // 25))
    on_border = float((component & border).sum()) / max(1.0, float(border.sum()))
    if roundness >= 0.8 and aspect >= 0.75 and on_border >= 0.2:
        return SEAL, min(1.0, 0.5 * roundness + 0.5 * min(1.0, on_border / 0.4))
    if boxed >= 0.85:
        # A stamp's frame runs all along its box, or (worn, faint) its letters fill it with many bits of ink;
        # a scribble as wide touches its box here and there and is a few strokes.
        frame = np.zeros_like(component)
        cv2.drawContours(frame, [cv2.boxPoints(rect).astype(np.int32)], -1, 1, thickness=max(2, min(w, h) // 25))
        on_frame = float((component & frame).sum()) / max(1.0, float(frame.sum()))
        if on_frame >= 0.3 or pieces >= _STAMP_PIECES:
            return STAMP, round(min(1.0, 0.5 * boxed + 0.25 * min(1.0, on_frame / 0.5)
                                    + 0.25 * min(1.0, pieces / (2 * _STAMP_PIECES))), 2)
    return None, 0.0


def _ring(component: np.ndarray, page_width: int) -> tuple[str | None, float]:
    """SEAL when a circle about as tall as the mark, and as tall as a seal on a page ``page_width`` wide (the
    component's scale), runs along its ink for most of its length (a seal a signature runs into, on a
    black-and-white copy), else None."""
    h = component.shape[0]
    if h < max(40, _SEAL_TALL * page_width):
        return None, 0.0
    circles = _circles(component, int(0.35 * h), int(0.55 * h), h)
    if circles is None:
        return None, 0.0
    near = cv2.dilate(component, np.ones((5, 5), np.uint8))
    best = max(_inked_along(near, cx, cy, r) for cx, cy, r in circles[:3])
    return (SEAL, round(best, 2)) if best >= _RING_INKED else (None, 0.0)


def _circles(ink: np.ndarray, least: int, most: int, apart: int, *, busy: bool = False) -> np.ndarray | None:
    """Circles (centre x, y, radius; likeliest first) of radius ``least`` to ``most`` along ``ink`` (0/1), centres
    ``apart`` pixels apart at least; None when there is none.

    ``busy``: ``ink`` is a window of the page, print and all, not one mark. There the classic gradient method
    weighs every candidate centre against every edge pixel: 0.2–0.6 s a window of print or a copy's dither, seconds
    a page where a shaded corner holds a dozen "signatures". Its refinement (HOUGH_GRADIENT_ALT) takes a
    twentieth of that and, on 85 windows of black-and-white copies (seeds 14, 4721, 6113, 3319, 8263), found as
    many of the generator's seals, none false (docs/benchmarks.md, session 61)."""
    blurred = cv2.GaussianBlur(ink * 255, (5, 5), 1.5)
    if busy:  # param1: the edges' Canny threshold (a binary image's are all strong); param2: how round, 0–1
        found = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT_ALT, dp=2, minDist=apart, param1=300, param2=0.2,
                                 minRadius=least, maxRadius=most)
    else:
        found = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=2, minDist=apart, param1=100, param2=20,
                                 minRadius=least, maxRadius=most)
    return None if found is None else found[0]


def _inked_along(near: np.ndarray, cx: float, cy: float, r: float) -> float:
    """The share of the circle (centre, radius) that runs over ink (``near``: 0/1, widened a little); a point past
    the image's edge counts as the edge's pixel."""
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    xs = np.clip((cx + r * np.cos(angles)).astype(int), 0, near.shape[1] - 1)
    ys = np.clip((cy + r * np.sin(angles)).astype(int), 0, near.shape[0] - 1)
    return float(near[ys, xs].mean())


def _masks(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(red ink, pen ink — blue and violet —, all ink) as 0/1 masks of the page's quarter-size copy ``small``."""
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    # The hues of preprocess.suppress_stamps (OpenCV hue 0..179): red ≤ 12 or ≥ 150, blue to violet 95..149.
    red = (cv2.inRange(hsv, (0, _SAT, 70), (12, 255, 255)) | cv2.inRange(hsv, (150, _SAT, 70), (179, 255, 255))) // 255
    pen = cv2.inRange(hsv, (95, _SAT, 50), (149, 255, 255)) // 255
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    ink = (cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12) | red | pen)
    return red, pen, ink


def colour_marks(rgb: np.ndarray, quarter_of: Callable[[], np.ndarray] | None = None) -> list[Mark]:
    """Seals, stamps, signatures and handwriting in coloured ink, in ``rgb``'s coordinates. ``quarter_of``: gives
    ``preprocess.quarter(rgb)``, made once for ``preprocess.suppress_stamps`` too."""
    step = max(1, min(rgb.shape[:2]) // 300)  # a sparse look first: most scans are black and white
    sample = rgb[::step * 2, ::step * 2].astype(np.int16)
    if not ((sample.max(axis=2) - sample.min(axis=2)) >= 50).any():
        return []
    red, pen, ink = _masks(quarter_of() if quarter_of else preprocess.quarter(rgb))
    if cv2.countNonZero(red | pen) == 0:
        return []
    page_w = rgb.shape[1] / _F
    marks: list[Mark] = []
    handwritten_page = cv2.countNonZero(pen) > _PEN_PAGE * max(1, cv2.countNonZero(ink))
    pen_pieces: list[int] = []  # indexes in ``marks`` of what the pen wrote
    for colour, mask in (("red", red), ("pen", pen)):
        # Letters of a seal's ring, the strokes of one signature, the digits of one number: one region.
        n, _, stats, _ = components(cv2.dilate(mask, np.ones((5, 7), np.uint8)), connectivity=8)
        # A faint stamp falls apart into bits whose boxes overlap: regions of overlapping boxes are one mark.
        boxes = np.zeros_like(mask)
        for x, y, w, h, _area in stats[1:]:
            boxes[y:y + h, x:x + w] = 1
        n, labels, stats, _ = components(boxes, connectivity=4)
        order = sorted(range(1, n), key=lambda k: -int(stats[k, cv2.CC_STAT_AREA]))
        taken: list[tuple[int, int, int, int]] = []
        for k in order:
            x, y, w, h, _area = (int(v) for v in stats[k])
            if any(x >= a and y >= b and x + w <= a + c and y + h <= b + d for a, b, c, d in taken):
                continue  # inside a seal or stamp already found (its centre text, a number written into it)
            if max(w, h) >= _FRAME * page_w:
                continue  # a certificate's printed frame: around the page, no mark (and its red title inside)
            if min(w, h) < _LARGE * page_w and (x == 0 or y == 0 or x + w >= mask.shape[1]
                                                 or y + h >= mask.shape[0]):
                # A strip of colour along the image's edge is what lay round the page (a photo's desk left along a
                # side of the flattened page, a scanner lid's colour), not a mark to key: a pen's stroke runs off
                # no page. (A seal the scan cut is large both ways, and stays.)
                continue
            ink = (labels[y:y + h, x:x + w] == k).astype(np.uint8) * mask[y:y + h, x:x + w]
            large = w >= _LARGE * page_w and h >= _LARGE * page_w
            if not large and int(ink.sum()) < _MIN_INK:
                continue
            kind, conf = None, 0.0
            if large:
                kind, conf = _shape(ink, cv2.connectedComponents(ink)[0] - 1)
            if kind is None:
                if colour == "red":
                    if not large or max(w, h) > 3.5 * min(w, h):
                        continue  # printed red text: a title, a serial number — the text of the page
                    kind, conf = STAMP, 0.5
                elif handwritten_page:
                    continue
                else:
                    kind = SIGNATURE if large or (w >= 0.12 * page_w and h >= 0.04 * page_w) else HANDWRITING
                    conf = 0.7 if kind == SIGNATURE else 0.6
                    pen_pieces.append(len(marks))
            if kind in (SEAL, STAMP):
                taken.append((x, y, w, h))
            marks.append(Mark(kind, x * _F, y * _F, w * _F, h * _F, round(conf, 2)))
    if len(pen_pieces) > _PEN_PIECES:
        pen = set(pen_pieces)
        marks = [m for i, m in enumerate(marks) if i not in pen]
    return marks


def wash_pen(grey: np.ndarray, rgb: np.ndarray, marks: list[Mark]) -> np.ndarray:
    """``grey`` with the coloured ink inside ``marks`` turned to paper (``preprocess.washed``, as
    preprocess.suppress_stamps does for large marks): black print under the mark stays."""
    if not marks:
        return grey
    out = grey.copy()
    cells = preprocess.paper_cells(grey, preprocess.MARK_REACH)
    for m in marks:
        sl = np.s_[m.top:m.top + m.height, m.left:m.left + m.width]
        hsv = cv2.cvtColor(rgb[sl], cv2.COLOR_RGB2HSV)
        coloured = (cv2.inRange(hsv, (0, 45, 50), (12, 255, 255)) | cv2.inRange(hsv, (95, 45, 50), (179, 255, 255)))
        # The anti-aliased rims of the strokes take their brightest channel (a black letter they touch stays
        # dark); the strokes themselves become paper: a dark blue pen is still 150 grey in its brightest one.
        rim = cv2.dilate(coloured, np.ones((5, 5), np.uint8)) > 0
        part = out[sl]
        yy, xx = np.indices(part.shape)
        paper = preprocess.paper_at(cells, yy + m.top, xx + m.left)
        bright = rgb[sl][rim].max(axis=1)
        # A rim no darker than a pale pen stroke is the stroke's edge: paper too, or Tesseract reads its ghost.
        part[rim] = np.where(bright >= _RIM, paper[rim], np.maximum(part[rim], bright))
        ys, xs = np.nonzero(coloured)
        preprocess.wash(part, ys, xs, hsv[ys, xs], paper[ys, xs])
    return out


def moved(marks: list[Mark], shape: tuple[int, int], rotation: int, angle: float) -> list[Mark]:
    """Boxes found on a scan of ``shape`` (h, w) in the image that preprocess.straightened (``rotation`` 0/90
    clockwise, then ``angle``° counter-clockwise, whole page kept) made of it."""
    h, w = shape
    out = []
    for m in marks:
        x0, y0, x1, y1 = m.left, m.top, m.left + m.width, m.top + m.height
        if rotation == 90:
            x0, y0, x1, y1 = h - y1, x0, h - y0, x1
        out.append(Mark(m.kind, x0, y0, x1 - x0, y1 - y0, m.confidence))
    if rotation == 90:
        h, w = w, h
    if not angle:
        return out
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)  # as preprocess.rotate
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    rot[0, 2] += int(h * sin + w * cos) / 2 - w / 2
    rot[1, 2] += int(h * cos + w * sin) / 2 - h / 2
    for m in out:
        corners = np.array([[m.left, m.top, 1], [m.left + m.width, m.top, 1], [m.left, m.top + m.height, 1],
                            [m.left + m.width, m.top + m.height, 1]], dtype=np.float64) @ rot.T
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        m.left, m.top, m.width, m.height = int(x0), int(y0), int(round(x1 - x0)), int(round(y1 - y0))
    return out


def flipped(marks: list[Mark], width: int, height: int) -> list[Mark]:
    """The same boxes on the page turned 180°."""
    return [Mark(m.kind, width - m.left - m.width, height - m.top - m.height, m.width, m.height, m.confidence)
            for m in marks]


def ink_marks(grey: np.ndarray, known: list[Mark]) -> tuple[np.ndarray, list[Mark]]:
    """Signatures and seals drawn in dark ink (a black-and-white scan, a photocopy) on the upright ``grey``
    image: the image with the signatures' strokes whitened, and the marks not already in ``known``."""
    inked = _inked(grey)
    if inked is None:
        return grey, []
    f, small, binary, labels, stats, glyph, big = inked
    out, marks, ids = grey, [], []
    pieces: dict[int, list[int]] = {}  # a signature's index in ``marks``: the components whose middles it holds
    for k in big:
        x, y, w, h, area = (int(v) for v in stats[k])
        middle = (x + w / 2) * f, (y + h / 2) * f
        if any(m.contains(*middle) for m in known):
            continue  # a seal's star, a number written into a stamp: part of the mark found
        held = next((i for i, m in enumerate(marks) if m.contains(*middle)), None)
        if held is not None:  # … or found here: a signature's, perhaps the rest of a seal's ring come apart
            if marks[held].kind == SIGNATURE:
                pieces.setdefault(held, []).append(k)
            continue
        here = labels[y:y + h, x:x + w]
        mine = (here == k).astype(np.uint8)
        kind, conf = _shape(mine, len(np.unique(here)) - 1)
        if kind is None:
            kind, conf = _ring(mine, small.shape[1])  # a seal its signature runs into: not round, a ring inside
        if kind is None:
            kind, conf = SIGNATURE, round(min(1.0, 0.5 + 0.05 * h / glyph), 2)
            # Whitened only when it stands alone: a stroke that touches print (a stamp over the issuing body)
            # has other glyphs around it, and whitening it would cut the letters it touches.
            if int(np.count_nonzero((here != k) & (here > 0))) < 0.5 * area:
                if out is grey:
                    out = grey.copy()
                stroke = cv2.resize((here == k).astype(np.uint8), (w * f, h * f), interpolation=cv2.INTER_NEAREST)
                stroke = cv2.dilate(stroke, np.ones((3, 3), np.uint8)).astype(bool)
                part = out[y * f:(y + h) * f, x * f:(x + w) * f]
                part[stroke[:part.shape[0], :part.shape[1]]] = 255
        marks.append(Mark(kind, x * f, y * f, w * f, h * f, round(conf, 2)))
        ids.append(k)
    marks = [_seal_in_pieces(m, [ids[i]] + pieces[i], labels, stats, f) if i in pieces else m
             for i, m in enumerate(marks)]
    marks = _seals_around_signatures(_broken_frames(marks, ids, labels, f), binary, f)
    # Black pen in blanks: by shape, colour cannot tell. The components above serve it while the page is unchanged.
    out, pens = blanks.pen_in_blanks(out, known + marks, (f, small, binary, labels, stats) if out is grey else None)
    return out, marks + [Mark(HANDWRITING, *box) for box in pens]


class _Ink(NamedTuple):
    """The page's ink at about 1000 pixels wide (``_inked``)."""

    f: int  # the scale: a pixel here is f × f of the page
    small: np.ndarray
    binary: np.ndarray  # 0/1 ink
    labels: np.ndarray  # its components
    stats: np.ndarray
    glyph: float  # a letter's height
    big: list[int]  # the components that may be a mark, largest first


def _inked(grey: np.ndarray) -> _Ink | None:
    """The page's ink and the components that may be a mark — thrice a letter's height both ways at least, neither
    solid nor page-sized, off the page's edge; None on a page with too little ink to tell."""
    f, small, binary = preprocess.work_ink(grey)
    n, labels, stats, _ = components(binary, connectivity=8)
    if n < 20:
        return None
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    glyph = float(np.median(hs[(hs >= 4) & (ws >= 2)])) if ((hs >= 4) & (ws >= 2)).any() else 0.0
    if glyph <= 0:
        return None
    page_h, page_w = small.shape
    big = []
    for k in sorted(np.flatnonzero((hs >= 3 * glyph) & (ws >= 3 * glyph)) + 1,
                    key=lambda k: -int(stats[k, cv2.CC_STAT_AREA])):
        x, y, w, h, area = (int(v) for v in stats[k])
        if max(w, h) > 0.45 * page_w or area > 0.2 * w * h:
            continue  # a frame, an emblem, a photograph: solid or page-sized, not a pen stroke
        if min(x, page_w - x - w) < _EDGE * page_w or min(y, page_h - y - h) < _EDGE * page_h:
            continue  # a photocopy's dark page edge, a punched hole: at the border, where nobody signs
        big.append(int(k))
    return _Ink(f, small, binary, labels, stats, glyph, big)


def framed_stamps(grey: np.ndarray, known: list[Mark], worn: bool = False) -> list[Mark]:
    """Receipt stamps drawn in dark ink on ``grey`` before its rules were erased (their frames are rules), not
    already in ``known``. Only stamps: what else the rules leave is found on the page without them
    (``ink_marks``), and a form's ruled box or a motto's underline found here would move what is set aside.
    ``worn``: also a frame broken into pieces (``_broken_box``; a page with no colour and no table)."""
    inked = _inked(grey)
    if inked is None:
        return []
    found = _one_piece_frames(inked, known)
    if worn:
        found += _broken_box(inked, known + found)
    return found


def erase_frames(grey: np.ndarray, stamps: list[Mark]) -> np.ndarray:
    """``grey`` with the straight sides of each stamp's frame made paper: a black-and-white copy leaves a receipt
    stamp as dark as print, set a few degrees askew over the issuing body's lines, and its top drawn through "XÃ
    NHƯ QUỲNH" made those words unreadable (the page's rules, found straight only, keep it)."""
    out = grey
    f = preprocess.work_factor(grey.shape[1])
    tilt, span, thin = _TILT * f, _across_span(grey.shape[1]), 9 * f
    for m in stamps:
        reach = int(_ASKEW * m.width)  # a side askew stands past the box found
        x0, y0 = max(0, m.left - reach), max(0, m.top - reach)
        x1, y1 = min(grey.shape[1], m.left + m.width + reach), min(grey.shape[0], m.top + m.height + reach)
        crop = grey[y0:y1, x0:x1]
        _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        sides = np.zeros(ink.shape, bool)
        for vertical in (False, True):
            # … only along the box's edges: a bold title's run of capitals across the stamp is no side
            band = reach + int(0.1 * m.width if vertical else 0.25 * m.height)
            edges = np.zeros(ink.shape, bool)
            if vertical:
                edges[:, :band] = edges[:, -band:] = True
            else:
                edges[:band] = edges[-band:] = True
            # … and of a side, only what is as thin as one: a letter's stroke it crosses runs on across it
            crossing = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, thin) if vertical else (thin, 1), np.uint8))
            side = ((_straight(ink, span, vertical, tilt) > 0) & edges & (ink > 0)).astype(np.uint8)
            # (with the side's paler rim, which a straightened copy's interpolation left)
            sides |= (cv2.dilate(side, np.ones((3, 3), np.uint8)) > 0) & (crossing == 0)
        if sides.any():
            if out is grey:
                out = grey.copy()
            out[y0:y1, x0:x1][sides] = 255
    return out


def _in_seal_or_stamp(box: Mark, marks: list[Mark]) -> bool:
    """Is ``box``'s centre inside a seal or stamp of ``marks`` (found already, by colour or another pass)?"""
    return any(m.kind in (SEAL, STAMP) and m.contains(*_middle(box)) for m in marks)


def _one_piece_frames(inked: _Ink, known: list[Mark]) -> list[Mark]:
    f, labels, stats = inked.f, inked.labels, inked.stats
    out: list[Mark] = []
    for k in inked.big:
        x, y, w, h, _ = (int(v) for v in stats[k])
        box = Mark(STAMP, x * f, y * f, w * f, h * f, 0.0)
        # (A stamp's remains on the page without its frame may have been taken for a signature: it stays one.)
        if _in_seal_or_stamp(box, known + out):
            continue
        here = labels[y:y + h, x:x + w]
        kind, conf = _shape((here == k).astype(np.uint8), len(np.unique(here)) - 1)
        if kind == STAMP:
            out.append(Mark(STAMP, box.left, box.top, box.width, box.height, conf))
    return out


_STAMP_WIDE = (0.15, 0.45)  # a receipt stamp's width, in page widths (≈ 0.25 on A4)
_STAMP_TALL = (0.05, 0.2)  # its height, in page heights (≈ 0.1)
_WORN_TOP = 0.4  # a stamp whose sides a black-and-white scan wore short is looked for above this share of the page
_WORN_WIDE = 0.33  # … and no wider than this share of its width (Decree 30's is 50 mm: 0.24 of A4)
_TILT = 7  # pixels a stroke is thickened across, so that one a few degrees off keeps a straight run inside it
_ASKEW = 0.15  # how far, in its width, a stamp's side may stand past the other's end or its box (≈ 8° askew)
_STROKE = 16  # pixels: a frame's side so thickened is thinner than this on average


def _straight(ink: np.ndarray, span: int, vertical: bool, tilt: int) -> np.ndarray:
    """Where ``ink`` (0/255) runs straight ``span`` long along, a stroke up to ``tilt`` pixels off true (thickened
    that much across first)."""
    thick = cv2.dilate(ink, np.ones((1, tilt) if vertical else (tilt, 1), np.uint8))
    return preprocess.line_opening(thick, span, vertical)


def _across_span(page_w: int) -> int:
    """How long a piece of a stamp's top or bottom is at least, on a page ``page_w`` wide: longer than a letter."""
    return max(12, int(0.025 * page_w))


def _strokes(binary: np.ndarray, span: int, vertical: bool) -> list[tuple[float, int, int]]:
    """The straight thin strokes of ``binary`` (0/1): (position across, start, end along). Pieces at least ``span``
    long (a letter's strokes are shorter), joined where one follows another in line less than ``span`` on (a
    frame the threshold wore through), a little askew (a stamp is seldom set square)."""
    stats = band_stats(_straight(binary * 255, span, vertical, _TILT), vertical)  # (sorted below: any order)
    pieces = sorted(((y, y + h, x + w / 2) if vertical else (x, x + w, y + h / 2))
                    for x, y, w, h, area in stats.tolist() if area < _STROKE * (h if vertical else w))
    chains: list[_Chain] = []
    for start, end, across in pieces:
        chain = next((c for c in chains if abs(c.acrosses[-1] - across) <= _TILT and start - c.end <= span), None)
        if chain is None:
            chains.append(_Chain(start, end, [across]))
        else:
            chain.end = max(chain.end, end)
            chain.acrosses.append(across)
    return [(sum(c.acrosses) / len(c.acrosses), int(c.start), int(c.end)) for c in chains]


@dataclass(slots=True)
class _Chain:
    """Pieces of one stroke in line: where it starts and ends along, and where each piece stands across."""

    start: float
    end: float
    acrosses: list[float]


def _broken_box(inked: _Ink, known: list[Mark]) -> list[Mark]:
    """A receipt stamp whose frame a black-and-white scan broke into pieces, none of them a box nor big enough to
    be a mark, and set a few degrees askew: two upright sides a stamp's width apart, side by side, and pieces of
    its top or bottom along half its width at least, none running past the sides (a form's rules do)."""
    binary, f = inked.binary, inked.f
    page_h, page_w = binary.shape
    ups = _strokes(binary, max(12, int(0.02 * page_h)), vertical=True)
    acrosses = _strokes(binary, _across_span(page_w), vertical=False)
    out: list[Mark] = []
    short = 0.5 * _STAMP_TALL[0] * page_h
    # Pairs of sides both as long as half a stamp's least height first: a box they make is not cut short by one a
    # worn side and a pen's stroke inside it make (below).
    pairs = sorted(combinations(sorted(ups), 2), key=lambda p: min(p[0][2] - p[0][1], p[1][2] - p[1][1]) < short)
    for (xa, ta, ba), (xb, tb, bb) in pairs:
        width, top, bottom = xb - xa, min(ta, tb), max(ba, bb)
        reach = _ASKEW * width  # how far one side may stand above the other, a top or bottom past them
        if not (_STAMP_WIDE[0] * page_w <= width <= _STAMP_WIDE[1] * page_w and max(ta, tb) - min(ba, bb) <= reach):
            continue
        # A side worn shorter is taken only where Decree 30 has the stamp put (under the number and summary, in the
        # page's top part), off the page's edges, about its width, with its top and bottom both showing.
        weak = min(ba - ta, bb - tb) < short
        if weak and (bottom > _WORN_TOP * page_h or min(xa, page_w - xb) < _EDGE * page_w
                     or width > _WORN_WIDE * page_w):
            continue
        inside = [(y, s, e) for y, s, e in acrosses if s >= xa - reach and e <= xb + reach]
        tops = [(y, s, e) for y, s, e in inside if top - reach <= y <= top + 0.25 * (bottom - top)]
        bottoms = [(y, s, e) for y, s, e in inside if bottom - 0.25 * (bottom - top) <= y <= bottom + reach]
        shown = [sum(e - s for _, s, e in side) for side in (tops, bottoms)]
        if max(shown) < 0.5 * width or weak and min(shown) < 0.3 * width:
            continue
        y0, y1 = min([top] + [y for y, _, _ in tops]), max([bottom] + [y for y, _, _ in bottoms])
        if not _STAMP_TALL[0] * page_h <= y1 - y0 <= _STAMP_TALL[1] * page_h:
            continue
        box = Mark(STAMP, int(xa) * f, int(y0) * f, int(width) * f, int(y1 - y0) * f, 0.7)
        if not _in_seal_or_stamp(box, known + out):
            out.append(box)
    return out


def _seal_in_pieces(mark: Mark, parts: list[int], labels: np.ndarray, stats: np.ndarray, f: int) -> Mark:
    """``mark`` (a signature) with the components whose middles it holds (``parts``, its own first): one seal when
    together they run along a ring. A grey copy's seal comes apart in pieces, the signature with part of its ring;
    taken for a signature, the seal was not read under, and the signer's title it covers was lost."""
    x, y, w, h = stats[parts, :4].T  # left, top, width, height
    x0, y0, x1, y1 = int(x.min()), int(y.min()), int((x + w).max()), int((y + h).max())
    kind, conf = _ring(np.isin(labels[y0:y1, x0:x1], parts).astype(np.uint8), labels.shape[1])
    return Mark(SEAL, x0 * f, y0 * f, (x1 - x0) * f, (y1 - y0) * f, conf) if kind == SEAL else mark


_SEAL_RADII = (0.05, 0.12)  # a seal's radius, in page widths (a 35-42 mm seal on A4: 0.083-0.1)
_BESIDE = 0.013  # page widths outside a seal's outer ring (2.7 mm on A4) where a circle runs over paper …
_PAPER = 0.25  # … inked along this share of its length at most


def _seals_around_signatures(marks: list[Mark], binary: np.ndarray, f: int) -> list[Mark]:
    """``marks`` with each signature a seal's ring runs around made that seal (the signature's and the other
    strokes' marks inside it then go). A black-and-white copy's threshold breaks a seal's thin ring into arcs, each
    too small to be looked at alone; with no seal found, its lettering was read as words beside the signer's name
    ("“NA Tây"), and nothing under it was read again."""
    seals: list[Mark] = []
    for m in marks:
        if m.kind != SIGNATURE or any(s.contains(*_middle(m)) for s in seals):
            continue
        seal = _ring_around(m, binary, f)
        if seal is not None:
            seals.append(seal)
    if not seals:
        return marks
    kept = [m for m in marks if m.kind != SIGNATURE or not any(s.contains(*_middle(m)) for s in seals)]
    return kept + seals


def _middle(m: Mark) -> tuple[float, float]:
    return m.left + m.width / 2, m.top + m.height / 2


def _ring_around(mark: Mark, binary: np.ndarray, f: int) -> Mark | None:
    """The seal whose ring runs around ``mark``'s middle, at a seal's size, inked along most of its length; its
    box is the outermost such ring's (a seal's inner ring is as whole as its outer one, and found first)."""
    page_h, page_w = binary.shape
    r0, r1 = int(_SEAL_RADII[0] * page_w), int(_SEAL_RADII[1] * page_w)
    mx, my = (v / f for v in _middle(mark))
    x0, y0 = max(0, int(mx) - 2 * r1), max(0, int(my) - 2 * r1)
    window = binary[y0:min(page_h, int(my) + 2 * r1), x0:min(page_w, int(mx) + 2 * r1)]
    # Looked for at half the size: in a window of a copy's dither, the full-size search took seconds a signature.
    half = cv2.resize(window, (window.shape[1] // 2, window.shape[0] // 2), interpolation=cv2.INTER_NEAREST)
    circles = _circles(half, r0 // 2, r1 // 2, r0 // 2, busy=True)
    if circles is None:
        return None
    circles = circles * 2
    near = cv2.dilate(window, np.ones((5, 5), np.uint8))
    for cx, cy, r in circles[:10]:
        inked = _inked_along(near, cx, cy, r)
        if np.hypot(cx + x0 - mx, cy + y0 - my) > r or inked < _RING_INKED:
            continue
        outer = max([int(r)] + [q for q in range(int(r) + 1, r1 + 1) if _inked_along(near, cx, cy, q) >= _RING_INKED])
        # Paper lies just outside a seal, but for the print it overlaps; in a shaded copy's dither, whatever
        # circle is drawn runs over ink once widened.
        if min(_inked_along(near, cx, cy, outer + d) for d in range(3, int(_BESIDE * page_w) + 1, 3)) > _PAPER:
            continue
        left, top = int(cx + x0 - outer), int(cy + y0 - outer)
        return Mark(SEAL, max(0, left) * f, max(0, top) * f, 2 * outer * f, 2 * outer * f, round(inked, 2))
    return None


def _broken_frames(marks: list[Mark], ids: list[int], labels: np.ndarray, f: int) -> list[Mark]:
    """``marks`` with strokes taken for signatures whose boxes overlap, and that together are boxed, made one
    stamp: a photocopied receipt stamp's frame worn through in places comes apart in two or three strokes, none
    boxed alone ("ĐẾN" then read as text beside them). ``ids``: each mark's component in ``labels`` (1/``f`` size)."""
    strokes = [i for i, m in enumerate(marks) if m.kind == SIGNATURE]
    overlapping = [(a, b) for a, b in combinations(range(len(strokes)), 2)
                   if _inside(marks[strokes[a]], marks[strokes[b]]) > 0]
    groups = [[strokes[i] for i in g] for g in blanks.linked(len(strokes), overlapping)]
    together = [g for g in groups if len(g) > 1]
    apart = {i for g in together for i in g}
    out = [m for i, m in enumerate(marks) if i not in apart]
    for members in together:
        x0, y0 = min(marks[i].left for i in members) // f, min(marks[i].top for i in members) // f
        x1 = max(marks[i].left + marks[i].width for i in members) // f
        y1 = max(marks[i].top + marks[i].height for i in members) // f
        here = labels[y0:y1, x0:x1]
        kind, conf = _shape(np.isin(here, [ids[i] for i in members]).astype(np.uint8), len(np.unique(here)) - 1)
        if kind == STAMP:
            out.append(Mark(STAMP, x0 * f, y0 * f, (x1 - x0) * f, (y1 - y0) * f, conf))
        else:
            out += [marks[i] for i in sorted(members)]
    return out


PUNCT = string.punctuation + "“”‘’"  # what a word's core is stripped of
_STAMP_CAPITALS = 0.8  # a word in capitals on a stamp this much smaller than the page's is the stamp's own
# A number on a stamp this much taller than the page's words is the stamp's own, written by the clerk who received
# the document ("Số: 17226", "Ngày: 20/8/2026": 38–49 px where the page's words stand 23–30, the document's own
# numbers under the stamp 22–27).
_STAMP_PEN = 1.3
_NUMBER = re.compile(NUMBER_CORE)
_BLANKS = {"so", "ngay"}  # a receipt stamp's blanks, "Số:" and "Ngày:", folded
_CLOSES = ":."  # what closes such a label: its colon, or the colon read as a stop on a grey copy ("Số.", "Ngay.")
# What the pen writes into them, as read: digits with the marks between them that a hand's strokes are read as
# ("24//4-" for 24/4, the date's slash doubled)
_ENTRY = re.compile(r"[\d/.,:;\-]*\d[\d/.,:;\-]*")


def set_aside(words: list, marks: list[Mark]) -> list:
    """Words to keep: those read mostly (four fifths of their box) on a mark are dropped when doubtful — below
    0.6 on a signature or handwriting (what washing left of the strokes), below 0.4 on a seal or stamp (the title
    a seal covers reads at 0.5–0.6). A printed title a signature's box reaches over reads above that and stays.
    On a stamp its own print goes however surely read: its labels (``stamp_label``) and the receiving office's
    name in small capitals along its top ("VĂN PHÒNG ĐĂNG KÝ", 8 pt: 20–23 px at 200 dpi where the page's
    capitals, 12–13 pt, stand 25–37), which a photocopy leaves as dark as the document's own header, and the
    numbers the receiving clerk writes into it, a third taller than the page's words."""
    on = [[m for m in marks if _inside(w, m) >= 0.8] for w in words]
    # Capitals with a mark above ("VĂN", "KÝ") stand taller than those without ("AN"): each against its own kind.
    capitals: dict[bool, list[int]] = {True: [], False: []}
    for w, under in zip(words, on, strict=True):
        if not under and w.conf >= 0.6 and len(w.text) > 1 and w.text.isupper():
            capitals[_marked(w.text)].append(w.height)
    small = {k: _STAMP_CAPITALS * float(np.median(v)) if len(v) >= 3 else 0.0 for k, v in capitals.items()}
    sure = [w.height for w in words if w.conf >= 0.6 and len(w.text) > 1]
    tall = _STAMP_PEN * float(np.median(sure)) if sure else math.inf
    keep, capitals_off = [], []
    for w, under in zip(words, on, strict=True):
        stamped = any(m.kind == STAMP for m in under)
        if under:
            bar = 0.6 if any(m.kind in (SIGNATURE, HANDWRITING) for m in under) else 0.4
            if stamped and w.text.isupper() and w.height < small[_marked(w.text)]:
                capitals_off.append(w)
                continue
            if w.conf < bar or stamped and (stamp_label(w.text) or any(_frame_stroke(w, m) for m in under)
                                            or (_NUMBER.fullmatch(w.text.strip(".,:;")) and w.height >= tall)
                                            or _entered(w, words)):
                continue
        keep.append((w, stamped))
    # A word in capitals between two of the stamp's small capitals on their row is the office's name too ("PHÒNG"
    # of "VĂN PHÒNG ĐĂNG KÝ", its box stretched to 36 px by the "Số:" under it, read into the title beside it).
    return [w for w, stamped in keep if not (stamped and w.text.isupper() and _between(w, capitals_off))]


def _entered(w, words: list) -> bool:
    """Is the number ``w``, on a receipt stamp, written into one of its blanks: the word nearest left of it on its
    row (of the page's ``words``), two of its heights away at most, a "Số:" or "Ngày:" (a grey copy's "Số.",
    "Ngay.")? A stamp's number and date in an upright pen as tall as the print ("Số: 3108", "Ngày: 24/8") were read
    into the header. A document's own number ("Số: 61/QĐ-SYT") is no bare number; one written by hand into its blank
    under the stamp goes as the stamp's do (handwriting is no part of the text). The "Số:" itself stays: the
    document's own may lie under the stamp, its code beside it misread. (A bare number with no word beside it may be
    the print's, its neighbours lost under the stamp: it stays.)"""
    if not _ENTRY.fullmatch(w.text):
        return False
    label = _beside(w, _on_row(w, words))
    return label is not None and label.text.rstrip()[-1:] in _CLOSES and fold(label.text.strip(PUNCT)) in _BLANKS


def _on_row(w, words: list) -> list:
    """The words of ``words`` (``w`` aside) whose middles lie within ``w``'s height."""
    return [o for o in words if o is not w and w.top <= o.top + o.height / 2 <= w.top + w.height]


def _beside(w, row: list):
    """The word of ``row`` nearest left of ``w``, two of its heights away at most."""
    near = max((o for o in row if o.left + o.width <= w.left + w.height / 2), key=lambda o: o.left + o.width,
               default=None)
    return near if near is not None and w.left - (near.left + near.width) <= 2 * w.height else None


def _between(w, row: list) -> bool:
    """Has ``w`` words of ``row`` on both sides, their middles within its height?"""
    beside = [c.left < w.left for c in _on_row(w, row)]
    return True in beside and False in beside


_STROKES = {"i", "l", "1"}  # the letters an upright stroke is read as (folded)


def _frame_stroke(w, m: Mark) -> bool:
    """A bit of a stamp's frame that the rules' removal left: read as "|" (no letter, several times taller than
    wide), or as an upright stroke's letter against its side ("Ì" from a corner, 7 px in from the box's left edge;
    not the "K" a body line the frame crosses was cut to there)."""
    if m.kind != STAMP:
        return False
    if not any(ch.isalnum() for ch in w.text):
        return w.height >= 4 * w.width
    return fold(w.text).lower() in _STROKES and min(w.left - m.left, m.left + m.width - w.left - w.width) <= w.width


_HORN = "\u031b"  # Ư, Ơ: the horn stands beside the letter's top, not above it — "TƯ" is as tall as "TU"


def _marked(text: str) -> bool:
    """Does a mark stand above or below ``text``'s capitals, making its box taller than unmarked capitals'?"""
    return any(unicodedata.combining(ch) and ch != _HORN for ch in unicodedata.normalize("NFD", text))


def stamp_label(text: str) -> bool:
    """Is ``text`` one of the words a receipt stamp prints (Decree 30/2020: "ĐẾN", "Ngày:", "Chuyển:"), as OCR
    reads them ("Chuyến", "Chuyện")? Inside a stamp's box they are the stamp's: the document's own "ngày" stands
    in its date line, right of it. Its "Số:" is left: the document's number line under it reads so too."""
    core = text.strip(PUNCT)
    folded = fold(core)
    return core.isupper() and folded == "den" or core[:1].isupper() and (folded == "ngay" or
                                                                       folded.startswith("chuy") and len(core) <= 7)


def _inside(w, m: Mark) -> float:
    """Share of the word's box inside the mark's."""
    dx = min(w.left + w.width, m.left + m.width) - max(w.left, m.left)
    dy = min(w.top + w.height, m.top + m.height) - max(w.top, m.top)
    return max(0, dx) * max(0, dy) / max(1, w.width * w.height)
