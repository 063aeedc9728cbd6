"""Tantivy: the embedded search index (an on-disk directory, or in memory for tests).

The index is split into shards (``s0``, ``s1``…; records spread by a hash of their id) searched at once, one
thread each: tantivy-py runs a query on one thread, and a name query costs in proportion to the postings of
every word's one-edit neighbours (OCR tolerance), so on a machine of N cores N shards answer in about 1/N of
the time. The shard count is fixed when the index is made (the cores, up to four) and read back from the
directory after that.

Each shard numbers its records in parts of ``PART_SIZE`` as they are written, and a search reads the parts a
group at a time, oldest first, stopping once no later record can enter the page (``TantivyIndex.search``): a
common name (most of the archive's "Nguyễn ... Thị") is answered from its first parts. Tantivy's constant scores
give it no way to stop on its own: it reads every match of a query to rank and count them.
"""
from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import shutil
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import orjson
import tantivy

from .analysis import CODES_DIGEST, FIELDS_FIELD, authority_terms, fielded_term, fuzzy_terms
from .base import (
    COUNTED,
    MAX_RESULT_WINDOW,
    OUTDATED,
    RARE_SPELLING,
    TOKEN_FIELDS,
    Facets,
    Hit,
    IndexDoc,
    SearchQuery,
    SearchResult,
    counted,
    facet_passes,
    facets_of,
)
from .builders import Builders
from .query import ParsedQuery, parse
from .scoring import EXACT_BOOST, FOLDED_BOOST, FUZZY_BOOST

log = logging.getLogger(__name__)
ANALYZER = "vi_pre"  # input is already analysed in Python: split on spaces, nothing else
SCHEMA_VERSION = f"12-{CODES_DIGEST}"  # the record fields' codes too (``index.analysis``)
MAX_SHARDS = 4
WRITER_HEAP = 50_000_000
PART_SIZE = 65_536  # records of a shard in one part (``search``): a small archive is one part, searched as before
PAGE = SearchQuery().limit  # the hits an officer sees first
# Queries whose facets are kept until the index changes (a few hundred bytes each): an officer turning the pages of
# a broad search, or coming back to it from a record, is not made to count every match again (at ten million
# records a fuzzy name's facets cost 157 ms at p95, docs/benchmarks.md, search, session 52). Elasticsearch keeps
# such counts in its shard request cache the same way.
FACETS_KEPT = 256
RARE = 0.05  # of the records: a word in fewer narrows a query (``TantivyIndex._narrows``)


def default_shards() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_SHARDS))


