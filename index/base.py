"""The search-index interface and the documents and queries both engines share."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Protocol, runtime_checkable

from domain.errors import SohoaError
from domain.records import NAME_FIELDS, PLACE_FIELDS, RecordType

from .analysis import FIELD_CODES, FIELDS_FIELD, analyse, cached_analysis, marked
from .places import place_tokens
from .query import ParsedQuery, parse

# Bounds on what one search may ask, so no query can crash or bloat the process: Tantivy allocates room for
# offset + limit hits up front (a deep offset aborted the server), and every query word becomes a fuzzy
# expansion (a 100 KB query took 11 s and 2.8 GB). The HTTP and CLI parameters declare the same limits.
MAX_QUERY_CHARS = 200  # text, fielded values and authority together
MAX_QUERY_TERMS = 12  # words matched against the records (free and fielded); the authority filter is apart
MAX_RESULT_WINDOW = 1000  # offset + limit: further than that, an officer narrows the search instead
MIN_YEAR, MAX_YEAR = 1, 9999  # the year filter's range (ISO dates); beyond it the engines' integers overflow
# A search's matches are counted up to this many, no further: past the window an officer narrows the search
# rather than pages, and a common name typed without its marks matches 40% of a million records, whose exact
# count was half of Elasticsearch's time for such a query (p95 46 → 23 ms; docs/benchmarks.md, session 27).
COUNTED = MAX_RESULT_WINDOW
# A query word's exact spelling held by fewer than this share of the records (and by at most ``COUNTED``: an
# unmarked "van" where the archive writes "Văn") is left out of the best score a record can reach and its records
# are looked for apart: otherwise no record reaches that score, and the engine cannot stop before it has scored
# every match (``TantivyIndex._best``, ``ElasticIndex._apart``).
RARE_SPELLING = 0.01


class QueryRejected(SohoaError):
    """A search outside the bounds above: the caller's input, refused with a message for people."""

    code = "query_rejected"
    exit_code = 2
    http_status = 422


# A schema version no release writes: an index marked with it is dropped and refilled at its next opening (a refill
# from the database that failed part-way: ``mark_outdated`` of both engines, ``workers.stages.prepare_index``).
OUTDATED = "0"

# The fields ``IndexDoc.analysed`` fills, each with whitespace-joined tokens: matched, never returned. Both
# engines declare exactly these.
TOKEN_FIELDS = ("all_x", "all_f", "name_f", FIELDS_FIELD)

# The date that places a record in time, per type: the year filter and facet use it.
_YEAR_FIELDS = {
    RecordType.BIRTH: ("date_of_birth", "registration_date"),
    RecordType.MARRIAGE: ("registration_date",),
    RecordType.DEATH: ("date_of_death", "registration_date"),
    RecordType.LAND: ("issue_date",),
}
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


# Per record field: its code in "fields" ("" for a field outside the catalogue; ``index.analysis.FIELD_CODES``), the
# code after a space (what goes between its words there), and whether it names a person / a place. One look-up
# per value instead of four.
_FIELD_INFO: dict[str, tuple[str, str, bool, bool]] = {}


def _field_info(name: str) -> tuple[str, str, bool, bool]:
    code = FIELD_CODES.get(name, "")
    info = _FIELD_INFO[name] = (code, " " + code, name in NAME_FIELDS, name in PLACE_FIELDS)
    return info


def _place_words(names: list[str], places: list[tuple[str, str]]) -> tuple[str, str]:
    """The places' names in the other era (2025 ↔ before), and the words a misread letter is forgiven in
    (``index.analysis.marked``): people's names and places' own names, folded, once each, the places taken in
    field-name order."""
    places.sort()
    found = [place_tokens(place) for _, place in places]
    alternatives = found[0].alternatives if len(found) == 1 else \
        dict.fromkeys(chain.from_iterable([p.alternatives for p in found]))  # (one place's: already once each)
    name_words = dict.fromkeys(" ".join(names).split())
    return " ".join(alternatives), marked(name_words, dict.fromkeys(chain(name_words, *[p.own for p in found])))


@dataclass(slots=True)
class IndexDoc:
    record_id: str
    type: str
    fields: dict[str, object]
    batch_id: str = ""
    source: dict[str, object] = field(default_factory=dict)  # {"batch_id", "file", "pages", "sha256"}
    status: str = "valid"

    @property
    def year(self) -> int | None:
        for name in _YEAR_FIELDS.get(RecordType(self.type), ()):
            match = _YEAR.search(_as_text(self.fields.get(name)))
            if match:
                return int(match.group(1))
        return None

    def analysed(self) -> dict[str, str]:
        """Whitespace-joined token strings per index field; both engines store exactly these. Each distinct
        value is analysed once per process (``index.analysis``), so a record costs a dictionary look-up per
        field; tests/test_index_documents.py checks the result against a plain analysis of every value."""
        out: dict[str, str] = {}
        every_x, every_f, name_f, fields = [], [], [], []
        places: list[tuple[str, str]] = []
        known, cached = _FIELD_INFO.get, cached_analysis
        for name, value in self.fields.items():
            text = value if value.__class__ is str else _as_text(value)
            exact, folded = cached(text) or analyse(text)
            code, spaced, is_name, is_place = known(name) or _field_info(name)
            if exact:
                if code:  # each word behind the field's code
                    fields.append(code + folded.replace(" ", spaced))
                every_x.append(exact)
                every_f.append(folded)
                if is_name:  # only folded: a name's exact spelling scores through all_x
                    name_f.append(folded)
            if is_place:
                places.append((name, text))
        alternatives, near_targets = _place_words(name_f, places)
        # Free words match folded in the places' names of the other era too, as in what is written: one field
        # (one posting list a query word, not two merged), scored the same. The marked words after them.
        if alternatives:
            every_f.append(alternatives)
        if near_targets:
            every_f.append(near_targets)
        out["all_x"], out["all_f"] = " ".join(every_x), " ".join(every_f)
        out["name_f"] = " ".join(name_f)
        out[FIELDS_FIELD] = " ".join(fields)
        return out


