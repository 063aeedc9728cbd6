"""Accuracy measures shared by the benchmark (bench/accuracy.py), the calibration fit and the tests:
character error rate, word recall, and field exact-match as records.md defines the values."""
from __future__ import annotations

import unicodedata
from collections import Counter

from domain.records import NAME_FIELDS
from domain.text import edit_distance, normalize, words


def flat(text: str) -> str:
    """Text as CER compares it: NFC, every run of whitespace (line breaks included) one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(hyp: str, ref: str) -> float:
    hyp, ref = flat(hyp), flat(ref)
    return edit_distance(hyp, ref) / max(1, len(ref))


def word_recall(hyp: str, ref: str) -> float:
    """Share of the reference's words (exact, case and diacritics included) found in the hypothesis, as a
    multiset: order does not matter, so a column read in another order loses nothing here."""
    want, have = Counter(words(ref)), Counter(words(hyp))
    total = sum(want.values())
    return sum(min(n, have[w]) for w, n in want.items()) / total if total else 1.0


def canonical(field: str, value: object) -> str:
    """A truth or extracted value as exact-match compares it: lists joined by "; ", numbers plain, names
    compared case-insensitively (records.md), whitespace collapsed."""
    if isinstance(value, list | tuple):
        return "; ".join(canonical(field, v) for v in value)
    if isinstance(value, float):
        value = f"{value:.10g}"
    text = normalize(str(value))
    if field in NAME_FIELDS:
        text = text.lower()
    return text


def field_matches(field: str, got: object, want: object) -> bool:
    return canonical(field, got) == canonical(field, want)
