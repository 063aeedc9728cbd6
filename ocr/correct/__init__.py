"""Vietnamese post-correction of OCR'd words: diacritics only, syllable by syllable, where the model is sure.

Rules, each with a test in tests/ocr/test_correct.py:

1. Look-alikes become Vietnamese letters: Ð (U+00D0, Icelandic eth), ð and Ɖ → Đ/đ (``domain.text.normalize``).
2. A syllable's tone and vowel marks are re-chosen by the n-gram model in ``ocr.correct.model`` (hook ↔ acute
   "ổ/ố", a dropped tone, uppercase "PHÓ" vs "PHỐ", "NỌI" → "NỘI"), keeping its base letters and its case.
3. Never touched: anything with a digit (IDs, registration and book numbers, dates), short uppercase codes next
   to a number ("BĐ 123456", "CH 01234"), and letter strings that are not Vietnamese syllables ("GCN").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import normalize
from ocr.correct.model import MIN_POSTERIOR, SyllableModel, model
from ocr.words import Word, lines_of

_TOKEN = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$", re.UNICODE)


@dataclass(slots=True)
class Correction:
    index: int
    old: str
    new: str
    posterior: float


def _recase(new: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _protected(tokens: list[str], i: int, core: str) -> bool:
    """Short uppercase codes beside a number: serial letters, registry prefixes."""
    if not (core.isupper() and len(core) <= 3):
        return False
    near = tokens[max(0, i - 1):i] + tokens[i + 1:i + 2]
    return any(any(ch.isdigit() for ch in t) for t in near)


def correct_tokens(tokens: list[str], confs: list[float] | None = None,
                   lm: SyllableModel | None = None) -> tuple[list[str], list[Correction]]:
    """One line's tokens (as OCR split them) → corrected tokens and what was changed."""
    lm = lm or model()
    confs = confs or [0.9] * len(tokens)
    out = [normalize(t) if t.strip() else t for t in tokens]
    parts = [_TOKEN.match(t) for t in out]
    changes: list[Correction] = []
    for i, m in enumerate(parts):
        if not m or _protected(out, i, m.group(2)):
            continue
        core = m.group(2)
        prev = nxt = None
        if i > 0 and (pm := parts[i - 1]) and not pm.group(3) and not m.group(1):
            prev = _TOKEN.match(out[i - 1]).group(2).lower()  # type: ignore[union-attr]
        if i + 1 < len(out) and (nm := parts[i + 1]) and not m.group(3) and not nm.group(1):
            nxt = nm.group(2).lower()
        choice = lm.choose(core.lower(), prev, nxt, confs[i], upper=core.isupper() and len(core) > 1)
        if choice is None or choice.word == core.lower() or choice.posterior < MIN_POSTERIOR:
            continue
        new_core = _recase(choice.word, core)
        out[i] = m.group(1) + new_core + m.group(3)
        parts[i] = _TOKEN.match(out[i])
        changes.append(Correction(i, tokens[i], out[i], choice.posterior))
    return out, changes


def correct_text(text: str, lm: SyllableModel | None = None) -> str:
    """Plain text, line by line (for text without word boxes)."""
    return "\n".join(" ".join(correct_tokens(line.split(), lm=lm)[0]) for line in text.splitlines())


def correct_words(words: list[Word], lm: SyllableModel | None = None) -> list[Correction]:
    """Correct OCR words in place, line by line; returns the changes (``index`` counts over ``words``)."""
    changes: list[Correction] = []
    offset = 0
    for line in lines_of(words):
        new, ch = correct_tokens([w.text for w in line], [w.conf for w in line], lm)
        for w, t in zip(line, new, strict=True):
            w.text = t
        changes += [Correction(c.index + offset, c.old, c.new, c.posterior) for c in ch]
        offset += len(line)
    return changes
