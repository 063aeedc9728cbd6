"""Which words of a record match a query: diacritics ignored, and OCR's near-misses within the distance the
index tolerates. What the crop of a scan centres on and what a result's snippets mark."""
from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from domain.text import fold
from index.analysis import fuzzy_distance
from index.query import parse

# A search page tests every word of 20 results' fields against the query (most of its time, by py-spy): the
# same names and places over and over. Bounded, so an unusual vocabulary cannot grow it past a few MiB.
fold_word = lru_cache(maxsize=1 << 15)(fold)


def query_terms(q: str) -> list[str]:
    """The folded words a result should show as matched: free words and fielded values alike."""
    parsed = parse(q)
    return [t.folded for t in parsed.terms] + [tok for toks in parsed.fielded.values() for tok in toks]


def _distance(a: str, b: str, limit: int) -> int:
    return Levenshtein.distance(a, b, score_cutoff=limit)  # past the limit it answers limit + 1, early


def word_matches(word: str, terms: list[str], exact_only: frozenset[str] = frozenset()) -> bool:
    """The word equals a term ignoring diacritics, or is within the OCR-error distance of one (except the
    terms in ``exact_only``: those already matched exactly elsewhere, so near-misses would only be noise)."""
    folded = fold_word(word)
    for t in terms:
        if folded == t:
            return True
        limit = fuzzy_distance(t) if t not in exact_only else 0
        if limit and _distance(folded, t, limit) <= limit:
            return True
    return False
