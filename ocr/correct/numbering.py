"""A list's markers at the start of a line: a numbered paragraph's number read as a letter ("3. …", then "A. …"
for "4. …"), an item's dash read as a tilde.

An administrative document numbers its paragraphs and a list's items "1.", "2.", "3." at the start of a line, and
on a worn copy Tesseract reads a digit as the letter it resembles (4 → A, 1 → I or l, 2 → Z, 5 → S, 8 → B, 6 →
G). A line that opens with such a letter and the same stop as the numbered line before it, where that line's
number is one less than the letter's digit (or the next's one more), opens with the digit. A list lettered "A.",
"B." (a document's parts) keeps its letters: "A." follows no "3.", and "B." follows "A.", not "7.". So does a
number whose stop was misread ("1,.", "2,", "4:"), a speck's letter before it ("Ý3.") or its first word glued to it
("1,.Kinh"), where the run calls for it; and a paragraph's or an article's number lost ("Điều Đường Lê Đình Dương…"
between "Điều 1." and "Điều 3.", a paragraph between "1." and "3." or after the run's last, opening where their text
begins) is put back, doubtful.

A list's items open with a dash ("Nơi nhận:" and its "- Như trên;", a body's "- Tham gia …"), which Tesseract
reads "~" on office scans and photocopies (10 of 50 template pages, session 33): a line that opens with a tilde
alone opens with a dash — the documents write no tilde of their own — and so does one alone between two words ("Tư
pháp ~ Hộ tịch"); beside a number it may be "about" ("~ 10%") and stays. A lone dash ending the line before is the
same dash read twice — by the page's read, on the line above, and by ``ocr.unread``'s read of what it left out
("Nơi nhận: -⏎- Công an tỉnh…") — and goes; a hyphen ending a wrapped line ("Nhóm Châu Á -⏎Thái Bình Dương") stays.

An item ends with a semicolon where the next begins (Decree 30/2020's lists; all 107 of the template's and the other
generator's), which a worn copy reads as a comma ("Cổng thông tin điện tử,⏎- Thường trực Đảng ủy;"): an item's line
ending with a comma before the next item's dash ends with a semicolon. A line wrapped inside an item is followed by
no dash, and keeps its comma. Its last item, "- Lưu: VT, VP.", parts the offices keeping a copy by commas: a
semicolon between them there is a comma ("Lưu: VT; KT." on office scans), and its label read with a letter or two
wrong before the codes ("Lưa: VT", "Lựu: VT", "Liểu: VT") is "Lưu:".

Under "Nơi nhận:" every item opens with a dash (the decree's form): a line that follows the heading or an item's
semicolon and opens with no dash — on a photocopy Tesseract loses it (7 of the 8 dashes missing from a fresh
pair's 20 pages, session 37) or reads it "*" — opens with one, put back doubtful. A line after a comma is an item
wrapped and gets none; the list ends with its "Lưu:" item, or where the signer's lines in capitals begin.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.layout import opens_recipients
from ocr.words import SUPPLIED, Word

_NUMBER = re.compile(r"^(\d{1,2})([.)])$")
# A paragraph's number as a worn copy reads it: its stop misread ("1,.", "1..", "2,", "4:"), a speck's letter
# before it ("Ý3."), its first word glued to it ("1,.Kinh").
_MARKER_MISREAD = re.compile(r"^[^\W\d]?(\d{1,2})[.,:;)]{1,2}(.*)$")
_ARTICLE = "Điều"
_LOOKALIKE = {"A": "4", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_LABEL = re.compile(r"^([^\W\d_]{3,5}):$")
_DASH_READ = frozenset({"~", "*", "„*", "•", "+", "»", "—", "–", "="})  # what a worn item's dash is read as


def mend_list_markers(lines: list[list[Word]], born: dict[int, list[Word]]) -> set[int]:
    """Mend, in place, the first word of each line that the numbers' run calls for (``_numbers``), or a tilde
    read for a dash; a lone dash ending the line above a dash's line is taken off it, and that line's item's
    comma is a semicolon; a recipient's dash lost is put back (into ``born``: a word's id → what stands for it).
    The ids of the words taken off."""
    _recipients(lines, born)
    gone: set[int] = set()
    above: list[Word] = []
    for line in lines:
        if not line:
            continue
        first = line[0]
        if first.text == "~":
            first.text = "-"
        for left, w, right in zip(line, line[1:], line[2:], strict=False):
            if w.text == "~" and left.text[-1:].isalpha() and right.text[:1].isalpha():
                w.text = "-"  # between words: "Tư pháp ~ Hộ tịch"
        if first.text == "-" and len(above) > 1 and above[-1].text in ("-", "~"):
            gone.add(id(above.pop()))
        if first.text == "-" and len(above) > 1 and above[0].text == "-" and above[-1].text[-1:] == ",":
            above[-1].text = above[-1].text[:-1] + ";"
        above = line
        if first.text == "-":
            _archived(line)
    for article in (False, True):
        _numbers([line for line in lines if line and (line[0].text == _ARTICLE) == article and len(line) > article],
                 int(article), born)
    return gone


def _numbers(lines: list[list[Word]], at: int, born: dict[int, list[Word]]) -> None:
    """The run of numbers opening these lines (``at``: the number's place, 1 after "Điều"), mended where the
    numbers before and after it call for one: a stop misread ("1,.", "2,", "4:"), a digit read as the letter it
    resembles, or the number lost from a paragraph whose first word stands where the numbered ones' text begins
    (put back doubtful, into ``born``)."""
    marks: list[tuple[int, int, str, bool]] = []  # (line, number, stop, read as printed)
    for k, line in enumerate(lines):
        w = line[at]
        opens = len(line) > at + 1 and line[at + 1].text[:1].isupper()
        if m := _NUMBER.match(w.text):
            marks.append((k, int(m.group(1)), m.group(2), True))
        elif (m := _MARKER_MISREAD.match(w.text)) and (m.group(2)[:1].isupper() if m.group(2) else opens):
            marks.append((k, int(m.group(1)), "", False))
        elif opens and len(w.text) == 2 and w.text[1] in ".)" and (digit := _LOOKALIKE.get(_unmarked(w.text[0]))):
            marks.append((k, int(digit), w.text[1], False))
    for i, (k, n, stop, sure) in enumerate(marks):
        if sure:
            continue
        before = next((m for m in reversed(marks[:i]) if m[3]), None)
        after = next((m for m in marks[i + 1:] if m[3]), None)
        if before and before[1] == n - 1 and stop in ("", before[2]):
            stop = before[2]
        elif after and after[1] == n + 1 and stop in ("", after[2]):
            stop = after[2]
        elif before and before[1] == n - 2 and stop in ("", before[2]) and len(_lost(lines, before[0], k, at)) == 1:
            stop = before[2]  # the number between them lost too ("2.", a lost "3.", "4:"): put back below
        else:
            continue
        _renumbered(lines[k], at, f"{n}{stop}", born)
        marks[i] = (k, n, stop, True)
    for (k0, n0, stop0, sure0), (k1, n1, stop1, sure1) in zip(marks, marks[1:], strict=False):
        if sure0 and sure1 and n1 == n0 + 2 and stop0 == stop1 and len(lost := _lost(lines, k0, k1, at)) == 1:
            _put_back(lines[lost[0]], at, f"{n0 + 1}{stop0}", born)
    # The run's last number lost ("3.", then "Cùng thời kỳ này …"): nothing after it to pin it, so the paragraph must
    # also follow a line that ends a sentence or an item (a wrapped line at the numbers' text is no paragraph), be
    # the only one opening there after the run, and come before any list's dash or label (an attachment's item
    # under "Kèm theo đơn:", its dash lost, stands where the numbers' text does).
    run = [m for m in marks if m[3]]
    if len(run) > 1 and run[-1][1] == run[-2][1] + 1 and run[-1][2] == run[-2][2]:
        (k0, *_), (k1, n1, stop1, _) = run[-2:]
        later = [k for k in _lost(lines, k0, k1, at, range(k1 + 1, len(lines)))
                 if at or lines[k - 1][-1].text[-1:] in ".;"]
        if len(later) == 1 and (at or not any(line[0].text == "-" or line[-1].text.endswith(":")
                                              for line in lines[k1 + 1:later[0]])):
            _put_back(lines[later[0]], at, f"{n1 + 1}{stop1}", born)


def _lost(lines: list[list[Word]], k0: int, k1: int, at: int, among: range | None = None) -> list[int]:
    """The lines ``among`` (default: those between ``k0`` and ``k1``) that open a paragraph numbered as the lines
    ``k0`` and ``k1`` are, its number lost."""
    span = range(k0 + 1, k1) if among is None else among
    return [k for k in span if _opens_like(lines[k], lines[k0], lines[k1], at)]


def _put_back(line: list[Word], at: int, number: str, born: dict[int, list[Word]]) -> None:
    """A lost ``number`` put back in ``line`` at ``at``, doubtful, in a box before the word it precedes."""
    beside = line[at]  # the number's box before the word it precedes
    _supplied(line, at, number, beside.height, beside.left - int(1.2 * beside.height), born)


def _unmarked(ch: str) -> str:
    """The letter without its marks, its case kept ("Á" → "A")."""
    return unicodedata.normalize("NFD", ch)[:1]


def _opens_like(line: list[Word], first: list[Word], second: list[Word], at: int) -> bool:
    """Does ``line`` open a paragraph numbered as ``first`` and ``second`` are, its number lost: its first word
    capitalised where their text begins after the number, further in than the line above it (a paragraph's
    lines wrap to the margin)?"""
    if at:  # "Điều" and its title's first word: the number between them lost
        return len(line) > 1 and line[1].text[:1].isupper() and not line[1].text[:1].isdigit()
    if len(first) < 2 or len(second) < 2 or not line[0].text[:1].isupper():
        return False
    height = line[0].height
    return all(abs(line[0].left - other[1].left) < height for other in (first, second))


def _renumbered(line: list[Word], at: int, number: str, born: dict[int, list[Word]]) -> None:
    """The marker at ``at`` read as ``number``; a paragraph's first word read glued to it ("1,.Kinh") parted
    from it, the box shared by characters."""
    w = line[at]
    rest = m.group(2) if (m := _MARKER_MISREAD.match(w.text)) else ""
    if not rest:
        w.text = number
        return
    cut = w.width * (len(w.text) - len(rest)) // len(w.text)
    parts = [replace(w, text=number, width=max(1, cut)), replace(w, text=rest, left=w.left + cut, width=w.width - cut)]
    born[id(w)] = parts
    line[at:at + 1] = parts


def _supplied(line: list[Word], at: int, text: str, width: int, left: int, born: dict[int, list[Word]]) -> None:
    """``text`` put in ``line`` before its word at ``at``, doubtful (``SUPPLIED``), in a box ``width`` wide at
    ``left``: that word's id in ``born`` stands for both."""
    beside = line[at]
    mark = replace(beside, text=text, conf=SUPPLIED, width=max(1, width), left=max(0, left))
    kept = replace(beside)
    born[id(beside)] = [mark, kept]
    line[at:at + 1] = [mark, kept]


def _archived(item: list[Word]) -> None:
    """The list's last item, "- Lưu: VT, VP.": the copies kept, by the offices' abbreviations, parted by commas;
    a semicolon there is a comma misread (no item follows on its line)."""
    if len(item) < 4 or item[1].text != "Lưu:":
        return
    for w in item[2:-1]:
        if w.text.endswith(";") and w.text[:-1].isupper():
            w.text = w.text[:-1] + ","


def _recipients(lines: list[list[Word]], born: dict[int, list[Word]]) -> None:
    """Each item under "Nơi nhận:" opens with a dash: one read as another mark is a dash, one lost is put back
    before the item's first word (that word's id in ``born`` stands for both)."""
    above: list[Word] | None = None  # the list's line before, once the heading is found
    for line in lines:
        if not line:
            continue
        if above is None:
            if opens_recipients([w.text for w in line]):
                above = line
            continue
        if all(w.text.upper() == w.text for w in line) and any(w.text.isalpha() for w in line):
            return  # the signer's title: the list has ended
        first = line[0]
        if above[-1].text.endswith((";", ":")) and not first.text.startswith("-"):
            if first.text in _DASH_READ:
                first.text = "-"
            else:
                _supplied(line, 0, "-", first.height // 2, first.left - first.height, born)
        _relabel_copies(line)
        if any(w.text.startswith("Lưu") for w in line[:2]):
            return  # the last item
        above = line


def _relabel_copies(line: list[Word]) -> None:
    """The list's last item, "- Lưu: VT, …" (the copies kept, by the offices' codes): its label misread ("Lưa:",
    "Lựu:", "Liểu:": a letter or two of four) before a code is that label."""
    for label, code in zip(line[:2], line[1:3], strict=False):
        m = _LABEL.match(label.text)
        if m and Levenshtein.distance(fold(m.group(1)).lower(), "luu") <= 2 and code.text[:2].isupper():
            label.text = "Lưu:"
            return
