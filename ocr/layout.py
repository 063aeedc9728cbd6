"""Reading order and clean-up of Tesseract's words, from their boxes (no second OCR run).

Tesseract with psm 4 reads a page as one column, so the two header blocks of a civil-status form ("ỦY BAN NHÂN
DÂN / XÃ …" left, "CỘNG HÒA … / Độc lập …" right) and side-by-side signature blocks come out merged line by line.
Here each line is cut into *pieces* at wide gaps; runs of lines made of such pieces form a *zone*; a zone whose
pieces fall into separate columns that are not filled on every line (so not a table of "label: value" rows) is
read column by column, left to right. Pieces starting at the left margin in such a zone (a certificate's
"Số vào sổ cấp GCN" footer) are read after its columns.

Garbage words — seal and signature strokes read as "§¬ˆ" — are dropped: low confidence and mostly symbols.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from statistics import median

import numpy as np
from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.words import Word, lines_of

_GAP = 1.6  # a gap wider than this many median word heights separates pieces
_CENTRED = 0.04  # |piece centre − content centre| below this share of the width: a centred title line
_MARGIN = 0.05  # a piece starting within this share of the width from the left edge starts at the margin
_NARROW = 0.7
_GUTTER_RANGE = (0.2, 0.8)  # a header's or footer's gutter lies within these shares of the content width
_RAGGED = 0.2  # a centred column's left edges spread over more than this many gaps (and its centres half as much)
_DASHES = {"-", "–", "—", "~"}  # how Tesseract reads a list's dash
_LINE_TALL = 1.25  # a word this much taller than its line's median is boxed across more than its line
_SPECK = 0.25  # a lone mark smaller than this share of the page's word height both ways is a speck
_HEAD_LINES = 6  # lines read from the top where a header's two columns may have been read as one line
_OUTSTANDING = 2  # a gap this many times a line's others' median, and ``_GUTTER_WORD`` of a word's height, is a gutter
_GUTTER_WORD = 0.6
_INKED = 0.45  # a gap this share dark is a smudge (0.5–0.9; paper 0–0.01, words unread or a signature 0.05–0.43)
_COVERED = 0.75  # a gap a stamp's box covers this share of is no gutter (``_pieces``)
# A word with its brackets and a closing mark ("(để", "b/c);", "(2b)."): what lies within them is the word's text
_BRACKETED = re.compile(r"\(?(\w[\w/]*)\)?[.,:;]?")
# What a printed word is made of: letters, digits and the punctuation a form prints (no "§", "¬", "|").
PRINTED = re.compile(r"[\w\-–.,:;/()'\"%&+*!?…“”‘’°²]+", re.UNICODE)


def is_garbage(word: Word, height: float = 0.0) -> bool:
    """Seal and signature strokes, toner specks: low confidence and mostly not letters, symbols no form prints,
    a lone low-confidence character, or (given the page's median word ``height``) a box far too small or tall."""
    text = word.text
    alnum = sum(ch.isalnum() for ch in text)
    if word.conf < 0.7:
        # (a recipient's note keeps its brackets and closing mark: "(để b/c);" is letters and a slash within them)
        core = _BRACKETED.fullmatch(text)
        if alnum / len(core.group(1) if core else text) < 0.5:
            return True
    if word.conf < 0.6 and (not PRINTED.fullmatch(text) or alnum <= 1):
        return True
    if height and word.conf < 0.8 and not 0.45 * height <= word.height <= 2.5 * height:
        return True
    # A mark read as punctuation alone, however surely ("-" at 0.9 on a 6×6 dot between "ngày tháng" and "năm"
    # of a date left blank, ":" on a 3×2 one between words), is a speck where it is smaller than any printed one:
    # a quarter of the page's word height both ways. (Printed dashes are 8×3 to 14×42 as Tesseract boxes them,
    # colons and quotes as tall as a small letter.) One taller than a word can stand is a stroke, however surely read:
    # a photocopy's dark edge read as "|" at 0.96, three lines tall, whose box took the line it joined three lines down.
    return bool(height) and not alnum and (max(word.width, word.height) < _SPECK * height or word.height > 2.5 * height)


def _stretched(word: Word, line: list[Word], height: float) -> bool:
    """A printed word too tall only because specks beside it joined its box ("Đồng," read with the dots above
    and below it, 110 px on a 40 px line): a word of letters whose box spans its line's band, where the rest of
    the line stands, read with confidence (the strokes of a hand or a rule's remains spanning a register's row
    read as letters at 0.0–0.5). Its box is brought back to that band, for the layout and the fields after it."""
    if word.conf < 0.6 or is_garbage(word) or sum(ch.isalpha() for ch in word.text) < 2 or word.height <= height:
        return False
    band = [w for w in line if w is not word and not is_garbage(w, height)]
    if not band:
        return False
    top, bottom = median(w.top for w in band), median(w.top + w.height for w in band)
    if not word.top <= top < bottom <= word.top + word.height:
        return False
    word.top, word.height = round(top), round(bottom - top)
    return True


def _doubled(word: Word, line: list[Word]) -> bool:
    """A letter or two Tesseract read twice: its box four fifths inside a longer word's of the line, which spells
    it too ("ông ô Chương", "ô" at x 552–564 inside "ông" at 549–605; "áp á giải"), read surely either way."""
    low = word.text.lower()
    return any(other is not word and len(other.text) > len(word.text) and low in other.text.lower()
               and min(word.left + word.width, other.left + other.width) - max(word.left, other.left)
               >= 0.8 * word.width for other in line)


def _list_dash(word: Word, line: list[Word], height: float) -> bool:
    """A list item's dash opening its line ("- Như trên;" of "Nơi nhận:"): Tesseract reads the short stroke at
    0.5–0.8, and its box is a few pixels tall, so ``is_garbage`` takes it for a speck (32 lines of the official
    run's 50 pages lost a dash that plain Tesseract kept, session 34). Told from a speck by its shape and place: a
    stroke along the line (twice as wide as thick, no wider than a letter is tall), a letter's height or less
    before the line's next word, at the height of that word's letters (not under them, as a rule's stub is). A
    speck left of it, in the margin, does not keep it from opening the line (a "`" read at 0.28)."""
    if word.text not in _DASHES:
        return False
    at = next(k for k, w in enumerate(line) if w is word)
    if at + 1 >= len(line) or not all(is_garbage(w, height) for w in line[:at]):
        return False
    nxt = line[at + 1]
    if not nxt.text[:1].isalnum() or is_garbage(nxt, height):
        return False
    middle = word.top + word.height / 2
    return (2 * word.height <= word.width <= height
            and 0 <= nxt.left - (word.left + word.width) <= height
            and nxt.top + 0.3 * nxt.height <= middle <= nxt.top + 0.9 * nxt.height)


def _pieces(line: list[Word], gap: float, stamps: Sequence[tuple[int, int, int, int]] = (),
            grey: np.ndarray | None = None) -> list[list[Word]]:
    """The line cut at gaps wider than ``gap``, but for one a stamp's box covers (three quarters of it, at the
    line's height): a row Tesseract read as one line whose words there were set aside or dropped as garbage
    ("lội hội theo" | "sống đầy lo toan" were read as columns), nor one that is ink on ``grey`` (``_inked``). Below
    the header only: a stamp over the header's left column may cover most of its gutter."""
    middle = median(w.top + w.height / 2 for w in line) if stamps else 0.0
    out = [[line[0]]]
    for prev, w in zip(line, line[1:], strict=False):
        a, b = prev.left + prev.width, w.left
        if b - a > gap and not any(top <= middle <= top + height and min(b, left + width) - max(a, left)
                                   >= _COVERED * (b - a) for left, top, width, height in stamps) \
                and not _inked(grey, line, a, b):
            out.append([])
        out[-1].append(w)
    return out


def _inked(grey: np.ndarray | None, line: list[Word], a: int, b: int) -> bool:
    """Is the gap from ``a`` to ``b`` in this line ink on the page read (``grey``), not paper? A photocopier's
    toner smudge over a paragraph's lines (black on a black-and-white scan) left their words there unread, and
    the gaps, lined up, made a gutter: the rows were read as two columns ("đất. Ngân sách hoạt động / trường thành
    viên. Các / … / sách Liên bang …"). A column's gutter is paper."""
    if grey is None:
        return False
    top, bottom = int(median(w.top for w in line)), int(median(w.top + w.height for w in line))
    pad = (bottom - top) // 4  # the neighbours' last and first strokes
    band = grey[max(0, top):bottom, a + pad:b - pad]
    return band.size > 0 and float((band < 128).mean()) >= _INKED


def _cut_at_gutter(piece: list[Word], gap: float, centre: float) -> list[list[Word]]:
    """A header line's piece across the page's ``centre`` cut where one gap between its words stands out
    (``_OUTSTANDING``), two words or more either side. A long issuing body's name ends near where the national
    name begins ("UBND THÀNH PHỐ HẢI PHÒNG" 41 px from "CỘNG HÒA", "… HỒ CHÍ MINH" 25 px, the lines' other gaps
    8–13 px, the words 31 px tall), closer than ``_GAP`` cuts a line, and the two were read as one line across
    the gutter. (A date line's blank, "ngày _ tháng", is no such gap: on one side of the centre.)"""
    a, b = _span(piece)
    if not a < centre < b:
        return [piece]
    # The country's name starts the right column however near the issuer's name ends: a ministry's ("BỘ NÔNG
    # NGHIỆP VÀ MÔI TRƯỜNG") 17 px from "CỘNG HÒA", the line's spaces 7–11. (Imported here: ``ocr.heading`` needs
    # ``ocr.correct``, which needs this module.)
    from ocr.heading import national_start

    found = national_start([piece])
    if found is not None and found[1] > 0:
        return [piece[:found[1]], piece[found[1]:]]
    gaps = [y.left - (x.left + x.width) for x, y in zip(piece, piece[1:], strict=False)]
    k = max(range(len(gaps)), key=gaps.__getitem__, default=0)
    if not 1 <= k < len(gaps) - 1 or gaps[k] < _GUTTER_WORD * gap / _GAP \
            or gaps[k] < _OUTSTANDING * median(gaps[:k] + gaps[k + 1:]):
        return [piece]
    return [piece[:k + 1], piece[k + 1:]]


def _span(piece: list[Word]) -> tuple[int, int]:
    return piece[0].left, max(w.left + w.width for w in piece)


def _middle(piece: list[Word]) -> float:
    """Where the piece stands across the page: its span's middle, left or right of a gutter."""
    return sum(_span(piece)) / 2


def reading_order(words: list[Word], stamps: Sequence[tuple[int, int, int, int]] = (),
                  grey: np.ndarray | None = None) -> list[Word]:
    """Words with garbage dropped and ``line`` renumbered in reading order (see the module docstring). ``stamps``:
    the boxes (left, top, width, height) of receipt stamps on the page, which may cut a row of print in two;
    ``grey``: the page read, where a gap between a row's words that is ink is no gutter (``_inked``)."""
    height = median(w.height for w in words) if words else 0.0
    lines = [kept for line in lines_of(words)
             if (kept := [w for w in line if (not is_garbage(w, height) or _stretched(w, line, height)
                                              or _list_dash(w, line, height)) and not _doubled(w, line)])]
    lines, rows = _across(stamps, [part for line in _read_twice(lines) for part in _unmerged(line)], height, grey)
    lines = _in_place(lines)
    words = [w for line in lines for w in line]
    if len(lines) < 2:
        return words
    left = min(w.left for w in words)
    right = max(w.left + w.width for w in words)
    width = max(1, right - left)
    centre = (left + right) / 2
    gap = _GAP * median(w.height for w in words)
    pieces = [[line] if id(line) in rows else _pieces(line, gap) for line in lines]
    top = [[q for p in ps for q in _cut_at_gutter(p, gap, centre)] for ps in pieces[:_HEAD_LINES]] \
        + pieces[_HEAD_LINES:]
    head, head_gutter = _column_block(top, left, width, gap)
    pieces[:head] = top[:head]
    # Below the footer a centred line or two may close the page (a land certificate's red serial number).
    tail = 0
    while tail < 2 and len(lines) - tail > head + 2 and len(pieces[-1 - tail]) == 1 \
            and abs(_middle(pieces[-1 - tail][0]) - centre) < _CENTRED * width:
        tail += 1
    end = len(lines) - tail
    foot, foot_gutter = _column_block(pieces[head:end][::-1], left, width, gap, header=False)
    # The footer starts with the signer's block: a paragraph's last short line above it stays in the body.
    while foot and not any(_middle(p) >= foot_gutter for p in pieces[end - foot]) \
            and not _recipients(pieces[end - foot], foot_gutter):
        foot -= 1
    foot = _from_recipients(pieces[end - foot:end], foot_gutter)
    out = _read_columns(pieces[:head], head_gutter, gap, header=True)
    # Between them a stamp's box covering a gap, or ink in it, joins its sides (``_pieces``); a header's gutter a
    # stamp may cover.
    middle = pieces[head:end - foot]
    if stamps or grey is not None:
        middle = [ps if id(line) in rows else _pieces(line, gap, stamps, grey)
                  for line, ps in zip(lines[head:end - foot], middle, strict=True)]
    out += _read_middle(lines[head:end - foot], middle, left, width, centre, gap)
    out += _read_columns(pieces[end - foot:end], foot_gutter, gap, header=False)
    out += lines[end:]
    for n, line in enumerate(out):
        for w in line:
            w.line = n
    return [w for line in out for w in line]


def _read_twice(lines: list[list[Word]]) -> list[list[Word]]:
    """Lines Tesseract read from one row of print, made one. A pen's figures in a blank, taller than the print,
    made its line finder see two rows a few pixels apart, and it read each, part right, part wrong ("Vĩnh L ày Ï7_
    tháng 6 năm 2026" over "ĩnh Long, ngày tháng 6 năm"): two lines whose bands share half a word's height, two
    words or more of one standing on words of the other (half the narrower one's width). Where words overlap, the
    one with more letters and digits is kept (the better read), the others' words each where they stand."""
    out: list[tuple[tuple[float, float], list[Word]]] = []  # each line with its band, measured once
    for line in lines:
        band = _band(line)
        k = next((k for k, (b, o) in enumerate(out) if _same_row(b, band, o, line)), None)
        if k is None:
            out.append((band, line))
            continue
        twin = out[k][1]
        merged = sorted(twin + line, key=lambda w: w.left)
        rank = {id(w): (_letters(w), w.conf, -i) for i, w in enumerate(merged)}
        mine = {id(w) for w in line}  # a word clashes only with the other read's
        n = twin[0].line
        twin[:] = [w for w in merged if not any((id(o) in mine) != (id(w) in mine) and _clash(o, w)
                                                  and rank[id(o)] > rank[id(w)] for o in merged)]
        for w in twin:
            w.line = n
        out[k] = (_band(twin), twin)
    return [line for _, line in out]


def _band(line: list[Word]) -> tuple[float, float]:
    """A line's band: its words' median top and bottom."""
    return median(w.top for w in line), median(w.top + w.height for w in line)


def _same_row(a: tuple[float, float], b: tuple[float, float], x: list[Word], y: list[Word]) -> bool:
    """Are lines ``x`` and ``y`` (bands ``a`` and ``b``) one row: bands sharing half the narrower's height, two
    words or more of one standing on words of the other?"""
    if min(a[1], b[1]) - max(a[0], b[0]) < 0.5 * min(a[1] - a[0], b[1] - b[0]):
        return False
    return sum(any(_over(w, v) for v in y) for w in x) >= 2


def _over(x: Word, y: Word) -> bool:
    """Do two words stand on the same place of their row: half the narrower one's width?"""
    return min(x.left + x.width, y.left + y.width) - max(x.left, y.left) >= 0.5 * min(x.width, y.width)


def _clash(x: Word, y: Word) -> bool:
    """Are two words of lines read from one row the same print: standing on one place, or side by side where
    one spells the other's start or end ("L" against "Long,", "ày" against "ngày")?"""
    if _over(x, y):
        return True
    a, b = sorted((x, y), key=lambda w: w.left)
    near = b.left - (a.left + a.width) < 0.3 * max(a.height, b.height)
    short, long_ = sorted((fold(x.text).strip(".,;:"), fold(y.text).strip(".,;:")), key=len)
    return near and bool(short) and short != long_ and (long_.startswith(short) or long_.endswith(short))


def _letters(w: Word) -> int:
    """Its letters and digits."""
    return sum(ch.isalnum() for ch in w.text)


def _across(stamps: Sequence[tuple[int, int, int, int]], lines: list[list[Word]], height: float,
            grey: np.ndarray | None = None) -> tuple[list[list[Word]], set[int]]:
    """Lines of one printed row that a stamp or a smudge cut in two made one, left to right. A receipt stamp put
    over a paragraph's first lines (its frame and labels as dark as the print on a photocopy) parts each row into
    what lies left of it and what lies right, which Tesseract read as lines of their own, each side's in a block of
    its own: the left side's rows, then the right side's ("May / hiện, bi / tất cả sinh / thức vào băng. / … đó đã
    không xảy ra."). A photocopier's toner blot in a paragraph does the same ("3. Có một cặp vì / Trong nội ô,
    cùng với / mới sinh được…"). Two lines are one row where their middles stand within half a word's height,
    side by side with a stamp's box across the gap between them and over the row, or ink on ``grey`` (the page
    read) filling it (``_inked``: a column's gutter is paper). Also the ids of the lines joined: each is one piece
    (the gaps the stamp or blot left in it are no columns' gutter)."""
    rows: set[int] = set()
    if not stamps and grey is None:
        return lines, rows
    out: list[list[Word]] = []
    for line in lines:
        middle = median(w.top + w.height / 2 for w in line)
        a, b = _span(line)
        # (a speck read as "`" beside the stamp is no part of a row)
        joined = next((o for o in out if _is_text(o) and abs(median(w.top + w.height / 2 for w in o) - middle)
                       < height / 2 and (any(_bridges(s, _span(o), (a, b), middle) for s in stamps)
                                         or _blotted(grey, o, line))), None) \
            if _is_text(line) else None
        if joined is None:
            out.append(list(line))
        else:
            joined.extend(line)
            joined.sort(key=lambda w: w.left)
            rows.add(id(joined))
    return out, rows


def _blotted(grey: np.ndarray | None, x: list[Word], y: list[Word]) -> bool:
    """Do lines ``x`` and ``y`` stand side by side with ink between them on ``grey`` (``_inked``)?"""
    (_, a), (b, _) = sorted((_span(x), _span(y)))
    return grey is not None and a < b and _inked(grey, x + y, a, b)


def _bridges(stamp: tuple[int, int, int, int], x: tuple[int, int], y: tuple[int, int], middle: float) -> bool:
    """Does the stamp's box reach across the gap between two spans side by side, at the row's height?"""
    left, top, width, height = stamp
    (a0, a1), (b0, b1) = sorted((x, y))
    return a1 <= b0 and left < b0 and left + width > a1 and top <= middle <= top + height


def _unmerged(line: list[Word]) -> list[list[Word]]:
    """Two lines Tesseract took for one, their words in one run left to right ("tiếng. Mường, 1. Trong 1ông,
    lịch sử Chă Việt…": a paragraph's short last line and the next one's first, on a poor copy; a skewed copy's
    two header lines): where the words' middles stand in two bands three fifths of a word's height apart and further
    than the words of either band stand from each other, three words or more in each, across the same width, the
    upper band and then the lower. The bands are found on the words of a line's height: Tesseract boxes some of
    them across both lines ("được" 65 px where the rest stand 25–35), and their middles between the bands closed
    the gap; each goes to the band its middle is nearer. (A header in capitals with marks stands 45 px a word where
    its lines are 40 apart: four fifths of that was more than their gap.)"""
    if len(line) < 6:
        return [line]
    height = median(w.height for w in line)
    middles = sorted(w.top + w.height / 2 for w in line if w.height <= _LINE_TALL * height)
    if len(middles) < 6:
        return [line]
    gap, k = max((middles[j + 1] - middles[j], j) for j in range(len(middles) - 1))
    cut = (middles[k] + middles[k + 1]) / 2
    upper = [w for w in line if w.top + w.height / 2 < cut]
    lower = [w for w in line if w.top + w.height / 2 >= cut]
    spread = max(middles[k] - middles[0], middles[-1] - middles[k + 1])
    if gap < 0.6 * height or gap <= spread or min(len(upper), len(lower)) < 3:
        return [line]
    return [upper, lower] if _shared(_box(upper), _box(lower)) else [line]


def _in_place(lines: list[list[Word]]) -> list[list[Word]]:
    """Lines in Tesseract's order, except a line it read after one printed below it in the same column (sharing
    half the narrower one's width): put back before the first such line, though never before a line printed above
    it; and a line it read before one printed above it in its column: put after the last line printed above it.
    Tesseract may read a paragraph's first lines as a block of its own, after the page's last ("1. Chúng có thể…"
    after the signer's name), or the footer's last lines first; lines side by side in two columns keep its order."""
    out: list[tuple[tuple[int, int, int, int], list[Word]]] = []
    for line in lines:
        here = _box(line)
        at = next((k for k, (other, _) in enumerate(out) if _above(here, other) and _shared(other, here)), len(out))
        # (Where "- Lưu: VT." was read first, the body's lines at the margin, under indented ones, share only its
        # column: put before it, they went before the whole header.)
        at = max([at] + [k + 1 for k, (other, _) in enumerate(out[at:], start=at) if _above(other, here)])
        out.insert(at, (here, line))
    # From the end, so that each moves past lines already in place.
    for i in range(len(out) - 1, -1, -1):
        here = out[i][0]
        above = [k for k in range(i + 1, len(out)) if _above(out[k][0], here)]
        if any(_shared(out[k][0], here) for k in above):
            out.insert(above[-1], out.pop(i))
    return [line for _, line in out]


def _box(line: list[Word]) -> tuple[int, int, int, int]:
    """A line's (top, bottom, left, right)."""
    return (_top([line]), max(w.top + w.height for w in line)) + _span(line)


def _above(x: tuple[int, int, int, int], y: tuple[int, int, int, int]) -> bool:
    """Is the line boxed ``x`` (top, bottom, left, right) printed above the line ``y``? Its middle above ``y``'s
    top and its bottom above ``y``'s middle: lines' boxes overlap by a mark or a descender."""
    return (x[0] + x[1]) / 2 < y[0] and x[1] < (y[0] + y[1]) / 2


def _shared(x: tuple[int, int, int, int], y: tuple[int, int, int, int]) -> bool:
    """Do two lines share a column: half the narrower one's width?"""
    return min(x[3], y[3]) - max(x[2], y[2]) > 0.5 * min(x[3] - x[2], y[3] - y[2])


def _column_block(pieces: list[list[list[Word]]], left: int, width: float, gap: float,
                  header: bool = True) -> tuple[int, float]:
    """How many of these lines, from the first, form a two-column block (an official document's header, or
    read from the bottom its footer: "Nơi nhận" beside the signer), and the x of its gutter.

    The lines of a block leave a strip of paper in the middle of the page (the gutter) free on every line,
    have text on both sides of it (a header on some line; a footer anywhere: a land certificate's "Số vào sổ"
    note is a line of its own below the signer's title), a centred column, and at most three pieces on a side (a
    table's rows have more; "…, ngày   tháng   năm 2026" with its day and month set aside has three). 0 when
    there is no such block of two lines or more."""
    lo, hi = int(left + _GUTTER_RANGE[0] * width), int(left + _GUTTER_RANGE[1] * width)
    free = np.ones(hi - lo, dtype=bool)
    best, gutter = 0, 0.0
    for n, ps in enumerate(pieces):
        if header and _title(ps, left, width):
            break
        now = free.copy()
        # A line with text on one side only (a letter's summary under its number, as wide as its column: it ends
        # where the national name above begins) need only not reach the other side's text: nothing beside it to
        # tell apart, so the strip's margins are its to take ("V/v … quí" ending 22 px short of "CỘNG HÒA").
        # A line with text on both sides has a gap between them (its pieces are cut there); the strip need keep an
        # eighth of one clear of each side's text, no more: the two columns' edges move from line to line ("SỞ
        # VĂN HÓA, THỂ THAO VÀ DU" ends 25 px short of where "CỘNG HÒA" begins on the line above, 18 px on a
        # photocopy: a quarter of a gap each side, 24 px, read it as body lines, after the right column's date).
        g0 = lo + _middle_of_widest_run(free)
        margin = -gap / 2 if n and len({_middle(p) < g0 for p in ps}) == 1 else gap / 8
        for p in ps:
            a, b = _span(p)
            now[max(0, int(a - margin) - lo):max(0, int(b + margin) - lo)] = False
        if not now.any():
            break
        g = lo + _middle_of_widest_run(now)
        sides = [sum(1 for p in ps if (_middle(p) < g) == is_left) for is_left in (True, False)]
        if max(sides) > 3:  # a date line with its day and month written by hand is three pieces
            break
        free = now
        both = any(_two_sided(q, g) for q in pieces[:n + 1]) if header else \
            all(any((_middle(p) < g) == is_left for q in pieces[:n + 1] for p in q) for is_left in (True, False))
        if n >= 1 and both and (_centred_column(pieces[:n + 1], g, gap) or not header and _recipients(ps, g)):
            best, gutter = n + 1, g
    return best, gutter


def _title(ps: list[list[Word]], left: int, width: float) -> bool:
    """Is this line the document's title (Decree 30/2020: "QUYẾT ĐỊNH", "THÔNG BÁO" under the header, centred on
    the page), where the header's block ends: its text one piece on the page's centre? A header's lines stand on
    their columns' centres. A speck read beside it ("1!") is no text, and the subject line under it, cut where a
    word was lost ("Về việc chấn chính công | tác tiếp nhận …"), no longer joins the block."""
    text = [p for p in ps if _is_text(p)]
    return len(text) == 1 and abs(_middle(text[0]) - (left + width / 2)) < _CENTRED * width


def opens_with(words: list[str], folded: str, *, loosely: bool = False) -> bool:
    """Do these words, a line's first two with a letter (a speck's "-" before them is none of them), open with
    ``folded`` (its letters, marks, case and spaces aside)? ``loosely``: or with a letter of it misread, where the
    second ends with the colon that closes a label ("Nơi:nhộn:", a poor copy's "Nơi nhận:")."""
    texts = [w for w in words if any(ch.isalpha() for ch in w)][:2]
    letters = "".join(ch for ch in fold("".join(texts)) if ch.isalpha())
    return letters.startswith(folded) or loosely and bool(texts) and texts[-1].endswith(":") \
        and Levenshtein.distance(letters[:len(folded)], folded) <= 1


def opens_recipients(words: list[str]) -> bool:
    """Do these words, a line's first, open an administrative document's footer: "Nơi nhận:" (Decree 30/2020's
    words for the list of those it is sent to)?"""
    return opens_with(words, "noinhan", loosely=True)


def _recipients(ps: list[list[Word]], g: float) -> bool:
    """Does this line open the footer's left column, "Nơi nhận:"? The signer's column beside it is then one even
    where a seal left only bits of its title to read, off its centre."""
    return opens_recipients([w.text for p in ps if _middle(p) < g for w in p])


def _from_recipients(foot: list[list[list[Word]]], g: float) -> int:
    """How many of the footer's lines ``foot`` (gutter at ``g``) are the footer's: "Nơi nhận:" opens its left
    column, so a line standing above it with text left of the gutter is the body's last, cut in two where words were
    lost ("ngân sách nhà nước được giao | dự toán năm 2026 của xã": "trong" under a copier's blot, then read as the
    signer's first line). The signer's first title line may stand above the label, on the right only. Lines are
    listed as Tesseract found them, not always top to bottom: only lines before the label's and above it go."""
    opener = next((n for n, ps in enumerate(foot) if _recipients(ps, g)), 0)
    body = max((n + 1 for n, ps in enumerate(foot[:opener]) if any(_middle(p) < g for p in ps)), default=0)
    if not body:
        return len(foot)
    top = min(w.top for p in foot[opener] for w in p)
    return len(foot) - body if all(sum(_band([w for p in ps for w in p])) / 2 < top for ps in foot[:body]) \
        else len(foot)


def _centred_column(block: list[list[list[Word]]], g: float, gap: float) -> bool:
    """Is one side of the gutter a centred column (lines of unequal length on a common centre)? The blocks of an
    official document's header and its signer block are; rows of "label: value   label: value" fields, whose
    pieces start at common tab stops, are not."""
    # A row's pieces on one side are one line of that column, cut by its blanks ("Số:   /QĐ-UBND" on the left,
    # "Hà Nội, ngày   tháng   năm 2026" on the right, the values written by hand set aside): their ends count,
    # a speck's beside them not ("-" read left of "Độc lập - Tự do - Hạnh phúc" took its centre off the column's).
    return any(_centred([[w for p in ps if _is_text(p) and (_middle(p) < g) == is_left for w in p]
                         for ps in block], gap) for is_left in (True, False))


def _centred(pieces: list[list[Word]], gap: float) -> bool:
    """Pieces of one column on a common centre, their left edges ragged."""
    # Text only: a speck read as "._" or ":" beside a line is no line of the column.
    spans = [_span(p) for p in pieces if p and _is_text(p)]
    if len(spans) < 2:
        return False
    lefts = [a for a, _ in spans]
    centres = [(a + b) / 2 for a, b in spans]
    ragged = max(lefts) - min(lefts)
    return ragged > _RAGGED * gap and max(centres) - min(centres) < ragged / 2


def _is_text(piece: list[Word]) -> bool:
    """Two letters or digits at least: no speck read as "-" or "._"."""
    return sum(map(_letters, piece)) >= 2


def _two_sided(ps: list[list[Word]], g: float) -> bool:
    return any(_span(p)[1] < g for p in ps) and any(_span(p)[0] > g for p in ps)


def _middle_of_widest_run(free: np.ndarray) -> int:
    edges = np.flatnonzero(np.diff(np.concatenate(([0], free.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int((starts[k] + ends[k]) // 2)


def _read_columns(block: list[list[list[Word]]], gutter: float, gap: float, *, header: bool) -> list[list[Word]]:
    """A two-column block's lines: the left column's, then the right's; a side that is itself side-by-side
    blocks (a marriage extract's "Vợ | Chồng" left of the signer) is split the same way. In a footer whose right
    column starts higher (a land certificate's signer block above its "Số vào sổ cấp GCN" note) the right column
    comes first."""
    if not block:
        return []
    sides: list[list[list[list[Word]]]] = [[], []]
    for ps in block:
        for k, side in enumerate(([p for p in ps if _middle(p) < gutter],
                                  [p for p in ps if _middle(p) >= gutter])):
            if side:
                sides[k].append(side)
    # Each side top to bottom: lines Tesseract read as a block of their own (a signer's title beside a seal) come
    # after the lines beside them in its order.
    for side in sides:
        side.sort(key=_top)
    # Where each side's text starts (a speck read as "-" above the signer's title is none); a line higher, not a
    # few pixels (a title read again beside "Nơi nhận:"), puts the right side first. Not where the left side is
    # the recipients' list: Decree 30/2020 reads "Nơi nhận:" first, and the signer's title only looks higher when
    # a seal's ring was read into its box ("ỦY BAN NHÂN DÂN" 31 px above "Nơi nhận:", a line's height).
    first = [min((_top(ps) for ps in side if any(_is_text(p) for p in ps)), default=math.inf) for side in sides]
    opening = next((ps for ps in sides[0] if any(_is_text(p) for p in ps)), [])
    if not header and first[1] < first[0] - gap / _GAP and not opens_recipients([w.text for p in opening for w in p]):
        sides.reverse()
    return _split(sides[0], gap) + _split(sides[1], gap)


def _top(pieces: list[list[Word]]) -> int:
    return min(w.top for p in pieces for w in p)


def _split(column: list[list[list[Word]]], gap: float) -> list[list[Word]]:
    """Lines of one side of a block: split again at a strip of paper free on every line (with text on both
    sides of it on some line), else each line's pieces joined."""
    spans = [_span(p) for ps in column for p in ps]
    if any(len(ps) > 1 for ps in column):
        lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
        free = np.ones(hi - lo, dtype=bool)
        for a, b in spans:  # side-by-side signature blocks can stand closer than a header's two halves
            free[max(0, int(a - gap / 4) - lo):max(0, int(b + gap / 4) - lo)] = False
        if free.any():
            g = lo + _middle_of_widest_run(free)
            if any(_two_sided(ps, g) for ps in column):
                return _read_columns(column, g, gap, header=True)
    return [[w for p in ps for w in p] for ps in column]


def _read_middle(lines: list[list[Word]], pieces: list[list[list[Word]]], left: int, width: float,
                 centre: float, gap: float) -> list[list[Word]]:
    """Lines between the header and footer blocks: as printed, except zones of side-by-side pieces (signature
    blocks, a form's header when no block was found) read column by column (``_read_zone``)."""

    def zone_line(ps: list[list[Word]]) -> bool:
        if len(ps) > 1:
            return True
        a, b = _span(ps[0])
        return (b - a) < _NARROW * width and abs((a + b) / 2 - centre) > _CENTRED * width \
            and a > left + _MARGIN * width

    out: list[list[Word]] = []
    i = 0
    while i < len(lines):
        if not zone_line(pieces[i]):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and zone_line(pieces[j]):
            j += 1
        out += _read_zone(pieces[i:j], left, width, gap)
        i = j
    return out


def _read_zone(zone: list[list[list[Word]]], left: int, width: float, gap: float) -> list[list[Word]]:
    """Lines of a zone: column by column when its pieces form columns of unequal length, else as printed."""
    as_printed = [[w for p in ps for w in p] for ps in zone]
    at_margin = [[p[0].left <= left + _MARGIN * width for p in ps] for ps in zone]
    if len(zone) < 2 or all(m[0] for m in at_margin):
        return as_printed  # one row, or rows of "label: value" fields starting at the margin
    # Margin pieces below a first line that has none are a footer (read after the columns).
    footer_ok = not at_margin[0][0]
    footer = [[p for p, m in zip(ps, ms, strict=True) if m and footer_ok] for ps, ms in zip(zone, at_margin,
                                                                                            strict=True)]
    body = [[p for p, m in zip(ps, ms, strict=True) if not (m and footer_ok)] for ps, ms in zip(zone, at_margin,
                                                                                                strict=True)]
    columns: list[list[int]] = []  # merged x-intervals of the body pieces
    for a, b in sorted(_span(p) for ps in body for p in ps):
        if columns and a <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    if len(columns) < 2 and not any(footer):
        return as_printed

    def column_of(p: list[Word]) -> int:
        a, b = _span(p)
        return next(k for k, (x0, x1) in enumerate(columns) if x0 <= (a + b) / 2 <= x1 or x0 <= a <= x1)

    filled = [{column_of(p) for p in ps} for ps in body if ps]
    if not any(footer) and all(len(f) == len(columns) for f in filled):
        # A table: every line has every column — keep its rows; unless a column is centred: side-by-side
        # signature blocks ("Vợ | Chồng | the signer"), each filled on every line too.
        if not any(_centred([p for ps in body for p in ps if column_of(p) == k], gap) for k in range(len(columns))):
            return as_printed
    out = [p for k in range(len(columns)) for ps in body for p in ps if column_of(p) == k]
    return out + [p for ps in footer for p in ps]
