"""Tantivy: the embedded search index (an on-disk directory, or in memory for tests)."""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

import tantivy

from .analysis import fuzzy_distance, fuzzy_target
from .base import Facets, Hit, IndexDoc, SearchQuery, SearchResult
from .query import KNOWN_FIELDS, PLACE_ALT_FIELD, ParsedQuery, parse
from .scoring import EXACT_BOOST, FOLDED_BOOST, FUZZY_BOOST

log = logging.getLogger(__name__)
ANALYZER = "vi_pre"  # input is already analysed in Python: split on spaces, nothing else
SCHEMA_VERSION = "6"
_TEXT_FIELDS = ("all_x", "all_f", "name_x", "name_f", "authority_f", PLACE_ALT_FIELD)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("record_id", "batch_id", "status"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    sb.add_text_field("type", stored=True, tokenizer_name="raw", fast=True)  # fast: facet counts
    sb.add_bytes_field("payload", stored=True, indexed=False)  # JSON, returned with hits, never searched
    sb.add_integer_field("year", stored=False, indexed=True, fast=True)
    for name in _TEXT_FIELDS + tuple(f"f_{f}" for f in sorted(KNOWN_FIELDS)):
        # Scores are constant per matched word: document ids are all a query needs, not frequencies or
        # positions (half the indexing work and the postings' size).
        sb.add_text_field(name, stored=False, tokenizer_name=ANALYZER, index_option="basic")
    return sb.build()


# json.dumps with arguments builds an encoder per call; one, made once, writes the same bytes.
_PAYLOAD = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _document(doc: IndexDoc) -> tantivy.Document:
    values = doc.analysed()
    values["record_id"], values["type"], values["batch_id"], values["status"] = (
        doc.record_id, doc.type, doc.batch_id, doc.status)
    values["payload"] = _PAYLOAD({"fields": doc.fields, "source": doc.source}).encode()
    if (year := doc.year) is not None:
        values["year"] = year
    # Without the schema, from_dict takes each value's own type (str, bytes, int): half the cost with it.
    return tantivy.Document.from_dict(values)


@contextmanager
def _exclusive(lockfile: Path, waiting: str | None = None) -> Iterator[None]:
    """An exclusive lock on ``lockfile`` between processes; ``waiting`` is logged when another holds it."""
    with open(lockfile, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                log.warning(waiting)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class TantivyIndex:
    def __init__(self, path: Path | None) -> None:
        """``path=None`` keeps the index in memory (tests); otherwise it lives in that directory."""
        self.path = path
        self.schema = _schema()
        self.was_reset = False  # True when an index of an older schema was dropped: the caller re-indexes
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            # Several processes (the web server, an ingest) and threads may open the index at once: one at a
            # time checks the schema marker, which is only ever replaced whole (write + rename).
            with _exclusive(path.parent / f".{path.name}.lock"):
                marker = path / "sohoa-schema"
                found = marker.read_text().strip() if marker.exists() else ""
                if found and found != SCHEMA_VERSION:
                    # A derived index from an older release: rebuild it rather than misread it.
                    shutil.rmtree(path)
                    path.mkdir(parents=True)
                    self.was_reset = True
                self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
                if found != SCHEMA_VERSION:
                    tmp = marker.with_suffix(".tmp")
                    tmp.write_text(SCHEMA_VERSION)
                    os.replace(tmp, marker)
        else:
            self.index = tantivy.Index(self.schema)
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer(ANALYZER, analyzer)
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()

    @contextmanager
    def _writing(self) -> Iterator[tantivy.IndexWriter]:
        """Tantivy allows one writer per index, and several processes may write this one (the server taking
        uploads, `sohoa ingest`, `sohoa serve --workers N`): each write takes a lock file beside the index
        (waiting, with a message, while another process writes), opens the writer, commits and lets it go, so
        the next process finds the index free. In memory (tests) the writer is simply kept."""
        with self._lock:
            if self.path is None:
                if self._writer is None:
                    self._writer = self.index.writer(heap_size=50_000_000, num_threads=1)
                yield self._writer
                self._writer.commit()
                return
            with _exclusive(self.path.parent / f".{self.path.name}.writer.lock",
                            "Một tiến trình khác đang ghi chỉ mục tìm kiếm; đang chờ đến lượt…"):
                writer = self.index.writer(heap_size=50_000_000, num_threads=1)
                try:
                    yield writer
                    writer.commit()
                finally:
                    writer.wait_merging_threads()  # the writer (and Tantivy's own lock) is gone after this

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        n = 0
        with self._writing() as writer:
            for doc in docs:
                writer.delete_documents_by_term("record_id", doc.record_id)
                writer.add_document(_document(doc))
                n += 1
        self.index.reload()
        return n

    def bulk(self) -> AbstractContextManager[None]:
        return nullcontext()  # each upsert commits and is searchable at once: nothing to put off

    def delete(self, record_ids: Sequence[str]) -> None:
        with self._writing() as writer:
            for rid in record_ids:
                writer.delete_documents_by_term("record_id", rid)
        self.index.reload()

    def clear(self) -> None:
        with self._writing() as writer:
            writer.delete_all_documents()
        self.index.reload()

    def count(self) -> int:
        self.index.reload()
        return self.index.searcher().num_docs

    def close(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # -- querying ---------------------------------------------------------------------------------
    def _term(self, field: str, token: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, field, token)
        return tantivy.Query.const_score_query(q, boost)

    def _word(self, exact_field: str, folded_field: str | None, exact: str, folded: str,
              also_folded: str | None = None) -> tantivy.Query:
        """One query word: exact spelling best, then folded (in ``folded_field`` or ``also_folded``, scored
        once), then within the OCR-error distance."""
        should = [self._term(exact_field, exact, EXACT_BOOST)] if exact_field else []
        target = folded_field or exact_field
        if also_folded:
            either = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f, folded))
                      for f in (target, also_folded)]
            should.append(tantivy.Query.const_score_query(tantivy.Query.boolean_query(either), FOLDED_BOOST))
        else:
            should.append(self._term(target, folded, FOLDED_BOOST))
        distance = fuzzy_distance(folded)
        if distance:
            fuzzy = tantivy.Query.fuzzy_term_query(self.schema, fuzzy_target(folded, target), folded, distance,
                                                   True, False)
            should.append(tantivy.Query.const_score_query(fuzzy, FUZZY_BOOST))
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in should])

    def _build(self, parsed: ParsedQuery, query: SearchQuery) -> tantivy.Query:
        must: list[tantivy.Query] = []
        for term in parsed.terms:
            must.append(self._word("all_x", "all_f", term.exact, term.folded, PLACE_ALT_FIELD))
        for field, toks in parsed.fielded.items():
            for tok in toks:
                must.append(self._word("", field, tok, tok))
        if query.type:
            must.append(tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "type", query.type), 0.0))
        if query.authority:
            for tok in parse(query.authority).terms:
                must.append(tantivy.Query.const_score_query(
                    tantivy.Query.term_query(self.schema, "authority_f", tok.folded), 0.0))
        if query.year_from is not None or query.year_to is not None:
            must.append(tantivy.Query.const_score_query(tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, query.year_from, query.year_to), 0.0))
        if not must:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])

    def facets(self, query: SearchQuery) -> Facets:
        parsed = query.parsed()
        self.index.reload()
        searcher = self.index.searcher()
        by_type = searcher.aggregate(self._build(parsed, replace(query, type=None)),
                                     {"t": {"terms": {"field": "type", "size": 10}}})
        by_year = searcher.aggregate(self._build(parsed, replace(query, year_from=None, year_to=None)),
                                     {"y": {"histogram": {"field": "year", "interval": 1, "min_doc_count": 1}}})
        return Facets(
            type={b["key"]: b["doc_count"] for b in by_type["t"]["buckets"] if b["doc_count"]},
            year={int(b["key"]): b["doc_count"] for b in by_year["y"]["buckets"] if b["doc_count"]},
        )

    def search(self, query: SearchQuery) -> SearchResult:
        parsed = query.parsed()
        self.index.reload()
        searcher = self.index.searcher()
        result = searcher.search(self._build(parsed, query), limit=query.limit, offset=query.offset, count=True)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            payload = json.loads(doc.get_first("payload"))
            hits.append(Hit(
                record_id=doc.get_first("record_id"),
                score=round(float(score), 4),
                type=doc.get_first("type"),
                fields=payload["fields"],
                source=payload.get("source") or {},
                batch_id=doc.get_first("batch_id") or "",
            ))
        return SearchResult(total=result.count or 0, hits=hits)
