"""The embedded index split into shards searched at once finds what one index finds: the same totals, the same
records with the same scores, the same facets, and pages that follow one another."""
from __future__ import annotations

from collections import defaultdict

import pytest

from bench.common import typo
from domain.text import fold
from index import IndexDoc, SearchQuery
from index.tantivy_index import TantivyIndex, shard_of
from samples import generate_records


def _docs(n: int) -> list[IndexDoc]:
    out = []
    for rec in generate_records(n, seed=31):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        out.append(IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")}))
    return out


DOCS = _docs(400)


def _queries() -> list[SearchQuery]:
    import random

    rng = random.Random(7)
    people = [d for d in DOCS if d.fields.get("full_name")]
    out = [SearchQuery("nguyen"), SearchQuery("thi", type="birth"), SearchQuery("van", year_from=1990),
           SearchQuery("ubnd"), SearchQuery("")]
    for d in rng.sample(people, 12):
        words = fold(str(d.fields["full_name"])).split()
        out.append(SearchQuery(str(d.fields["full_name"])))
        out.append(SearchQuery(" ".join(words[:-1] + [typo(words[-1], rng)])))
    return out


QUERIES = _queries()


@pytest.fixture(scope="module")
def one_and_three(tmp_path_factory) -> tuple[TantivyIndex, TantivyIndex]:
    one = TantivyIndex(tmp_path_factory.mktemp("one") / "ix", shards=1)
    three = TantivyIndex(tmp_path_factory.mktemp("three") / "ix", shards=3)
    for ix in (one, three):
        ix.upsert(DOCS[:250])
        ix.upsert(DOCS[200:])  # 50 records written twice: replaced, never doubled
    yield one, three
    one.close()
    three.close()


def _by_score(ix: TantivyIndex, query: SearchQuery) -> tuple[int, dict[float, set[str]]]:
    res = ix.search(SearchQuery(query.text, type=query.type, year_from=query.year_from, limit=1000))
    groups: dict[float, set[str]] = defaultdict(set)
    for hit in res.hits:
        groups[hit.score].add(hit.record_id)
    return res.total, dict(groups)


def test_records_spread_over_every_shard(one_and_three) -> None:
    _, three = one_and_three
    assert three.count() == len(DOCS)
    per_shard = [shard.searcher().num_docs for shard in three.shards]
    assert all(per_shard) and sum(per_shard) == len(DOCS)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.text or "(all)")
def test_shards_find_what_one_index_finds(one_and_three, query: SearchQuery) -> None:
    one, three = one_and_three
    assert _by_score(three, query) == _by_score(one, query)
    assert three.facets(query) == one.facets(query)


@pytest.mark.parametrize("query", QUERIES[:8], ids=lambda q: q.text or "(all)")
def test_pages_follow_one_another(one_and_three, query: SearchQuery) -> None:
    _, three = one_and_three
    whole = three.search(SearchQuery(query.text, type=query.type, year_from=query.year_from, limit=60)).hits
    pages = [h for offset in range(0, 60, 7) for h in three.search(SearchQuery(
        query.text, type=query.type, year_from=query.year_from, limit=min(7, 60 - offset), offset=offset)).hits]
    assert [h.record_id for h in pages] == [h.record_id for h in whole]
    assert [h.score for h in whole] == sorted((h.score for h in whole), reverse=True)


def test_an_index_keeps_its_shards_and_deletes_where_it_wrote(tmp_path) -> None:
    path = tmp_path / "ix"
    TantivyIndex(path, shards=3).upsert(DOCS[:30])
    again = TantivyIndex(path, shards=2)  # a machine with other cores: the index as it was made
    assert len(again.shards) == 3 and again.count() == 30
    gone = [d.record_id for d in DOCS[:10]]
    again.delete(gone)
    assert again.count() == 20
    assert {shard_of(r, 3) for r in gone} == {0, 1, 2}  # the deletes went to every shard
    assert not {h.record_id for h in again.search(SearchQuery(limit=100)).hits} & set(gone)


def test_the_index_url_sets_the_shards_of_a_new_index(tmp_path) -> None:
    from domain.errors import ConfigError
    from domain.settings import Settings
    from index import open_index
    from index.es_index import ElasticIndex

    def opened(url: str):
        return open_index(Settings(home=tmp_path, database_url="", storage_url="", index_url=url, broker_url=""))

    assert len(opened(f"tantivy://{tmp_path / 'ix'}?shards=3").shards) == 3
    assert len(opened(f"tantivy://{tmp_path / 'ix'}").shards) == 3  # made with three, it keeps them
    es = opened("http://127.0.0.1:9/sohoa-records?shards=5")  # nothing is asked of the server yet
    assert isinstance(es, ElasticIndex) and es.shards == 5 and es.alias == "sohoa-records"
    for bad in ("0", "x", "65"):
        with pytest.raises(ConfigError, match="shard"):
            opened(f"tantivy://{tmp_path / 'other'}?shards={bad}")


def test_a_rare_word_among_common_near_misses_is_searched_as_a_common_one(tmp_path) -> None:
    """``_narrows``: a word in few records narrows a query only if its near misses are few too ("han" beside a
    hundred "Hanh" lists a set of terms that matches them all). Both forms find the same records."""
    ix = TantivyIndex(tmp_path / "ix", shards=1)
    docs = [IndexDoc(f"h{i}", "birth", {"full_name": "Nguyễn Văn Hanh"}) for i in range(95)]
    docs += [IndexDoc(f"t{i}", "birth", {"full_name": "Trần Thị Han"}) for i in range(3)]
    ix.upsert(docs)
    try:
        assert not ix._narrows(SearchQuery("han").parsed(), SearchQuery("han"))
        assert ix._narrows(SearchQuery("tran").parsed(), SearchQuery("tran"))  # rare, nothing one letter away
        assert ix.search(SearchQuery("tran thi han")).total == 3
        assert ix.search(SearchQuery("han")).total == 98  # the near misses: every "Hanh"
    finally:
        ix.close()
