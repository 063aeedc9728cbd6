"""What a seal or a receipt stamp covers on a black-and-white copy, read once more on its own.

On a photocopy or a grey scan a seal is as dark as print, so colour cannot wash it out (``ocr.marks`` only flags
it), and Tesseract's page layout takes the seal, with the title lines it covers ("TM. ỦY BAN NHÂN DÂN / CHỦ
TỊCH"), for a picture: it reads nothing there. Here the seal and the block to its right (where the title goes on)
are read once more as one block of text, the seal's rings whitened first: every radius around the circle found
that is inked along most of its length. A title letter a ring crosses loses a pixel or two there, which
Tesseract reads through; the seal's own lettering between the rings stays and reads as garbage, which the
confidence bars keep out. A line of a seal's crop whose letters spell one of the signer's title lines, however
misread ("KT.CHW TỊCH"), is that title (``ocr.titles``). Confident words the page's read lacks (or read worse) are
put on the lines they stand on (``ocr.merge``), at 0.75 at most: doubtful, so a field made of them is reviewed.
The crop is read with psm 6 (one block): with the page's psm 4 Tesseract analyses its layout as it did the
page's, and drops the title again.

A receipt stamp ("ĐẾN", with its number and date written in) put over the issuing body's block does the same to
the header's left column: on photocopies Tesseract lost "XÃ NHƯ QUỲNH / Số: /QĐ-UBND", or the whole block with
its "V/v …" lines below the stamp. Where the page's read has fewer than five confident words inside the stamp's
box (its own labels and office's name not counted), or a line crossing it was read only beside it ("hộ tịch và hồ"
right of it, "V/v tổ chức số hóa sổ" under it lost), the box, a twentieth of the page's width either side and half
its height below are read again as one block.

Toner copies a red or blue seal or stamp as a mid grey (≈ 85–110 on generated photocopies) and print as near
black (≈ 25–40 at its darkest tenth). Where the grey image shows that gap, a seal's crop is also read with only
what is darker than a third of the way from the print to the seal's rings: its lettering, which whitening the
rings leaves over the title, falls away with its rings, and the title's strokes keep their cores. Each read adds
what it read surely (the share, a third, was chosen on the tuning seeds' poor pages against a quarter and a
half; docs/benchmarks.md, session 13). A stamp's crop is read that way (darker than its frame) instead of as it
is: its own words ("Số:", "Ngày:", its office's name) are upright print and would read surely. A seal as dark as
print is read a second time with its whole disk whitened instead: its lettering, which stays between the
whitened rings, glues itself to the words it crosses. A seal costs two more Tesseract runs of a small crop, a
stamp one, ≈ 0.1 s of CPU each, on such pages only.

A seal as dark as print glued the signer's name under its lower edge to its rings and lettering: in its crop,
"T22 1/hị Bích" for "Trần Thị Bích"; the page's read, "e Thanh Thuận" for "Lê Thanh Thuận". The lowest line of print
under the seal's middle, the name, is read once more on its own, last, its rings whitened but where a stroke runs
across one (ink two pixels inside the ring's band and two outside, on the same radius): whitened whole, the ring
cut "Trần" to "TP”". (Kept so in the whole crop, the rings glued the title's letters to the lettering: "KT. CHỦ
TỊCH" read "TỊCH".) One more small Tesseract run (≈ 7 ms) a dark seal (docs/benchmarks.md, session 64).

A crop's sides are moved out to the nearest gap between words across its rows: a body line running on under a
seal's top was cut mid-word there ("trách nhiệm thi hành" read "thiệm thì"), and the page's own read of the words
cut was lost to the garbled ones (held out 9494 2.08 → 1.96%, docs/benchmarks.md, session 42).

A seal whose colour was washed out leaves no ring in the image read: its neighbourhood is read again as it is,
one block. The page's read (psm 4) takes a line across both of the footer's columns, and on colour scans lost a
title line the seal had crossed ("PHÓ CHỦ TỊCH" beside "- Chủ tịch, các Xã;"; held-out moderate pages' CER 1.02 →
0.57% with the washing of ``preprocess.washed``, docs/benchmarks.md, session 32). A stamp washed out leaves its
box's text to the page's read, which then has it.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from statistics import median
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

from domain.errors import OcrTimeout
from ocr.components import components
from ocr.marks import SEAL, STAMP, Mark, set_aside
from ocr.merge import CONFIDENT, add_read, letters
from ocr.tesseract import run_tesseract
from ocr.titles import restored
from ocr.words import Word, lines_of

_RIGHT = 0.15  # the title runs on this share of the page width right of the seal's box
_BESIDE = 0.05  # a stamp's crop reaches this share of the page width either side of its box
_FRAME = 8  # pixels either side of a stamp's box where its (perhaps tilted) frame lies
_SMALLEST = 40  # pixels: a seal's crop smaller than this either way holds no ring (a seal is ≈ 300 at 200 dpi)
_INKED = 0.5  # a radius inked along this share of its circle is a ring
_NEAR, _FAR = 1.15, 2.0  # … within this many times the circle found (a seal paler than print; one as dark)
# A word read through a seal is doubtful however sure Tesseract is (a lost "PHÓ" leaves "CHỦ TỊCH", another title):
# below the review threshold (Settings.review_threshold, 0.8), so a field made of it goes to a person.
_DOUBTFUL = 0.75
_LEAST_TIME = 2.0  # seconds of the page's time limit a second read needs (it takes ≈ 0.2 s)
_READ = 5  # confident words the page's read found there (in capitals in a seal's box, a stamp's box): read already
_MARK_INK = 200  # ink pixels on the rings or frame, at least, to say how dark the mark is
# Grey levels between the print's darkest tenth and the mark's ink for the mark to be left out by them. A seal's
# crop so cut is read besides the one with its rings whitened; a stamp's instead of its own, so a cut that thins
# the print costs more there ("/QĐ-UBND" under a stamp 20 levels paler was lost). A copy's darkest seals and
# stamps stand 4–11 levels from its print, paler ones 21–70 (docs/benchmarks.md, accuracy, session 40).
_APART = {SEAL: 20, STAMP: 30}
_BETWEEN = 1 / 3  # how far from the print's darkness towards the mark's the cut lies
_SPACE = 0.2  # word heights of paper between two words, at least (between two letters of a word: less)
_PAPER = 3  # ink pixels a column of a crop's rows may hold and still be a gap between words (a speck's)


def ring_mask(crop: np.ndarray) -> np.ndarray | None:
    """The pixels of the seal's rings in ``crop`` (grey or 0/255, a seal about as tall as it), a pixel either
    side for the ring's blurred edge; None when no ring is found (no seal there, or one washed out)."""
    found = _rings(crop)
    return None if found is None else found.mask