@dataclass(slots=True)
class SearchQuery:
    text: str = ""
    type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # fielded terms, e.g. {"father_name": "Nguyen Van B"}
    year_from: int | None = None
    year_to: int | None = None
    authority: str | None = None
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        self.parsed()

    def parsed(self) -> ParsedQuery:
        """The query's terms, once it is checked against the bounds. The engines call this too, so a query
        changed after it was built (its fields are mutable) is still bounded."""
        chars = len(self.text or "") + len(self.authority or "") + sum(len(k) + len(v) for k, v in self.fields.items())
        if chars > MAX_QUERY_CHARS:
            raise QueryRejected(f"Câu tìm kiếm quá dài ({chars} ký tự): tối đa {MAX_QUERY_CHARS} ký tự.")
        if self.offset < 0 or self.limit < 0:
            raise QueryRejected("Vị trí bắt đầu và số kết quả không được âm.")
        if self.offset + self.limit > MAX_RESULT_WINDOW:
            raise QueryRejected(f"Chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu tiên: hãy thu hẹp tìm kiếm "
                                "(thêm tên, năm, loại hồ sơ hoặc nơi đăng ký).")
        for year in (self.year_from, self.year_to):
            if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
                raise QueryRejected(f"Năm không hợp lệ: {year} (từ {MIN_YEAR} đến {MAX_YEAR}).")
        parsed = parse(self.text, self.fields)
        n = len(parsed.terms) + sum(len(toks) for toks in parsed.fielded.values())
        if n > MAX_QUERY_TERMS:
            raise QueryRejected(f"Câu tìm kiếm có quá nhiều từ ({n}): tối đa {MAX_QUERY_TERMS} từ.")
        return parsed


@dataclass(slots=True)
class Hit:
    record_id: str
    score: float
    type: str
    fields: dict[str, object]
    source: dict[str, object] = field(default_factory=dict)
    batch_id: str = ""


@dataclass(slots=True)
class Facets:
    type: dict[str, int]
    year: dict[int, int]


_BY_TYPE = {"t": {"terms": {"field": "type", "size": 10}}}
_BY_YEAR = {"y": {"histogram": {"field": "year", "interval": 1, "min_doc_count": 1}}}


def facet_passes(query: SearchQuery) -> list[tuple[SearchQuery, dict]]:
    """The queries whose matches the facets count, with the aggregations each asks (the same JSON in both
    engines): each count without its own filter, so an officer sees the other types and years beside the one
    chosen; both from one pass over the matches where the query has neither."""
    if query.type is None and query.year_from is None and query.year_to is None:
        return [(query, _BY_TYPE | _BY_YEAR)]
    return [(replace(query, type=None), _BY_TYPE), (replace(query, year_from=None, year_to=None), _BY_YEAR)]


def facets_of(aggregations: Iterable[dict]) -> Facets:
    """The facets from the passes' aggregations (each holding the counts by type, by year or both), summed over
    the shards and requests that answered them."""
    by_type: Counter[str] = Counter()
    by_year: Counter[int] = Counter()
    for got in aggregations:
        by_type.update({b["key"]: b["doc_count"] for b in got.get("t", {}).get("buckets", ())})
        by_year.update({int(b["key"]): b["doc_count"] for b in got.get("y", {}).get("buckets", ())})
    return Facets(type={k: n for k, n in by_type.items() if n}, year={k: n for k, n in by_year.items() if n})


@dataclass(slots=True)
class SearchResult:
    total: int  # matches, counted up to ``COUNTED``
    hits: list[Hit]
    capped: bool = False  # more than ``total`` records match


def counted(matches: int) -> tuple[int, bool]:
    """``SearchResult``'s total and capped for an exact count: the same whichever engine counted."""
    return min(matches, COUNTED), matches > COUNTED


@runtime_checkable
class SearchIndex(Protocol):
    """Embedded: :class:`index.tantivy_index.TantivyIndex`; distributed: :class:`index.es_index.ElasticIndex`."""

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents by record_id; visible to search after it returns. Returns the count."""
        ...

    def bulk(self) -> AbstractContextManager[None]:
        """A rebuild's run of upserts (``sohoa reindex``): the engine may put off making them visible to
        search until the block ends, and builds large upserts' documents in other processes (``index.builders``).
        Each upsert is still durable when it returns (the rebuild's checkpoint)."""
        ...

    def delete(self, record_ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def facets(self, query: SearchQuery) -> Facets:
        """Counts of the query's matches per record type (ignoring its type filter) and per year (ignoring
        its year range), each in one pass over the index."""
        ...

    def clear(self) -> None: ...

    def mark_outdated(self) -> None:
        """Make the next opening drop this index and report ``was_reset``, as one of an older schema (a refill
        that failed part-way must not pass for the whole archive)."""
        ...

    def close(self) -> None: ...
