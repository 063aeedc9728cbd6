"""The Vietnamese analyzer, in Python so Tantivy and Elasticsearch index exactly the same tokens.

NFC comes first (NFD input would otherwise split words at every combining mark). Each word then yields two
tokens: an *exact* one (lowercase, tone mark moved to a fixed place so hoà = hòa) and a *folded* one (no
diacritics, đ → d). Queries are analysed the same way; exact matches score higher than folded ones.
"""
from __future__ import annotations

import re
from functools import lru_cache

from domain.records import NAME_FIELDS, PLACE_FIELDS
from domain.text import fold, normalize, tone_key

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ASCII_TOKEN = re.compile(r"[0-9A-Za-z_]+")  # \w on ASCII text


word_tokens = _TOKEN.findall  # of text already normalised and lowercased


def tokens(text: str) -> list[str]:
    return word_tokens(normalize(text).lower())


# An archive's vocabulary is small (Vietnamese has ~7,000 syllables; names and places repeat), so analysing
# each distinct token once makes bulk indexing ~10x faster.
exact_token = lru_cache(maxsize=500_000)(tone_key)
folded_token = lru_cache(maxsize=500_000)(fold)


# Whole values, analysed: places, authorities, ethnicities and names repeat across an archive, so most of a
# record's values are a dictionary hit. Bounded (cleared when full, the token caches above stay warm) so a
# long reindex of unique values cannot grow it without end.
_VALUES: dict[str, tuple[str, str]] = {}
_VALUES_MAX = 131_072
cached_analysis = _VALUES.get  # the same dict for good: it is cleared, never replaced


def analysed_value(text: str) -> tuple[str, str]:
    """One field value's exact and folded tokens, each space-joined (a date splits at its dashes: "-" is never
    part of a token)."""
    return _VALUES.get(text) or analyse(text)


def analyse(text: str) -> tuple[str, str]:
    """``analysed_value`` without the look-up: callers that inline ``_VALUES.get`` call this on a miss."""
    if text.isascii():  # numbers, dates, IDs: mostly unique, and nothing to fold (caching would only churn)
        if text.isalnum():
            joined = text.lower()
        else:
            joined = " ".join(_ASCII_TOKEN.findall(text.lower()))
        return joined, joined
    toks = tokens(text)
    pair = " ".join(map(exact_token, toks)), " ".join(map(folded_token, toks))
    if len(_VALUES) >= _VALUES_MAX:
        _VALUES.clear()
    _VALUES[text] = pair
    return pair


def exact_tokens(text: str) -> list[str]:
    return [exact_token(t) for t in tokens(text)]


def folded_tokens(text: str) -> list[str]:
    return [folded_token(t) for t in tokens(text)]


# Folded words of people's names and places' own names (index.places.PlaceTokens.own): where a free word's
# OCR-error tolerance looks. Elsewhere a record's words are boilerplate repeated in most records ("Ủy ban nhân
# dân", "tỉnh", the ethnicity "Kinh", "Việt Nam"): one letter away from common syllables (ban ~ van, kinh ~
# minh), they made a word match nearly every record and cost most of a name query's time.
FUZZY_FIELD = "fuzzy_f"
FUZZY_SOURCES = NAME_FIELDS | PLACE_FIELDS  # the record fields whose words it holds


def is_number(token: str) -> bool:
    return token.isdigit()


def fuzzy_distance(folded: str) -> int:
    """Edit distance tolerated for an OCR error. Never for numbers (IDs, years must match exactly); one letter
    even in two-letter syllables (An → Am), since every other word of the query must still match."""
    if folded.isdigit() or len(folded) < 2:
        return 0
    return 1 if len(folded) < 9 else 2


def fuzzy_target(folded: str, field: str) -> str:
    """Where a fuzzy match of a free word (``field`` all_f) may land: names and places' own names
    (``FUZZY_FIELD``); a two-letter syllable one edit away matches half the dictionary (le → la, de,
    ne…), so those only look among people's names, where a one-letter OCR slip matters most. A fielded word
    looks in its own field."""
    if field != "all_f":
        return field
    return "name_f" if len(folded) == 2 else FUZZY_FIELD
