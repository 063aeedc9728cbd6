"""Toner specks off a binarised page (``preprocess.cleaned``): a photocopy scatters dots of toner over the page,
and Tesseract reads those beside a word as punctuation ("hòa.giai", "quyết.") and those between lines as stray
words; the median filter before binarisation takes off only the finest of them.

A speck is told from the marks that belong to the text by size and place, both measured against the page's
text height (so the rule holds at any resolution): small (under ``SMALL`` of the text height across), about as
wide as tall (a dash or a rule's stub is long), and with no letter within ``NEAR`` of the text height — an
accent, the dot of an i, a dot below, a full stop or a comma always sits that close to its letter.

On the grey page, which is not despeckled, a speck right of a word is read as a colon too ("thủ tục: hành chính",
"Ủy ban: nhân dân"): a printed colon is two dots one above the other, a speck one mark (``speck_colons``). An
ellipsis is read as a stop ("chất..." → "chất.") and a stop with specks beside it as an ellipsis: the dots right
of the word's last letter, on its line's foot, say which it is (``ellipses``). A speck before a word is read as
a dash or a quote glued to it ("-XÃ", '"QUYẾT'), one between words as a word of punctuation ("‹", "`"): the marks
there say whether such punctuation is printed (``unprinted``).
"""
from __future__ import annotations

from collections.abc import Iterator
from statistics import median

import cv2
import numpy as np

from ocr.components import components
from ocr.words import Word, lines_of

SMALL = 0.4  # a speck's box is smaller than this share of the text height both ways
NEAR = 0.6  # a mark this close to a letter (× text height) is an accent, a dot or punctuation
LONG = 2.0  # a mark this many times longer than it is thick is a dash or a stroke's piece, not a speck
# A letter's mark is this share of the page's word height at least; a colon's dot is about a tenth of it. (Over 50
# official pages of earlier runs, the template's and the other generator's: of 186 colons read right of a word and
# printed, every one held two dots one above the other, or dots run into one tall mark; of 26 read from specks, 20
# held one mark only, the others two specks or none.)
LETTER = 0.3
_PAD, _REACH = 0.15, 0.5  # how far past a word's box its colon is looked for: above and below, right (× word height)
_DOT = 0.25  # a dot is at most this share of the word height either way
_DOTS_REACH = 1.5  # an ellipsis's dots lie within this many word heights right of the last letter
_DOT_GAP = 0.5  # …each this many word heights at most from the one before (the first from the letter)
_FOOT = 0.15  # …their feet this close to the letters' (× word height)
_ALIKE = 0.75  # the dots of an ellipsis are alike: the smallest this share of the largest at least
_GRAIN = 0.08  # a mark no larger than this share of the word height is a grain of toner, not looked at (a dot: 0.15)


def text_height(heights: np.ndarray) -> float:
    """The page's letter height in pixels: the median height of the marks at least a quarter as tall as the
    tallest ones (the 95th percentile), which leaves out specks, dots and accents however many there are."""
    if not heights.size:
        return 0.0
    tall = heights[heights >= np.percentile(heights, 95) / 4]
    return float(np.median(tall))