def shard_of(record_id: str, shards: int) -> int:
    """Stable across processes and releases (unlike ``hash``): a record is always written, replaced and
    deleted in the same shard."""
    return zlib.crc32(record_id.encode()) % shards


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("record_id", "batch_id", "status"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    sb.add_text_field("type", stored=True, tokenizer_name="raw", fast=True)  # fast: facet counts
    sb.add_bytes_field("payload", stored=True, indexed=False)  # JSON, returned with hits, never searched
    sb.add_integer_field("year", stored=False, indexed=True, fast=True)
    sb.add_integer_field("part", stored=False, indexed=True, fast=True)  # fast: read for a search's hits
    for name in TOKEN_FIELDS:
        # Scores are constant per matched word: document ids are all a query needs, not frequencies or
        # positions (half the indexing work and the postings' size).
        sb.add_text_field(name, stored=False, tokenizer_name=ANALYZER, index_option="basic")
    return sb.build()


def _payload(value: dict[str, Any]) -> bytes:
    """JSON by orjson: 2 µs a bench record against the standard encoder's 11. The standard encoder for what
    orjson refuses (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False).encode()


def _values(doc: IndexDoc) -> dict[str, Any]:
    """A record's document as ``Document.from_dict`` takes it: plain values, so it can be built in another
    process (``index.builders``)."""
    values: dict[str, Any] = doc.analysed()
    values["record_id"], values["type"], values["batch_id"], values["status"] = (
        doc.record_id, doc.type, doc.batch_id, doc.status)
    values["payload"] = _payload({"fields": doc.fields, "source": doc.source})
    if (year := doc.year) is not None:
        values["year"] = year
    return values


def _rare(searcher: tantivy.Searcher, folded: str, least: float) -> bool:
    """Is a free word, with its near misses, in fewer than ``least`` records (its terms' counts summed: an upper
    bound)? A rare word among common near misses ("han" beside "hanh", "than", "van") is not: the set of its terms
    matches most of the archive, and listed it cost twice the union (a name query at a million records 69 → 36
    ms at worst, the same hits; docs/benchmarks.md, search, session 23). Counting stops once ``least`` is
    reached: ≈ 0.2 ms a query."""
    found = searcher.doc_freq("all_f", folded)
    if not 0 < found < least:
        return False
    fuzzy = fuzzy_terms(folded, "all_f")
    for near in fuzzy.near() if fuzzy is not None else ():
        found += searcher.doc_freq("all_f", near)
        if found >= least:
            return False
    return True


def _with(required: tantivy.Query, bonus: tantivy.Query) -> tantivy.Query:
    """``required``'s documents, ``bonus``'s score added where it matches too."""
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, required), (tantivy.Occur.Should, bonus)])


def _within(schema: tantivy.Schema, query: tantivy.Query, first: int, last: int | None) -> tantivy.Query:
    """``query``'s records among parts ``first`` to ``last`` (None: every later one), scored as ``query``."""
    parts = tantivy.Query.range_query(schema, "part", tantivy.FieldType.Integer, first, last, use_inverted_index=True)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                        (tantivy.Occur.Must, tantivy.Query.const_score_query(parts, 0.0))])


def _later(at_best: int, matches: int, last: int) -> list[tuple[int, int | None]]:
    """The parts read after part 0, in groups: as many as part 0 says should hold a page of records at the best
    score and more than ``COUNTED`` matches, twice over, then the rest. Drawn from part 0's counts only, not the
    page asked for, so that every page of a query ties in the same order."""
    need = max(math.ceil(PAGE / at_best) if at_best else last, math.ceil((COUNTED + 1) / matches) if matches else last)
    end = 2 * need - 1
    return [(1, end), (end + 1, None)] if end < last // 2 else [(1, None)]


