"""An archive of many parts is searched a group of parts at a time and stops once the page is settled
(``TantivyIndex.search``): the page, its order and the count must be what searching every record gives, only
sooner. Parts and the count's cap are made small here so that 3,000 records make many parts."""
from __future__ import annotations

import random

import pytest

import index.base
import index.tantivy_index as tix
from bench.common import typo
from domain.text import fold
from index import IndexDoc, SearchQuery
from index.tantivy_index import TantivyIndex
from samples import generate_records

PART_SIZE, COUNTED = 50, 40
tix_later = tix._later


def _docs() -> list[IndexDoc]:
    out = []
    for rec in generate_records(3000, seed=49):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        out.append(IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")}))
    # Names written without their marks, late in the archive: they outrank the marked ones a query typed plainly
    # finds in the first parts, and only a search of the later parts finds them.
    plain = [IndexDoc(f"plain{i}", "birth", {"full_name": name}) for i, name in enumerate(
        ["Nguyen Thi Lan", "Nguyen Van Hung", "Tran Thi Mai", "Nguyen Thi Lan"])]
    # One name written marked first and plain later: the plain records outnumber a page of ten, and what a shard
    # returns once that is made ten too (the last test).
    marked = [IndexDoc(f"early{i}", "birth", {"full_name": "Phạm Quốc Bình"}) for i in range(50)]
    plain += [IndexDoc(f"many{i}", "birth", {"full_name": "Pham Quoc Binh"}) for i in range(35)]
    return marked + out[:2000] + plain + out[2000:]


DOCS = _docs()


@pytest.fixture(scope="module")
def parted(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tix, "PART_SIZE", PART_SIZE)
        mp.setattr(tix, "COUNTED", COUNTED)
        mp.setattr(index.base, "COUNTED", COUNTED)
        ix = TantivyIndex(tmp_path_factory.mktemp("parts") / "ix", shards=2)
        ix.upsert(DOCS[:1500])
        ix.upsert(DOCS[1500:])
        reads: list[int] = []
        read = ix._read
        mp.setattr(ix, "_read", lambda *a: reads.append(a[-1]) or read(*a))
        yield ix, reads
        ix.close()


def _queries() -> list[SearchQuery]:
    rng = random.Random(49)
    people = [d for d in DOCS if d.fields.get("full_name")]
    out = [SearchQuery(t) for t in ("nguyen", "thi", "nguyen thi lan", "Nguyễn Thị Lan", "nguyen van hung",
                                    "tran thi mai", "ubnd", "an", "Nguyễn Văn An", "Lê Văn", "Nguyễn Thị", "Trần",
                                    "pham quoc binh")]
    out.append(SearchQuery("pham quoc binh", limit=10))
    out += [SearchQuery("van", year_from=1990), SearchQuery("thi", type="birth"), SearchQuery("nguyen", offset=40)]
    for d in rng.sample(people, 10):
        words = fold(str(d.fields["full_name"])).split()
        out += [SearchQuery(str(d.fields["full_name"])), SearchQuery(" ".join(words[:-1] + [typo(words[-1], rng)]))]
    return out


def _every_record(ix: TantivyIndex, query: SearchQuery) -> tuple[int, list[tuple[str, float]]]:
    """The page by its definition: every match of every shard, best score first, a tie by the group of parts the
    search reads it in, then shard, then Tantivy's own order."""
    parsed = query.parsed()
    narrow = ix._narrows(parsed, query)
    built = ix._build(parsed, query, narrow)
    searchers = [s.searcher() for s in ix.shards]
    last = max(s.num_docs for s in searchers) // PART_SIZE
    rows = []
    for i, searcher in enumerate(searchers):
        hits = searcher.search(built, limit=len(DOCS)).hits
        for (score, at), part in zip(hits, searcher.fast_field_values("part", [at for _, at in hits]), strict=True):
            rows.append((-score, part, i, at.segment_ord, at.doc, searcher.doc(at).get_first("record_id")))
    groups = [(0, None)]
    if not narrow and last:
        best, rare = ix._best(parsed, searchers)
        if not rare:
            assert all(-r[0] <= best for r in rows), "no record scores above the best a record can have"
        first = [r for r in rows if r[1] == 0]
        at_best = sum(min(sum(-r[0] >= best for r in first if r[2] == i), tix.MAX_RESULT_WINDOW)
                      for i in range(len(searchers)))  # part 0 is read a page of MAX_RESULT_WINDOW a shard
        groups = [(0, 0), *tix._later(at_best, len(first), last)]
    group = {part: next(g for g, (a, b) in enumerate(groups) if a <= part and (b is None or part <= b))
             for part in {r[1] for r in rows}}
    rows.sort(key=lambda r: (r[0], group[r[1]], *r[2:]))
    page = rows[query.offset:query.offset + query.limit]
    return min(len(rows), COUNTED), [(r[-1], -r[0]) for r in page]


def test_records_are_written_in_parts(parted) -> None:
    ix, _ = parted
    searcher = ix.shards[0].searcher()
    parts = set(searcher.fast_field_values("part", [at for _, at in searcher.search(
        ix._build(SearchQuery("").parsed(), SearchQuery("")), limit=len(DOCS)).hits]))
    assert parts == set(range(max(parts) + 1)) and max(parts) >= 10


@pytest.mark.parametrize("query", _queries(), ids=lambda q: f"{q.text}|{q.type}|{q.year_from}|{q.offset}")
def test_a_search_that_stops_early_finds_what_every_record_gives(parted, query: SearchQuery) -> None:
    ix, _ = parted
    res = ix.search(query)
    assert (res.total, [(h.record_id, h.score) for h in res.hits]) == _every_record(ix, query)


def test_common_names_stop_early_and_plain_spellings_still_come_first(parted, monkeypatch) -> None:
    ix, reads = parted
    later = []
    monkeypatch.setattr(tix, "_later", lambda *a: later.append(tix_later(*a)) or later[-1])
    reads.clear()
    ix.search(SearchQuery("Phạm Quốc Bình"))
    assert reads == [0], "a common name is answered from the first part"
    reads.clear()
    ix.search(SearchQuery("Nguyễn Thị"))
    assert reads == [0, 1] and len(later[-1]) == 2, "then from as many more as the first said a page needs"
    # Written late, in the last parts, the names spelled as typed score above every marked one: a plain query
    # reads on to them.
    outranking = ix._outranking
    monkeypatch.setattr(ix, "_outranking", lambda *a: reads.append("rare") or outranking(*a))
    reads.clear()
    res = ix.search(SearchQuery("nguyen van hung"))
    # Read to part 2, a page at the best score without the unmarked "nguyen" few records hold; then the
    # records holding it in the parts after that, one written late among them, which comes first.
    assert reads == [0, 1, "rare"] and res.hits[0].record_id == "plain1"
    reads.clear()
    res = ix.search(SearchQuery("pham quoc binh", limit=10))
    assert reads == [0, "rare"]  # the records holding "pham" as typed, from one query
    assert {h.record_id[:4] for h in res.hits} == {"many"}
    res = ix.search(SearchQuery("nguyen thi lan"))
    assert res.capped and {h.record_id for h in res.hits[:2]} == {"plain0", "plain3"}
    whole = ix.search(SearchQuery("nguyen", limit=60)).hits
    pages = [h for offset in range(0, 60, 7) for h in ix.search(SearchQuery(
        "nguyen", limit=min(7, 60 - offset), offset=offset)).hits]
    assert [h.record_id for h in pages] == [h.record_id for h in whole]


def test_the_parts_after_the_first(monkeypatch) -> None:
    monkeypatch.setattr(tix, "COUNTED", 1000)
    assert tix._later(5, 800, 76) == [(1, 7), (8, None)]  # 4 parts should hold a page at the best score
    assert tix._later(0, 800, 76) == [(1, None)]  # none at the best score in part 0: the rest at once
    assert tix._later(30, 50, 76) == [(1, None)]  # too few matches a part to count past COUNTED soon


def test_more_records_above_the_page_than_a_shard_returned_are_asked_group_by_group(parted, monkeypatch) -> None:
    """Tantivy cuts a shard's hits in its own order, not the groups': when the records holding a rare spelling
    outnumber what a shard returned, each group is asked apart."""
    ix, reads = parted
    monkeypatch.setattr(tix, "MAX_RESULT_WINDOW", 10)
    outranking = ix._outranking
    monkeypatch.setattr(ix, "_outranking", lambda *a: reads.append("rare") or outranking(*a))
    reads.clear()
    query = SearchQuery("pham quoc binh", limit=10)
    res = ix.search(query)
    assert reads[:2] == [0, "rare"] and len(reads) > 2
    assert (res.total, [(h.record_id, h.score) for h in res.hits]) == _every_record(ix, query)
