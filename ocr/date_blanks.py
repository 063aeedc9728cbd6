"""A day or month written by pen into the blanks of a document's date line ("Hà Nội, ngày 16 tháng 8 năm 2026"):
the template prints "ngày      tháng      năm 2026" and the office writes the day, often the month too, when the
document is signed. ``ocr.blanks`` finds such a value by its height; one written no taller than the print
beside it was read as text.

It is told by its room instead: print sets a number one space from "ngày" and "tháng" (≈ 0.25–0.45 of the
line's word height; more on one side where Tesseract cuts an italic word's box short), a hand writes it into a
blank with room on both sides (0.7–1.4 on the official pages' held-out seeds). Its box is kept as a HANDWRITING
mark, flagged for a person to key, as ``ocr.blanks``'s are.
"""
from __future__ import annotations

from statistics import median

from domain.text import fold
from ocr.correct.syllables import is_syllable
from ocr.marks import HANDWRITING, PUNCT, Mark
from ocr.words import Word, lines_of

_ROOM = 0.6  # the gap before and after a written value, each at least this many word heights
# …and this many of the line's own gaps between printed words (a justified line stretches all its gaps alike)
_SPACES = 2.0
_CONFIDENCE = 0.5
_SLOTS = {("ngay", "thang"), ("thang", "nam")}  # the date's blanks: between these words


def _key(word: Word) -> str:
    return fold(word.text.strip(PUNCT))


def by_hand(word: Word) -> bool:
    """A number, or what a hand's number reads as ("t3", "ÌŸ", "j1"): letters or digits, and no syllable.
    (Dots or a rule printed as the blank, "ngày ... tháng", have neither.)"""
    core = word.text.strip(PUNCT)
    return core.isdigit() or any(ch.isalnum() for ch in core) and not is_syllable(core)


def written_dates(words: list[Word]) -> tuple[list[Word], list[Mark]]:
    """``words`` less the day and month numbers written into a date line's blanks, and those numbers' boxes."""
    written: list[Word] = []
    for line in lines_of(words):
        keys = [_key(w) for w in line]
        slots = [i for i in range(1, len(line) - 1) if (keys[i - 1], keys[i + 1]) in _SLOTS and by_hand(line[i])]
        if not slots:
            continue
        gaps = [b.left - (a.left + a.width) for a, b in zip(line, line[1:], strict=False)]
        # (a blank left empty, "ngày   tháng", is no printed gap either)
        printed = [g for k, g in enumerate(gaps)
                   if k not in slots and k + 1 not in slots and (keys[k], keys[k + 1]) not in _SLOTS]
        least = max(_ROOM * median(w.height for w in line), _SPACES * median(printed) if printed else 0.0)
        written += [line[i] for i in slots if min(gaps[i - 1], gaps[i]) >= least]
    return set_aside(words, written)


def set_aside(words: list[Word], written: list[Word]) -> tuple[list[Word], list[Mark]]:
    """``words`` less those a hand ``written``, and those words' boxes as handwriting marks, for a person to key."""
    if not written:
        return words, []
    gone = {id(w) for w in written}
    return ([w for w in words if id(w) not in gone],
            [Mark(HANDWRITING, w.left, w.top, w.width, w.height, _CONFIDENCE) for w in written])
