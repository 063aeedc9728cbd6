"""The words of a written-out date ("ngày 15 tháng 3 năm 2024", Decree 30's date line and the "Căn cứ…" clauses),
one of them misread, put back by the two others.

A poor copy turns an "á" into "ú" ("ngày thúng năm 2026") or loses a letter ("thán", "ngà"); the language model
keeps such a word, a syllable of its own. The phrase is fixed: where the year's "năm" and the two other words stand
in order, each with at most one word between (the day's or month's number, or the blank a pen fills), and two of
the three are read as printed, the third is that word when its letters, marks aside, are two edits from it at most
("thúng", "nấm"; "nghỉ" in "ngày nghỉ năm 2024" is not "tháng"). It keeps its box and becomes doubtful
(``SUPPLIED``).

The phrase's day and month then hold a number or nothing (``_slot``): a typed number a worn copy read as letters
("lị", "H", "1Ò") is that number, doubtful; what a scan in grey or black and white read in a blank — the pen's
figures, a speck, the blank's dash — is no print and goes, as colour sets the pen aside on a colour scan.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.marks import PUNCT
from ocr.words import SUPPLIED, Word, lines_of

_WORDS = ("ngày", "tháng", "năm")
_YEAR = re.compile(r"\d{4}[.,;]?")
_OFF = 2  # edits, at most, between a misread word and the one the phrase calls for
_LAST = {"ngày": 31, "tháng": 12}
# A digit as a worn copy reads it: "11" with its serifs joined reads "H".
_AS_DIGIT = {"H": "11", "L": "1", "T": "1", "B": "8", "S": "5", "Z": "2", "G": "6"} \
    | {ch: "1" for ch in "lI|!ịíìỉĩiÌÍ"} | {ch: "0" for ch in "OoÒÓỎÕỌÔØQ"}


def _key(word: Word) -> str:
    return word.text.strip(PUNCT).lower()


def _phrase(line: list[Word], year: int) -> list[int] | None:
    """Where "ngày", "tháng" and "năm" stand before ``line[year]``: at most one word between each two, "năm"
    right before the year."""
    at, found = year, []
    for want in reversed(_WORDS):
        # (a number between is the day's or month's; the first word of the phrase may stand before it)
        options = [at - 1, at - 2] if found else [at - 1]
        words = [i for i in options if i >= 0 and _key(line[i]) and not _key(line[i]).isdigit()]
        if not words:
            return None
        at = next((i for i in words if _key(line[i]) == want), words[0])
        found.append(at)
    return found[::-1]


def date_words(words: list[Word]) -> list[Word]:
    """``words`` in reading order (lines numbered), a written-out date's one misread word put back, and its day's
    and month's blanks read as numbers or as nothing (``_slot``)."""
    gone: set[int] = set()
    for line in lines_of(words):
        for year, word in enumerate(line):
            if not _YEAR.fullmatch(word.text) or (at := _phrase(line, year)) is None:
                continue
            off = [(line[i], want) for i, want in zip(at, _WORDS, strict=True) if _key(line[i]) != want]
            if len(off) == 1:
                [(misread, want)] = off
                core = misread.text.strip(PUNCT)
                if len(core) >= 2 and Levenshtein.distance(fold(core).lower(), fold(want)) <= _OFF:
                    misread.text = misread.text.replace(core, want.capitalize() if core[0].isupper() else want, 1)
                    misread.conf = min(misread.conf, SUPPLIED)
                    off = []
            if not off:
                gone |= {id(w) for k, want in enumerate(_WORDS[:2]) for w in line[at[k] + 1:at[k + 1]]
                         if not _slot(w, _LAST[want])}
    return [w for w in words if id(w) not in gone] if gone else words


def _slot(word: Word, last: int) -> bool:
    """The word standing in a date's day or month (``last``: 31 or 12), kept as a number: read as one, or its
    letters each the digit they look like on a worn copy ("lị", "H" for 11, "1Ò" for 10, "0B" for 08), put in
    doubtful. Anything else there is no print — a pen's figures, a speck, a blank's dash read on a scan in grey
    or black and white ("LEY", "Ï7_", "`", "—") — and goes (False)."""
    core = word.text.strip(PUNCT)
    if core.isdigit():
        return True  # a number out of range is a digit misread, the clerk's to see
    digits = "".join(_AS_DIGIT.get(ch, ch) for ch in core)
    if not (digits.isdigit() and len(digits) <= 2 and 1 <= int(digits) <= last):
        return False
    if digits != core:
        word.text, word.conf = word.text.replace(core, digits, 1), min(word.conf, SUPPLIED)
    return True
