"""The Vietnamese analyzer, in Python so Tantivy and Elasticsearch index exactly the same tokens.

NFC comes first (NFD input would otherwise split words at every combining mark). Each word then yields two
tokens: an *exact* one (lowercase, tone mark moved to a fixed place so hoà = hòa) and a *folded* one (no
diacritics, đ → d). Queries are analysed the same way; exact matches score higher than folded ones.
"""
from __future__ import annotations

import re
import string
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.records import FIELDS, NAME_FIELDS, PLACE_FIELDS
from domain.text import fold, repaired, tone_key

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ASCII_TOKEN = re.compile(r"[0-9A-Za-z_]+")  # \w on ASCII text


word_tokens = _TOKEN.findall  # of text already normalised and lowercased


def tokens(text: str) -> list[str]:
    return word_tokens(repaired(text).lower())  # (whitespace is never part of a word: not collapsed first)


class Memo(dict):
    """``function``'s results by argument, up to ``size`` of them, then dropped together. A hit is one dictionary
    look-up in C, a third of an ``lru_cache`` hit's time: an index document looks up ~200 words."""

    def __init__(self, function: Callable[[str], str], size: int) -> None:
        super().__init__()
        self.function, self.size = function, size

    def __missing__(self, key: str) -> str:
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.function(key)
        return value


# An archive's vocabulary is small (Vietnamese has ~7,000 syllables; names and places repeat), so analysing
# each distinct token once makes bulk indexing ~10x faster.
exact_token = Memo(tone_key, 500_000).__getitem__
folded_token = Memo(fold, 500_000).__getitem__


# Whole values, analysed: places, authorities, ethnicities and names repeat across an archive, so most of a
# record's values are a dictionary hit. Bounded (cleared when full, the token caches above stay warm) so a
# long reindex of unique values cannot grow it without end.
_VALUES: dict[str, tuple[str, str]] = {}
_VALUES_MAX = 131_072
cached_analysis = _VALUES.get  # the same dict for good: it is cleared, never replaced


def analyse(text: str) -> tuple[str, str]:
    """One field value's exact and folded tokens, each space-joined (a date splits at its dashes: "-" is never
    part of a token); the document's builder looks the value up in ``cached_analysis`` first."""
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
FUZZY_SOURCES = NAME_FIELDS | PLACE_FIELDS  # the record fields whose words it holds
# Those words go into all_f a second time, marked at both ends ("~nguyen~"; marks no query token can hold:
# tokens are \w+), so that a free word's near misses are one field's terms: "~nguyen~" one edit away is exactly
# a marked word one edit from "nguyen" (an edit to a mark makes no token). A two-letter word one edit away
# matches half the dictionary (le → la, de, ne…), so two-letter words look among people's names only, where a
# one-letter OCR slip matters most: names' words of up to three letters (all a two-letter word's neighbours can
# be) are marked a second way ("^an^"). Only words written in ``ALPHABET`` once folded are marked: the letters a
# near miss may gain or have replaced, so that a word's near misses can also be listed (``neighbours``). A word
# holding another letter is still found exactly and folded.
FUZZY_MARK, NAME_MARK = "~", "^"
NAME_MARKED_MAX = 3
ALPHABET = frozenset(string.ascii_lowercase + string.digits)


def fuzzy_distance(folded: str) -> int:
    """Edit distance tolerated for an OCR error. Never for numbers (IDs, years must match exactly); one letter
    even in two-letter syllables (An → Am), since every other word of the query must still match."""
    if folded.isdigit() or len(folded) < 2:
        return 0
    return 1 if len(folded) < 9 else 2


