"""A letter misread, not only a mark: the spellings one OCR slip away from a reading that is no known syllable.

On a photocopy Tesseract also turns a letter into another ("rghề" for nghề, "Ìưu" for lưu, "dâr" for dân), one
into two ("rigày": n read as "ri"), or drops one ("àm" for làm). Such a reading
is rarely any syllable, so the marks-only candidates of ``ocr.correct.model`` have nothing to offer it. The
model also weighs the known syllables one of these slips away, at a letter's cost in the channel (``model``).

Only readings that carry a Vietnamese mark (a tone, or ă â đ ê ô ơ ư), or a mark Vietnamese never writes and a
blurred one becomes ("ñgày", "traäg"), are tried: foreign names and words ("Carnot", "Sadi", "Maya") and
abbreviations ("UBND", "VT", "TP") carry none and stay as written. A capitalised word spelled like no syllable is
a name in another language — an ethnic minority's ("Kơtu", "Êban", "MLÔ": civil records print names in
capitals) — and stays too.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from domain.text import TONE_MARKS
from ocr.correct.syllables import is_syllable

# The letters Vietnamese spells with, unmarked (đ is d with a mark: ``syllables.base`` folds it).
ALPHABET = "abcdeghiklmnopqrstuvxy"
# Two letters OCR reads where one was printed, and that one: "ri"/"rn" for n/m in a blurred copy.
SPLIT = {"ri": "n", "rn": "m", "nr": "m", "rr": "n", "cl": "d", "li": "h", "ii": "u"}
_MARKED_LETTERS = frozenset("ăâđêôơư" "äëïöüÿñ")
LONGEST = 8  # a syllable has at most 7 letters ("nghiêng"): a longer reading is more than one slip from any


def marked(word: str) -> bool:
    """Does ``word`` carry a mark only Vietnamese writes (a tone, or one of ă â đ ê ô ơ ư), or a diaeresis or an
    ñ (what OCR makes of a Vietnamese mark on a blurred copy)?"""
    low = word.lower()
    return any(ch in _MARKED_LETTERS for ch in low) or any(
        ch in TONE_MARKS for ch in unicodedata.normalize("NFD", low))


def may_slip(reading: str) -> bool:
    """May ``reading`` (as read, with its case), which is no known syllable, be a Vietnamese one misread?"""
    return len(reading) <= LONGEST and marked(reading) and not (reading[:1].isupper() and not is_syllable(reading))


def one_slip(word: str, bare: str) -> Iterator[tuple[str, str]]:
    """``word`` (lowercase NFC) with one letter changed, dropped or added, or two read for one undone, beside the
    same edit of ``bare`` (its letters without marks, one for one): the letters kept keep their marks, a letter
    put in comes unmarked (the model's candidates carry the marks). The bare spellings are what the model looks
    up, without folding each of the few hundred spellings again."""
    n = len(word)
    for k in range(n):
        yield word[:k] + word[k + 1:], bare[:k] + bare[k + 1:]
        for a in ALPHABET:
            if a != bare[k]:
                yield word[:k] + a + word[k + 1:], bare[:k] + a + bare[k + 1:]
    for k in range(n + 1):
        for a in ALPHABET:
            yield word[:k] + a + word[k:], bare[:k] + a + bare[k:]
    for k in range(n - 1):
        if (one := SPLIT.get(bare[k:k + 2])) is not None:
            yield word[:k] + one + word[k + 2:], bare[:k] + one + bare[k + 2:]
