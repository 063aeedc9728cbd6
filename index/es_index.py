"""Elasticsearch: the distributed search index.

Documents are analysed in Python (``IndexDoc.analysed``), so the index only splits on whitespace; the query
is built from the same :class:`~index.query.ParsedQuery` with the same constant scores as Tantivy, so both
engines find and rank the same records.

Search goes through an alias; the physical index behind it is ``<alias>-v<schema>[-<timestamp>]``.
:meth:`ElasticIndex.reindex` fills a new physical index and swaps the alias in one atomic step, so searches
never see an empty or half-built index.
"""
from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import elastic_transport
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers
from elasticsearch.serializer import OrjsonSerializer

from domain.errors import ConfigError, TransientBackendError

from . import base
from .analysis import CODES_DIGEST, FIELDS_FIELD, authority_terms, fielded_term, fuzzy_terms
from .base import (
    OUTDATED,
    RARE_SPELLING,
    TOKEN_FIELDS,
    Facets,
    Hit,
    IndexDoc,
    SearchQuery,
    SearchResult,
    facet_passes,
    facets_of,
)
from .builders import Builders
from .query import ParsedQuery, parse
from .scoring import EXACT_BOOST, FOLDED_BOOST, FUZZY_BOOST

DEFAULT_ALIAS = "sohoa-records"
# Bumped with TantivyIndex.SCHEMA_VERSION when the documents change (an older one is rebuilt); the record fields'
# codes too (``index.analysis``).
SCHEMA_VERSION = f"10-{CODES_DIGEST}"
BULK_IN_FLIGHT, BULK_CHUNK = 4, 1000  # bulk requests at once, documents per request
# Lucene's merge policy leaves a segment larger than this alone (until mostly deleted): a bulk load is merged into
# segments under it, so later updates are still merged as usual.
SEGMENT_MAX_BYTES = 5 * 2**30
_RETURNED = ["record_id", "type", "batch_id", "payload"]
# How long the records' count and the counts of the query words' spellings are kept (``ElasticIndex._counts``):
# they only decide how a search is asked, never what it finds, so a count a few seconds old does no harm.
COUNTS_KEPT_S, COUNTS_KEPT_MAX = 60.0, 65_536
log = logging.getLogger(__name__)


def _text(analyzer: str) -> dict[str, Any]:
    # Constant scores: no norms, no frequencies or positions needed.
    return {"type": "text", "analyzer": analyzer, "norms": False, "index_options": "docs"}


def index_body(*, shards: int = 1, replicas: int | None = None) -> dict[str, Any]:
    """Settings and mappings of one physical index.

    Tokens arrive analysed, so every text field uses Elasticsearch's built-in ``whitespace`` analyzer: split on
    whitespace, nothing else — exactly Tantivy's whitespace tokenizer. No ``asciifolding`` safety net: a custom
    analyzer needs the ``whitespace`` *tokenizer*, which lives in the analysis-common module that the test
    distribution lacks, and our folded tokens are already ASCII for Vietnamese (the net would only add
    tokens for letters like ø or ß, which the embedded engine does not fold either).
    """
    settings: dict[str, Any] = {"number_of_shards": shards}
    if replicas is not None:
        settings["number_of_replicas"] = replicas
    properties: dict[str, Any] = {
        "record_id": {"type": "keyword"},
        "type": {"type": "keyword"},
        "batch_id": {"type": "keyword"},
        "status": {"type": "keyword"},
        "year": {"type": "integer"},
        "payload": {"type": "object", "enabled": False},
    }
    properties.update({name: _text("whitespace") for name in TOKEN_FIELDS})
    mappings = {
        # The token fields are for matching only (hits return record_id, type, batch_id and the payload): not
        # kept in _source, which would otherwise store every record's tokens beside its payload again.
        "_source": {"excludes": list(TOKEN_FIELDS)},
        "properties": properties,
    }
    return {"settings": settings, "mappings": mappings}


def _transient_status(status: int) -> bool:
    return status == 429 or status >= 500


@contextmanager
def _mapped() -> Iterator[None]:
    """Connection errors, timeouts, 429 and 5xx mean "try again later"; anything else is a real error."""
    try:
        yield
    except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
        raise TransientBackendError(f"Elasticsearch tạm thời không phản hồi: {exc}") from exc
    except ApiError as exc:
        if _transient_status(exc.meta.status):
            raise TransientBackendError(f"Elasticsearch tạm thời lỗi ({exc.meta.status}): {exc.message}") from exc
        raise
    except helpers.BulkIndexError as exc:
        statuses = [next(iter(item.values())).get("status", 500) for item in exc.errors]
        if statuses and all(_transient_status(s) for s in statuses):
            raise TransientBackendError(f"Elasticsearch từ chối tạm thời {len(statuses)} tài liệu") from exc
        raise