class _Rings(NamedTuple):
    """A seal's rings in a crop: their pixels (``ring_mask``), its whole disk out to the outer ring and a pixel
    past it, which whole radii about ``centre`` are ring (a pixel either side included)."""

    mask: np.ndarray
    disk: np.ndarray
    radii: np.ndarray
    centre: tuple[float, float]


def _rings(crop: np.ndarray, ink: np.ndarray | None = None) -> _Rings | None:
    """The seal's rings in ``crop``, within 1.15 of the circle found; None when no ring is found. ``ink``: what is
    ink in the crop (default: darker than mid grey)."""
    return _ring_sets(crop, ink, (_NEAR,))[0]


def _ring_sets(crop: np.ndarray, ink: np.ndarray | None, reaches: tuple[float, ...]) -> list[_Rings | None]:
    """The seal's rings in ``crop`` out to each of ``reaches`` times the radius of the circle found (one search)."""
    h, w = crop.shape
    ink = crop < 128 if ink is None else ink
    circles = cv2.HoughCircles(cv2.GaussianBlur(np.where(ink, 255, 0).astype(np.uint8), (5, 5), 1.5),
                               cv2.HOUGH_GRADIENT, dp=1, minDist=h, param1=100, param2=30,
                               minRadius=int(0.3 * h), maxRadius=int(0.6 * h))
    if circles is None:
        return [None] * len(reaches)
    cx, cy, r = (float(v) for v in circles[0][0])
    yy, xx = np.mgrid[:h, :w]
    rad = np.rint(np.hypot(xx - cx, yy - cy)).astype(np.int32)
    # Share of each whole radius's pixels that are ink, in one pass over the crop.
    share = np.bincount(rad.ravel(), weights=ink.ravel()) / np.maximum(1, np.bincount(rad.ravel()))
    inked = np.flatnonzero(share >= _INKED)
    out: list[_Rings | None] = []
    for reach in reaches:
        rings = inked[(inked >= 0.3 * r) & (inked <= reach * r)]
        if not len(rings):
            out.append(None)
            continue
        wide = np.zeros(len(share) + 1, bool)
        wide[rings] = wide[rings - 1] = wide[rings + 1] = True
        out.append(_Rings(wide[rad], rad <= rings.max() + 1, wide, (cx, cy)))
    return out


