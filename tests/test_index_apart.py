"""Elasticsearch asks a query whose exact spelling few records hold in two searches (``ElasticIndex._apart``): the
query without that spelling's bonus, and the records holding it. The page must be what one search of the whole
query gives: every record on it scored in full, the best scores first, the same count. The count's cap is made
small here so that a few dozen records make a spelling rare."""
from __future__ import annotations

import pytest

import index.base
from index import IndexDoc, SearchQuery

pytestmark = pytest.mark.distributed

COUNTED = 5
# Marked names first, the same names written without their marks last: a search of the query typed plainly
# without the unmarked records' bonus fills its page with marked ones, in the order they were written.
DOCS = [IndexDoc(f"m{i:02}", "birth", {"full_name": name, "place_of_birth": "Hà Nội"})
        for i, name in enumerate(["Nguyễn Văn An", "Nguyễn Văn Bình", "Trần Văn An", "Nguyễn Thị An"] * 10)]
DOCS += [IndexDoc("p1", "birth", {"full_name": "Nguyen Van An"}),
         IndexDoc("p2", "birth", {"full_name": "Nguyen Van Binh"}),
         IndexDoc("p3", "death", {"full_name": "Nguyen Thi An"}),
         IndexDoc("x1", "birth", {"full_name": "Quách Tĩnh"})]


@pytest.fixture(scope="module")
def es(request: pytest.FixtureRequest):
    from index.es_index import ElasticIndex

    url = request.getfixturevalue("servers")["SOHOA_TEST_ES_URL"].rstrip("/") + "/apart-spellings"
    ix = ElasticIndex.from_url(url)
    ix.drop()
    ix.upsert(DOCS)
    yield ix
    ix.drop()
    ix.close()


@pytest.fixture(autouse=True)
def counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index.base, "COUNTED", COUNTED)


def _in_full(es, query: SearchQuery) -> dict[str, float]:
    """Every match's score from one search of the whole query."""
    from index.es_index import build_query

    response = es.client.search(index=es.alias, query=build_query(query.parsed(), query), size=len(DOCS))
    return {raw["_id"]: round(raw["_score"], 4) for raw in response["hits"]["hits"]}


@pytest.mark.parametrize("query", [
    SearchQuery("nguyen van an", limit=3),
    SearchQuery("nguyen an", limit=4),
    SearchQuery("nguyen van an", limit=3, offset=2),
    SearchQuery("nguyen van", limit=10, offset=1),
    SearchQuery("Nguyễn van", limit=2),
    SearchQuery("nguyen van an", limit=0),
], ids=lambda q: f"{q.text}|{q.limit}|{q.offset}")
def test_a_rare_spelling_asked_apart_gives_the_page_of_one_search(es, query: SearchQuery) -> None:
    assert es._apart(query.parsed(), query), "the unmarked spellings are few, their folded words many"
    full = _in_full(es, query)
    res = es.search(query)
    assert (res.total, res.capped) == (COUNTED, True) and len(full) > COUNTED
    best = sorted(full.values(), reverse=True)[query.offset:query.offset + query.limit]
    assert [h.score for h in res.hits] == best
    assert all(h.score == full[h.record_id] for h in res.hits), "each record scored in full"


def test_the_records_spelled_as_typed_come_first(es) -> None:
    res = es.search(SearchQuery("nguyen van an", limit=3))
    assert res.hits[0].record_id == "p1"
    assert {h.record_id for h in es.search(SearchQuery("nguyen van", limit=2)).hits} == {"p1", "p2"}


def test_a_word_rare_either_way_and_a_narrowing_query_are_asked_at_once(es) -> None:
    for text in ("quach tinh", "nguyen van an 2001", 'cha:"nguyen" an'):
        query = SearchQuery(text)
        assert es._apart(query.parsed(), query) == []
    query = SearchQuery("nguyen van", authority="ha noi")
    assert es._apart(query.parsed(), query) == []


def test_the_counts_are_kept_between_searches(es, monkeypatch: pytest.MonkeyPatch) -> None:
    es.search(SearchQuery("nguyen thi an"))
    sent = []
    searched = es._searched
    monkeypatch.setattr(es, "_searched", lambda bodies: sent.append(len(bodies)) or searched(bodies))
    es.search(SearchQuery("nguyen thi an"))
    assert sent == [2], "one request: the two searches, no counts asked again"


def test_a_search_the_node_refuses_in_a_request_of_several_is_an_error(es) -> None:
    with pytest.raises(RuntimeError, match="từ chối"):
        es._searched([{"size": 0}, {"query": {"range": {"year": {"gte": "không phải số"}}}}])
