"""One behaviour for every search index: Tantivy in memory (one shard) and on disk (three), Elasticsearch (distributed).

Both engines receive the same Python-analysed tokens and build their query from the same ParsedQuery with the
same constant scores, so they must find the same records in the same order with the same scores.
"""
from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import TransientBackendError
from index import base as index_base
from index.base import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_RESULT_WINDOW,
    IndexDoc,
    QueryRejected,
    SearchIndex,
    SearchQuery,
)
from index.places import place_tokens
from index.scoring import EXACT_BOOST, FOLDED_BOOST, FUZZY_BOOST

WORD_EXACT = EXACT_BOOST + FOLDED_BOOST + FUZZY_BOOST  # a fuzzy query also matches at distance 0
WORD_FOLDED = FOLDED_BOOST + FUZZY_BOOST

DOCS = [
    IndexDoc("b1", "birth", {
        "full_name": "Nguyễn Văn An",
        "father_name": "Nguyễn Văn Bình",
        "mother_name": "Trần Thị Hoà",  # old tone placement
        "date_of_birth": "1998-03-15",
        "place_of_birth": "Đà Nẵng",
        "personal_id": "001098012345",
        "registration_authority": "UBND xã Tân Phú",
    }, batch_id="B1", source={"batch_id": "B1", "file": "so-1998.pdf", "pages": [3], "sha256": "ab" * 32}),
    IndexDoc("b2", "birth", {
        "full_name": "Nguyen Van An",  # typed without diacritics
        "father_name": "Lê Văn Cường",
        "date_of_birth": "2001-07-09",
        "personal_id": "001098012346",
        "registration_authority": "UBND phường Bến Nghé",
    }, batch_id="B1"),
    IndexDoc("b3", "birth", {
        "full_name": "Nguyễn Văn Ân",
        "date_of_birth": "1985-12-01",
        "registration_authority": "UBND xã Tân Phú",
    }, batch_id="B2"),
    IndexDoc("d1", "death", {
        "full_name": "Đỗ Thị Thủy",  # new tone placement
        "date_of_death": "2010-05-01",
        "registration_authority": "UBND xã Hoà Bình",
    }, batch_id="B3"),
    IndexDoc("m1", "marriage", {
        "husband_name": "Phạm Quang Đức",
        "wife_name": "Hoàng Thị Thuỷ",  # old tone placement
        "registration_date": "2005-10-10",
        "registration_authority": "UBND xã Tân Phú",
    }, batch_id="B3"),
    IndexDoc("l1", "land", {
        "owner_names": ["Vũ Đình Khoa", "Đinh Thị Lan"],
        "parcel_number": "123",
        "issue_date": "1995-06-30",
        "issuing_authority": "UBND huyện Đông Anh",
    }, batch_id="B4"),
]


def _elastic(url: str) -> SearchIndex:
    from index.es_index import ElasticIndex

    return ElasticIndex.from_url(url)


