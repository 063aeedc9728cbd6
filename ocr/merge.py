"""Words read a second time (a crop under a seal or stamp, ``ocr.under_seal``; a line the page's read left out,
``ocr.unread``), merged into the page's read.

A word read again joins the page when it is sure (0.6, or 0.85 when alone on its line: a seal's own lettering
reads one word at a time) and surer by 0.1 than every page word it covers, or spells it with the first letters it
lost ("uynh" for "Huỳnh" on a seal's ring); a confident page word 1.5× wider than
the words read again over it stays whole ("lập.Hội" is not cut to "Hội"). The page words it covers go when they
would be dropped anyway (garbage, a doubtful word on a seal), else only when the words read again span half of
each and carry its digits; a word read again that a page word left standing already holds is not added twice.
Added words join the line of the page's word beside them, else a line of their own after the one above, each
line read again whole.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from statistics import median

import numpy as np

from domain.text import fold
from ocr.correct.syllables import is_syllable
from ocr.layout import is_garbage
from ocr.marks import PUNCT, Mark, set_aside
from ocr.words import Word

CONFIDENT = 0.6  # a word read again below this is a mark's lettering, a ring's remains or garbage
_ALONE = 0.85  # … and below this when it is the only confident word on its line
_BETTER = 0.1  # a word read again replaces the page's words it covers when this much more confident
_WIDER = 1.5  # … and none of them is a confident word this much wider (two words run together, one read again)
_SPANNED = 0.5  # a page word covered goes when the words read again span this share of its width
# … and carry as many digits where it has a number: two digits, or one not run into letters ("Thôn5,", not the
# P of "5CTUBND")
_NUMBER = re.compile(r"\d\d|\d(?![^\W\d_])")


def letters(w: Word) -> bool:
    """A word, not a speck or a ring's remains read as a stroke: two letters or digits at least."""
    return _alnum(w.text) >= 2


def _overlap(a: Word, b: Word) -> float:
    """Shared area over the smaller box's."""
    dx = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    dy = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    return max(0, dx) * max(0, dy) / max(1, min(a.width * a.height, b.width * b.height))


def _boxes(words: list[Word]) -> np.ndarray:
    """Left, top, right, bottom and area of each word, one row a word."""
    box = np.array([(w.left, w.top, w.width, w.height) for w in words], np.int64).reshape(-1, 4)
    return np.column_stack([box[:, 0], box[:, 1], box[:, 0] + box[:, 2], box[:, 1] + box[:, 3],
                            box[:, 2] * box[:, 3]])


def _covering(w: Word, boxes: np.ndarray) -> np.ndarray:
    """Indexes of the words of ``boxes`` (``_boxes``) that ``w`` overlaps by more than 0.3 (``_overlap``, for all
    at once: a crop's words against a photocopy's hundreds, pair by pair, were 5% of its read under cProfile)."""
    dx = np.minimum(boxes[:, 2], w.left + w.width) - np.maximum(boxes[:, 0], w.left)
    dy = np.minimum(boxes[:, 3], w.top + w.height) - np.maximum(boxes[:, 1], w.top)
    shared = np.maximum(0, dx) * np.maximum(0, dy)
    return np.flatnonzero(shared / np.maximum(1, np.minimum(boxes[:, 4], w.width * w.height)) > 0.3)


def add_read(words: list[Word], reads: list[tuple[int, int, list[Word]]], most: float = 1.0,
             marks: Sequence[Mark] = (), alone: float = _ALONE) -> list[Word]:
    """The page's ``words`` with the sure words of each crop read (its corner and the words that may be added)
    that the page's read lacks, or read less surely, put on their lines, their confidence ``most`` at most.
    ``marks``: the page's, where doubtful page words will be set aside; ``alone``: how sure a word alone on its
    line must be."""
    height = median(w.height for w in words) if words else 0.0  # as the layout judges garbage
    boxes = _boxes(words)
    for x0, y0, read in reads:
        per_line = Counter(w.line for w in read if w.conf >= CONFIDENT)
        sure = [w for w in read if w.conf >= (CONFIDENT if per_line[w.line] > 1 else alone)]
        for w in sure:
            w.left, w.top = w.left + x0, w.top + y0
        added, covered_all = [], {}
        for w in sure:
            covered = [words[i] for i in _covering(w, boxes)]
            if all((v.conf + _BETTER < w.conf or _fuller(w, v))
                   and (v.conf < CONFIDENT or v.width <= _WIDER * _reach(v, sure)) for v in covered):
                w.conf = min(w.conf, most)
                added.append(w)
                covered_all.update((id(v), v) for v in covered)
        # A page word the layout or a mark would drop anyway (garbage, a doubtful word on a seal) goes whatever
        # covers it: kept, it would take the word read again with it.
        gone = {k for k, v in covered_all.items()
                if is_garbage(v, height) or not set_aside([v], marks) or _replaced(v, added)}
        # A word read again that a page word left standing already holds ("Hến" in "'nhân.Hến") is not added.
        added = [w for w in added if not any(k not in gone and w.text.lower() in v.text.lower()
                                             for k, v in covered_all.items() if _overlap(w, v) > 0.3)]
        if added:
            words = _placed([v for v in words if id(v) not in gone], added, height)
            boxes = _boxes(words)
    return words