def _crossed(ink: np.ndarray, rings: _Rings, top: int = 0) -> np.ndarray:
    """The pixels of ``rings`` that a stroke crosses, in ``ink``, the crop's rows from ``top`` on: ink two pixels
    inside the ring's band and two outside, on the same radius. Whitened with the ring, a letter it crosses
    ("Trần" under a seal's lower edge) was cut in two and read as "TP”"; a letter only touching the ring keeps the
    ring's side white."""
    ys, xs = np.nonzero(rings.mask[top:top + ink.shape[0]])
    wide, (cx, cy) = rings.radii, (rings.centre[0], rings.centre[1] - top)
    # Each band's inner and outer edge (runs of consecutive ring radii), for each of its radii.
    starts = np.flatnonzero(wide & ~np.r_[False, wide[:-1]])
    ends = np.flatnonzero(wide & ~np.r_[wide[1:], False])
    band = np.searchsorted(starts, np.arange(len(wide)), side="right") - 1
    dx, dy = xs - cx, ys - cy
    dist = np.maximum(np.hypot(dx, dy), 1e-6)
    k = band[np.rint(dist).astype(np.int64)]
    h, w = ink.shape
    out = np.zeros(ink.shape, bool)
    inked = np.ones(len(xs), bool)
    for edge in (starts[k] - 2, ends[k] + 2):
        px = np.rint(cx + dx / dist * edge).astype(np.int64)
        py = np.rint(cy + dy / dist * edge).astype(np.int64)
        inside = (px >= 0) & (px < w) & (py >= 0) & (py < h)
        inked &= inside & ink[np.clip(py, 0, h - 1), np.clip(px, 0, w - 1)]
    out[ys[inked], xs[inked]] = True
    return out


def whiten_rings(crop: np.ndarray) -> np.ndarray | None:
    """``crop`` with the seal's rings whitened (``ring_mask``); None when it has none."""
    rings = ring_mask(crop)
    return None if rings is None else np.where(rings, np.uint8(255), crop)


def print_level(grey: np.ndarray) -> float:
    """How dark the page's print is at its darkest: the tenth percentile of its ink (a sample of the pixels)."""
    sample = grey[::4, ::4]
    ink = sample[sample < 128]
    return float(np.percentile(ink, 10)) if ink.size else 0.0


def darker_than_mark(crop: np.ndarray, rings: np.ndarray, print_dark: float, kind: str = SEAL) -> np.ndarray | None:
    """``crop`` of the grey image, 0/255: ink darker than a third of the way from the print (``print_dark``) to
    the mark's (``rings``: a seal's rings or a stamp's frame, their ink's median). None when the mark (``kind``) is
    about as dark as the print."""
    seal = crop[rings & (crop < 128)]
    if seal.size < _MARK_INK:
        return None
    level = float(np.median(seal))
    if level - print_dark < _APART[kind]:
        return None
    return np.where(crop < print_dark + _BETWEEN * (level - print_dark), 0, 255).astype(np.uint8)


