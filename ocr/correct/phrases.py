"""The fixed wording of administrative documents restored as whole phrases.

In capitals OCR loses or swaps marks on most syllables of a line ("PHO CHÁNH VĂN PHONG"), and where a run
ends the bigram model is left with one side of context: "VĂN PHONG" is a word too (style), so the model alone
stays unsure. Headers and signer blocks print a closed set of phrases (``ocr.correct.admin``); a run of two or
more capitalised words whose letters, marks aside, are exactly such a phrase takes the phrase's marks.

In any case, a run of three or more words that spells one of the longer phrases takes its marks too: "số hộ
tịch" → "sổ hộ tịch", where a photocopy's hook read as an acute leaves two words the bigram model cannot choose
between ("số hộ" is common) and the third, which decides, is beyond its reach. Two-word phrases in lower case
are left to the model ("văn phong của ông" is style).
"""
from __future__ import annotations

import re
from functools import cache

from domain.text import fold
from ocr.correct import admin
from ocr.correct.syllables import TOKEN, recase, undoubled

_WORD = re.compile(r"[^\W\d_]+")
_DASH = re.compile(r"^[-–]$")


LONG = 3  # a phrase of this many words is restored in any case


@cache
def _index() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Phrase syllables keyed by their letters without marks (ambiguous keys dropped), and the longest key."""
    found: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for phrase in admin.phrases() + admin.BOOKS:
        words = tuple(w.lower() for w in _WORD.findall(phrase))
        if len(words) >= 2:
            found.setdefault(tuple(fold(w) for w in words), set()).add(words)
    index = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    return index, max(len(k) for k in index)


@cache
def _openings() -> frozenset[str]:
    """The first words of the phrases (letters without marks): a run can open a phrase only with one."""
    return frozenset(key[0] for key in _index()[0])


def restore_phrases(tokens: list[str]) -> list[str]:
    """``tokens`` with every run of capitalised words that spells a known phrase, and every run of any case that
    spells a known phrase of ``LONG`` words or more, given that phrase's marks (each word keeps its case)."""
    index, longest = _index()
    out = list(tokens)
    words = [(i, m) for i, t in enumerate(tokens) if (m := TOKEN.match(t))]
    keys = [fold(undoubled(m.group(2))) for _, m in words]
    i = 0
    while i < len(words):
        if keys[i] not in _openings():
            i += 1
            continue
        for n in range(min(longest, len(words) - i), 1, -1):
            span = words[i:i + n]
            caps = all(m.group(2).isupper() for _, m in span)
            # In lower case a phrase is one run of words: no stop or comma inside it ("số. Hộ tịch viên").
            if not caps and (n < LONG or any(m.group(3) for _, m in span[:-1]) or any(m.group(1) for _, m in span[1:])):
                continue
            # Neighbours in the line, with at most a dash between them ("ĐỘC LẬP - TỰ DO").
            if any(b - a != 1 and not all(_DASH.match(tokens[k]) for k in range(a + 1, b))
                   for (a, _), (b, _) in zip(span, span[1:], strict=False)):
                continue
            phrase = index.get(tuple(keys[i:i + n]))
            if phrase:
                for (k, m), w in zip(span, phrase, strict=True):
                    out[k] = m.group(1) + recase(w, m.group(2)) + m.group(3)
                i += n
                break
        else:
            i += 1
    return out