def neighbours(word: str) -> list[str]:
    """Every string one edit from ``word``: a letter left out, added, replaced, or two neighbours swapped (what
    a Levenshtein automaton with transpositions matches at distance 1), over ``ALPHABET`` and the word's own
    letters; the word itself excluded. About 500 for a syllable of six letters."""
    letters = sorted(ALPHABET.union(word))
    out = {word[:i] + word[i + 1:] for i in range(len(word))}
    out.update(word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        out.update(head + c + tail for c in letters)
        if tail:
            out.update(head + c + tail[1:] for c in letters)
    out.discard(word)
    out.discard("")
    return sorted(out)


# A record's fields, each word folded, in one index field ("fields"), each word behind its field's code: one field
# of ≈ 90 words a record instead of a field each (≈ 22 a record, 61 in all) takes 15–25% off Tantivy's CPU a record
# (docs/benchmarks.md, session 21), and keeps Elasticsearch's mapping to five text fields. A code is three of one
# punctuation mark and three of another, a pair of its own; words hold letters and digits only, so a word of one
# field differs from any word of another in six marks' counts, which takes three edits: a fielded word's near
# misses (two edits at most, ``fuzzy_distance``) never cross fields. ASCII, so documents stay compact strings.
# Only the catalogue's fields are coded (the only ones a query can name, ``index.query``), in the order of their
# names; a value of another field is still found as free text. ``CODES_DIGEST`` is part of both engines' schema
# version: a field added renumbers the codes, and an index written with others is rebuilt.
_MARKS = "!#$%&()*+,-./:;<=>?@[]{|}"
_CATALOGUE = sorted({name for names in FIELDS.values() for name in names})
_PAIRS = [(a, b) for i, a in enumerate(_MARKS) for b in _MARKS[i + 1:]][:len(_CATALOGUE)]
_RUN = 3  # each mark's: two runs' counts apart by six take three edits
FIELD_CODES: dict[str, str] = {name: a * _RUN + b * _RUN for name, (a, b) in zip(_CATALOGUE, _PAIRS, strict=True)}
CODE_LENGTH = 2 * _RUN
CODES_DIGEST = f"{zlib.crc32(repr(sorted(FIELD_CODES.items())).encode()):08x}"
FIELDS_FIELD = "fields"


# The authority filter (``SearchQuery.authority``): a word of the office that registered or issued the record,
# matched behind either field's code in "fields" (no record type has both).
AUTHORITY_FIELDS = ("registration_authority", "issuing_authority")


def authority_terms(folded: str) -> list[str]:
    """The terms of "fields" where the authority filter finds ``folded``, one of which a record must hold."""
    return [FIELD_CODES[name] + folded for name in AUTHORITY_FIELDS]


def fielded_term(field: str, token: str) -> tuple[str, str]:
    """Where a fielded query word (``index.query.ParsedQuery.fielded``: "f_<name>" or name_f) is indexed, and
    as what: a record field's behind its code in "fields"."""
    if field.startswith("f_"):
        return FIELDS_FIELD, FIELD_CODES[field[2:]] + token
    return field, token


@dataclass(frozen=True, slots=True)
class Fuzzy:
    """Where one query word's OCR-error tolerance looks, in the field it is matched in (both engines build
    their query from this): ``word`` within ``distance`` edits, marked in all_f, unmarked in a record's own
    field, behind the field's code in "fields" (``head``)."""
    plain: str
    mark: str
    distance: int
    head: str = ""

    @property
    def word(self) -> str:
        return f"{self.head}{self.mark}{self.plain}{self.mark}"

    def near(self) -> list[str]:
        """The terms one edit from ``word``, marked as it is: its near misses listed rather than found by an
        automaton (``index.tantivy_index``)."""
        return [f"{self.head}{self.mark}{n}{self.mark}" for n in neighbours(self.plain)]


def fuzzy_terms(folded: str, field: str) -> Fuzzy | None:
    """``field``: all_f for a free word, name_f or "fields" (``folded`` behind its field's code) for a fielded
    one, which looks in its own field, unmarked. None: no tolerance (numbers, one letter). In all_f a word of
    nine letters or more, forgiven two edits, also finds its plain self (both marks dropped): a point more."""
    head = folded[:CODE_LENGTH] if field == FIELDS_FIELD else ""
    plain = folded[len(head):]
    distance = fuzzy_distance(plain)
    if not distance:
        return None
    mark = "" if field != "all_f" else NAME_MARK if len(plain) == 2 else FUZZY_MARK
    return Fuzzy(plain, mark, distance, head)


# A word as each mark makes it ("" where it is not marked): names and places' words repeat.
_FUZZY_MARKED = Memo(lambda w: f"{FUZZY_MARK}{w}{FUZZY_MARK}" if ALPHABET.issuperset(w) else "", 262_144)
_NAME_MARKED = Memo(lambda w: f"{NAME_MARK}{w}{NAME_MARK}" if len(w) <= NAME_MARKED_MAX and ALPHABET.issuperset(w)
                    else "", 262_144)


def marked(names: Iterable[str], fuzzy: Iterable[str]) -> str:
    """The words ``fuzzy_terms`` looks for, as all_f holds them after the record's own: every name's and
    place's own word marked ``FUZZY_MARK``, names' short words ``NAME_MARK`` too; only words in ``ALPHABET``."""
    return " ".join(filter(None, [*map(_FUZZY_MARKED.__getitem__, fuzzy), *map(_NAME_MARKED.__getitem__, names)]))