def _write_marker(marker: Path, version: str) -> None:
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(version)
    os.replace(tmp, marker)  # replaced whole: a reader sees the old marker or the new one


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
    def __init__(self, path: Path | None, shards: int | None = None) -> None:
        """``path=None`` keeps the index in memory (tests); otherwise it lives in that directory. ``shards``:
        for a new index (default: the cores, up to four; one in memory); an existing one keeps its own."""
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
                # A derived index from an older release (another marker, or none beside Tantivy's own files),
                # or one Tantivy finds of another schema: rebuilt rather than misread or refused.
                stale = found != SCHEMA_VERSION if found else (path / "meta.json").exists()
                if not stale:
                    try:
                        self.shards = self._open(path, shards)
                    except ValueError:
                        stale = True
                if stale:
                    shutil.rmtree(path)
                    path.mkdir(parents=True)
                    self.was_reset = True
                    self.shards = self._open(path, shards)
                if found != SCHEMA_VERSION:
                    _write_marker(marker, SCHEMA_VERSION)
        else:
            self.shards = [tantivy.Index(self.schema) for _ in range(shards or 1)]
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        for shard in self.shards:
            shard.register_tokenizer(ANALYZER, analyzer)
        self._writers: list[tantivy.IndexWriter] | None = None
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._builders: Builders | None = None
        self._facets: OrderedDict[tuple, Facets] = OrderedDict()
        self._facets_lock = threading.Lock()

    def mark_outdated(self) -> None:
        """Make the next opening drop this index, as one of an older schema, and report it ``was_reset``: for a
        refill from the database that failed part-way (``workers.stages.prepare_index``), which would otherwise
        leave part of the archive under a current marker, unnoticed by every later start."""
        if self.path is not None:
            with _exclusive(self.path.parent / f".{self.path.name}.lock"):
                _write_marker(self.path / "sohoa-schema", OUTDATED)

    def _open(self, path: Path, shards: int | None) -> list[tantivy.Index]:
        dirs = sorted(path.glob("s[0-9]*"), key=lambda d: int(d.name[1:])) or \
            [path / f"s{i}" for i in range(shards or default_shards())]
        for d in dirs:
            d.mkdir(exist_ok=True)
        self._dirs = dirs
        return [tantivy.Index(self.schema, path=str(d), reuse=True) for d in dirs]

    def _each(self, work: Any, over: Sequence[Any] | None = None) -> list[Any]:
        """``work(shard)`` on every shard (or on each of ``over``, one a shard: their searchers), at once when
        there are several."""
        items = self.shards if over is None else over
        if len(items) == 1:
            return [work(items[0])]
        if self._pool is None:
            with self._lock:
                self._pool = self._pool or ThreadPoolExecutor(len(self.shards), thread_name_prefix="tantivy")
        return list(self._pool.map(work, items))

    def _writer(self, shard: tantivy.Index) -> tantivy.IndexWriter:
        # One indexing budget for the whole index, split between the shards (Tantivy's least is 15 MB a writer).
        return shard.writer(heap_size=max(15_000_000, WRITER_HEAP // len(self.shards)), num_threads=1)

    @contextmanager
    def _writing(self) -> Iterator[list[tantivy.IndexWriter]]:
        """Tantivy allows one writer per index, and several processes may write this one (the server taking
        uploads, `sohoa ingest`, `sohoa serve --workers N`): each write takes a lock file beside the index
        (waiting, with a message, while another process writes), opens the shards' writers, commits and lets
        them go, so the next process finds the index free. In memory (tests) the writers are simply kept."""
        with self._lock:
            if self.path is None:
                if self._writers is None:
                    self._writers = [self._writer(s) for s in self.shards]
                yield self._writers
                for writer in self._writers:
                    writer.commit()
                return
            with _exclusive(self.path.parent / f".{self.path.name}.writer.lock",
                            "Một tiến trình khác đang ghi chỉ mục tìm kiếm; đang chờ đến lượt…"), ExitStack() as stack:
                writers = []
                for shard in self.shards:
                    writer = self._writer(shard)
                    # the writer (and Tantivy's own lock) is gone after this
                    stack.callback(writer.wait_merging_threads)
                    writers.append(writer)
                yield writers
                for writer in writers:
                    writer.commit()

    def _reload(self) -> None:
        for shard in self.shards:
            shard.reload()

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        n, shards = 0, len(self.shards)
        built = self._builders.map(docs) if self._builders else map(_values, docs)
        with self._writing() as writers:
            # A record is deleted before it is written again only where the index may hold it: committed
            # (asked of the index as it stands once this writer holds the lock, other processes' commits
            # included), or earlier in this same call. A reindex or a new book's records skip a delete each,
            # a fifth of the writers' CPU (docs/benchmarks.md, session 19).
            self._reload()
            searchers = [shard.searcher() for shard in self.shards]
            written: set[str] = set()
            counts = [s.num_docs for s in searchers]
            for values in built:
                rid = values["record_id"]
                i = shard_of(rid, shards)
                writer = writers[i]
                if rid in written or searchers[i].doc_freq("record_id", rid):
                    writer.delete_documents_by_term("record_id", rid)
                written.add(rid)
                values["part"] = counts[i] // PART_SIZE  # (after deletes a part may hold a few more: only speed)
                counts[i] += 1
                # Without the schema, from_dict takes each value's own type (str, bytes, int): half the cost.
                writer.add_document(tantivy.Document.from_dict(values))
                n += 1
        self._reload()
        return n

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Each upsert still commits and is searchable at once; large ones build their documents in other
        processes (``index.builders``) until the load ends."""
        self._builders = Builders(_values)
        try:
            yield
        finally:
            self._builders.close()
            self._builders = None

    def delete(self, record_ids: Sequence[str]) -> None:
        with self._writing() as writers:
            for rid in record_ids:
                writers[shard_of(rid, len(writers))].delete_documents_by_term("record_id", rid)
        self._reload()

    def clear(self) -> None:
        with self._writing() as writers:
            for writer in writers:
                writer.delete_all_documents()
        self._reload()

    def count(self) -> int:
        self._reload()
        return sum(shard.searcher().num_docs for shard in self.shards)

    def close(self) -> None:
        for writer in self._writers or ():
            writer.wait_merging_threads()
        self._writers = None
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    # -- querying ---------------------------------------------------------------------------------
    def _term(self, field: str, token: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, field, token)
        return tantivy.Query.const_score_query(q, boost)

    def _word(self, exact_field: str, folded_field: str | None, exact: str, folded: str,
              narrow: bool) -> tantivy.Query:
        """One query word: exact spelling best, then folded, then within the OCR-error distance; a record scores
        the sum of what it matches.

        Two forms of the same matches and scores, one faster for each kind of query (``_narrows``). Tantivy
        answers a union by reading every document of its terms, 4,096 at a time, wherever the other words
        jump to: cheap when the query matches much of the archive anyway, and most of the work when a year or
        a rare word leaves a few hundred records. Then the word is built as the records it matches (one set)
        with each score added by a nested "must + should", whose should jumps as far as the rest allows
        (name + year 1.5x faster at p95 at a million records, docs/benchmarks.md, session 16)."""
        target = folded_field or exact_field
        fuzzy = fuzzy_terms(folded, target)
        exact_q = self._term(exact_field, exact, EXACT_BOOST) if exact_field else None
        folded_q = self._term(target, folded, FOLDED_BOOST)
        near_q = None
        if fuzzy is not None:  # ``index.analysis.fuzzy_terms``
            near_q = tantivy.Query.const_score_query(tantivy.Query.fuzzy_term_query(
                self.schema, target, fuzzy.word, fuzzy.distance, True, False), FUZZY_BOOST)
        if not narrow or (fuzzy is not None and fuzzy.distance > 1 and fuzzy.word != folded):
            scored = [q for q in (exact_q, folded_q, near_q) if q is not None]
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in scored])
        if fuzzy is None:  # the exact spelling's records are among the folded word's
            matched, bonuses = folded_q, [exact_q]
        elif fuzzy.word == folded:  # a record's own field: the near misses include the word itself
            matched, bonuses = near_q, [folded_q]
        else:  # the word or a near miss, listed: one set of one field's terms (its marked words)
            matched = tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(self.schema, target, [folded, *fuzzy.near()]), 0.0)
            bonuses = [exact_q, folded_q, near_q]
        for bonus in bonuses:
            if bonus is not None:
                matched = _with(matched, bonus)
        return matched

    def _narrows(self, parsed: ParsedQuery, query: SearchQuery) -> bool:
        """Whether the query leaves few records: a number (a year, an ID), a word asked in its field, an
        authority, or a word that, with its near misses, is in under ``RARE`` of the records (counted in the
        first shard; a word no record holds tells nothing: its near misses are what it finds)."""
        if parsed.fielded or query.authority or any(t.folded.isdigit() for t in parsed.terms):
            return True
        searcher = self.shards[0].searcher()
        least = searcher.num_docs * RARE
        return any(_rare(searcher, t.folded, least) for t in parsed.terms)

    def _build(self, parsed: ParsedQuery, query: SearchQuery, narrow: bool | None = None) -> tantivy.Query:
        narrow = self._narrows(parsed, query) if narrow is None else narrow
        must: list[tantivy.Query] = []
        for term in parsed.terms:
            must.append(self._word("all_x", "all_f", term.exact, term.folded, narrow))
        for field, toks in parsed.fielded.items():
            for tok in toks:
                where, term = fielded_term(field, tok)
                must.append(self._word("", where, term, term, narrow))
        if query.type:
            must.append(tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "type", query.type), 0.0))
        if query.authority:
            for tok in parse(query.authority).terms:
                must.append(tantivy.Query.const_score_query(
                    tantivy.Query.term_set_query(self.schema, FIELDS_FIELD, authority_terms(tok.folded)), 0.0))
        if query.year_from is not None or query.year_to is not None:
            must.append(tantivy.Query.const_score_query(tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, query.year_from, query.year_to), 0.0))
        if not must:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])

    def _generation(self) -> tuple | None:
        """What changes with every commit to the index, by any process: each shard's ``meta.json``, which Tantivy
        writes anew (a new file renamed into place) at each commit and merge. None in memory (not kept)."""
        if self.path is None:
            return None
        try:
            return tuple((st.st_ino, st.st_mtime_ns, st.st_size)
                         for st in (os.stat(d / "meta.json") for d in self._dirs))
        except FileNotFoundError:  # a shard not yet committed
            return None

    def facets(self, query: SearchQuery) -> Facets:
        """Counts by type and year, kept for ``FACETS_KEPT`` queries until the index changes (whatever the page
        asked: offset and limit are no part of them). The same object is returned to each asker: not to be
        changed."""
        generation = self._generation()
        key = (generation, query.text, tuple(sorted(query.fields.items())), query.type, query.year_from,
               query.year_to, query.authority)
        with self._facets_lock:
            if (kept := self._facets.get(key)) is not None:
                self._facets.move_to_end(key)
                return kept
        counted = self._count_facets(query)
        if generation is not None:  # counted after the generation was read: never older than its key
            with self._facets_lock:
                self._facets[key] = counted
                while len(self._facets) > FACETS_KEPT:
                    self._facets.popitem(last=False)
        return counted

    def _count_facets(self, query: SearchQuery) -> Facets:
        parsed = query.parsed()
        passes = [(self._build(parsed, asked), aggs) for asked, aggs in facet_passes(query)]

        def counted(shard: tantivy.Index) -> dict[str, Any]:
            shard.reload()
            searcher = shard.searcher()
            out: dict[str, Any] = {}
            for built, aggs in passes:
                out |= searcher.aggregate(built, aggs)
            return out

        return facets_of(self._each(counted))

    def search(self, query: SearchQuery) -> SearchResult:
        """The best ``offset + limit`` records, a tie in the order the search read them, and their count up to
        ``COUNTED``. A query matching much of a large archive (every word common, no number: "nguyen thi
        thu") reads part 0 first, then more parts only while a record there could still enter the page: once
        more than ``COUNTED`` matched and the page holds only records at the best score a record can have
        (``_best``), no later one can come before them (docs/benchmarks.md, search, session 49)."""
        parsed = query.parsed()
        narrow = self._narrows(parsed, query)
        built = self._build(parsed, query, narrow)
        window = query.offset + query.limit
        searchers = self._each(lambda shard: (shard.reload(), shard.searcher())[1])
        last = max(s.num_docs for s in searchers) // PART_SIZE
        if narrow or not last:  # a few records, or one part: read at once
            matches, page = self._read(built, searchers, window, 0)
        else:
            best, rare = self._best(parsed, searchers)
            matches, part0 = self._read(_within(self.schema, built, 0, 0), searchers, MAX_RESULT_WINDOW, 0)
            page = part0[:window]  # (part 0's hits beyond the page tell how many parts to read next, for any page)
            groups = [(0, 0), *_later(sum(-hit[0] >= best for hit in part0), matches, last)]
            for g, (first, end) in enumerate(groups[1:], start=1):
                if matches > COUNTED and len(page) == window and -page[-1][0] >= best:
                    # only a record holding a rare spelling can still come before the page's last
                    more = self._outranking(parsed, query, rare, groups, g, -page[-1][0], window, searchers)
                    page = sorted(page + more)[:window]
                    break
                found, hits = self._read(_within(self.schema, built, first, end), searchers, window, g)
                matches += found
                page = sorted(page + hits)[:window]
        hits = []
        for neg, _, i, _, _, at in page[query.offset:window]:
            doc = searchers[i].doc(at)
            payload = orjson.loads(doc.get_first("payload"))
            hits.append(Hit(
                record_id=doc.get_first("record_id"),
                score=round(float(-neg), 4),
                type=doc.get_first("type"),
                fields=payload["fields"],
                source=payload.get("source") or {},
                batch_id=doc.get_first("batch_id") or "",
            ))
        total, capped = counted(matches)
        return SearchResult(total=total, hits=hits, capped=capped)

    def _read(self, query: tantivy.Query, searchers: list[tantivy.Searcher], limit: int,
              group: int) -> tuple[int, list[tuple]]:
        """Every shard's matches counted and its best ``limit``, as (-score, group, shard, segment, doc, address):
        best first, a tie in group, shard, then Tantivy's own order (its segment and document)."""
        # (Tantivy refuses a limit of 0: a count alone asks for one)
        found = self._each(lambda s: s.search(query, limit=max(limit, 1)), searchers)
        return sum(res.count or 0 for res in found), sorted(
            (-score, group, i, at.segment_ord, at.doc, at) for i, res in enumerate(found) for score, at in res.hits)

    def _best(self, parsed: ParsedQuery, searchers: list[tantivy.Searcher]) -> tuple[float, list[tantivy.Query]]:
        """The best score a record can have without the query's rare spellings, and those spellings. A word
        scores its exact spelling, folded and near misses (``_word``), each where some record holds it (the near
        misses always: counting them costs more than it saves); a spelling in few records (an unmarked "van"
        where the archive writes "Văn") is left out of the bound and looked for by itself (``_outranking``)."""
        rare = max(COUNTED, sum(s.num_docs for s in searchers) * RARE_SPELLING)
        best, spellings = 0.0, []
        for t in parsed.terms:  # (no field's words: a query naming a field narrows, read at once)
            best += FUZZY_BOOST if fuzzy_terms(t.folded, "all_f") is not None else 0.0
            for field, token, boost in (("all_x", t.exact, EXACT_BOOST), ("all_f", t.folded, FOLDED_BOOST)):
                found = sum(s.doc_freq(field, token) for s in searchers)
                if found > rare:
                    best += boost
                elif found:
                    spellings.append(tantivy.Query.term_query(self.schema, field, token))
        return best, spellings

    def _outranking(self, parsed: ParsedQuery, query: SearchQuery, rare: list[tantivy.Query],
                    groups: list[tuple[int, int | None]], g: int, least: float, window: int,
                    searchers: list[tantivy.Searcher]) -> list[tuple]:
        """The records of groups ``g`` on scoring above ``least``: each holds a rare spelling. Asked in the form
        for few records (``_word``): the common words' near misses as sets that the rare spelling's records
        jump through, not unions read 4,096 documents at a time (that costs as much as reading them all)."""
        if not rare:
            return []
        spelled = tantivy.Query.const_score_query(
            tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in rare]), 0.0)
        narrowed = self._build(parsed, query, narrow=True)

        def asked(first: int, end: int | None) -> tantivy.Query:
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, _within(self.schema, narrowed, first, end)),
                                                (tantivy.Occur.Must, spelled)])

        found = self._each(lambda s: s.search(asked(groups[g][0], None), limit=MAX_RESULT_WINDOW, count=False),
                           searchers)
        if any(len(res.hits) == MAX_RESULT_WINDOW and res.hits[-1][0] > least for res in found):
            # more of them in a shard than it returned: Tantivy's cut among equal scores follows its own order,
            # not the groups', so each group is asked apart
            return [hit for n in range(g, len(groups)) for hit in self._read(asked(*groups[n]), searchers, window, n)[1]
                    if -hit[0] > least]
        out = []
        for i, res in enumerate(found):
            above = [(score, at) for score, at in res.hits if score > least]
            for (score, at), part in zip(above, searchers[i].fast_field_values("part", [at for _, at in above]),
                                         strict=True):
                n = next(n for n, (first, end) in enumerate(groups) if first <= part and (end is None or part <= end))
                out.append((-score, n, i, at.segment_ord, at.doc, at))
        return out