# -- the query: the same meaning as TantivyIndex._build -------------------------------------------------
def _const(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _word(exact_field: str, folded_field: str | None, exact: str, folded: str) -> dict[str, Any]:
    """One query word: exact spelling best, then folded, then within the OCR-error distance."""
    should = [_const({"term": {exact_field: exact}}, EXACT_BOOST)] if exact_field else []
    target = folded_field or exact_field
    should.append(_const({"term": {target: folded}}, FOLDED_BOOST))
    fuzzy = fuzzy_terms(folded, target)
    if fuzzy is not None:
        # Every term within the distance, their documents gathered in one bitset, as Tantivy does. The default
        # rewrite (the closest max_expansions terms, scored one by one) drops the terms past those and is
        # slower: p95 22 → 15 ms for fuzzy names at 300,000 records, the same hits.
        # A fielded word's code is matched exactly: another field's words are three edits away or more, so none
        # of them could match, and the terms behind other codes need not be walked.
        near = {"value": fuzzy.word, "fuzziness": fuzzy.distance, "transpositions": True,
                "prefix_length": len(fuzzy.head), "rewrite": "constant_score"}
        should.append(_const({"fuzzy": {target: near}}, FUZZY_BOOST))
    return {"bool": {"should": should}}


def build_query(parsed: ParsedQuery, query: SearchQuery, unscored: Collection[str] = ()) -> dict[str, Any]:
    """``unscored``: exact spellings whose bonus is left out (``ElasticIndex._apart``): the same records match, as
    a word's exact spelling is among its folded word's records."""
    must = [_word("" if term.exact in unscored else "all_x", "all_f", term.exact, term.folded)
            for term in parsed.terms]
    for field, toks in parsed.fielded.items():
        for tok in toks:
            where, term = fielded_term(field, tok)
            must.append(_word("", where, term, term))
    filters: list[dict[str, Any]] = []
    if query.type:
        filters.append({"term": {"type": query.type}})
    if query.authority:
        filters.extend({"terms": {FIELDS_FIELD: authority_terms(tok.folded)}} for tok in parse(query.authority).terms)
    if query.year_from is not None or query.year_to is not None:
        bounds = {"gte": query.year_from, "lte": query.year_to}
        filters.append({"range": {"year": {k: v for k, v in bounds.items() if v is not None}}})
    if not must and not filters:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": filters}}


def _indexing(index: str, sources: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Bulk actions that index each ``_source`` under its record's id."""
    return ({"_index": index, "_id": src["record_id"], "_source": src} for src in sources)


def _source(doc: IndexDoc) -> dict[str, Any]:
    body: dict[str, Any] = {
        "record_id": doc.record_id,
        "type": doc.type,
        "batch_id": doc.batch_id,
        "status": doc.status,
        "payload": {"fields": doc.fields, "source": doc.source},
        **doc.analysed(),
    }
    if (year := doc.year) is not None:
        body["year"] = year
    return body


class ElasticIndex:
    def __init__(
        self,
        client: Elasticsearch,
        alias: str = DEFAULT_ALIAS,
        *,
        shards: int = 1,
        replicas: int | None = None,
        swap_grace_s: float = 1.0,
    ) -> None:
        if not alias or alias != alias.lower() or alias.startswith(("-", "_", "+")) or "*" in alias:
            raise ConfigError(f"Tên alias Elasticsearch không hợp lệ: {alias!r} (chữ thường, không '*')")
        self.client = client
        self.alias = alias
        self.shards = shards
        self.replicas = replicas
        self.swap_grace_s = swap_grace_s  # searches already running on the old index finish before it goes
        self._ready = False
        self._reset = False
        self._builders: Builders | None = None  # set inside bulk(): no waiting for refreshes, documents built apart
        self._kept: dict[tuple[str, str], int] = {}  # (field, token) → records holding it; ("", "") → all records
        self._kept_since = 0.0

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 30.0, shards: int = 1) -> ElasticIndex:
        """``http(s)://[user:password@]host:9200[/alias]``; ``elasticsearch://`` means http. ``shards``: of
        the physical indexes made from now on (``sohoa reindex`` makes a new one)."""
        parts = urlsplit(url)
        scheme = "http" if parts.scheme == "elasticsearch" else parts.scheme
        if scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"URL Elasticsearch không hợp lệ: {url!r}")
        host = f"{scheme}://{parts.hostname}:{parts.port or 9200}"
        auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        client = Elasticsearch(
            host, basic_auth=auth, request_timeout=timeout_s, max_retries=2, retry_on_timeout=True,
            serializer=OrjsonSerializer(),  # a bulk reindex's client spent an eighth of its CPU in json.dumps
        )
        return cls(client, parts.path.strip("/") or DEFAULT_ALIAS, shards=shards)

    # -- physical indexes behind the alias ---------------------------------------------------------
    def _physical(self, stamp: str = "") -> str:
        return f"{self.alias}-v{SCHEMA_VERSION}" + (f"-{stamp}" if stamp else "")

    def _create(self, name: str, **settings: Any) -> None:
        body = index_body(shards=self.shards, replicas=self.replicas)
        body["settings"].update(settings)
        try:
            self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
        except BadRequestError as exc:  # another worker created it first: the same name means the same schema
            if exc.error != "resource_already_exists_exception":
                raise

    def _behind_alias(self) -> list[str]:
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        return sorted(self.client.indices.get_alias(name=self.alias).body)

    @property
    def was_reset(self) -> bool:
        """True when the alias pointed at an index of an older schema: an empty one of this schema took its
        place, and the caller re-indexes from the database (``workers.stages.prepare_index``), as it does when
        the embedded index is rebuilt."""
        self._ensure()
        return self._reset

    @was_reset.setter
    def was_reset(self, value: bool) -> None:
        self._reset = value

    def _ensure(self) -> None:
        """Create the first physical index and its alias, or replace one of an older schema, once per process
        (idempotent across processes: they make the same name and the same alias actions)."""
        if self._ready:
            return
        current = re.compile(rf"{re.escape(self._physical())}(-\d+)?")
        with _mapped():
            behind = self._behind_alias()
            if not behind and self.client.indices.exists(index=self.alias):
                raise ConfigError(f"'{self.alias}' đã là một index thật, không thể dùng làm alias")
            if not any(current.fullmatch(name) for name in behind):
                # documents of an older schema: rebuilt from the database, not read again
                self._replace_with_empty(self._physical(), behind)
                self._reset = bool(behind)
        self._ready = True

    def _replace_with_empty(self, name: str, behind: list[str]) -> None:
        """Point the alias at a new, empty index ``name`` instead of the indexes ``behind`` it, and drop those."""
        self._create(name)
        swap = [{"remove": {"index": old, "alias": self.alias, "must_exist": False}} for old in behind]
        self.client.indices.update_aliases(actions=[*swap, {"add": {"index": name, "alias": self.alias}}])
        for old in behind:
            if old != name:
                self.client.indices.delete(index=old, ignore_unavailable=True)

    def mark_outdated(self) -> None:
        """As ``TantivyIndex.mark_outdated``: the alias is pointed at an empty index named for no release's schema
        and the part-filled one is dropped, so the next opening replaces it and reports ``was_reset``."""
        with _mapped():
            self._replace_with_empty(f"{self.alias}-v{OUTDATED}", self._behind_alias())
        self._ready = False

    def physical_indexes(self) -> list[str]:
        """The physical index(es) the alias points at now (one, except for a moment never seen by search)."""
        with _mapped():
            return self._behind_alias()

    # -- writing ------------------------------------------------------------------------------------
    def _bulk(self, actions: Iterable[dict[str, Any]], **kwargs: Any) -> int:
        # Several requests in flight: Elasticsearch indexes one while the next is analysed and sent.
        with _mapped():
            return sum(ok for ok, _ in helpers.parallel_bulk(
                self.client, actions, thread_count=BULK_IN_FLIGHT, chunk_size=BULK_CHUNK, **kwargs))

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        self._ensure()
        sources = self._builders.map(docs) if self._builders else map(_source, docs)
        return self._bulk(_indexing(self.alias, sources), **({} if self._builders else {"refresh": "wait_for"}))

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """While a rebuild loads, the index refreshes every 30 s instead of every second and upserts stop
        waiting for a refresh; then the usual interval and one refresh. Not "-1" (off): another process's
        upsert waits for a refresh, and one killed rebuild would leave every later upload waiting forever.
        The translog stays synced per request, as the rebuild marks records indexed when an upsert returns."""
        self._ensure()
        with _mapped():
            self.client.indices.put_settings(index=self.alias, settings={"index": {"refresh_interval": "30s"}})
        self._builders = Builders(_source)  # large upserts build their documents in other processes
        try:
            yield
        finally:
            self._builders.close()
            self._builders = None
            with _mapped():
                self.client.indices.put_settings(index=self.alias, settings={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=self.alias)
        with _mapped():
            behind = self._behind_alias()
        for name in behind:
            self._merge(name)

    def _merge(self, index: str) -> None:
        """Merge a freshly loaded index into as few segments as the merge policy still maintains, in the
        background (the node's force-merge task; searches go on meanwhile). Only an optimisation: a node that
        refuses it leaves the load as it is, said in the log.

        A bulk load leaves 20–25 segments a shard at a million records, and a query pays its fuzzy expansion
        and its scorers in each. Merged (≈ 30 s of the node's CPU a million records), the index is a third of
        its size (1.8 → 0.58 GB at 1M) and the queries' p95 falls: name + year 55.7 → 17.6 ms, fuzzy names 51.5
        → 34.6 (docs/benchmarks.md, search, session 25). An archive is read far more than it is written."""
        try:
            shards = self.client.indices.stats(index=index, metric="store", level="shards")["indices"]
            largest = max((copy["store"]["size_in_bytes"] for ix in shards.values()
                           for copies in ix["shards"].values() for copy in copies if copy["routing"]["primary"]),
                          default=0)
            self.client.indices.forcemerge(index=index, wait_for_completion=False,
                                           max_num_segments=max(1, math.ceil(largest / SEGMENT_MAX_BYTES)))
        except (elastic_transport.TransportError, ApiError) as exc:
            log.warning("Elasticsearch không gộp được các segment của %s: %s", index, exc)

    def delete(self, record_ids: Sequence[str]) -> None:
        if not record_ids:
            return
        self._ensure()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": rid} for rid in record_ids)
        self._bulk(actions, refresh="wait_for", ignore_status=(404,))

    def reindex(self, docs: Iterable[IndexDoc]) -> int:
        """Build a fresh physical index from ``docs``, then point the alias at it atomically.

        Searches keep using the old index until the swap. Writes made to the old index meanwhile are not
        copied: run it from the metadata database and re-index what changed after it started.
        """
        self._ensure()
        new = self._physical(datetime.now(UTC).strftime("%Y%m%d%H%M%S%f"))
        with _mapped():
            # A bulk load: no refreshes, and the translog synced every few seconds rather than per request
            # (safe here: until the swap nothing reads this index, and a failed build is deleted). Both are
            # put back before the swap.
            self._create(new, refresh_interval="-1", translog={"durability": "async"})
        try:
            with closing(Builders(_source)) as builders:
                n = self._bulk(_indexing(new, builders.map(docs)))
            with _mapped():
                self.client.indices.put_settings(index=new, settings={"index": {
                    "refresh_interval": None, "translog.durability": "request"}})
                self.client.indices.refresh(index=new)
                old = self._behind_alias()
                swap = [{"remove": {"index": name, "alias": self.alias}} for name in old]
                swap.append({"add": {"index": new, "alias": self.alias}})
                self.client.indices.update_aliases(actions=swap)
        except BaseException:
            # Best effort: the error that stopped the build matters more than one about cleaning up after it.
            with suppress(elastic_transport.TransportError, ApiError):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._merge(new)
        if old and self.swap_grace_s:
            time.sleep(self.swap_grace_s)
        with _mapped():
            for name in old:
                self.client.indices.delete(index=name, ignore_unavailable=True)
        return n

    def clear(self) -> None:
        self.reindex(())

    def drop(self) -> None:
        """Delete the alias and every physical index of it, also one left by an interrupted reindex."""
        mine = re.compile(rf"{re.escape(self.alias)}-v\d+(-\d+)?")
        with _mapped():
            found = self.client.indices.get(index=f"{self.alias}-v*", expand_wildcards="all").body
            for name in sorted(set(self._behind_alias()) | {n for n in found if mine.fullmatch(n)}):
                self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ready = False

    # -- reading ------------------------------------------------------------------------------------
    def count(self) -> int:
        self._ensure()
        with _mapped():
            return int(self.client.count(index=self.alias)["count"])

    def search(self, query: SearchQuery) -> SearchResult:
        """The best ``offset + limit`` records and their count up to ``COUNTED``. Where a query word's exact
        spelling is rare (``_apart``), two searches in one request: the query without that spelling's bonus, whose
        best score many records reach, so Lucene stops once its page holds only such records and ``COUNTED``
        matched; and the records holding the spelling, scored in full. Fuzzy names at a million records: p95 21.7
        → 14.5 ms, the same pages (docs/benchmarks.md, search, session 56)."""
        self._ensure()
        parsed = query.parsed()
        apart = self._apart(parsed, query)
        built = build_query(parsed, query)
        if not apart:
            with _mapped():
                response = self.client.search(
                    index=self.alias,
                    query=built,
                    from_=query.offset,
                    size=query.limit,
                    track_total_hits=base.COUNTED,  # (read here: tests lower it)
                    source=_RETURNED,
                )
            raws = response["hits"]["hits"]
        else:
            asked = {"track_total_hits": base.COUNTED, "_source": _RETURNED}
            window = query.offset + query.limit
            holding = {"bool": {"must": [built], "filter": [{"terms": {"all_x": apart}}]}}
            response, spelled = self._searched([
                {**asked, "query": build_query(parsed, query, apart), "size": window},
                {**asked, "query": holding, "size": window, "track_total_hits": False}])
            # A record holding the spelling is scored in full by the second; any other scores the same in both.
            # The first's page may hold one scored without its bonus: the second's page then has ``window``
            # records above it (it was not among them), so it falls off the merged page. A tie keeps the first's
            # order, then the second's.
            merged = {raw["_id"]: raw for raw in response["hits"]["hits"]}
            merged.update((raw["_id"], raw) for raw in spelled["hits"]["hits"])
            raws = sorted(merged.values(), key=lambda raw: -raw["_score"])[query.offset:window]
        hits = []
        for raw in raws:
            src = raw["_source"]
            payload = src.get("payload") or {}
            hits.append(Hit(
                record_id=src["record_id"],
                score=round(float(raw.get("_score") or 0.0), 4),
                type=src["type"],
                fields=payload.get("fields") or {},
                source=payload.get("source") or {},
                batch_id=src.get("batch_id") or "",
            ))
        total = response["hits"]["total"]
        return SearchResult(total=int(total["value"]), hits=hits, capped=total["relation"] == "gte")

    def _searched(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Searches of this index sent in one request, their responses in order."""
        with _mapped():
            responses = self.client.msearch(
                searches=[part for body in bodies for part in ({"index": self.alias}, body)])["responses"]
        for response in responses:
            if "error" in response:  # one search's failure, in a response that is otherwise 200
                status = int(response.get("status") or 500)
                if _transient_status(status):
                    raise TransientBackendError(f"Elasticsearch tạm thời lỗi ({status}): {response['error']}")
                raise RuntimeError(f"Elasticsearch từ chối tìm kiếm ({status}): {response['error']}")
        return responses

    def _apart(self, parsed: ParsedQuery, query: SearchQuery) -> list[str]:
        """The query's exact spellings held by few records (``RARE_SPELLING``, at most ``COUNTED``) where their folded
        word is held by many: left out of the best score a record can reach (as ``TantivyIndex._best``). None where
        the query holds a number or names a field or an authority (the matches are few: ``TantivyIndex._narrows``),
        nor for a word rare either way (an uncommon name)."""
        if not parsed.terms or parsed.fielded or query.authority or any(t.folded.isdigit() for t in parsed.terms):
            return []
        asked = [("all_x", t.exact) for t in parsed.terms] + [("all_f", t.folded) for t in parsed.terms]
        *counts, records = self._counts([*asked, ("", "")])
        least = max(base.COUNTED, records * RARE_SPELLING)
        n = len(parsed.terms)
        return sorted({t.exact for t, spelled, folded in zip(parsed.terms, counts[:n], counts[n:], strict=True)
                       if 0 < spelled <= least < folded})

    def _counts(self, asked: list[tuple[str, str]]) -> list[int]:
        """Records holding each (field, token) (("", ""): every record), counted in one request for those not
        kept from the last ``COUNTS_KEPT_S`` seconds."""
        kept = self._kept  # (a server's threads share it: one that replaces it leaves this search its own)
        if time.monotonic() - self._kept_since > COUNTS_KEPT_S or len(kept) > COUNTS_KEPT_MAX:
            self._kept = kept = {}
            self._kept_since = time.monotonic()
        new = [term for term in dict.fromkeys(asked) if term not in kept]
        if new:
            bodies = [{"size": 0, "track_total_hits": True,
                       "query": {"term": {field: token}} if field else {"match_all": {}}} for field, token in new]
            for term, response in zip(new, self._searched(bodies), strict=True):
                kept[term] = int(response["hits"]["total"]["value"])
        return [kept[term] for term in asked]

    def facets(self, query: SearchQuery) -> Facets:
        """Counts by type and year (``base.facet_passes``: one request where the query filters neither; a shard
        request Elasticsearch caches until it refreshes)."""
        self._ensure()
        parsed = query.parsed()
        with _mapped():
            return facets_of(self.client.search(index=self.alias, size=0, track_total_hits=False,
                                                query=build_query(parsed, asked), aggs=aggs)["aggregations"]
                             for asked, aggs in facet_passes(query))

    def close(self) -> None:
        self.client.close()
