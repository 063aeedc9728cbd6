"""Words run together: Tesseract often reads two or three syllables of tightly set uppercase text as one word
("TÂMHẰNG", "LÊCẨMNHUNG", "Nămsinh"). Vietnamese writes every syllable apart, so a letter string that is not a
syllable but is exactly a sequence of known ones — marks included — is that sequence.

Only exact spellings of well-formed syllables count (the marks as read): a split never has to guess diacritics,
and a string with one misread letter is left alone rather than cut in the wrong place. A foreign word made of
syllable shapes ("Campuchia", "Canada") would be cut too, so callers pass only names and places through it.
"""
from __future__ import annotations

import math
import re

from ocr.correct.model import SyllableModel, model
from ocr.correct.syllables import is_syllable

_LETTER_RUN = re.compile(r"[^\W\d_]+")
MAX_PARTS = 5  # "BệnhviệnĐakhoa…": a whole line set tight
MIN_COUNT = 3  # a syllable seen fewer times in the corpus is too rare to cut a word around


def split_merged(word: str, lm: SyllableModel | None = None) -> list[str] | None:
    """The syllables ``word`` (letters only, any case) is made of, as written; None when it is one syllable,
    or cannot be cut into known syllables only."""
    lm = lm or model()
    low = word.lower()
    if len(low) < 4 or not low.isalpha() or (low in lm.uni) or is_syllable(low):
        return None
    # best[i] = (score, cut positions) for low[:i]; score: sum of log unigram probabilities.
    best: list[tuple[float, list[int]] | None] = [None] * (len(low) + 1)
    best[0] = (0.0, [])
    for end in range(1, len(low) + 1):
        for start in range(max(0, end - 7), end):  # a syllable has at most 7 letters ("nghiêng")
            prev, part = best[start], low[start:end]
            if prev is None or len(prev[1]) >= MAX_PARTS or lm.uni.get(part, 0) < MIN_COUNT \
                    or not is_syllable(part) or (len(part) == 1 and not word[start].isupper()):
                continue  # a lone lowercase letter is more likely part of a foreign word
            score = prev[0] + math.log(lm.p_uni(part))
            if best[end] is None or score > best[end][0]:
                best[end] = (score, [*prev[1], end])
    done = best[len(low)]
    if done is None or len(done[1]) < 2:
        return None
    cuts = [0, *done[1]]
    return [word[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


_CORE = re.compile(r"^([^\W\d_]+)([^\w]*)$")


def unmerged(word: str, lm: SyllableModel) -> list[str] | None:
    """A page word run together from known syllables ("Nơinhận:" → "Nơi", "nhận:"), trailing punctuation kept on
    the last part; None to leave it. Only a word carrying a Vietnamese mark (so no foreign word: "Campuchia",
    "Canada") whose letters are no misread syllable: a mark or one letter away from a known syllable it is that
    syllable misread ("thưong" is "thương", not "thư ong"), and the model's other rules weigh it."""
    m = _CORE.match(word)
    if m is None or m.group(1).isascii():
        return None
    parts = split_merged(m.group(1), lm)
    low = m.group(1).lower()
    if parts is None or lm.candidates(low) or lm.slipped(low):
        return None
    return [*parts[:-1], parts[-1] + m.group(2)]


def split_text(text: str, lm: SyllableModel | None = None) -> str:
    """Every run-together word of ``text`` cut into its syllables; letter runs are taken inside punctuation and
    beside digits too ("Thôn2,xãHộ" → "Thôn2,xã Hộ")."""
    return _LETTER_RUN.sub(lambda m: " ".join(split_merged(m.group(0), lm) or [m.group(0)]), text)
