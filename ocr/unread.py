"""Lines of print the page's read left out, found in the ink and read once more on their own.

Tesseract reads a page with psm 4, as one column of text lines. Where two columns of different line pitch stand
side by side (the "Nơi nhận:" list beside the signer's title, the two header blocks) it can build lines that run
across both at different heights, and read the smaller column's as garbage or not at all: on a clean generated
page "- Như trên; / - Đ/c Chủ tịch UBND xã;" came out as "là Hy", "_#oiEhi:dttDEND". Issue 14 asks that no line
found on the page be lost; here the check is made in the image read, whatever the layout:

* the ink's connected pieces of a letter's size (0.3 to 2 of the page's word height tall, at most 4 wide, not a
  speck) whose middle no confident word's box holds, and no seal, stamp, signature or handwriting's;
* such pieces side by side on one line (less than 0.8 of a word height apart), four letters at least over two and
  a half word heights, are a piece of line the page's read lacks (on open paper a piece counts as the letters its
  width holds, one a 0.6 word height: a dark copy's toner runs a bold name's letters together, "Lê Thế Chính" in
  three pieces); inside one cell of a ruled table, two pieces are, or one a word height wide (a register's number
  "369" or gender "Nữ", lost on a shaded page's dark side, a bold number's digits run into one piece: the cell's rules
  say it is a value, where on open paper so short a piece may be specks); and one piece or more just past a label that
  asks for a number ("Trang số:"), read as digits from the label's end (alone, the thin "1" of "Trang số: 1" lost by
  the page's read reads "1"; with its label, "I.");
* each piece is widened to the whole confident words it touches (no word cut, and context for the language model),
  the pieces are stacked and read by one Tesseract run (``ocr.reread.stack_boxes``, psm 6), and the sure words read
  there that the page lacks, or read less surely, are put on their lines at their own confidence
  (``ocr.merge``).

A page read well has nothing there and costs one connected-components pass over its ink, and the letters found
outside its words grouped into lines at a quarter of the size (≈ 50–75 ms of CPU at 200–300 dpi); specks, rules'
remains, ornaments and a seal's lettering are too small, too few in a row, or read back too unsurely to be added. A
page read poorly all over (a photocopied register: 40–80 pieces, a tenth to a sixth of its area) is read again up to
a quarter of its area, the pieces with the most letters first.
"""
from __future__ import annotations

import re
import time
from bisect import bisect_right
from statistics import median

import cv2
import numpy as np
from PIL import Image

from domain.errors import OcrTimeout, PageFailed
from domain.text import fold
from ocr.components import components
from ocr.layout import PRINTED, is_garbage
from ocr.marks import Mark
from ocr.merge import CONFIDENT, add_read, letters
from ocr.preprocess import Rules
from ocr.reread import place, stack_boxes
from ocr.tesseract import run_tesseract
from ocr.words import Word

_GLYPH = (0.3, 2.0)  # a letter's height in word heights (an accent or a dot is a piece of its own, smaller)
_WIDEST = 4.0  # … and its width at most (a rule's remains or a frame is wider)
_SMALLEST = 0.03  # … and its ink at least this many square word heights (a toner speck has less)
_NEAR = 0.8  # letters of one line stand less than this many word heights apart
_LETTERS = 4  # a piece of line has this many letters at least …
_LETTER_WIDE = 0.6  # (a piece of ink holds one letter for each this many word heights of its width)
_WIDE = 2.5  # … and is this many word heights wide at least
_CELL_LETTERS = 2  # … or, inside one cell of a ruled table, has this many
_CELL_WIDE = 1.0  # … or one this many word heights wide (a bold number's digits run into one piece: "384")
_PAD = (0.6, 0.35)  # a piece's crop reaches this many word heights beyond it, across and up and down
_FEWEST_WORDS = 10  # confident words a page's read needs for its word height to be known
_DASHES = ("-", "–", "+")  # a line of a list opens with one
_DIGIT = re.compile(r"\d[,.;:]?")  # a number of one digit ("Thôn 8,")
_ASKS_NUMBER = re.compile(r"so[:;]")  # a label's last word that a number follows ("Trang số:"), folded
_ASKED_GAP = 2.0  # its number starts within this many word heights of it
_NUMBER_CHARS = "0123456789/"  # what such a number is written with ("01/2024")
_QUARTER = 4  # letters are grouped into lines at this many times smaller
_MOST_AREA = 0.25  # of the page's area read again, at most
_LEAST_TIME = 2.0  # seconds of the page's time limit the second read needs


def _sure(words: list[Word]) -> list[Word]:
    return [w for w in words if w.conf >= CONFIDENT and not is_garbage(w)]


def _cells(rules: Rules | None) -> tuple[list[int], list[int]]:
    """The x and y edges of a ruled table's cells (none without one): its column rules, and its row rules within
    the columns' span with the span's bottom (a last row left open)."""
    if rules is None or len(rules.columns) < 2:
        return [], []
    top, bottom = rules.span
    ys = sorted({y for y in rules.rows if top - 10 <= y <= bottom + 10} | {bottom})
    return rules.columns, ys if len(ys) >= 2 else []