def _specks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The specks among ``ink``'s marks (non-zero pixels): their labels, the labels image, the stats, and the
    text height they were judged by (no specks where there is nothing to judge by)."""
    n, labels, stats, centres = components(ink, connectivity=8)
    none = np.zeros(0, dtype=np.int64)
    if n <= 2:
        return none, labels, stats, 0.0
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    height = text_height(h)
    if height <= 0:
        return none, labels, stats, height
    small = (np.maximum(w, h) < SMALL * height) & (np.maximum(w, h) <= LONG * np.minimum(w, h))
    if not small.any():
        return none, labels, stats, height
    letters = np.zeros(n, dtype=np.uint8)
    letters[1:] = ~small
    reach = max(1, int(round(NEAR * height)))
    # Where a letter is within reach (a square: near enough to the circle at this size, and a fast dilation).
    zone = cv2.dilate(letters[labels], np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    ids = np.flatnonzero(small) + 1
    cx = np.clip(np.rint(centres[ids, 0]).astype(int), 0, ink.shape[1] - 1)
    cy = np.clip(np.rint(centres[ids, 1]).astype(int), 0, ink.shape[0] - 1)
    return ids[zone[cy, cx] == 0], labels, stats, height


def despeckle(binary: np.ndarray) -> np.ndarray:
    """``binary`` (0 ink, 255 paper) with its toner specks turned to paper; everything else as it was."""
    ids, labels, stats, _ = _specks(cv2.bitwise_not(binary))
    if not len(ids):
        return binary
    out = binary.copy()
    for k in ids.tolist():
        x, y, bw, bh = stats[k, :4]
        box = out[y:y + bh, x:x + bw]
        box[labels[y:y + bh, x:x + bw] == k] = 255
    return out


def speckled(grey: np.ndarray) -> float:
    """How thickly toner specks lie on an evenly lit grey page: specks per thousand squares of the text height's
    side, counted in the page's middle third (specks lie all over a copy, and a third costs a third). A clean
    scan or print ≈0–2, an office scan 3–14, a speckled photocopy 30–100 (``SPECKLED_ABOVE`` in ocr.page)."""
    band = cv2.medianBlur(grey[grey.shape[0] // 3:2 * grey.shape[0] // 3], 3)
    _, ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ids, _, _, height = _specks(ink)
    return len(ids) * height * height / max(1, ink.size) * 1000


def speck_colons(img: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (read from ``img``, 0/255 or grey) with the colon after a word dropped where the marks right of its
    last letter hold no two one above the other: a speck Tesseract took for a colon."""
    if not words:
        return words
    height = median(w.height for w in words)
    for w, box in _beside(img, words, height, _REACH):
        if len(w.text) >= 2 and w.text.endswith(":") and w.text[-2].isalnum() and not _colon_printed(box, height):
            w.text = w.text[:-1]
    return words


def _beside(img: np.ndarray, words: list[Word], height: float, reach: float) -> Iterator[tuple[Word, np.ndarray]]:
    """Each word with its box of ``img`` a little past it each way: ``reach`` word heights right, up to the next
    word. A box Tesseract cut short may leave a printed colon out, or its upper dot ("thoại:" boxed to "thoạ")."""
    pad, right_of = max(2, round(_PAD * height)), round(reach * height)
    for line in lines_of(words):
        for w, nxt in zip(line, [*line[1:], None], strict=True):
            right = w.left + w.width + right_of
            if nxt is not None:
                right = max(w.left + w.width, min(right, nxt.left))
            yield w, img[max(0, w.top - pad):w.top + w.height + pad, w.left:right]


