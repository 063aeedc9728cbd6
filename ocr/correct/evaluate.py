"""Held-out check of the post-correction: ``python -m ocr.correct.evaluate [N] [--upper | --joined]``.

Takes the UD Vietnamese VTB *test* split (never used to build the model), damages the diacritics of 10% of its
syllables the way OCR does (tone dropped, hook ↔ acute, circumflex/breve/horn dropped; uppercase lines lose
marks more often), corrects it, and counts syllables: damaged ones repaired, and correct ones wrongly changed.
``--joined``: every real word tried as run together (``split.unmerged``), and one neighbouring pair in five
written as one word: how many of each are cut, and cut right.
"""
from __future__ import annotations

import random
import sys
import unicodedata

from domain.text import TONE_MARKS
from ocr.correct import correct_tokens
from ocr.correct.build import default_data_dir, ud_sentences
from ocr.correct.model import model
from ocr.correct.split import unmerged
from ocr.correct.syllables import is_syllable

_SWAP = {"\u0309": "\u0301", "\u0301": "\u0309", "\u0303": "\u0309", "\u0300": "\u0303"}


def damage(word: str, rng: random.Random) -> str:
    nfd = unicodedata.normalize("NFD", word)
    kind = rng.random()
    if kind < 0.4:  # tone dropped
        out = "".join(ch for ch in nfd if ch not in TONE_MARKS)
    elif kind < 0.7:  # tone confused
        out = "".join(_SWAP.get(ch, ch) for ch in nfd)
    else:  # every mark dropped (what uppercase OCR does)
        out = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", out)


def evaluate(limit: int = 800, rate: float = 0.1, seed: int = 0, upper: bool = False) -> dict[str, float]:
    """``upper``: every sentence in capitals, as headers, titles and signer blocks are printed."""
    rng = random.Random(seed)
    path = default_data_dir() / "prose" / "UD_Vietnamese-VTB_test.conllu"
    damaged = repaired = clean = broken = 0
    for sentence in list(ud_sentences(path))[:limit]:
        truth = sentence.upper().split() if upper else sentence.split()
        noisy = [damage(t, rng) if is_syllable(t) and rng.random() < rate else t for t in truth]
        fixed, _ = correct_tokens(noisy, [0.8] * len(noisy))
        for t, n, f in zip(truth, noisy, fixed, strict=True):
            if n != t:
                damaged += 1
                repaired += f == t
            else:
                clean += 1
                broken += f != t
    return {"damaged": damaged, "repaired": repaired / max(1, damaged), "clean": clean,
            "wrongly_changed": broken / max(1, clean)}


def evaluate_joined(limit: int = 800, seed: int = 1) -> dict[str, int]:
    rng, lm = random.Random(seed), model()
    out = {"words": 0, "words_cut": 0, "pairs": 0, "pairs_right": 0, "pairs_wrong": 0}
    path = default_data_dir() / "prose" / "UD_Vietnamese-VTB_test.conllu"
    for sentence in list(ud_sentences(path))[:limit]:
        words = sentence.split()
        out["words"] += len(words)
        out["words_cut"] += sum(unmerged(w, lm) is not None for w in words)
        for a, b in zip(words, words[1:], strict=False):
            if a.isalpha() and b.isalpha() and rng.random() < 0.2:
                got = unmerged(a + b, lm)
                out["pairs"] += 1
                out["pairs_right"] += got == [a, b]
                out["pairs_wrong"] += got is not None and got != [a, b]
    return out


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    limit = int(args[0]) if args else 800
    upper = "--upper" in sys.argv[1:]
    if "--joined" in sys.argv[1:]:
        j = evaluate_joined(limit)
        print(f"UD VTB test, {limit} sentences: {j['words_cut']} of {j['words']} words cut; of {j['pairs']} pairs "
              f"written as one word, {j['pairs_right']} cut right, {j['pairs_wrong']} cut wrong")
        return 0
    r = evaluate(limit, upper=upper)
    print(f"UD VTB test{' in capitals' if upper else ''}, {limit} sentences: {r['damaged']} damaged syllables, "
          f"{r['repaired']:.1%} repaired; {r['clean']} intact syllables, {r['wrongly_changed']:.2%} wrongly changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
