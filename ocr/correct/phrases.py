"""Capitals of the fixed administrative wording restored as whole phrases.

In capitals OCR loses or swaps marks on most syllables of a line ("PHO CHÁNH VĂN PHONG"), and where a run
ends the bigram model is left with one side of context: "VĂN PHONG" is a word too (style), so the model alone
stays unsure. Headers and signer blocks print a closed set of phrases (``ocr.correct.admin``); a run of two or
more capitalised words whose letters, marks aside, are exactly such a phrase takes the phrase's marks. Lower
case is left to the model: its marks are read reliably.
"""
from __future__ import annotations

import re
from functools import cache

from domain.text import fold
from ocr.correct import admin
from ocr.correct.syllables import undoubled

_WORD = re.compile(r"[^\W\d_]+")
_CORE = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$")
_DASH = re.compile(r"^[-–]$")


@cache
def _index() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Phrase syllables keyed by their letters without marks (ambiguous keys dropped), and the longest."""
    found: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for phrase in admin.phrases():
        words = tuple(w.lower() for w in _WORD.findall(phrase))
        if len(words) >= 2:
            found.setdefault(tuple(fold(w) for w in words), set()).add(words)
    index = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    return index, max(len(k) for k in index)


def restore_phrases(tokens: list[str]) -> list[str]:
    """``tokens`` with every run of capitalised words that spells a known phrase given that phrase's marks."""
    index, longest = _index()
    out = list(tokens)
    caps = [(i, m) for i, t in enumerate(tokens) if (m := _CORE.match(t)) and m.group(2).isupper()]
    i = 0
    while i < len(caps):
        for n in range(min(longest, len(caps) - i), 1, -1):
            span = caps[i:i + n]
            # Neighbours in the line, with at most a dash between them ("ĐỘC LẬP - TỰ DO").
            if any(b - a != 1 and not all(_DASH.match(tokens[k]) for k in range(a + 1, b))
                   for (a, _), (b, _) in zip(span, span[1:], strict=False)):
                continue
            words = index.get(tuple(fold(undoubled(m.group(2))) for _, m in span))
            if words:
                for (k, m), w in zip(span, words, strict=True):
                    out[k] = m.group(1) + w.upper() + m.group(3)
                i += n
                break
        else:
            i += 1
    return out