def _marks(box: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """The marks (left, top, width, height) of a word's ``box`` (grey or 0/255), and those tall enough for letters."""
    _, _, stats, _ = components((box < 128).astype(np.uint8), connectivity=8)
    marks = stats[1:, :4]
    return marks, marks[marks[:, 3] >= LETTER * height]


def _colon_printed(box: np.ndarray, height: float) -> bool:
    """Do the marks right of the last letter in a word's ``box`` hold two one above the other, apart? (True when
    there is no letter or nothing right of it to judge by: two dots run into one tall mark, or a box cut short.)"""
    marks, letters = _marks(box, height)
    if not len(letters):
        return True
    after = marks[marks[:, 0] >= (letters[:, 0] + letters[:, 2]).max() - 1]
    if not len(after):
        return True
    for i, (x, y, w, h) in enumerate(after):
        for x2, y2, w2, h2 in after[i + 1:]:
            if min(x + w, x2 + w2) > max(x, x2) and (y2 - (y + h) >= 1 or y - (y2 + h2) >= 1):
                return True
    return False


def ellipses(img: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (read from ``img``) whose last mark reads as a stop or an ellipsis made what the marks right of
    the last letter show: three dots in a row on the letters' foot an ellipsis, one alone a stop."""
    if not words:
        return words
    height = median(w.height for w in words)
    for w, box in _beside(img, words, height, _DOTS_REACH):
        stem = w.text.rstrip(".")
        if stem and stem[-1].isalpha() and len(w.text) - len(stem) in (1, 3) and (dots := _dots(box, height)) in (1, 3):
            w.text = stem + "." * dots
    return words


def _dots(box: np.ndarray, height: float) -> int | None:
    """How many dots stand in a row right of the last letter in a word's ``box``, on the letters' foot; None
    where there is no letter to judge by or some other mark stands there (a comma, a speck off the foot; a grain of
    toner a pixel or two across is passed over)."""
    marks, letters = _marks(box, height)
    if not len(letters):
        return None
    end = int((letters[:, 0] + letters[:, 2]).max())
    foot = float(np.median(letters[:, 1] + letters[:, 3]))
    after = marks[(marks[:, 0] >= end - 1) & (marks[:, 2:4].max(axis=1) > _GRAIN * height)]
    after = after[np.argsort(after[:, 0])]
    small = _DOT * height
    if not len(after) or any(w > small or h > small or abs(y + h - foot) > _FOOT * height for x, y, w, h in after):
        return None
    at = end
    for x, _, w, _ in after:
        if x - at > _DOT_GAP * height:
            return None
        at = x + w
    sizes = after[:, 2:4].max(axis=1)
    if sizes.min() < _ALIKE * sizes.max():
        return None  # a stop with specks beside it: an ellipsis's dots are printed alike
    return len(after)


_LEADS = "-–—\"“„'‹`,.:"  # read before a word's first letter from a speck: a dash, quotes, a stop…
_DASHES = "-–—"
_QUOTES = "\"“„"
_X_MIDDLE = 0.25  # the middle of the letters' x-height, this many word heights above their foot
_ALONE = "()/@&%"  # printed alone too, and not from a speck: left as read


def unprinted(img: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (read from ``img``) less the punctuation that no mark on the page prints: before a word's first
    letter ("-XÃ", '"QUYẾT'), or a word of punctuation alone ("‹", "`", "+"). A dash is a long mark, a double
    quote two marks above the letters' middle, anything else a mark larger than a speck."""
    if not words:
        return words
    height = median(w.height for w in words)
    pad = max(2, round(_PAD * height))
    out = []
    for w in words:
        box = img[max(0, w.top - pad):w.top + w.height + pad, w.left:w.left + w.width]
        if not any(c.isalnum() for c in w.text):
            # (a dash alone, a list's or the motto's, is left as read: on a copy's grey its ink may be as thick as long)
            if any(c in _ALONE + _DASHES for c in w.text) or _printed(box, height, w.text, alone=True):
                out.append(w)
            continue
        lead = len(w.text) - len(w.text.lstrip(_LEADS))
        if lead and w.text[lead].isalnum() and not _printed(box, height, w.text[:lead], alone=False):
            w.text = w.text[lead:]
        out.append(w)
    return out


def _printed(box: np.ndarray, height: float, punct: str, alone: bool) -> bool:
    """Do the marks in a word's ``box`` show the punctuation ``punct``: all of them when the word is punctuation
    ``alone``, else those left of its first letter (True where there is no letter to judge by)?"""
    marks, letters = _marks(box, height)  # (a letter is no grain: the same letters either way)
    marks = marks[marks[:, 2:4].max(axis=1) > _GRAIN * height]
    if not alone:
        if not len(letters):
            return True
        # (a letter crosses the middle of the letters' x-height; a quote high up, as tall, does not)
        middle = float(np.median(letters[:, 1] + letters[:, 3])) - _X_MIDDLE * height
        letters = letters[(letters[:, 1] < middle) & (letters[:, 1] + letters[:, 3] > middle)]
        if not len(letters):
            return True
        marks = marks[marks[:, 0] + marks[:, 2] <= int(letters[:, 0].min()) + 1]
    if punct[0] in _DASHES:
        return any(w >= LONG * h for _, _, w, h in marks)
    if punct[0] in _QUOTES and not alone:
        return sum(1 for _, y, _, h in marks if y + h <= middle) >= 2
    return any(max(w, h) > SMALL * height or w >= LONG * h for _, _, w, h in marks)
