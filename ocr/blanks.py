"""Numbers and days written by pen in black or blue-black ink into a document's blanks ("Số: 125/QĐ-UBND", "ngày
12 tháng 4", the number and date on a receipt stamp): colour cannot tell them from print (``ocr.marks`` finds
coloured pen), so their shape does. Called by ``marks.ink_marks`` on the upright grey page.

Each piece of ink is compared with the print on its own line, not with the page: a hand writes a number taller
than the type beside it (a 13-pt "Số:" is ≈ 3.3 mm, a written digit 4–6 mm), in thin open strokes. A piece at
least twice the page's glyph height, no denser than half its box, is a candidate; candidates side by side (the
digits of one number, a date's slashes) are one group. A group is handwriting when it stands a fifth taller
than what the line prints beside it (the line's tall letters — capitals, ascenders, accents joined to their
capital — measured without the group; a heading in larger type is its own line's height), has the blank's room
on one side at least (an accented capital has its word's letters on both), sits on the line's baseline (a
parenthesis, a letter blurred with its dot below hang under it), is not one piece wider than tall (print run
together) and is as dark as print (a washed stamp's ghost is paler). Pieces of a group are whitened when they
stand alone (a digit that touches print stays, flagged); the group's box is a HANDWRITING mark either way, and
``marks.set_aside`` drops what Tesseract still reads there doubtfully. More than ``_HAND_PAGE`` values: the page
is written by hand, nothing is set aside.

Limits: handwriting no taller than the print beside it is not found (it is read as text), nor is a number
written over a dotted leader in one stroke with it.
"""
from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from ocr import preprocess
from ocr.components import components

_TALL = 1.8  # a candidate is at least this many times the page's median glyph (mostly lower-case letters) tall
_SPARSE = 0.5  # …and its ink fills at most this share of its box (a printed capital fills 0.4–0.65)
_ABOVE_LINE = 1.2  # a group is handwriting when this much taller than the line's tall print (p90 of heights)
_TOO_TALL = 3.0  # …and at most this much: taller is a frame's side, a bracket, a signature's stroke
_PALER = 100  # grey levels above the page's median ink: a washed stamp's ghost, not a pen
_BELOW = 0.35  # glyph heights below the line's baseline: print's dot or descender, not a value written on the line
_LINE_REACH = 25  # the line's print is looked for this many glyph heights either side
_MIN_NEIGHBOURS = 3  # pieces of print beside it: fewer is no line of text (a margin note, a seal's remains)
_HAND_PAGE = 15  # more values than this: a page written by hand (a register's rows) — its pen is its text
_EDGE = 0.04  # of the page's width: ink this close to the edge is the scanner's (as ocr.marks)
_IN_WORD = 0.3  # print this close (glyph heights) on either side: a letter of a printed word, not a blank's value


