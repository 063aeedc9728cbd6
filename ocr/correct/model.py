"""The syllable n-gram model (ocr/correct/data/syllables.tsv.gz, built by ``python -m ocr.correct.build``) and
the noisy-channel choice of syllables' diacritics in their context.

For an OCR'd syllable ``o`` every known syllable ``c`` with the same base letters is a candidate, scored

    log P(c | prev) + log P(next | c) + log P(o | c)

with interpolated bigram/unigram probabilities and a channel that keeps what was read with probability 1 − ε
(ε grows as Tesseract's confidence falls, and doubles for uppercase, whose small diacritics are dropped most)
and otherwise loses ε × 0.2 per further letter whose marks differ, times up to 4 where OCR is known to make that
confusion (``ocr.correct.channel``: a hook above read as an acute). A run of adjacent syllables is decoded
together (``decode``: forward-backward, so both neighbours of "THÁNH PHÓ" may change at once) and each syllable
alone between its neighbours as read; the best candidate replaces ``o`` only when its posterior, the surer of
the two, is at least ``MIN_POSTERIOR``. A reading that is no known syllable may also be weighed against the
syllables one letter slip away (``slipped``, ``ocr.correct.letters``), each at ``LETTER_NOISE`` of ε.
"""
from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ocr.correct.channel import likeness
from ocr.correct.letters import one_slip
from ocr.correct.syllables import base, is_syllable, mark_distance, undoubled

MODEL = Path(__file__).parent / "data" / "syllables.tsv.gz"
LAMBDA = 0.8  # weight of the bigram estimate against the unigram one
MIN_POSTERIOR = 0.97
# A page reading poorly (a photocopy: at least NOISY_PAGE of its letter words are no syllable the corpus knows)
# also misreads marks more often, so the model need be less sure to change one there. Chosen on the official
# pages' words of seeds 14 and 1414, measured on 9191 (docs/benchmarks.md, session 9): photocopies' word recall
# +0.24–0.33 points, office scans and clean pages unchanged; on a held-out text (``ocr.correct.evaluate``) 0.90
# everywhere would triple the intact syllables wrongly changed (0.28% → 0.98%), which is why clean pages keep 0.97.
NOISY_PAGE, NOISY_MIN_POSTERIOR = 0.03, 0.90
# There a hook above read as an acute (``ocr.correct.channel``: 8% of a photocopy's hỏi, the reverse never seen)
# is put back at a posterior of 0.7: "năm 2026 đế tổng hợp" → "để" (0.75), "giải thế" → "thể" (0.71), "UBND TÍNH" →
# "TỈNH". Official pages' photocopies of seeds 14 (tuning), 1414 and 7676 (fresh): 9 words right, none wrong; held-out
# prose with random damage at the same threshold (``ocr.correct.evaluate``, 0.90): no more repaired, 0.03% more
# intact syllables changed ("ấm" → "ẩm"), where hooks are not misread that often (docs/benchmarks.md, session 23).
NOISY_HOOK_MIN_POSTERIOR = 0.70
UPPER_NOISE = 2.0  # how much likelier a capital's marks are misread than a small letter's
KNOWN = 3  # a syllable seen this often in the corpus is a known one
# A letter misread (``ocr.correct.letters``) is this much rarer than a mark misread at the same confidence.
LETTER_NOISE = 0.03
_FLOOR = 0.1  # pseudo-count of an unseen syllable
_MEMO = 400_000  # log-probabilities of pairs kept (≈ 60 MB at most)
# Unknown readings' slip candidates kept (≈ 1.5 KB each: 6 MiB for 4,096 random readings). Junk seldom repeats;
# within a page the same reading is asked again by each decode of its run.
_SLIP_MEMO = 4_096


@dataclass(slots=True)
class Choice:
    word: str  # lowercase
    posterior: float


