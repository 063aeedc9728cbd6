"""The syllable n-gram model (ocr/correct/data/syllables.tsv.gz, built by ``python -m ocr.correct.build``) and
the noisy-channel choice of a syllable's diacritics in its context.

For an OCR'd syllable ``o`` between ``prev`` and ``next`` every known syllable ``c`` with the same base letters
is scored

    log P(c | prev) + log P(next | c) + log P(o | c)

with interpolated bigram/unigram probabilities and a channel that keeps what was read with probability 1 − ε
(ε grows as Tesseract's confidence falls, and doubles for uppercase, whose small diacritics are dropped most)
and otherwise loses ε × 0.2 per further letter whose marks differ. The best candidate replaces ``o`` only
when its posterior among the candidates is at least ``MIN_POSTERIOR``.
"""
from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ocr.correct.syllables import base, is_syllable, mark_distance

MODEL = Path(__file__).parent / "data" / "syllables.tsv.gz"
LAMBDA = 0.8  # weight of the bigram estimate against the unigram one
MIN_POSTERIOR = 0.97
_FLOOR = 0.1  # pseudo-count of an unseen syllable


@dataclass(slots=True)
class Choice:
    word: str  # lowercase
    posterior: float


class SyllableModel:
    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        self.uni = unigrams
        self.bi = bigrams
        self.total = sum(unigrams.values())
        self.by_base: dict[str, list[str]] = {}
        for s in unigrams:
            self.by_base.setdefault(base(s), []).append(s)

    @classmethod
    def load(cls, path: Path = MODEL) -> SyllableModel:
        uni: dict[str, int] = {}
        bi: dict[tuple[str, str], int] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                kind, gram, n = line.rstrip("\n").split("\t")
                if kind == "1":
                    uni[gram] = int(n)
                else:
                    a, b = gram.split(" ")
                    bi[a, b] = int(n)
        return cls(uni, bi)

    def p_uni(self, w: str) -> float:
        return (self.uni.get(w, 0) + _FLOOR) / (self.total + _FLOOR * len(self.uni))

    def p_bi(self, w: str, prev: str | None) -> float:
        uni = self.p_uni(w)
        if not prev or prev not in self.uni:
            return uni
        return LAMBDA * self.bi.get((prev, w), 0) / self.uni[prev] + (1 - LAMBDA) * uni

    def candidates(self, word: str) -> list[str]:
        return self.by_base.get(base(word), [])

    def choose(self, obs: str, prev: str | None, nxt: str | None, conf: float, upper: bool) -> Choice | None:
        """The best spelling of ``obs`` (lowercase) in context, or None when there is nothing to choose."""
        cands = self.candidates(obs)
        if not cands or (len(cands) == 1 and cands[0] == obs):
            return None
        if obs not in cands:
            cands = [*cands, obs]
        eps = min(0.6, (0.02 + 0.4 * (1.0 - conf)) * (2.0 if upper else 1.0))
        scores = {}
        for c in cands:
            s = math.log(self.p_bi(c, prev))
            if nxt is not None:
                s += math.log(self.p_bi(nxt, c))
            if c == obs:
                s += math.log(1 - eps) + (0.0 if is_syllable(obs) else math.log(1e-4))
            else:
                s += math.log(eps) + (mark_distance(c, obs) - 1) * math.log(0.2)
            scores[c] = s
        top = max(scores.values())
        z = sum(math.exp(v - top) for v in scores.values())
        best = max(scores, key=scores.__getitem__)
        return Choice(best, 1.0 / z)


@cache
def model() -> SyllableModel:
    return SyllableModel.load()