def linked(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Items 0..n-1 in groups, two items in one group when a chain of ``pairs`` links them; each group's items
    in order, the groups in the order of their first items."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(root(i), []).append(i)
    return list(out.values())


def _groups(xs: np.ndarray, ys: np.ndarray, ws: np.ndarray, hs: np.ndarray) -> list[list[int]]:
    """Candidates joined when side by side: boxes overlapping vertically by half the smaller height, and the gap
    between them at most the taller one's height. (All pairs at once: a photocopy has a few hundred candidates,
    and a pair at a time in Python took 0.2 s of its page.)"""
    x, y, w, h = (np.asarray(a, np.int64)[:, None] for a in (xs, ys, ws, hs))
    overlap = np.minimum(y + h, (y + h).T) - np.maximum(y, y.T)
    gap = np.maximum(x, x.T) - np.minimum(x + w, (x + w).T)
    side_by_side = (overlap >= 0.5 * np.minimum(h, h.T)) & (gap <= np.maximum(h, h.T))
    return linked(len(xs), np.argwhere(np.triu(side_by_side, 1)).tolist())


Parts = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # f, small page, its ink, labels, stats


def pen_in_blanks(grey: np.ndarray, known: list,
                  parts: Parts | None = None) -> tuple[np.ndarray, list[tuple[int, int, int, int, float]]]:
    """``grey`` with the handwritten pieces that stand alone whitened, and the boxes (left, top, width, height,
    confidence) of the handwriting found, none inside a mark in ``known`` (``ocr.marks.Mark``). ``parts``: the
    page at ≈1000 px wide (its factor ``f``), its ink and connected components, when the caller made them from
    this very ``grey`` (``ocr.marks`` does, by ``preprocess.work_ink`` too: ≈35 ms a page not spent twice)."""
    if parts is None:
        f, small, binary = preprocess.work_ink(grey)
        _, labels, stats, _ = components(binary, connectivity=8)
    else:
        f, small, binary, labels, stats = parts
    page_h, page_w = small.shape
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    pieces = np.flatnonzero((h >= 4) & (w >= 2) & (h < 0.08 * page_h) & (w < 0.15 * page_w))
    if len(pieces) < 20:
        return grey, []
    x, y, w, h, area = x[pieces], y[pieces], w[pieces], h[pieces], area[pieces]
    glyph = float(np.median(h))
    cx, cy = x + w / 2, y + h / 2
    cand = np.flatnonzero((h >= _TALL * glyph) & (area <= _SPARSE * w * h) & (w >= 0.2 * h))
    edge = _EDGE * page_w
    # A seal's letters and a signature's strokes are tall and sparse too; a receipt stamp's blanks are filled by
    # hand, so what stands in a stamp is still looked at. The page's edge is a scanner's shadow, not a blank.
    cand = np.array([i for i in cand if edge < x[i] and x[i] + w[i] < page_w - edge
                     and not any(m.kind != "stamp" and m.contains(cx[i] * f, cy[i] * f) for m in known)],
                    dtype=int)
    if len(cand) == 0:
        return grey, []
    # A pen presses ink as dark as print; what is much paler is the ghost of a washed coloured stamp or seal.
    ink = float(np.median(small[binary > 0]))

    def dark(i: int) -> bool:
        here = small[y[i]:y[i] + h[i], x[i]:x[i] + w[i]][labels[y[i]:y[i] + h[i], x[i]:x[i] + w[i]] == pieces[i] + 1]
        return float(np.median(here)) <= ink + _PALER

    cand = np.array([i for i in cand if dark(i)], dtype=int)
    if len(cand) == 0:
        return grey, []
    values: list[np.ndarray] = []
    found: list[tuple[int, int, int, int, float]] = []
    for group in _groups(x[cand], y[cand], w[cand], h[cand]):
        members = cand[group]
        top, bottom = int(y[members].min()), int((y[members] + h[members]).max())
        left, right = int(x[members].min()), int((x[members] + w[members]).max())
        beside = (np.abs(cx - (left + right) / 2) < (right - left) / 2 + _LINE_REACH * glyph) & (cy >= top) \
            & (cy <= bottom)
        beside[members] = False
        if int(beside.sum()) < _MIN_NEIGHBOURS:
            continue
        # An accented capital is tall too, but it has letters of its word right beside it; a value written into
        # a blank has the blank's room around it, on one side at least (a number is often written up to the
        # slash of "/QĐ-UBND"). A lone piece with a letter beside it is a word's first or last letter.
        low = beside & (y + h > (top + bottom) / 2) & (h >= 0.6 * glyph)
        close = [bool(len(g)) and float(g.min()) < _IN_WORD * glyph
                 for g in (left - (x + w)[low & (x + w <= left + 2)], x[low & (x >= right - 2)] - right)]
        if all(close) or (len(members) == 1 and any(close)):
            continue
        line = float(np.percentile(h[beside], 90))
        tall = float(np.median(h[members])) / max(1.0, line)
        if not _ABOVE_LINE <= tall <= _TOO_TALL:
            continue
        # A printed letter blurred together with its marks (an accent above, a dot below: "Ộ", "ợ") or a word
        # run together ("hợp") is as tall, but it hangs below the line's baseline or is wider than tall; a hand
        # writes a value on the line, digit by digit.
        body = beside & (h >= 0.6 * glyph) & (h <= 1.6 * glyph)
        if body.any() and bottom - float(np.median((y + h)[body])) > _BELOW * glyph:
            continue
        if len(members) == 1 and w[members[0]] > 1.1 * h[members[0]]:
            continue
        values.append(members)
        conf = round(min(0.9, 0.4 + 0.5 * (tall - _ABOVE_LINE)), 2)
        found.append((left * f, top * f, (right - left) * f, (bottom - top) * f, conf))
    if len(found) > _HAND_PAGE:
        return grey, []
    out = grey
    for i in (i for members in values for i in members):
        # A piece much wider than tall has run into print (a digit across a stamp's letters): flagged only.
        if w[i] > 3 * h[i]:
            continue
        if out is grey:
            out = grey.copy()
        piece = (labels[y[i]:y[i] + h[i], x[i]:x[i] + w[i]] == pieces[i] + 1).astype(np.uint8)
        piece = cv2.resize(piece, (int(w[i]) * f, int(h[i]) * f), interpolation=cv2.INTER_NEAREST)
        piece = cv2.dilate(piece, np.ones((3, 3), np.uint8)).astype(bool)
        part = out[y[i] * f:(y[i] + h[i]) * f, x[i] * f:(x[i] + w[i]) * f]
        part[piece[:part.shape[0], :part.shape[1]]] = 255
    return out, found