def _fuller(w: Word, v: Word) -> bool:
    """Does ``w`` (read again) spell the page's word ``v`` with letters before it, the first ones the page's read
    lost however surely it read the rest ("uynh" for "Huỳnh", "e" for "Lê": a seal's ring ran through them)? Only
    as a Vietnamese syllable: a stroke read as a letter before a word ("Jđạt" for "Đạt") is none."""
    again, page = fold(w.text), fold(v.text)
    return (bool(page) and len(again) > len(page) and again.endswith(page) and again[:-len(page)].isalpha()
            and is_syllable(w.text.strip(PUNCT)))


def _reach(v: Word, read: list[Word]) -> int:
    """How wide the words read again over the page's word ``v`` reach, together: "Hội" alone under "lập.Hội"
    is a part of it; "CHỦ TỊCH" over a "TỊCH" as wide as both is all of it."""
    over = [w for w in read if _overlap(w, v) > 0.3]
    return max(w.left + w.width for w in over) - min(w.left for w in over)


def _replaced(v: Word, added: list[Word]) -> bool:
    """Do the words of ``added`` over the page's word ``v`` stand for it: they span half its width at least (a
    low-confidence "Carnot'" whose box ran on over the next word stays when only that word, "ký", was read
    again), and carry as many digits where it has a number ("Năm sinh:" does not stand for "Nămsinh:1985", nor
    "Thôn" for "Thôn5,": a digit alone is not read again as a word, ``ocr.unread.addable``; "18/01/2023" does
    for "18012023")?"""
    over = [w for w in added if _overlap(w, v) > 0]
    spanned = sum(max(0, min(w.left + w.width, v.left + v.width) - max(w.left, v.left)) for w in over)
    return spanned >= _SPANNED * v.width \
        and (not _NUMBER.search(v.text) or _digits(" ".join(w.text for w in over)) >= _digits(v.text))


def _bands(words: list[Word]) -> dict[int, tuple[float, float]]:
    """Each line's height on the page: its words' median top and bottom."""
    by_line: dict[int, list[Word]] = {}
    for v in words:
        by_line.setdefault(v.line, []).append(v)
    return {n: (median(v.top for v in line), median(v.top + v.height for v in line)) for n, line in by_line.items()}


def _placed(words: list[Word], added: list[Word], height: float) -> list[Word]:
    """``words`` and ``added`` with ``line`` numbered again: an added word joins the page's line of the nearest
    word beside it along the row (their heights, or that word's line's, ``_bands``, shared by half the smaller at
    least: a list's dash beside "Như"; a title's "KT. CHỦ" beside "TỊCH", not the "Như Điều 3" level with it across
    the gutter), else opens a line of its own after the nearest line above it; the words of one line read again
    stay on one line; each line left to right."""
    key: dict[int, float] = {}
    # (garbage the layout drops, "S}M-U" read off a seal 77 pixels tall, holds no line together)
    kept = [v for v in words if not is_garbage(v, height)]
    band = _bands(kept)
    # A speck the page's read took into a line from the one below ("+" and "y" under "nhiệm vụ … xây dựng") stands
    # for its line's height, and draws no word of that line below into this one; a word stands for its own
    # (Tesseract may join a title's "PHÓ" to the lower line of the recipients beside it), from its top down a word's
    # height at most: a box may run down into the line below ("dụng" 74 px tall, a seal's stroke under "GIÁM").
    rows = [(v, (v.top, v.top + min(v.height, height)) if letters(v) else band[v.line]) for v in kept]
    for w in added:
        mid = w.top + w.height / 2
        on = [v for v, (a, b) in rows if min(b, w.top + w.height) - max(a, w.top) >= 0.5 * min(b - a, w.height)]
        if on:  # the nearest along the row: a word of the other column may stand as level
            key[id(w)] = min(on, key=lambda v: (max(0, v.left - w.left - w.width, w.left - v.left - v.width),
                                                abs(v.top + v.height / 2 - mid))).line
            continue
        above = [v for v in words if v.top + v.height / 2 < mid]
        key[id(w)] = (max(above, key=lambda v: v.top + v.height).line if above else -1) + 0.5 \
            + w.line / 1000  # the crop's own lines in their order
    by_line: dict[int, list[float]] = {}
    for w in added:
        by_line.setdefault(w.line, []).append(key[id(w)])
    for w in added:
        key[id(w)] = Counter(by_line[w.line]).most_common(1)[0][0]
    lines: dict[float, list[Word]] = {}
    for w in words + added:
        lines.setdefault(key.get(id(w), w.line), []).append(w)
    out = []
    for n, k in enumerate(sorted(lines)):
        for w in sorted(lines[k], key=lambda v: v.left):
            w.line = n
            out.append(w)
    return out


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)