@pytest.fixture(params=["tantivy-memory", "tantivy-disk", pytest.param("elasticsearch", marks=pytest.mark.distributed)])
def empty_ix(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    from index.tantivy_index import TantivyIndex

    if request.param == "tantivy-memory":
        ix: SearchIndex = TantivyIndex(None)
    elif request.param == "tantivy-disk":
        ix = TantivyIndex(tmp_path / "index", shards=3)  # several shards, whatever the machine's cores
    else:
        ix = _elastic(request.getfixturevalue("es_url"))
    yield ix
    ix.close()


@pytest.fixture
def ix(empty_ix: SearchIndex) -> SearchIndex:
    assert empty_ix.upsert(DOCS) == len(DOCS)
    return empty_ix


def ids(ix: SearchIndex, text: str = "", **kw) -> list[str]:
    return [h.record_id for h in ix.search(SearchQuery(text=text, **kw)).hits]


def scored(ix: SearchIndex, text: str = "", **kw) -> dict[str, float]:
    return {h.record_id: h.score for h in ix.search(SearchQuery(text=text, **kw)).hits}


def test_satisfies_protocol(empty_ix: SearchIndex) -> None:
    assert isinstance(empty_ix, SearchIndex)


def test_count_and_match_all(ix: SearchIndex) -> None:
    assert ix.count() == len(DOCS)
    result = ix.search(SearchQuery())
    assert result.total == len(DOCS)
    assert sorted(h.record_id for h in result.hits) == sorted(d.record_id for d in DOCS)


def test_without_diacritics_finds_names_with_them(ix: SearchIndex) -> None:
    assert set(ids(ix, "nguyen van an")) == {"b1", "b2", "b3"}


def test_exact_spelling_ranks_first(ix: SearchIndex) -> None:
    assert ids(ix, "Nguyễn Văn An")[0] == "b1"
    # b3 (Ân) and b2 (Nguyen … An, father Lê Văn …) spell two of the three words exactly
    assert scored(ix, "Nguyễn Văn An") == {"b1": 3 * WORD_EXACT, "b2": 2 * WORD_EXACT + WORD_FOLDED,
                                            "b3": 2 * WORD_EXACT + WORD_FOLDED}
    assert scored(ix, "nguyen") == {"b1": WORD_FOLDED, "b2": WORD_EXACT, "b3": WORD_FOLDED}


def test_d_stroke_folds_to_d(ix: SearchIndex) -> None:
    assert ids(ix, "do thi thuy") == ["d1"]
    assert ids(ix, "pham quang duc") == ["m1"]
    assert ids(ix, "ĐỖ THỊ THỦY") == ["d1"]


@pytest.mark.parametrize(("old", "new"), [("hoà", "hòa"), ("thuỷ", "thủy")])
def test_both_tone_placements_are_exact(ix: SearchIndex, old: str, new: str) -> None:
    assert scored(ix, old) == scored(ix, new)
    exact = {rid for rid, score in scored(ix, new).items() if score == WORD_EXACT}
    assert exact == ({"b1", "d1"} if old == "hoà" else {"d1", "m1"})


def test_nfd_query_finds_nfc_documents(ix: SearchIndex) -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert nfd != "Nguyễn Văn An"
    assert scored(ix, nfd) == scored(ix, "Nguyễn Văn An")
    assert ids(ix, unicodedata.normalize("NFD", "Thủy"))[:2] != []


def test_nfd_documents_are_found_by_nfc_queries(empty_ix: SearchIndex) -> None:
    empty_ix.upsert([IndexDoc("n1", "birth", {"full_name": unicodedata.normalize("NFD", "Trương Thị Thuỷ")})])
    assert scored(empty_ix, "Trương Thị Thủy") == {"n1": 3 * WORD_EXACT}


def test_one_letter_ocr_error_is_found(ix: SearchIndex) -> None:
    assert ids(ix, "Le Vau Cuong") == ["b2"]  # n read as u
    assert scored(ix, "Le Vau Cuong")["b2"] == 2 * WORD_FOLDED + FUZZY_BOOST
    assert ids(ix, "Nguyễm Văn Bình") == ["b1"]


def test_ocr_tolerance_looks_in_names_and_places_own_names(empty_ix: SearchIndex) -> None:
    empty_ix.upsert([IndexDoc("k1", "birth", {
        "full_name": "Lò Văn Páo",
        "ethnicity": "Kinh",
        "place_of_birth": "xã Tân Lập, huyện Đan Phượng, tỉnh Hà Tây",
        "registration_authority": "Ủy ban nhân dân xã Tân Lập",
    })])
    assert ids(empty_ix, "lo van pso") == ["k1"]  # a name, one letter off
    assert ids(empty_ix, "pao tan lsp") == ["k1"]  # a place's own name
    assert ids(empty_ix, "pao dan phuonb") == ["k1"]  # …even a word that is elsewhere a type word
    assert ids(empty_ix, "pao ha tay") == ["k1"]
    # One letter from words most records share is no match: the ethnicity, the office's title, a type word.
    assert ids(empty_ix, "pao minh") == []  # Kinh
    assert ids(empty_ix, "pao nhat") == []  # Ủy ban nhân dân
    assert ids(empty_ix, "pao huyeb") == []  # huyện
    assert ids(empty_ix, "pao kinh") == ["k1"]  # as written, any field matches


def test_numbers_are_never_fuzzy(ix: SearchIndex) -> None:
    assert ids(ix, "001098012345") == ["b1"]
    assert ids(ix, "001098012346") == ["b2"]
    assert ids(ix, "001098012347") == []
    assert ids(ix, "cccd:001098012345") == ["b1"]


def test_fielded_terms_match_only_their_field(ix: SearchIndex) -> None:
    assert ids(ix, 'father_name:"Nguyễn Văn Bình"') == ["b1"]
    assert ids(ix, "cha:binh") == ["b1"]
    assert set(ids(ix, "thuy")) == {"d1", "m1"}
    assert ids(ix, "cha:thuy") == []  # Thuỷ is a name in those records, but not a father's
    assert set(ids(ix, 'ten:"nguyen van an"')) == {"b1", "b2", "b3"}
    assert ids(ix, "ten:001098012345") == []  # an ID is not a name
    assert ids(ix, "an", fields={"father_name": "Le Van Cuong"}) == ["b2"]
    assert ids(ix, "sinh:1998-03-15") == ["b1"]


def test_a_fielded_word_forgiven_a_letter_stays_in_its_field(empty_ix: SearchIndex) -> None:
    # The record fields share one index field, each word behind its field's code: a near miss (one edit, two
    # from nine letters on) is found in the field asked, never as another field's same word.
    empty_ix.upsert([IndexDoc("f1", "birth", {
        "full_name": "Lò Văn Páo",
        "father_name": "Christopher Hùng",
        "mother_name": "Trần Thị Mai",
    })])
    assert ids(empty_ix, "cha:hung") == ids(empty_ix, "cha:hunh") == ["f1"]
    assert ids(empty_ix, "cha:christopher") == ids(empty_ix, "cha:christhoper") == ["f1"]  # two edits
    assert ids(empty_ix, "me:hung") == ids(empty_ix, "me:christopher") == ids(empty_ix, "me:christhoper") == []
    assert ids(empty_ix, "me:mai") == ids(empty_ix, "me:mqi") == ["f1"]
    assert ids(empty_ix, "cha:mai") == []


def test_type_filter(ix: SearchIndex) -> None:
    assert set(ids(ix, "thuy")) == {"d1", "m1"}
    assert ids(ix, "thuy", type="death") == ["d1"]
    assert ids(ix, "thuy", type="marriage") == ["m1"]
    assert ids(ix, "thuy", type="land") == []
    assert scored(ix, "thuy", type="death")["d1"] == scored(ix, "thuy")["d1"]  # filters never change a score


def test_year_range(ix: SearchIndex) -> None:
    assert set(ids(ix, "nguyen", year_from=1990, year_to=2002)) == {"b1", "b2"}
    assert ids(ix, "nguyen", year_to=1989) == ["b3"]
    assert set(ids(ix, year_from=2005)) == {"d1", "m1"}
    assert set(ids(ix, year_from=1995, year_to=1995)) == {"l1"}


def test_filters_never_change_a_score(ix: SearchIndex) -> None:
    plain = scored(ix, "nguyen")
    assert scored(ix, "nguyen", type="birth", authority="tan phu") == {k: plain[k] for k in ("b1", "b3")}
    assert scored(ix, "nguyen", year_from=1990) == {k: plain[k] for k in ("b1", "b2")}


def test_authority_filter(ix: SearchIndex) -> None:
    assert set(ids(ix, authority="Tân Phú")) == {"b1", "b3", "m1"}
    assert set(ids(ix, authority="xa tan phu")) == {"b1", "b3", "m1"}
    assert ids(ix, "nguyen", authority="ben nghe") == ["b2"]
    assert ids(ix, authority="dong anh") == ["l1"]


def test_hits_carry_fields_and_source(ix: SearchIndex) -> None:
    (hit,) = ix.search(SearchQuery(text="001098012345")).hits
    assert (hit.record_id, hit.type, hit.batch_id) == ("b1", "birth", "B1")
    assert hit.fields == DOCS[0].fields
    assert hit.source == {"batch_id": "B1", "file": "so-1998.pdf", "pages": [3], "sha256": "ab" * 32}
    (land,) = ix.search(SearchQuery(text="vu dinh khoa")).hits
    assert land.fields["owner_names"] == ["Vũ Đình Khoa", "Đinh Thị Lan"]


def test_paging(ix: SearchIndex) -> None:
    everything = ids(ix, limit=100)
    pages = [ix.search(SearchQuery(limit=2, offset=o)) for o in (0, 2, 4)]
    assert all(p.total == len(DOCS) for p in pages)
    assert [h.record_id for p in pages for h in p.hits] == everything


def test_upsert_replaces(ix: SearchIndex) -> None:
    changed = IndexDoc("b2", "birth", {"full_name": "Nguyễn Văn Anh", "date_of_birth": "2001-07-09"}, batch_id="B1")
    assert ix.upsert([changed]) == 1
    assert ix.count() == len(DOCS)
    assert ids(ix, "cuong") == []
    assert ids(ix, "Nguyễn Văn Anh")[0] == "b2"
    assert len(ids(ix, "nguyen", limit=100)) == len(set(ids(ix, "nguyen", limit=100))) == 3


def test_delete(ix: SearchIndex) -> None:
    ix.delete(["b2", "no-such-record"])
    assert ix.count() == len(DOCS) - 1
    assert ids(ix, "001098012346") == []
    ix.delete([])
    assert ix.count() == len(DOCS) - 1


def test_clear(ix: SearchIndex) -> None:
    ix.clear()
    assert ix.count() == 0
    assert ix.search(SearchQuery()).total == 0
    ix.upsert(DOCS[:1])
    assert ids(ix, "nguyen") == ["b1"]


def test_a_bulk_load_is_all_searchable_when_it_ends(empty_ix: SearchIndex) -> None:
    """A rebuild's upserts (``sohoa reindex``) may stay unrefreshed inside the block, never after it; an
    engine's usual refreshing comes back, so a later upsert is searchable when it returns."""
    with empty_ix.bulk():
        empty_ix.upsert(DOCS[:3])
        empty_ix.upsert(DOCS[3:])
    assert empty_ix.count() == len(DOCS)
    assert sorted(ids(empty_ix, "nguyen")) == ["b1", "b2", "b3"]
    empty_ix.upsert([IndexDoc("late", "birth", {"full_name": "Lò Văn Khánh"})])
    assert ids(empty_ix, "Lò Văn Khánh") == ["late"]
    if hasattr(empty_ix, "client"):  # Elasticsearch: the refresh interval is the default again
        settings = empty_ix.client.indices.get_settings(index=empty_ix.alias).body
        assert all("refresh_interval" not in s["settings"]["index"] for s in settings.values())



def test_a_load_built_in_other_processes_is_whole(empty_ix: SearchIndex) -> None:
    """An upsert inside bulk() large enough for its documents to be built in other processes
    (``index.builders``), and Elasticsearch's reindex, which always may: every record is in, under its id."""
    from index.builders import PARALLEL_MIN
    from samples import generate_records

    loaded = []
    for rec in generate_records(PARALLEL_MIN + 50, seed=21):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        loaded.append(IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")}))
    with empty_ix.bulk():
        assert empty_ix.upsert(loaded) == len(loaded)
    assert empty_ix.count() == len(loaded)
    people = [d for d in loaded if d.fields.get("personal_id")][:5]
    for d in people:
        assert d.record_id in ids(empty_ix, str(d.fields["personal_id"]))
    if hasattr(empty_ix, "reindex"):
        assert empty_ix.reindex(iter(loaded[::-1])) == len(loaded)
        assert empty_ix.count() == len(loaded)
        assert all(d.record_id in ids(empty_ix, str(d.fields["personal_id"])) for d in people)

# -- bounds: no query can crash or bloat the process ----------------------------------------------------
def test_the_deepest_allowed_page_is_served(ix: SearchIndex) -> None:
    assert ix.search(SearchQuery(text="nguyen", limit=10, offset=MAX_RESULT_WINDOW - 10)).hits == []
    assert ix.search(SearchQuery(limit=MAX_RESULT_WINDOW)).total == len(DOCS)


def test_a_count_alone_is_served(ix: SearchIndex) -> None:
    """``limit=0``: how many records match, no page (``sohoa search --limit 0`` once crashed Tantivy)."""
    counted = ix.search(SearchQuery(text="nguyen", limit=0))
    assert counted.hits == [] and counted.total == ix.search(SearchQuery(text="nguyen")).total > 0


def test_matches_are_counted_up_to_the_bound(ix: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``COUNTED`` a search says "more than", the same in both engines; at the bound the count is exact."""
    every = ix.search(SearchQuery())
    assert (every.total, every.capped) == (len(DOCS), False)
    monkeypatch.setattr(index_base, "COUNTED", len(DOCS))
    at_bound = ix.search(SearchQuery(limit=2))
    assert (at_bound.total, at_bound.capped) == (len(DOCS), False)
    monkeypatch.setattr(index_base, "COUNTED", 3)
    beyond = ix.search(SearchQuery(limit=5))
    assert (beyond.total, beyond.capped) == (3, True)
    assert [h.record_id for h in beyond.hits] == [h.record_id for h in every.hits[:5]]  # the page is whole


@pytest.mark.parametrize("kw", [
    {"offset": 4294967296}, {"offset": MAX_RESULT_WINDOW}, {"limit": MAX_RESULT_WINDOW + 1},
    {"limit": 20, "offset": MAX_RESULT_WINDOW - 19}, {"offset": -1}, {"limit": -1},
], ids=str)
def test_a_result_window_beyond_the_bound_is_refused(ix: SearchIndex, kw: dict) -> None:
    with pytest.raises(QueryRejected) as exc:
        SearchQuery(text="nguyen", **kw)
    assert exc.value.http_status == 422 and "kết quả" in exc.value.message
    query = SearchQuery(text="nguyen")  # changed after it was built: the engine still refuses it
    for name, value in kw.items():
        setattr(query, name, value)
    with pytest.raises(QueryRejected):
        ix.search(query)
    with pytest.raises(QueryRejected):
        ix.facets(query)


def test_a_query_longer_than_the_bound_is_refused(ix: SearchIndex) -> None:
    longest = ("an " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS - 1].strip()
    assert len(longest) < MAX_QUERY_CHARS
    with pytest.raises(QueryRejected, match="quá nhiều từ"):  # that many words: refused for its terms
        ix.search(SearchQuery(text=longest))
    for kw in ({"text": "ab " * 33000}, {"fields": {"father_name": "x" * MAX_QUERY_CHARS}},
               {"authority": "tân phú " * 30}, {"text": "a" * (MAX_QUERY_CHARS + 1)}):
        with pytest.raises(QueryRejected, match="quá dài") as exc:
            SearchQuery(**kw)
        assert exc.value.http_status == 422
    query = SearchQuery()
    query.text = "ab " * 33000
    with pytest.raises(QueryRejected, match="quá dài"):
        ix.search(query)


def test_a_query_with_more_terms_than_the_bound_is_refused(ix: SearchIndex) -> None:
    words = "nguyen van an " * MAX_QUERY_TERMS
    allowed = " ".join(words.split()[:MAX_QUERY_TERMS])
    assert ix.search(SearchQuery(text=allowed)).total == 3  # repeating a word changes nothing
    with pytest.raises(QueryRejected, match="quá nhiều từ"):
        SearchQuery(text=" ".join(words.split()[:MAX_QUERY_TERMS + 1]))
    with pytest.raises(QueryRejected, match="quá nhiều từ"):  # fielded words count too
        SearchQuery(text=allowed, fields={"father_name": "binh"})
    query = SearchQuery()
    query.text = words
    with pytest.raises(QueryRejected):
        ix.search(query)


@pytest.mark.parametrize("year", [0, 10_000, 9223372036854775808, -9223372036854775809])
def test_a_year_outside_the_calendar_is_refused(ix: SearchIndex, year: int) -> None:
    for kw in ({"year_from": year}, {"year_to": year}):
        with pytest.raises(QueryRejected, match="Năm"):
            SearchQuery(**kw)
        query = SearchQuery()
        setattr(query, next(iter(kw)), year)
        with pytest.raises(QueryRejected):
            ix.search(query)


# -- Elasticsearch only: the alias swap, error mapping -----------------------------------------------
@pytest.mark.distributed
def test_reindex_swaps_the_alias_without_interrupting_search(es_url: str) -> None:
    ix = _elastic(es_url)
    ix.upsert(DOCS)
    before = ix.physical_indexes()
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop() -> None:
        reader = _elastic(es_url)
        try:
            while not stop.is_set():
                seen.append(reader.search(SearchQuery(text="nguyen van an")).total)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
        finally:
            reader.close()

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        extra = IndexDoc("b4", "birth", {"full_name": "Nguyễn Văn An", "date_of_birth": "2020-01-01"})
        assert ix.reindex(iter([*DOCS, extra])) == len(DOCS) + 1
        while len(seen) < 5 and thread.is_alive():  # keep searching a little after the swap
            stop.wait(0.05)
        n = len(seen)
        while len(seen) < n + 5 and thread.is_alive():
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(30)
    assert not errors
    assert seen and set(seen) <= {3, 4} and seen[-1] == 4  # never empty, never half-built
    after = ix.physical_indexes()
    assert len(after) == 1 and after != before
    assert ix.count() == len(DOCS) + 1
    ix.close()


@pytest.mark.distributed
def test_a_bulk_load_ends_merged_into_one_segment(es_url: str) -> None:
    """Records that came one request at a time (a segment each) are merged once a rebuild's load ends, in the
    background: a query then pays its expansion and scorers once a shard, not once a segment. (Lucene's own
    policy leaves fewer than ten small segments as they are.)"""
    ix = _elastic(es_url)

    def segments() -> list[int]:
        found = ix.client.indices.segments(index=ix.alias)["indices"]
        return [copy["num_search_segments"] for index in found.values() for copies in index["shards"].values()
                for copy in copies if copy["routing"]["primary"]]

    for doc in DOCS:
        ix.upsert([doc])  # each waits for a refresh: a segment of its own
    assert max(segments()) > 1
    with ix.bulk():
        ix.upsert(DOCS[:2])
    deadline = time.monotonic() + 60
    while max(segments()) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert segments() == [1]
    assert ix.count() == len(DOCS) and sorted(ids(ix, "nguyen")) == ["b1", "b2", "b3"]
    ix.close()


@pytest.mark.distributed
def test_a_merge_the_node_refuses_leaves_the_load_as_it_is(es_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The merge is an optimisation: an index gone meanwhile (a reindex swapped it away) fails no rebuild."""
    ix = _elastic(es_url)
    with ix.bulk():
        ix.upsert(DOCS)
    ix._merge(f"{ix.alias}-gone")
    assert "không gộp được" in caplog.text
    assert ix.count() == len(DOCS)
    ix.close()


def test_an_index_of_an_older_schema_behind_the_alias_is_replaced_empty(es_url: str) -> None:
    """As the embedded index rebuilds itself: documents of an older schema would silently miss fields the
    queries now use (a name one letter off found nothing), so the caller refills a fresh index instead."""
    from index.es_index import SCHEMA_VERSION

    ix = _elastic(es_url)
    old = f"{ix.alias}-v0"  # as left by an older release
    ix.client.indices.create(index=old)
    ix.client.index(index=old, id="b2", document={"record_id": "b2", "all_f": "le van cuong"}, refresh=True)
    ix.client.indices.update_aliases(actions=[{"add": {"index": old, "alias": ix.alias}}])
    assert ix.was_reset and ix.count() == 0
    assert ix.physical_indexes() == [f"{ix.alias}-v{SCHEMA_VERSION}"]
    assert not ix.client.indices.exists(index=old)
    ix.upsert(DOCS)
    assert ids(ix, "Le Vau Cuong") == ["b2"]
    again = _elastic(es_url)
    assert not again.was_reset and again.count() == len(DOCS)


def test_elasticsearch_unreachable_is_transient() -> None:
    from index.es_index import ElasticIndex

    ix = ElasticIndex.from_url("http://127.0.0.1:9/sohoa-records", timeout_s=2)
    with pytest.raises(TransientBackendError):
        ix.search(SearchQuery(text="an"))
    ix.close()


# -- both engines side by side: same hits, same order, same scores --------------------------------------
QUERIES = [
    SearchQuery(text="nguyen van an"),
    SearchQuery(text="Nguyễn Văn An"),
    SearchQuery(text="thuy"),
    SearchQuery(text="hòa bình"),
    SearchQuery(text="Le Vau Cuong"),
    SearchQuery(text='cha:"nguyen van binh" an'),
    SearchQuery(text="ubnd", type="birth"),
    SearchQuery(text="thuy", year_from=1900, year_to=2100),
    SearchQuery(text="ubnd", authority="tan phu"),
    SearchQuery(text="dinh thi lan"),
    SearchQuery(text="an", limit=2, offset=1),
]


@pytest.mark.distributed
@pytest.mark.parametrize("query", [
    *QUERIES,
    pytest.param(SearchQuery(text="ubnd", type="birth", year_from=1990), id="year-filter"),
])
def test_engines_agree(es_url: str, query: SearchQuery) -> None:
    from index.tantivy_index import TantivyIndex

    embedded, distributed = TantivyIndex(None), _elastic(es_url)
    try:
        embedded.upsert(DOCS)
        distributed.upsert(DOCS)
        a, b = embedded.search(query), distributed.search(query)
        assert a.total == b.total
        assert [(h.record_id, h.score) for h in a.hits] == [(h.record_id, h.score) for h in b.hits]
    finally:
        distributed.close()


# -- places across the July 2025 reorganisation: old and new unit names both match ------------------------
# Real units (vietnamadminunits; cross-checked against dvhcvn in tests/test_places.py): Phường Phúc Xá (quận
# Ba Đình, Hà Nội) went whole into the new Phường Hồng Hà; Xã Hòa Liên (huyện Hòa Vang, Đà Nẵng) was split
# between the new Phường Hải Vân and Phường Liên Chiểu; the new Phường Hải Châu took in Phường Thạch Thang of
# the abolished Quận Hải Châu.
PLACE_DOCS = [
    IndexDoc("p1", "birth", {"full_name": "Trịnh Minh Tuấn",
                             "place_of_birth": "phường Phúc Xá, quận Ba Đình, thành phố Hà Nội"}),
    IndexDoc("p2", "death", {"full_name": "Lương Thế Vinh", "place_of_death": "phường Hồng Hà, thành phố Hà Nội"}),
    IndexDoc("p3", "birth", {"full_name": "Kiều Oanh",
                             "registration_authority": "UBND xã Hòa Liên, huyện Hòa Vang, thành phố Đà Nẵng"}),
    IndexDoc("p4", "marriage", {"husband_name": "Mạc Đĩnh Chi", "wife_name": "Tô Thị Huệ",
                                "wife_residence": "phường Hải Châu, thành phố Đà Nẵng"}),
    IndexDoc("p5", "birth", {"full_name": "Cao Bá Quát", "registration_authority": "UBND xã Tân Phú"}),
]


@pytest.fixture
def places_ix(empty_ix: SearchIndex) -> SearchIndex:
    empty_ix.upsert(PLACE_DOCS)
    return empty_ix


def test_a_legacy_place_is_found_by_its_2025_name(places_ix: SearchIndex) -> None:
    assert ids(places_ix, "phuong Hong Ha") == ["p2", "p1"]  # written that way first, then by the new name
    # "Hồng" is written on p2 (exact) and only an alternative name on p1: the folded boost, nothing more.
    assert scored(places_ix, "Hồng") == {"p2": WORD_EXACT, "p1": FOLDED_BOOST}


def test_a_2025_place_is_found_by_its_legacy_names(places_ix: SearchIndex) -> None:
    assert ids(places_ix, "Phuc Xa Ba Dinh") == ["p1", "p2"]
    assert ids(places_ix, "quan Hai Chau Da Nang") == ["p4"]
    assert ids(places_ix, "Thuận Phước")[0] == "p4"  # an old ward merged into it (others: near-misses)


@pytest.mark.parametrize("new_ward", ["phuong Hai Van", "phuong Lien Chieu", "Liên Chiểu Đà Nẵng"])
def test_a_partially_split_ward_matches_each_candidate(places_ix: SearchIndex, new_ward: str) -> None:
    assert ids(places_ix, new_ward) == ["p3"]


def test_a_place_without_its_province_gets_no_alternatives(places_ix: SearchIndex) -> None:
    # The package's parser reads "xã Tân Phú" as Huyện An Phú, An Giang; no alternative name may come of it.
    assert place_tokens(PLACE_DOCS[4].fields["registration_authority"]).alternatives == ()
    assert ids(places_ix, "An Giang") == []
    assert ids(places_ix, "tan phu")[0] == "p5"


@pytest.mark.distributed
@pytest.mark.parametrize("text", ["phuong Hong Ha", "Hồng", "Phuc Xa Ba Dinh", "quan Hai Chau Da Nang",
                                  "Liên Chiểu", "thanh pho"])
def test_engines_agree_on_places(es_url: str, text: str) -> None:
    from index.tantivy_index import TantivyIndex

    embedded, distributed = TantivyIndex(None), _elastic(es_url)
    try:
        embedded.upsert(PLACE_DOCS)
        distributed.upsert(PLACE_DOCS)
        a, b = embedded.search(SearchQuery(text=text)), distributed.search(SearchQuery(text=text))
        assert a.total == b.total > 0
        assert [(h.record_id, h.score) for h in a.hits] == [(h.record_id, h.score) for h in b.hits]
    finally:
        distributed.close()


@pytest.mark.parametrize("filtered", [True, False], ids=["filtered", "unfiltered"])
@pytest.mark.parametrize("text", ["", "nguyen", "thuy"])
def test_facets_count_what_search_finds(ix: SearchIndex, text: str, filtered: bool) -> None:
    """Type counts ignore the type filter, year counts the year range; both agree with plain searches."""
    kind, years = ("birth", (1980, 2010)) if filtered else (None, (None, None))
    facets = ix.facets(SearchQuery(text=text, type=kind, year_from=years[0], year_to=years[1]))
    for rtype in ("birth", "marriage", "death", "land"):
        found = ix.search(SearchQuery(text=text, type=rtype, year_from=years[0], year_to=years[1], limit=1)).total
        assert facets.type.get(rtype, 0) == found, rtype
    for year in range(1900, 2031):
        found = ix.search(SearchQuery(text=text, type=kind, year_from=year, year_to=year, limit=1)).total
        assert facets.year.get(year, 0) == found, year
    assert sum(facets.year.values()) > 0 or text == "thuy"


def test_words_before_the_first_unit_name_no_unit(empty_ix: SearchIndex) -> None:
    """A hamlet ("Ấp An Phú") or "Ủy ban nhân dân" before the units is not read as a unit: the parser
    used to take the hamlet for Xã An Phú and this authority for wards of Hoài Đức."""
    hamlet = IndexDoc("h1", "birth", {"full_name": "Lý Thường Kiệt",
                                      "place_of_birth": "Ấp An Phú, xã Kiên Lương, tỉnh An Giang"})
    ward = IndexDoc("h2", "birth", {"full_name": "Hồ Xuân Hương",
                                    "registration_authority": "Ủy ban nhân dân phường Ngọc Hà, thành phố Hà Nội"})
    assert "kien" in place_tokens(hamlet.fields["place_of_birth"]).alternatives
    assert "khanh" not in place_tokens(hamlet.fields["place_of_birth"]).alternatives
    empty_ix.upsert([hamlet, ward])
    assert ids(empty_ix, "Liễu Giai") == ["h2"]  # an old ward of Ba Đình merged into the new Phường Ngọc Hà
    assert ids(empty_ix, "Hoài Đức") == []


# -- the OCR-error tolerance, against a plain reading of the records ----------------------------------------
def _near(a: str, b: str) -> int:
    from rapidfuzz.distance import OSA  # what an automaton with transpositions counts: a swap is one edit

    return OSA.distance(a, b)


def _expected(docs: list[IndexDoc], text: str) -> dict[str, float]:
    """Every record a free-word query finds, with its score, read straight from the records: each word is
    matched exactly (4), folded (2), and one edit from a word of a person's or place's own name (1; a
    two-letter word, people's names only)."""
    from domain.records import NAME_FIELDS, PLACE_FIELDS
    from index.analysis import exact_tokens, folded_tokens, fuzzy_distance
    from index.places import place_tokens

    out = {}
    for doc in docs:
        analysed = doc.analysed()  # its plain tokens (checked in tests/test_index_documents.py)
        exact, folded = set(analysed["all_x"].split()), {w for w in analysed["all_f"].split() if w.isalnum()}
        names = {w for f, v in doc.fields.items() if f in NAME_FIELDS for w in folded_tokens(str(v))}
        own = {w for f, v in doc.fields.items() if f in PLACE_FIELDS for w in place_tokens(str(v)).own}
        score = 0.0
        for x, w in zip(exact_tokens(text), folded_tokens(text), strict=True):
            pool = {v for v in (names if len(w) == 2 else names | own) if v.isascii()}  # (a-z, 0-9 once folded)
            near = fuzzy_distance(w) > 0 and any(_near(w, v) <= fuzzy_distance(w) for v in pool)
            if w not in folded and not near:
                break
            score += EXACT_BOOST * (x in exact) + FOLDED_BOOST * (w in folded) + FUZZY_BOOST * near
        else:
            out[doc.record_id] = score
    return out


def _slipped(word: str, rng) -> str:
    i = rng.randrange(len(word))
    letter = rng.choice("aeinmhtcu")
    return rng.choice([word[:i] + word[i + 1:], word[:i] + letter + word[i + 1:], word[:i] + letter + word[i:],
                       word[:i] + word[i + 1:i + 2] + word[i] + word[i + 2:]])


@pytest.mark.parametrize("rare", [0.0, float("inf")], ids=["as-a-union", "as-nested-bonuses"])
def test_near_misses_are_what_a_plain_reading_of_the_records_finds(empty_ix: SearchIndex, rare: float,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The engines list a word's near misses instead of running an automaton over the index: they must find
    exactly the records, and give exactly the scores, that comparing the words one by one gives. Tantivy builds
    a query one of two ways (``TantivyIndex._narrows``): each is checked, by making every word common or rare."""
    import random

    from index import tantivy_index
    from samples import generate_records

    monkeypatch.setattr(tantivy_index, "RARE", rare)

    docs = []
    for rec in generate_records(300, seed=21):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        docs.append(IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")}))
    empty_ix.upsert(docs)
    rng = random.Random(21)
    names = [str(d.fields.get("full_name") or d.fields.get("husband_name")) for d in docs[:40]]
    texts = [*names[:10]]
    texts += [" ".join(_slipped(w, rng) if len(w) > 1 else w for w in n.split()) for n in names[10:30]]
    texts += [n.split()[-1] for n in names[30:40]]  # a given name alone: most are two or three letters
    born = [d.fields for d in docs[40:] if d.fields.get("date_of_birth")][:10]
    texts += [f"{f['full_name']} {str(f['date_of_birth'])[:4]}" for f in born[:5]]  # name + year
    texts += [f"{' '.join(_slipped(w, rng) if len(w) > 1 else w for w in str(f['full_name']).split())} "
              f"{str(f['date_of_birth'])[:4]}" for f in born[5:]]
    some_near = 0
    for text in texts:
        expected = _expected(docs, text)
        got = empty_ix.search(SearchQuery(text=text, limit=MAX_RESULT_WINDOW))
        assert got.total == len(expected), text
        assert {h.record_id: h.score for h in got.hits} == expected, text
        some_near += any(score % 2 for score in expected.values())  # a near miss's point was given
    assert some_near > 20  # the check has teeth: most queries found a record through a slip


@pytest.mark.parametrize("word", ["an", "xa", "ơi"])
def test_a_words_neighbours_are_every_string_one_edit_away(word: str) -> None:
    from itertools import product

    from index.analysis import ALPHABET, neighbours

    letters = sorted(ALPHABET.union(word))
    every = {"".join(p) for n in range(1, len(word) + 2) for p in product(letters, repeat=n)}
    assert neighbours(word) == sorted(s for s in every if _near(word, s) == 1)


def test_a_record_twice_in_one_upsert_is_kept_once(empty_ix: SearchIndex) -> None:
    """The later of the two is the record (a book re-read while its first read is still being indexed)."""
    first = IndexDoc("t1", "birth", {"full_name": "Hà Văn Tú"})
    later = IndexDoc("t1", "birth", {"full_name": "Hà Văn Tư"})
    assert empty_ix.upsert([first, DOCS[0], later]) == 3
    assert empty_ix.count() == 2
    assert ids(empty_ix, "ha van tu") == ["t1"]
    score = {name: empty_ix.search(SearchQuery(name)).hits[0].score for name in ("Hà Văn Tư", "Hà Văn Tú")}
    assert score["Hà Văn Tư"] > score["Hà Văn Tú"]
