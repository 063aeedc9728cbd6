"""The national heading, put back as Decree 30/2020 prints it on every administrative document.

Right of the issuing body stand the country's name, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", and its motto, "Độc lập
- Tự do - Hạnh phúc": the same two lines on every decision, notice, letter and civil-status extract. A copy's specks
glue punctuation to them ("VIỆT NAM.", "Hạnh phúc:", "HỘI-CHỦ"), a stamp's edge takes a dash ("Tự do Hạnh phúc"), a
letter goes ("HỘT", "HỘ E"). A line of the page's top whose letters (marks, case and punctuation aside) are within
a tenth of one of the two is that line: where its words are the line's word for word, each takes its printed text
(the old tone place, "HOÀ", is left as printed); else the line's words go over its box (``titles.spread``).
"""
from __future__ import annotations

from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from ocr.titles import SURE, letter_key, spread
from ocr.words import Word, lines_of

LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
_KEYS = tuple(letter_key(line) for line in LINES)
_NEAR = 0.1  # letters that may differ, as a share of the line's
_TOP = 10  # lines from the page's top where the heading stands
_AS_PRINTED = {"HOÀ": "HÒA"}  # the old tone place, printed on older papers


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


def _put(text: str, line: list[Word]) -> list[Word]:
    parts = text.split()
    if [letter_key(w.text) for w in line] == [letter_key(t) for t in parts]:
        return [w if _AS_PRINTED.get(w.text, w.text) == t else replace(w, text=t, conf=max(w.conf, SURE))
                for w, t in zip(line, parts, strict=True)]
    return spread(text, line)
