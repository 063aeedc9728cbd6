"""The shape of a Vietnamese syllable: which letter strings can be one, and how two spellings of one differ.

A syllable is onset + rhyme + one tone. Only the *diacritics* of OCR'd syllables are ever corrected, never their
base letters, so candidates for a token are the known syllables with the same ``base`` (fold: no marks, đ → d).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from domain.text import TONE_MARKS, fold

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_RHYME = "(?:[aăâeêioôơuưy]{1,3})(?:ch|ng|nh|c|m|n|p|t)?"
_SHAPE = re.compile(f"{_ONSET}{_RHYME}")
_STOP_FINAL = ("p", "t", "c", "ch")
_SAC, _NANG = "\u0301", "\u0323"


def split_tone(syllable: str) -> tuple[str, str]:
    """(syllable without its tone mark, the tone mark or ""), lowercase NFC."""
    nfd = unicodedata.normalize("NFD", syllable.lower())
    tones = [ch for ch in nfd if ch in TONE_MARKS]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in TONE_MARKS))
    return bare, (tones[-1] if tones else "")


def is_syllable(word: str) -> bool:
    """True when ``word`` (any case) is spelled like a Vietnamese syllable: onset, rhyme, and a tone that the
    rhyme allows (a syllable ending in p, t, c, ch takes only sắc or nặng)."""
    bare, tone = split_tone(word)
    if not _SHAPE.fullmatch(bare):
        return False
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(ch in TONE_MARKS for ch in nfd) > 1:
        return False
    return not (bare.endswith(_STOP_FINAL) and tone not in (_SAC, _NANG))


def base(word: str) -> str:
    """The letters without any diacritic, lowercase (đ → d): what correction keeps fixed."""
    return fold(word)


@lru_cache(maxsize=65536)
def marks(word: str) -> tuple[str, ...]:
    """The combining marks of each letter (NFD), for counting how two spellings with one base differ."""
    out = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        nfd = unicodedata.normalize("NFD", ch)
        out.append(("đ" if ch == "đ" else "") + "".join(sorted(c for c in nfd if unicodedata.combining(c))))
    return tuple(out)


def mark_distance(a: str, b: str) -> int:
    """Letters whose diacritics differ between two spellings with the same base."""
    return sum(x != y for x, y in zip(marks(a), marks(b), strict=False)) + abs(len(a) - len(b))


# A token as OCR splits a line: punctuation around a run of letters ("(Về", "tịch;"), groups 1–3.
TOKEN = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$")
# A number ("12", "2026", "10/4/2026"), the same groups: never corrected, but context for its neighbours, as the one
# token ``NUMBER`` the model counts ("ngày # tháng": a date's "tháng" read "thắng" is told by the numbers around it).
NUMBER_CORE = r"\d+(?:[/.,:-]\d+)*"
# A document's number is one too ("45/2020/NĐ-CP", "123/QĐ-UBND"): the corpus counts its digits before the code's
# slash as the number after "số", and here it is "số"'s context ("Nghị định sổ 45/2020/NĐ-CP" → "số").
_CODE = r"(?:/[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)*"
NUMBER_TOKEN = re.compile(rf"^([^\w]*)({NUMBER_CORE}{_CODE})([^\w]*)$")
NUMBER = "#"


def recase(new: str, like: str) -> str:
    """``new`` (lowercase) in the case of the word it replaces: all capitals, capitalised, or lower case."""
    if like.isupper() and len(like) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if like[:1].isupper() else new


_VOWELS = frozenset("aăâeêioôơuưy")


def undoubled(word: str) -> str:
    """``word`` with its first doubled vowel written once, the marked copy kept ("chàanh" → "chành"): Vietnamese
    never writes a vowel letter twice (a loan's "oo" aside; "ưu" is two letters), OCR does when it reads a mark
    as a letter of its own."""
    low = word.lower()
    for k in range(len(low) - 1):
        a, b = split_tone(low[k])[0], split_tone(low[k + 1])[0]
        if a == b and a in _VOWELS and a != "o":
            keep = k if split_tone(low[k])[1] or not split_tone(low[k + 1])[1] else k + 1
            return word[:k] + word[keep] + word[k + 2:]
    return word
