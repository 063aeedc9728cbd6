"""How likely OCR turns one diacritic into another: the counted table (``data/confusions.tsv``, counted by
``python -m ocr.correct.confusions`` on the tuning seed's pages) that weighs the channel of ``ocr.correct.model``.

A photocopy's hook above (hỏi) is two or three pixels and Tesseract reads it as an acute, often confidently
(thể → thế, tổ → tố); the other way round almost never happens. So an acute read where the context wants a
hook is cheaper to correct than an arbitrary swap; ``likeness`` says by how much. The posterior threshold of
``ocr.correct.model`` still leaves words both spellings of which fit ("sổ/số đăng ký") as read.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

from ocr.correct.syllables import split_tone

TABLE = Path(__file__).parent / "data" / "confusions.tsv"
TONES = {"": "none", "\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
# The letters that carry a vowel mark or a stroke, by the base letter they share.
LETTERS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
PRIOR = 200  # pseudo-count of syllables that make every confusion at the mean rate
BOUND = 4.0  # the most a confusion's likeness may weigh
HABIT = 5.0  # a confusion less than this much likelier than the mean weighs as any other does


def tone_of(syllable: str) -> str:
    return TONES[split_tone(syllable)[1]]


def letters_of(syllable: str) -> str:
    """The syllable's letters without its tone, lowercase: "Tổng" → "tông"."""
    return split_tone(syllable)[0]


@cache
def table(path: Path = TABLE) -> dict[tuple[str, str, str], float]:
    """P(read | true), read ≠ true, for tones and marked letters, shrunk towards the mean confusion: ``(kind,
    true, read) → probability``, and ``("mean", kind, "")``; empty when the table has not been counted."""
    counts: Counter = Counter()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                k, t, r, n = line.split("\t")
                counts[k, t, r] = int(n)
    if not counts:
        return {}
    out = {}
    for kind, groups in (("tone", [tuple(TONES.values())]), ("letter", list(LETTERS.values()))):
        seen = sum(n for (k, _t, _r), n in counts.items() if k == kind)
        # An arbitrary confusion's probability: each true mark's misreads spread evenly, weighed by its share.
        mean = sum(counts[kind, t, r] / seen / (len(g) - 1) for g in groups for t in g for r in g if r != t)
        out["mean", kind, ""] = mean
        for group in groups:
            for t in group:
                # Shrunk towards the mean: one "ngã read as huyền" in 146 ngã is no evidence of a habit.
                total = sum(counts[kind, t, r] for r in group) + PRIOR
                out.update({(kind, t, r): (counts[kind, t, r] + PRIOR * mean) / total for r in group if r != t})
    return out


@lru_cache(maxsize=65536)
def likeness(true: str, read: str) -> float:
    """log of how much likelier OCR turns ``true``'s marks into ``read``'s than an arbitrary mark into another
    (both lowercase, one base), from the counted table. A confusion seen at least ``HABIT`` times as often as the
    mean is cheaper to correct (at most ``BOUND`` times), so that context need weigh less; any other costs what
    it did before (0): a few hundred misreads on 10 pages do not show that a mark is never dropped, and the old
    channel was tuned on other pages. 0 as well when the table is missing."""
    probs = table()
    if not probs:
        return 0.0
    ratio = 1.0
    if (t := tone_of(true)) != (r := tone_of(read)):
        ratio *= probs["tone", t, r] / probs["mean", "tone", ""]
    for t, r in zip(letters_of(true), letters_of(read), strict=False):
        if t != r and ("letter", t, r) in probs:
            ratio *= probs["letter", t, r] / probs["mean", "letter", ""]
    return math.log(min(BOUND, ratio)) if ratio >= HABIT else 0.0
