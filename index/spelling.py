"""Which words a query word may stand for when it is misspelt, the same in both engines.

A word found in the index as written matches as written: fuzzing it would also match every common syllable one
letter away (*văn* → an, ban, tân, vân…), which makes a name query match most of the archive and visit every
posting of the commonest words. Only a word found nowhere (a typo, an OCR slip in the query) is expanded, and
into the words one edit away that the index holds, looked up one by one (a few hundred look-ups in the term
dictionary), instead of an automaton whose result set is a bitmap as large as the archive.
"""
from __future__ import annotations

from functools import lru_cache

# The letters folded words are made of. A misspelling into any other letter is reached only if the query word
# itself contains that letter; folded Vietnamese is all in here.
ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@lru_cache(maxsize=4096)
def neighbours(word: str) -> tuple[str, ...]:
    """Every string one edit from ``word`` (a letter deleted, inserted, replaced, or two adjacent letters
    swapped), without ``word`` itself, sorted. At most 75·len + 36 of them (≈ 640 for an 8-letter word)."""
    letters = sorted(ALPHABET | set(word))
    out: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        out.update(head + c + tail for c in letters)
        if tail:
            out.add(head + tail[1:])
            out.update(head + c + tail[1:] for c in letters)
        if len(tail) > 1:
            out.add(head + tail[1] + tail[0] + tail[2:])
    out.discard(word)
    return tuple(sorted(out))

