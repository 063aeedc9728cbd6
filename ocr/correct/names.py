"""A person's name with its marks restored from how often each spelling is borne.

A name on a form starts with the family name, and family names are few: a handful of spellings cover most
people ("Nguyễn" alone about four in ten). Uppercase names lose or change their small marks most ("NGUYỄN" read
"NGUYÊN", "ĐẶNG" read "ĐĂNG", "HẰNG" read "HÃNG", "QUÂN" read "QUẦN"), and the general syllable model cannot tell
which is meant, since "Nguyên" is a common given name and "hãng", "quần" common words. Each syllable's candidates
are the spellings with the same base letters that people bear in that place — family names for the first
syllable (``data/family_names.tsv``), given names for the last (``data/given_names.tsv``), middle names for those
between (``data/middle_names.tsv``: "VẬN" last is Vân, a given name, where Văn is a middle one), all from a public
name list and built by ``python -m ocr.correct.build`` — weighed by how many bear each against a channel
that keeps what was read with probability 1 − ε (ε as in ``ocr.correct.model``: larger at low confidence and for
uppercase). A reading is replaced only when the best candidate's posterior is high enough: "NGUYÊN" → "NGUYỄN",
but "LÀ" stays (both "La" and "Lã" are family names), as do "HIẾN" and "HIỂN" (both given names).

Given names are many and spread thin, so their bar is lower than the family names' (``MIN_GIVEN_POSTERIOR``): on
the name list itself, each name left out of the counts in turn, read at confidence 0.8 in capitals, 64 of its
18,691 middle and given syllables change (0.34%; many the list's own typos, "hửu", "bỉnh", the rest rarer real
names), against 17 at the family names' bar, which leaves most misread capitals as read. One table for both places
changed 96 (and, on the bench's pages, mended fewer names).
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from domain.text import fold
from ocr.correct.model import MIN_POSTERIOR
from ocr.correct.syllables import mark_distance

DATA = Path(__file__).parent / "data"
FAMILY_NAMES = DATA / "family_names.tsv"
GIVEN_NAMES = DATA / "given_names.tsv"
MIDDLE_NAMES = DATA / "middle_names.tsv"
MIN_GIVEN_POSTERIOR = 0.9
_UNSEEN = 0.5  # pseudo-count of a spelling not in the list


@cache
def _by_base(path: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, n = line.split("\t")
            out.setdefault(fold(name), {})[name.lower()] = int(n)
    return out


def _restored(word: str, conf: float, path: Path, bar: float, other: Path | None = None) -> tuple[str, float]:
    """``word`` with its marks restored where the prior in ``path`` makes one spelling likely past ``bar``, and
    that spelling's posterior (1.0 when unchanged). The reading itself counts as often as ``other`` has it too,
    if more: a name cut short at a page's foot ("Nguyễn Thị") ends with a middle name."""
    cands = _by_base(path).get(fold(word))
    obs = word.lower()
    if not cands or not word.isalpha():
        return word, 1.0
    upper = word.isupper() and len(word) > 1
    eps = min(0.6, (0.02 + 0.4 * (1.0 - conf)) * (2.0 if upper else 1.0))
    seen = max(cands.get(obs, 0), _by_base(other).get(fold(word), {}).get(obs, 0) if other else 0)
    scores = {}
    for c, n in {**cands, obs: seen}.items():
        channel = math.log(1 - eps) if c == obs else math.log(eps) + (mark_distance(c, obs) - 1) * math.log(0.2)
        scores[c] = math.log(n + _UNSEEN) + channel
    best = max(scores, key=scores.__getitem__)
    if best == obs:
        return word, 1.0
    top = scores[best]
    posterior = 1.0 / sum(math.exp(v - top) for v in scores.values())
    if posterior < bar:
        return word, 1.0
    if upper:
        return best.upper(), posterior
    return (best[:1].upper() + best[1:] if word[:1].isupper() else best), posterior


def family_name(word: str, conf: float) -> str:
    """``word`` (the first syllable of a name, any case) with its marks restored where the family-name prior
    makes one spelling near certain; otherwise unchanged."""
    return _restored(word, conf, FAMILY_NAMES, MIN_POSTERIOR)[0]


def name_marks(name: str, conf: float) -> tuple[str, float]:
    """A full name (family name first, syllables apart) with each syllable's marks restored by its place's prior,
    and how sure the changes are (the product of their posteriors; 1.0 when none changed)."""
    first, *rest = name.split(" ")
    out, sure = [family_name(first, conf)], 1.0
    for n, word in enumerate(rest, start=2):
        here, other = (GIVEN_NAMES, MIDDLE_NAMES) if n == len(rest) + 1 else (MIDDLE_NAMES, GIVEN_NAMES)
        word, p = _restored(word, conf, here, MIN_GIVEN_POSTERIOR, other)
        out.append(word)
        sure *= p
    return " ".join(out), sure
