"""A list's markers at the start of a line: a numbered paragraph's number read as a letter ("3. …", then "A. …"
for "4. …"), an item's dash read as a tilde.

An administrative document numbers its paragraphs and a list's items "1.", "2.", "3." at the start of a line, and
on a worn copy Tesseract reads a digit as the letter it resembles (4 → A, 1 → I or l, 2 → Z, 5 → S, 8 → B, 6 →
G). A line that opens with such a letter and the same stop as the numbered line before it, where that line's
number is one less than the letter's digit, opens with the digit. A list lettered "A.", "B." (a document's parts)
keeps its letters: "A." follows no "3.", and "B." follows "A.", not "7.".

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
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.layout import opens_recipients
from ocr.words import SUPPLIED, Word

_NUMBER = re.compile(r"^(\d{1,2})([.)])$")
_LOOKALIKE = {"A": "4", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_LABEL = re.compile(r"^([^\W\d_]{3,5}):$")
_DASH_READ = frozenset({"~", "*", "„*", "•", "+", "»", "—", "–", "="})  # what a worn item's dash is read as


def mend_list_markers(lines: list[list[Word]], born: dict[int, list[Word]]) -> set[int]:
    """Mend, in place, the first word of each line that a lookalike letter took from the numbers' run, or a
    tilde from a dash; a lone dash ending the line above a dash's line is taken off it, and that line's item's
    comma is a semicolon; a recipient's dash lost is put back (into ``born``: a word's id → what stands for it).
    The ids of the words taken off."""
    _recipients(lines, born)
    last: tuple[int, str] | None = None  # the number and stop of the last numbered line
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
            continue
        if m := _NUMBER.match(first.text):
            last = (int(m.group(1)), m.group(2))
            continue
        text = first.text
        digit = _LOOKALIKE.get(text[:1])
        if digit and len(text) == 2 and last is not None and text[1] == last[1] and int(digit) == last[0] + 1:
            first.text = digit + text[1]
            last = (int(digit), text[1])
    return gone


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
                dash = replace(first, text="-", conf=SUPPLIED, width=max(1, first.height // 2),
                               left=max(0, first.left - first.height))
                kept = replace(first)
                born[id(first)] = [dash, kept]
                line[:1] = [dash, kept]
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
