"""The embedded index is derived data: opening it concurrently is safe, and an outdated one rebuilds itself."""
from __future__ import annotations

import threading

from index import IndexDoc, SearchQuery
from index.tantivy_index import TantivyIndex
from storage.models import Batch, Record
from workers import Context


def test_many_threads_opening_one_index_never_lose_it(tmp_path):
    path = tmp_path / "ix"
    TantivyIndex(path).upsert([IndexDoc("r1", "birth", {"full_name": "Nguyễn Văn An"})])
    seen: list[tuple[bool, int]] = []

    def open_and_count() -> None:
        ix = TantivyIndex(path)
        seen.append((ix.was_reset, ix.count()))

    threads = [threading.Thread(target=open_and_count) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [(False, 1)] * 16


def test_index_of_an_older_schema_is_rebuilt_from_the_database(embedded_settings):
    ctx = Context(embedded_settings)
    with ctx.db.session() as s:
        s.add(Batch(id="b1"))
        s.flush()
        s.add(Record(id="r1", batch_id="b1", type="birth", fields={"full_name": "Trần Thị Hoà"}, indexed=True))
    path = embedded_settings.home / "index"
    TantivyIndex(path).close()
    (path / "sohoa-schema").write_text("0")  # as left by an older release
    assert ctx.index.search(SearchQuery("tran thi hoa")).total == 1
    ctx.close()
