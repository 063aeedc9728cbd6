"""The embedded index is derived data: opening it concurrently is safe, and an outdated one rebuilds itself."""
from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import func, select

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
    from workers.stages import prepare_index

    assert ctx.index.count() == 0  # opened: dropped, nothing refilled behind the caller's back
    prepare_index(ctx)  # the start-up step of serve, worker and the executors
    from index import analysis, places

    # The rebuild's analyses are not kept by a process that goes on to serve searches.
    assert not analysis._VALUES and analysis.folded_token.cache_info().currsize == 0
    assert places.place_tokens.cache_info().currsize == 0
    assert ctx.index.search(SearchQuery("tran thi hoa")).total == 1
    ctx.close()


def _other_schema_at(where) -> None:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("something_else", stored=True)
    where.mkdir(parents=True)
    tantivy.Index(sb.build(), path=str(where)).writer().commit()


@pytest.mark.parametrize("left", ["same marker, other fields", "files of a release before markers"])
def test_an_index_it_cannot_read_is_rebuilt_not_refused(tmp_path, left):
    path = tmp_path / "ix"
    if left == "same marker, other fields":  # a shard written by other code under the same version
        TantivyIndex(path, shards=2).close()
        shutil.rmtree(path / "s1")
        _other_schema_at(path / "s1")
    else:  # Tantivy's files straight in the directory, no marker
        _other_schema_at(path)
    ix = TantivyIndex(path)
    assert ix.was_reset and ix.count() == 0
    ix.upsert([IndexDoc("r1", "birth", {"full_name": "Nguyễn Văn An"})])
    assert TantivyIndex(path).search(SearchQuery("nguyen van an")).total == 1


def _records(ctx: Context, n: int) -> None:
    with ctx.db.session() as s:
        s.add(Batch(id="b1"))
        s.flush()
        s.add_all(Record(id=f"r{i:03d}", batch_id="b1", type="birth", indexed=True,
                         fields={"full_name": f"Nguyễn Văn An {i}", "date_of_birth": "1990-01-01"}) for i in range(n))


def test_an_interrupted_reindex_resumes_where_it_stopped(embedded_settings):
    from workers.stages import reindex_all

    ctx = Context(embedded_settings)
    _records(ctx, 25)
    ctx.index.clear()
    seen: list[tuple[int, int]] = []

    def interrupt_after_two_chunks(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex_all(ctx, chunk=10, progress=interrupt_after_two_chunks)
    assert seen == [(10, 25), (20, 25)]
    assert ctx.index.count() == 20
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).where(Record.indexed.is_(False))) == 5
    seen.clear()
    assert reindex_all(ctx, chunk=10, resume=True, progress=lambda d, t: seen.append((d, t))) == 5
    assert seen == [(25, 25)]
    assert ctx.index.count() == 25
    assert ctx.index.search(SearchQuery("nguyen van an 24")).hits[0].record_id == "r024"
    assert reindex_all(ctx, resume=True) == 0  # nothing left
    ctx.close()


def test_a_resume_after_a_schema_change_starts_over(embedded_settings):
    """The records' marks describe the dropped index: --resume must not skip them."""
    from workers.stages import reindex_all

    ctx = Context(embedded_settings)
    _records(ctx, 5)  # all marked indexed, into an index of an older schema
    ctx.close()
    TantivyIndex(embedded_settings.home / "index").close()
    (embedded_settings.home / "index" / "sohoa-schema").write_text("0")
    ctx = Context(embedded_settings)
    assert ctx.index.count() == 0 and ctx.index.was_reset
    assert reindex_all(ctx, resume=True) == 5
    assert ctx.index.count() == 5
    ctx.close()


def test_cli_reindex_rebuilds_and_resumes(embedded_settings, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    ctx = Context(embedded_settings)
    _records(ctx, 3)
    ctx.close()
    monkeypatch.setenv("SOHOA_HOME", str(embedded_settings.home))
    result = CliRunner().invoke(app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "Đã đánh chỉ mục 3 hồ sơ." in result.output
    result = CliRunner().invoke(app, ["reindex", "--resume"])
    assert result.exit_code == 0, result.output
    assert "Đã đánh chỉ mục 0 hồ sơ." in result.output
    ctx = Context(embedded_settings)
    assert ctx.index.count() == 3
    ctx.close()
