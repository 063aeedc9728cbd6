"""A person's family name, restored from how often each spelling is borne.

A name on a form starts with the family name, and family names are few: a handful of spellings cover most
people ("Nguyễn" alone about four in ten). Uppercase names lose their small marks most ("NGUYỄN" read
"NGUYÊN", "ĐẶNG" read "ĐĂNG"), and the general syllable model cannot tell which is meant, since "Nguyên" is a
common given name. For the *first* syllable only, the candidates are the family names with the same base
letters (``ocr/correct/data/family_names.tsv``, from a public name list; built by
``python -m ocr.correct.build --family-names``), weighed by how many people bear each against a channel that
keeps what was read with probability 1 − ε (ε as in ``ocr.correct.model``: larger at low confidence and for
uppercase). The reading is replaced only when the best candidate's posterior is at least ``MIN_POSTERIOR``:
"NGUYÊN" → "NGUYỄN", but "LÀ" stays (both "La" and "Lã" are family names).
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from domain.text import fold
from ocr.correct.model import MIN_POSTERIOR
from ocr.correct.syllables import mark_distance

FAMILY_NAMES = Path(__file__).parent / "data" / "family_names.tsv"
_UNSEEN = 0.5  # pseudo-count of a spelling not in the list


@cache
def _by_base() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    if FAMILY_NAMES.exists():
        for line in FAMILY_NAMES.read_text(encoding="utf-8").splitlines():
            name, n = line.split("\t")
            out.setdefault(fold(name), {})[name.lower()] = int(n)
    return out


def family_name(word: str, conf: float) -> str:
    """``word`` (the first syllable of a name, any case) with its marks restored where the family-name prior
    makes one spelling near certain; otherwise unchanged."""
    cands = _by_base().get(fold(word))
    obs = word.lower()
    if not cands or not word.isalpha():
        return word
    upper = word.isupper() and len(word) > 1
    eps = min(0.6, (0.02 + 0.4 * (1.0 - conf)) * (2.0 if upper else 1.0))
    scores = {}
    for c, n in {**cands, obs: cands.get(obs, 0)}.items():
        channel = math.log(1 - eps) if c == obs else math.log(eps) + (mark_distance(c, obs) - 1) * math.log(0.2)
        scores[c] = math.log(n + _UNSEEN) + channel
    best = max(scores, key=scores.__getitem__)
    if best == obs:
        return word
    top = scores[best]
    if 1.0 / sum(math.exp(v - top) for v in scores.values()) < MIN_POSTERIOR:
        return word
    if upper:
        return best.upper()
    return best[:1].upper() + best[1:] if word[:1].isupper() else best
