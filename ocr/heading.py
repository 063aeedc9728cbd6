"""The national heading, put back as Decree 30/2020 prints it on every administrative document.

Right of the issuing body stand the country's name, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", and its motto, "Độc lập
- Tự do - Hạnh phúc": the same two lines on every decision, notice, letter and civil-status extract. A copy's specks
glue punctuation to them ("VIỆT NAM.", "Hạnh phúc:", "HỘI-CHỦ"), a stamp's edge takes a dash ("Tự do Hạnh phúc"), a
letter goes ("HỘT", "HỘ E"). A line of the page's top whose letters (marks, case and punctuation aside) are within
a tenth of one of the two is that line: where its words are the line's word for word, each takes its printed text
(the old tone place, "HOÀ", is left as printed); else the line's words go over its box (``titles.spread``).
"""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

from rapidfuzz.distance import Levenshtein

from ocr.correct.syllables import is_syllable
from ocr.titles import SURE, letter_key, spread
from ocr.words import Word, in_capitals, lines_of

LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
_KEYS = tuple(letter_key(line) for line in LINES)
_NEAR = 0.1  # letters that may differ, as a share of the line's
_TOP = 10  # lines from the page's top where the heading stands
_AS_PRINTED = {"HOÀ": "HÒA"}  # the old tone place, printed on older papers
# The place and date line: a place's name (up to five capitalised words), then ", ngày … năm 2026"
_PLACE_DATE = re.compile(r"^(?:[^\W\d_][^\s\d,]*\s){0,4}[^\W\d_][^\s\d,]*, ngày\b.*\bnăm \d{4}\.$")


def heading(words: list[Word]) -> list[Word]:
    """``words`` in reading order (lines numbered), the national heading's lines as printed."""
    lines = lines_of(words)
    for n, line in enumerate(lines[:_TOP]):
        found = letter_key(" ".join(w.text for w in line))
        for text, printed in zip(LINES, _KEYS, strict=True):
            if Levenshtein.distance(found, printed) <= _NEAR * len(printed):
                lines[n] = _put(text, line)
                break
    return [w for line in lines for w in line]


def without_stops(words: list[Word]) -> list[Word]:
    """``words`` in reading order (lines numbered), the lines of the page's top that Decree 30/2020 prints with no
    stop — the issuing body's, the country's, the title, in capitals, and the place and date — without the "." a
    speck after their last word was read as ("ỦY BAN NHÂN DÂN.", "XÃ CÔNG CHÍNH.", "THÔNG BÁO.", "Đồng Tháp, ngày
    tháng năm 2026."). A last word that is no syllable ("UBND.", "TP.") may be an abbreviation's, and keeps it."""
    lines = lines_of(words)
    for line in lines[:_TOP]:
        last, text = line[-1], " ".join(w.text for w in line)
        core = last.text[:-1]
        if not last.text.endswith(".") or not core[-1:].isalnum():
            continue
        capitals = in_capitals(text) and is_syllable(core.lower())
        dated = _PLACE_DATE.match(text) and all(w[:1].isupper() for w in text.split(",")[0].split())
        if capitals or dated:
            line[-1] = replace(last, text=core)
    return [w for line in lines for w in line]


def national_start(lines: list[list[Word]]) -> tuple[int, int] | None:
    """(line, word) where the country's name starts in ``lines``, also inside a line read across both of the
    header's columns; None where it is not read."""
    for n, line in enumerate(lines):
        for j in range(len(line)):
            key = letter_key(" ".join(w.text for w in line[j:j + len(LINES[0].split())]))
            if Levenshtein.distance(key, _KEYS[0]) <= _NEAR * len(_KEYS[0]):
                return n, j
    return None


def columns_apart(words: list[Word]) -> list[Word]:
    """``words`` in reading order, the header's two columns put apart where they were read row by row across
    both ("UBND THÀNH PHỐ HỒ CHÍ MINH CỘNG HÒA XÃ HỘI…", "SỞ TƯ PHÁP Độc lập…", "Số: /TB-STP Hồ Chí Minh, ngày…":
    a long issuing body's name leaves no gutter the layout sees). The country's name starts the right column
    (Decree 30/2020): from its line on, the rows holding words on both sides of where it starts are read left
    column first, then right, while a gutter a word's height wide parts them under it. Two rows at least; one
    alone is the layout's to cut (``ocr.layout``)."""
    lines = lines_of(words)
    found = national_start(lines[:_TOP])
    if found is None or found[1] == 0:
        return words
    n, j = found
    edge = lines[n][j].left
    left: list[list[Word]] = []
    right: list[list[Word]] = []
    for k, line in enumerate(lines[n:_TOP]):
        sides = [w for w in line if w.left + w.width / 2 < edge], [w for w in line if w.left + w.width / 2 >= edge]
        if not all(sides):
            break
        # (under the country's name the columns stand a gutter apart: a centred title's words do not)
        gap = sides[1][0].left - max(w.left + w.width for w in sides[0])
        if k and gap < median(w.height for w in line):
            break
        left.append(sides[0])
        right.append(sides[1])
    if len(left) < 2:
        return words
    lines[n:n + len(left)] = left + right
    return [replace(w, line=k) for k, line in enumerate(lines) for w in line]


def _put(text: str, line: list[Word]) -> list[Word]:
    parts = text.split()
    if [letter_key(w.text) for w in line] == [letter_key(t) for t in parts]:
        return [w if _AS_PRINTED.get(w.text, w.text) == t else replace(w, text=t, conf=max(w.conf, SURE))
                for w, t in zip(line, parts, strict=True)]
    return spread(text, line)