class Covered(NamedTuple):
    """A seal's or stamp's neighbourhood to read again: its corner on the page, the crops, which mark it is."""

    left: int
    top: int
    crops: list[np.ndarray]
    kind: str


def _read_there(words: list[Word], x0: int, y0: int, x1: int, y1: int, capitals: bool = False) -> int:
    """The page's confident words whose middle lies in the box; ``capitals``: words in capitals only."""
    return sum(1 for w in words if w.conf >= CONFIDENT and letters(w) and x0 <= w.left + w.width / 2 <= x1
               and y0 <= w.top + w.height / 2 <= y1 and (not capitals or w.text.isupper()))


def _cut_row(words: list[Word], x0: int, y0: int, x1: int, y1: int) -> bool:
    """Does a line of the page's confident words cross the box's rows with nothing read inside it, its words
    stopping (or starting) within two of its words' heights of the box's side? Its part under the stamp was lost
    ("hộ tịch và hồ" read right of a stamp, "V/v tổ chức số hóa sổ" under it not), however much of the box's other
    rows was read."""
    for line in lines_of([w for w in words if w.conf >= CONFIDENT and letters(w)]):
        if not y0 <= median(w.top + w.height / 2 for w in line) <= y1:
            continue
        if any(x0 <= w.left + w.width / 2 <= x1 for w in line):
            continue
        reach = 2 * median(w.height for w in line)
        right = [w.left for w in line if w.left >= x1]
        left = [w.left + w.width for w in line if w.left + w.width <= x0]
        if right and min(right) - x1 <= reach or left and x0 - max(left) <= reach:
            return True
    return False


def _word_height(words: Sequence[Word]) -> float:
    """The page's word height (≈ 35 at 200 dpi), from its sure words."""
    sure = [w.height for w in words if w.conf >= CONFIDENT]
    return median(sure) if sure else 30.0


def read_covered(img: np.ndarray, words: list[Word], marks: list[Mark], lang: str, deadline: float,
                 dpi: int, grey: np.ndarray | None = None) -> list[Word]:
    """The page's ``words`` (Tesseract's, on ``img``), with what each seal and stamp of ``marks`` covers read
    again. ``grey``: the image before it was binarised, when it was (the same pixels' places), else ``img``."""
    reads = []
    for x0, y0, crop, kind in [(x0, y0, c, kind) for x0, y0, crops, kind in covered_crops(img, marks, grey, words)
                               for c in crops]:
        # A second read is an extra: with the page's time nearly spent it is skipped, never the page failed.
        left = deadline - time.monotonic()
        if left < _LEAST_TIME:
            break
        try:
            out = run_tesseract(Image.fromarray(crop), lang=lang, timeout_s=left, want_pdf=False, dpi=dpi, psm=6)
        except OcrTimeout:
            break
        read = out.words
        if kind == SEAL:  # the signer's title lines under it (a stamp's lines are no titles)
            read = restored(read)
        # Words, not specks or a ring's remains read as strokes ("|").
        reads.append((x0, y0, [w for w in read if letters(w)]))
    return add_read(words, reads, most=_DOUBTFUL, marks=marks)