class SyllableModel:
    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        self.uni = unigrams
        self.bi = bigrams
        self.total = sum(unigrams.values())
        self._denominator = self.total + _FLOOR * len(unigrams)
        self._log_bi: dict[tuple[str | None, str], float] = {}  # a page asks the same pairs again and again
        self.by_base: dict[str, list[str]] = {}
        self._slips: dict[str, dict[str, str]] = {}
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
        return (self.uni.get(w, 0) + _FLOOR) / self._denominator

    def p_bi(self, w: str, prev: str | None) -> float:
        uni = self.p_uni(w)
        if not prev or prev not in self.uni:
            return uni
        return LAMBDA * self.bi.get((prev, w), 0) / self.uni[prev] + (1 - LAMBDA) * uni

    def log_bi(self, w: str, prev: str | None) -> float:
        key = (prev, w)
        if (v := self._log_bi.get(key)) is None:
            if len(self._log_bi) > _MEMO:  # a worker reads pages for days: the memo stays bounded
                self._log_bi.clear()
            v = self._log_bi[key] = math.log(self.p_bi(w, prev))
        return v

    def candidates(self, word: str) -> list[str]:
        """Known syllables with ``word``'s base letters; for an unknown word with a vowel doubled ("chàanh": a
        mark read as a letter of its own), those of the word with that vowel once."""
        found = self.by_base.get(base(word), [])
        if not found and (single := undoubled(word)) != word:
            found = self.by_base.get(base(single), [])
        return found

    def known(self, word: str) -> bool:
        """Is ``word`` (lowercase) a syllable the corpus knows (seen ``KNOWN`` times or more)?"""
        return self.uni.get(word, 0) >= KNOWN

    def slipped(self, word: str) -> dict[str, str]:
        """For a reading (lowercase) that is no known syllable: the known syllables one letter slip away
        (``letters.one_slip``), each with the slipped spelling it was found from (the one whose marks differ
        least from it). Empty for a known syllable."""
        if (found := self._slips.get(word)) is not None:
            return found
        found = {}
        bare = base(word)
        if not self.known(word) and len(bare) == len(word):  # (letter for letter: NFC Vietnamese is)
            for spelling, bare_spelling in one_slip(word, bare):
                for cand in self.by_base.get(bare_spelling, ()):
                    if self.known(cand) and (cand not in found or mark_distance(cand, spelling)
                                                    < mark_distance(cand, found[cand])):
                        found[cand] = spelling
        if len(self._slips) > _SLIP_MEMO:
            self._slips.clear()
        self._slips[word] = found
        return found

    def channel(self, cand: str, obs: str, conf: float, upper: bool) -> float:
        """log P(obs | cand): what was read is kept with probability 1 − ε, each further letter whose marks
        differ costs a factor 0.2, and the confusion itself is weighed by how often OCR makes it (``likeness``);
        a reading that is not a syllable at all is near impossible as printed."""
        eps = _noise(conf, upper)
        if cand == obs:
            return math.log(1 - eps) + (0.0 if is_syllable(obs) else math.log(1e-4))
        return math.log(eps) + (mark_distance(cand, obs) - 1) * math.log(0.2) + likeness(cand, obs)

    def decode(self, obs: list[str], confs: list[float], upper: list[bool], slips: list[bool] | None = None
               ) -> list[Choice | None]:
        """Each syllable of a run of adjacent syllables (lowercase, no punctuation between them) with its best
        spelling and that spelling's posterior. Two ways, the surer one kept: the whole run weighed at once
        (forward-backward over every candidate of every position: two neighbours that both lost their marks,
        "THÁNH PHÓ", are restored together, which one at a time cannot do), and each syllable alone between
        its neighbours as read. None where there is no choice. ``slips``: the positions whose reading also
        weighs the syllables a letter slip away (``slipped``)."""
        lattice = []
        for o, conf, up, slip_too in zip(obs, confs, upper, slips or [False] * len(obs), strict=True):
            cands = self.candidates(o)
            cands = cands if o in cands else [*cands, o]
            slipped = {c: s for c, s in self.slipped(o).items() if c not in cands} if slip_too else {}
            states = [(c, self.channel(c, o, conf, up) if len(cands) + len(slipped) > 1 else 0.0) for c in cands]
            if slipped:
                slip = math.log(LETTER_NOISE * _noise(conf, up))
                states += [(c, slip + self.channel(c, s, conf, up)) for c, s in slipped.items()]
            lattice.append(states)
        # log P(c | p) for every state c of each position and p of the one before: both passes need them all.
        steps = [None] + [[[self.log_bi(c, p) for p, _ in lattice[i - 1]] for c, _ in lattice[i]]
                          for i in range(1, len(lattice))]
        fwd = [[self.log_bi(c, None) + e for c, e in lattice[0]]]
        for i in range(1, len(lattice)):
            fwd.append([_logsumexp([f + t for t, f in zip(to_c, fwd[-1], strict=True)]) + e
                        for to_c, (_, e) in zip(steps[i], lattice[i], strict=True)])
        bwd = [[0.0] * len(lattice[-1])]
        for i in range(len(lattice) - 2, -1, -1):
            ahead = [(e, b) for (_, e), b in zip(lattice[i + 1], bwd[0], strict=True)]
            bwd.insert(0, [_logsumexp([t + e + b for t, (e, b) in zip(from_c, ahead, strict=True)])
                           for from_c in zip(*steps[i + 1], strict=True)])
        out: list[Choice | None] = []
        for i, states in enumerate(lattice):
            if len(states) == 1:
                out.append(None)
                continue
            joint = [f + b for f, b in zip(fwd[i], bwd[i], strict=True)]
            prev = obs[i - 1] if i else None
            nxt = obs[i + 1] if i + 1 < len(obs) else None
            alone = [self.log_bi(c, prev) + (self.log_bi(nxt, c) if nxt else 0.0) + e
                     for c, e in states]
            out.append(max(_best(states, joint), _best(states, alone), key=lambda ch: ch.posterior))
        return out


def _noise(conf: float, upper: bool) -> float:
    """ε: how likely a syllable read at ``conf`` has a mark misread."""
    return min(0.6, (0.02 + 0.4 * (1.0 - conf)) * (UPPER_NOISE if upper else 1.0))


def _best(states: list[tuple[str, float]], scores: list[float]) -> Choice:
    k = max(range(len(scores)), key=scores.__getitem__)
    return Choice(states[k][0], math.exp(scores[k] - _logsumexp(scores)))


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum([math.exp(v - top) for v in values]))


@cache
def model() -> SyllableModel:
    return SyllableModel.load()
