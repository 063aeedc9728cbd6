"""The Vietnamese analyzer, in Python so Tantivy and Elasticsearch index exactly the same tokens.

NFC comes first (NFD input would otherwise split words at every combining mark). Each word then yields two
tokens: an *exact* one (lowercase, tone mark moved to a fixed place so hoà = hòa) and a *folded* one (no
diacritics, đ → d). Queries are analysed the same way; exact matches score higher than folded ones.
"""
from __future__ import annotations

import re
from functools import lru_cache

from domain.text import fold, normalize, tone_key

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ASCII_TOKEN = re.compile(r"[0-9A-Za-z_]+")  # \w on ASCII text


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text).lower())


# An archive's vocabulary is small (Vietnamese has ~7,000 syllables; names and places repeat), so analysing
# each distinct token once makes bulk indexing ~10x faster.
exact_token = lru_cache(maxsize=500_000)(tone_key)
folded_token = lru_cache(maxsize=500_000)(fold)


def analysed_value(text: str, is_date: bool) -> tuple[str, str]:
    """One field value's exact and folded tokens, each space-joined."""
    if is_date:
        text = text.replace("-", " ")
    if text.isascii():  # numbers, dates, IDs: mostly unique, and nothing to fold (a cache would only churn)
        joined = " ".join(_ASCII_TOKEN.findall(text.lower()))
        return joined, joined
    return _analysed_text(text)


@lru_cache(maxsize=131_072)
def _analysed_text(text: str) -> tuple[str, str]:
    # Values repeat across an archive (places, authorities, ethnicities, common names): a whole value is
    # analysed once, not once per record.
    toks = tokens(text)
    return " ".join(map(exact_token, toks)), " ".join(map(folded_token, toks))


def exact_tokens(text: str) -> list[str]:
    return [exact_token(t) for t in tokens(text)]


def folded_tokens(text: str) -> list[str]:
    return [folded_token(t) for t in tokens(text)]


def is_number(token: str) -> bool:
    return token.isdigit()


def fuzzy_distance(folded: str) -> int:
    """Edit distance tolerated for an OCR error. Never for numbers (IDs, years must match exactly); one letter
    even in two-letter syllables (An → Am), since every other word of the query must still match."""
    if folded.isdigit() or len(folded) < 2:
        return 0
    return 1 if len(folded) < 9 else 2


def fuzzy_target(folded: str, field: str) -> str:
    """Where a fuzzy match may land. A two-letter syllable one edit away matches half the dictionary (le → la,
    de, ne…), so those only look among people's names, where a one-letter OCR slip matters most."""
    return "name_f" if field == "all_f" and len(folded) == 2 else field
