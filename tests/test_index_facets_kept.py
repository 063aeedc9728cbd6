"""The embedded index keeps a query's facets until the index changes: an officer turning a broad search's pages
gets the same counts without their being counted again, and a record written by any process (a worker, a
reindex) changes them at once."""
from __future__ import annotations

from dataclasses import replace

from index import IndexDoc, SearchQuery
from index.tantivy_index import FACETS_KEPT, TantivyIndex


def _birth(n: int, name: str, year: int) -> IndexDoc:
    return IndexDoc(f"r{n}", "birth", {"full_name": name, "date_of_birth": f"{year}-03-0{n % 9 + 1}"})


def test_the_pages_of_a_search_share_its_facets_until_any_process_writes(tmp_path):
    server = TantivyIndex(tmp_path / "ix", shards=2)
    server.upsert([_birth(1, "Nguyễn Văn An", 1990), _birth(2, "Nguyễn Thị Bình", 1991),
                   _birth(3, "Trần Văn Cường", 1990)])
    query = SearchQuery("nguyen")
    first = server.facets(query)
    assert first.type == {"birth": 2} and first.year == {1990: 1, 1991: 1}
    assert server.facets(replace(query, offset=20)) is first  # the next page: kept, not counted again
    assert server.facets(replace(query, type="birth")) is not first  # another filter is another query

    worker = TantivyIndex(tmp_path / "ix")  # another process's index on the same files
    worker.upsert([IndexDoc("r4", "death", {"full_name": "Nguyễn Văn Dũng", "date_of_death": "2001-05-05"})])
    worker.close()
    after = server.facets(replace(query, offset=20))
    assert after.type == {"birth": 2, "death": 1} and after.year[2001] == 1

    server.delete(["r1"])
    assert server.facets(query).type == {"birth": 1, "death": 1}
    server.close()


def test_facets_kept_are_bounded_and_an_index_in_memory_keeps_none(tmp_path):
    ix = TantivyIndex(tmp_path / "ix", shards=1)
    ix.upsert([_birth(1, "Lê Văn An", 1990)])
    for n in range(FACETS_KEPT + 10):
        ix.facets(SearchQuery(f"an {n}"))
    assert len(ix._facets) == FACETS_KEPT
    ix.close()

    memory = TantivyIndex(None)
    memory.upsert([_birth(1, "Lê Văn An", 1990)])
    assert memory.facets(SearchQuery("le")).type == {"birth": 1}
    memory.upsert([_birth(2, "Lê Thị Hoa", 1992)])
    assert memory.facets(SearchQuery("le")).type == {"birth": 2}
    assert not memory._facets