def covered_crops(img: np.ndarray, marks: list[Mark], grey: np.ndarray | None = None,
                  words: Sequence[Word] = ()) -> list[Covered]:
    """For each seal of ``marks`` on ``img`` (the image read) that still shows its rings, and each stamp, unless
    ``words`` (the page's read) has it read already: the corner of its neighbourhood and the crops to read
    there: ``img``'s (a seal's rings whitened), and ``grey``'s (``img`` when not given) ink darker than the mark
    where the mark is paler than print (``darker_than_mark``), which for a stamp is read instead."""
    grey = img if grey is None else grey
    height, width = img.shape
    out = []
    dark = None
    own: list[Word] | None = None  # the page's words less the stamps' own
    word_h = _word_height(words)
    space = max(3, round(_SPACE * word_h))
    for mark in marks:
        if mark.kind == SEAL:
            x0, y0 = max(0, mark.left - 20), max(0, mark.top - 10)
            x1 = min(width, mark.left + mark.width + int(_RIGHT * width))
            y1 = min(height, mark.top + mark.height + 10)
            # What the seal covers: the title's left part, lost with it (its right part the page reads).
            there = (mark.left, y0, mark.left + mark.width, y1)
        elif mark.kind == STAMP:
            x0, y0 = max(0, mark.left - int(_BESIDE * width)), max(0, mark.top - 10)
            x1 = min(width, mark.left + mark.width + int(_BESIDE * width))
            y1 = min(height, mark.top + mark.height + mark.height // 2)
            # What the stamp's box covers: the rows of text beside it were read or lost with it.
            there = (mark.left, mark.top, mark.left + mark.width, mark.top + mark.height)
        else:
            continue
        # (The title is in capitals: a seal over a paragraph's last line reaches words of it too. A stamp's own
        # words — its labels, its office's name — are not the page's: read surely, they left what it covers lost.)
        if mark.kind == STAMP and own is None:
            own = set_aside(list(words), marks)
        read = own if mark.kind == STAMP else words
        read_already = _read_there(read, *there, capitals=mark.kind == SEAL) >= _READ and (
            mark.kind == SEAL or not _cut_row(read, *there))
        if min(y1 - y0, x1 - x0) < _SMALLEST or read_already:
            continue  # a box cut by the page's edge to a sliver (no ring to find there), or read already
        x0, x1 = _between_words(img, x0, y0, y1, -1, space), _between_words(img, x1, y0, y1, 1, space)
        crop = img[y0:y1, x0:x1]
        if mark.kind == SEAL:
            ink = crop < 128
            near, far = _ring_sets(crop, ink, (_NEAR, _FAR))
            if far is None:  # washed out with its colour: the title's lines it crossed, read as one block
                out.append(Covered(x0, y0, [crop], mark.kind))
                continue
            rings = (near if near is not None else far).mask
            crops = [np.where(rings, np.uint8(255), crop)]
        else:
            rings = stamp_frame(crop.shape, mark.left - x0, mark.top - y0, mark.width, mark.height)
            crops = [crop]
        dark = print_level(grey) if dark is None else dark
        darker = darker_than_mark(grey[y0:y1, x0:x1], rings, dark, mark.kind)
        if mark.kind == SEAL and darker is not None and near is None:
            out.append(Covered(x0, y0, [crop], mark.kind))  # paler than print, its rings as far as 1.15: washed
            continue
        if darker is not None:
            # A stamp's own words ("Số:", "Ngày:", its office's name) are printed upright and read surely
            # from the crop as it is: where they can be left out by their grey, they are.
            crops = crops + [darker] if mark.kind == SEAL else [darker]
        elif mark.kind == SEAL:
            # As dark as print, the seal's lettering stays between its whitened rings and glues itself to the
            # words it crosses: the signer's name under the seal's edge read as "©4„e32vũ'Bình Phú". With the
            # whole disk whitened, what lies beside it reads alone ("Vũ Bình Phú"); what lies inside is lost to
            # this read, as it is to the first. Its rings are looked for out to twice the circle found (the one
            # round its star, where the seal's box cuts its top: "Lê Thanh Thuận"'s outer ring lay at 1.4×); a
            # paler seal's only to 1.15× (further, they took in a colour page's date line beside the seal).
            crops = [np.where(far.mask, np.uint8(255), crop), np.where(far.disk, np.uint8(255), crop)]
            out.append(Covered(x0, y0, crops, mark.kind))
            # … and the signer's name under it alone, last: its words read in the whole crop ("Thị Bích" with the
            # rings' remains around it) give way to the line's own read. There the seal leaves no grey to keep the
            # letters its rings cross by: where a stroke runs across a ring, the ring stays (``_crossed``; "Trần"
            # was cut to "TP”"). (Over the title's lines at the seal's top, a ring kept so glued their
            # letters to the lettering: "KT. CHỦ TỊCH" read "TỊCH".)
            name = _name_line(ink & ~far.disk, mark.top + mark.height // 2 - y0, word_h)
            if name is not None:
                top, bottom = name
                line = crop[top:bottom]
                kept = far.mask[top:bottom] & ~_crossed(ink[top:bottom], far, top)
                out.append(Covered(x0, y0 + top, [np.where(kept, np.uint8(255), line)], mark.kind))
            continue
        out.append(Covered(x0, y0, crops, mark.kind))
    return out


def _name_line(ink: np.ndarray, below: int, height: float) -> tuple[int, int] | None:
    """The rows of the lowest line of print in ``ink`` (a seal's crop's ink, the seal's disk left out) under row
    ``below`` (the seal's middle), a third of a line's height above and below it: the signer's name, the start of
    it under the seal's ring. A line is three letters or more (a bold name's run together) over two and a half
    word heights (``height``) at least: a signature's or the lettering's remains are less."""
    _, _, stats, _ = components(ink.astype(np.uint8), connectivity=8)
    x, top, w, h = (stats[1:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    mid = top + h / 2
    letter = np.flatnonzero((h >= 0.3 * height) & (h <= 1.5 * height) & (w <= 2 * height) & (mid > below))
    lines: list[list[int]] = []
    bottom = -1  # the line so far reaches down to here
    for k in letter[np.argsort(mid[letter])]:  # top to bottom: a letter whose middle is in the line joins it
        if lines and mid[k] <= bottom:
            lines[-1].append(k)
            bottom = max(bottom, top[k] + h[k])
        else:
            lines.append([k])
            bottom = top[k] + h[k]
    for line in reversed(lines):
        if len(line) >= 3 and max(x[line] + w[line]) - min(x[line]) >= 2.5 * height:
            pad = int(height / 3)
            return max(0, int(min(top[line])) - pad), min(ink.shape[0], int(max(top[line] + h[line])) + pad)
    return None


def _between_words(img: np.ndarray, x: int, y0: int, y1: int, step: int, space: int) -> int:
    """``x``, or the nearest gap between words beyond it (``step`` -1: to the left, 1: to the right): ``space``
    columns of paper side by side across the rows ``y0``–``y1`` (a single one is often between two letters of a
    word). A crop's side there cuts no word of a line that runs past the mark ("trách nhiệm thi hành" cut at the
    seal's crop read "thiệm thì", and the words it had cut were lost with the page's own read of them). Looked for
    as far as the crop is tall; where there is none (a ruled page), ``x`` itself."""
    lo, hi = (max(x - (y1 - y0), 0), x) if step < 0 else (x, min(x + y1 - y0, img.shape[1]))
    paper = np.count_nonzero(img[y0:y1, lo:hi] < 128, axis=0) <= _PAPER
    if step < 0:
        paper = paper[::-1]  # counted outwards from x
    if len(paper) < space or paper[:space].all():
        return x
    runs = np.convolve(paper, np.ones(space, int), mode="valid") == space  # a run of ``space`` starts at i
    if not runs.any():
        return x
    return x + step * int(np.argmax(runs))


def stamp_frame(shape: tuple[int, int], left: int, top: int, width: int, height: int, band: int = _FRAME) -> np.ndarray:
    """The band along a stamp's box (at ``left``, ``top`` in a crop of ``shape``; a tilted frame stays in it),
    ``band`` pixels either side of its sides (inside only, where the box is the crop)."""
    b, right, bottom = band, left + width, top + height
    band = np.zeros(shape, bool)
    band[max(0, top - b):bottom + b, max(0, left - b):right + b] = True
    band[top + b:bottom - b, left + b:right - b] = False
    return band


# A grey scan's receipt stamp or seal, which colour cannot wash: its ink this much paler than the print's darkest, on
# a page whose print is sharp enough (``sharpness``), goes where it is paler than two thirds of the way from the
# print's darkness to the mark's; the signer's name and title over a seal, print-dark, stay. A blurred copy's print
# fades through the same greys and is left alone. bench accuracy --scan grey, sessions 51 (stamps) and 57 (seals).
_PALE_STAMP = 60
_PAPER_GREY = 230  # paper, a scan's noise on it included
_SHARP = 0.3
_STAMP_CUT = 2 / 3
_LEFT_OF_SEAL = 0.25  # a seal's ring pixels the cut may leave and have taken it whole (grey scans: 0.02–0.21)


def sharpness(grey: np.ndarray, print_dark: float) -> float:
    """The share of the page's inked pixels (darker than 160) as dark as its print's core: 0.5–0.6 on a clean scan,
    about 0.35 on an office scan, 0.1–0.25 on a blurred copy, whose strokes fade through greys."""
    sample = grey[::2, ::2]
    inked = int(np.count_nonzero(sample < 160))
    return int(np.count_nonzero(sample < print_dark + 40)) / inked if inked else 0.0


def wash_pale_marks(grey: np.ndarray, marks: Sequence[Mark], framed: np.ndarray | None = None,
                     seals: bool = True) -> np.ndarray:
    """``grey`` (a page where colour found no mark) with its pale receipt stamps' and, where ``seals``, seals' ink
    made paper (above), a stamp's grey read on its frame in ``framed`` (the same page before its rules, a stamp's
    frame among them, were erased; default ``grey``), a seal's on its rings (found on all that is not paper). A stamp
    box over a seal is the signer's block taken for a stamp, and is left."""
    stamps = [m for m in marks if m.kind == STAMP and not any(o.kind == SEAL and m.overlaps(o) for o in marks)]
    pale = stamps + ([m for m in marks if m.kind == SEAL] if seals else [])
    if not pale:
        return grey
    print_dark = print_level(grey)
    if sharpness(grey, print_dark) < _SHARP:
        return grey
    out, source = grey, grey if framed is None else framed
    for m in pale:
        crop = source[m.top:m.top + m.height, m.left:m.left + m.width]
        if m.kind == SEAL:  # its rings' grey: a pale one's too
            unpapered = crop < _PAPER_GREY
            found = _rings(crop, unpapered) if crop.size else None
            ink = crop[found.mask & unpapered] if found is not None else crop[:0]
        else:  # the frame: a band inside each side, a twentieth of the shorter side wide
            frame = stamp_frame(crop.shape, 0, 0, *crop.shape[::-1], band=max(3, min(crop.shape) // 20))
            ink = crop[frame & (crop < 160)] if crop.size else crop
        level = float(np.median(ink)) if ink.size >= _MARK_INK else print_dark
        if level - print_dark < _PALE_STAMP:
            continue
        if out is grey:
            out = grey.copy()
        part = out[m.top:m.top + m.height, m.left:m.left + m.width]
        cut = print_dark + _STAMP_CUT * (level - print_dark)
        part[part >= cut] = 255
        # What the cut left of a seal it took whole (its rings but for a scanner's specks) is specks too; a seal
        # dark in part (a photo of a copy: a third of its rings as dark as print) leaves its print's thin strokes
        # past the cut, in pieces that touch no print-dark pixel.
        if m.kind == SEAL and np.count_nonzero(ink < cut) <= _LEFT_OF_SEAL * ink.size:
            part[_specks(part, cut, print_dark + _BETWEEN * (level - print_dark))] = 255
    return out


def _specks(part: np.ndarray, cut: float, core: float) -> np.ndarray:
    """The pixels of ``part`` darker than ``cut`` that touch no pixel darker than ``core``: a scanner's noise leaves
    some of a pale seal's pixels past the cut, and where its lettering crossed the signer's name they glued
    themselves to it ("Nguyễn" read "NgHyễ n", then dropped). Print's paler rims touch its dark core, and stay."""
    n, labels, _, _ = components((part < cut).astype(np.uint8), connectivity=8)
    cored = np.zeros(n, bool)
    cored[labels[part < core]] = True
    return (labels > 0) & ~cored[labels]