def _cell(edges: list[int], lo: int, hi: int) -> tuple[int, int] | None:
    """The pair of consecutive ``edges`` holding ``lo`` to ``hi``, if one does."""
    i = bisect_right(edges, lo)
    return (edges[i - 1], edges[i]) if 0 < i < len(edges) and hi <= edges[i] else None


Box = tuple[int, int, int, int]  # x0, y0, x1, y1


def unread_boxes(img: np.ndarray, words: list[Word], marks: list[Mark],
                 rules: Rules | None = None) -> tuple[list[Box], list[Box], list[Box]]:
    """Boxes of the pieces of line in ``img`` (the image read) that no confident word of ``words`` covers, outside
    ``marks``, each widened to be read again; of the short values alone in a cell of the table ``rules`` draws,
    each within its cell; and of the numbers a label asks for, each from the label's end."""
    sure = _sure(words)
    if len(sure) < _FEWEST_WORDS:
        return [], [], []
    h = median(w.height for w in sure)
    covered = np.zeros(img.shape, bool)
    pad = int(0.15 * h)
    for w in sure:
        covered[max(0, w.top - pad):w.top + w.height + pad, max(0, w.left - pad):w.left + w.width + pad] = True
    for m in marks:
        covered[max(0, m.top):m.top + m.height, max(0, m.left):m.left + m.width] = True
    _, _, stats, centres = components((img < 128).astype(np.uint8), connectivity=8)
    lx, ly, lw, lh, area = stats[1:].T
    cx, cy = centres[1:, 0].astype(int), centres[1:, 1].astype(int)
    letter = np.flatnonzero((lh >= _GLYPH[0] * h) & (lh <= _GLYPH[1] * h) & (lw <= _WIDEST * h)
                            & (area >= _SMALLEST * h * h) & ~covered[cy, cx])
    xs, ys = _cells(rules)
    # Where a number is asked for ("Trang số:", "Quyển số:"), its right: a page's number may be one thin "1".
    asks = [(w.left + w.width, w.top + w.height / 2) for w in sure if _ASKS_NUMBER.fullmatch(fold(w.text))]
    least = 1 if ys or asks else _LETTERS  # (a value alone in a cell may be one piece: the checks below)
    lx, ly, lw, lh, mid = lx[letter], ly[letter], lw[letter], lh[letter], cy[letter] // _QUARTER
    # On open paper a piece counts as the letters its width holds: a dark copy's toner ran a bold signer's name
    # together, "Lê Thế Chính" three pieces, and the line was lost. (In a ruled table a bold number run into one
    # piece is a cell's value already, below; counted so, a register's "325" was read again as "3425".)
    held = np.ones(len(lw), int) if ys else np.maximum(1, lw // (_LETTER_WIDE * h)).astype(int)
    if held.sum() < least:
        return [], [], []
    # Letters of one line run together across their gaps, and lines stay apart: each letter's middle row, drawn
    # at a quarter of the size (a letter is a few pixels there, a line's pitch ten), joined across 0.8 word
    # heights and a row up or down (a capital's middle sits higher than a small letter's).
    rows = np.zeros((img.shape[0] // _QUARTER + 1, img.shape[1] // _QUARTER + 1), np.uint8)
    for y, x0, x1 in zip(mid, lx // _QUARTER, (lx + lw) // _QUARTER, strict=True):
        rows[y, x0:x1 + 1] = 255
    join = int(_NEAR * h)
    n, runs = cv2.connectedComponents(cv2.dilate(rows, np.ones((3, max(1, join // _QUARTER)), np.uint8)),
                                      connectivity=8)
    run = runs[mid, lx // _QUARTER]
    letters_in = np.bincount(run, weights=held, minlength=n).astype(int)
    x0s, y0s = np.full(n, img.shape[1]), np.full(n, img.shape[0])
    x1s, y1s = np.zeros(n, int), np.zeros(n, int)
    np.minimum.at(x0s, run, lx)
    np.minimum.at(y0s, run, ly)
    np.maximum.at(x1s, run, lx + lw)
    np.maximum.at(y1s, run, ly + lh)
    px, py = int(_PAD[0] * h), int(_PAD[1] * h)
    boxes = []
    for k in np.flatnonzero(letters_in >= least):
        # A run reaches half a join beyond its letters either side (a short word, "Vạn", is a piece of line).
        rx, ry, rw, rh = x0s[k] - join // 2, y0s[k], x1s[k] - x0s[k] + join, y1s[k] - y0s[k]
        line = rw >= _WIDE * h and letters_in[k] >= _LETTERS
        across, down = _cell(xs, x0s[k], x1s[k]), _cell(ys, y0s[k], y1s[k])
        value = not line and across is not None and down is not None and (
            letters_in[k] >= _CELL_LETTERS or x1s[k] - x0s[k] >= _CELL_WIDE * h)  # a short value alone in a cell
        asked = None if line or value else next(
            (right for right, middle in asks
             if 0 <= x0s[k] - right <= _ASKED_GAP * h and abs((y0s[k] + y1s[k]) / 2 - middle) < h / 2), None)
        if rh > _GLYPH[1] * h or not (line or value or asked):
            continue
        x0, x1 = rx - px, rx + rw + px
        # A word the crop would cut is taken whole: a letter or two of it read alone is garbage, and the
        # words either side are context for the language model.
        cut = [w for w in sure if ry <= w.top + w.height / 2 <= ry + rh and w.left < x1 and w.left + w.width > x0]
        x0, x1 = min([x0] + [w.left - px for w in cut]), max([x1] + [w.left + w.width + px for w in cut])
        y0, y1 = ry - py, ry + rh + py
        if value:  # read within its cell: a neighbour's value beside it would run into it
            x0, x1, y0, y1 = max(x0, across[0]), min(x1, across[1]), max(y0, down[0]), min(y1, down[1])
        if asked:  # the number alone, from the label's end: "Trang số: 1" reads "I." whole, "1" so
            x0 = max(x0, asked + pad)
        kind = "line" if line else "value" if value else "number"
        boxes.append((int(letters_in[k]), (int(x0), int(y0), int(x1), int(y1)), kind))
    # A page read poorly all over (a photocopied register: 40–80 pieces, a tenth to a sixth of the page) is read
    # again up to a quarter of its area, the pieces with the most letters first, so that the step never costs a
    # page's read twice over.
    budget, kept = _MOST_AREA * img.size, set()
    for n in sorted(range(len(boxes)), key=lambda n: -boxes[n][0]):
        x0, y0, x1, y1 = boxes[n][1]
        budget -= (x1 - x0) * (y1 - y0)
        if budget < 0:
            break
        kept.add(n)
    kept_boxes = [(box, kind) for n, (_, box, kind) in enumerate(boxes) if n in kept]
    return tuple([box for box, kind in kept_boxes if kind == want] for want in ("line", "value", "number"))


def read_unread(img: np.ndarray, words: list[Word], marks: list[Mark], lang: str, deadline: float,
                dpi: int, rules: Rules | None = None) -> list[Word]:
    """The page's ``words`` (Tesseract's, on ``img``) with the pieces of line they leave out read again."""
    lines, values, numbers = unread_boxes(img, words, marks, rules)
    if not lines and not values and not numbers:
        return words
    h = median(w.height for w in _sure(words))
    # Read as surely as the page's own words: no mark's ink over them, unlike a seal's crop. The short values of
    # a table's cells are read apart from the lines (in one stack, they changed how its lines read) and a word
    # alone on its line may join at the page's bar: a cell's value often is one ("Nữ" reads at 0.84), where the
    # bar for a seal's lettering would refuse it.
    words = _read_again(img, words, lines, h, lang, deadline, dpi, marks)
    words = _read_again(img, words, values, h, lang, deadline, dpi, marks, alone=CONFIDENT)
    # A number asked for is read as digits: alone, the thin "1" of "Trang số: 1" reads as a letter.
    return _read_again(img, words, numbers, h, lang, deadline, dpi, marks, chars=_NUMBER_CHARS, alone=CONFIDENT)


def _read_again(img: np.ndarray, words: list[Word], boxes: list[Box], h: float, lang: str,
                deadline: float, dpi: int, marks: list[Mark], chars: str | None = None, **merge) -> list[Word]:
    left = deadline - time.monotonic()
    if not boxes or left < _LEAST_TIME:
        return words
    gap = max(1, int(h))
    stacked, where = stack_boxes(img, boxes, gap)
    try:
        out = run_tesseract(Image.fromarray(stacked), lang=lang, timeout_s=left, want_pdf=False, dpi=dpi, psm=6,
                            chars=chars)
    except (OcrTimeout, PageFailed):
        return words  # an extra: the page keeps what it read
    bands = place(out.words, where, gap)
    # (read with ``chars`` alone, a band holds nothing else)
    reads = [(0, 0, band if chars else addable(band, h)) for band in bands]
    return add_read(words, reads, marks=marks, **merge)


def addable(band: list[Word], height: float) -> list[Word]:
    """The words of one piece of line read again that may join the page: printed characters, not garbage, and
    two letters or digits at least (a letter alone is a word cut by the crop's edge), a digit after a word ("Thôn
    8,", "Tổ 3": a page read that lost it keeps no trace of it), or the dash that opens a list's line ("- Như
    trên;"): a dash elsewhere is a blank's remains."""
    band = [w for w in band if PRINTED.fullmatch(w.text) and not is_garbage(w, height)]
    return [w for n, w in enumerate(band) if letters(w) or (n == 0 and w.text in _DASHES and len(band) > 1)
            or (n > 0 and _DIGIT.fullmatch(w.text) and letters(band[n - 1]))]
