"""The embedded index is derived data: opening it concurrently is safe, and an outdated one rebuilds itself."""
from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import func, select

from domain.settings import Settings
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


def _in_this_process(*_args, **_kwargs):
    raise AssertionError("the start-up rebuild ran in the server's own process")


def _left_by_an_older_release(es_url: str) -> None:
    """The alias pointing at an index of a schema no longer current (empty)."""
    from index.es_index import ElasticIndex

    old = ElasticIndex.from_url(es_url)
    name = f"{old.alias}-v0"
    old.client.indices.create(index=name)
    old.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": old.alias}}])
    old.close()


def _refill_that_fails(settings: Settings, tmp_path, index_url: str):
    """The start-up step on an index to refill, with a database the child cannot open: the error it raises."""
    from domain.errors import SohoaError
    from workers.stages import prepare_index

    (tmp_path / "not-a-folder").write_text("")
    broken = Settings(home=settings.home, workers=1, storage_url="", index_url=index_url, broker_url="",
                      database_url=f"sqlite:///{tmp_path / 'not-a-folder' / 'sohoa.db'}")
    ctx = Context(broken)
    try:
        with pytest.raises(SohoaError) as failed:
            prepare_index(ctx)
    finally:
        ctx.close()
    return failed.value


def test_index_of_an_older_schema_is_rebuilt_from_the_database_in_another_process(embedded_settings, monkeypatch):
    from index.builders import PARALLEL_MIN

    ctx = Context(embedded_settings)
    with ctx.db.session() as s:
        s.add(Batch(id="b1"))
        s.flush()
        s.add(Record(id="r1", batch_id="b1", type="birth", fields={"full_name": "Trần Thị Hoà"}, indexed=True))
        # enough for the child to build its documents in processes of its own (index.builders)
        s.add_all(Record(id=f"r2-{i:05d}", batch_id="b1", type="death", fields={"full_name": f"Lê Văn {i}"},
                         indexed=True) for i in range(PARALLEL_MIN))
    path = embedded_settings.home / "index"
    TantivyIndex(path).close()
    (path / "sohoa-schema").write_text("7")  # as left by an older release
    from workers import stages

    # A long-lived server does not hold the rebuild's analyses and memory: the rebuild is a child's, which
    # imports its own stages (spawned, not forked), so these stand-ins are never called.
    monkeypatch.setattr(stages, "reindex_all", _in_this_process)
    monkeypatch.setattr(stages, "index_records", _in_this_process)
    assert ctx.index.count() == 0  # opened: dropped, nothing refilled behind the caller's back
    stages.prepare_index(ctx)  # the start-up step of serve, worker and the executors
    assert not ctx.index.was_reset
    assert ctx.index.search(SearchQuery("tran thi hoa")).total == 1  # this process sees the child's writes
    with ctx.db.session() as s:
        assert s.get(Record, "r1").indexed
    assert ctx.index.count() == PARALLEL_MIN + 1
    stages.prepare_index(ctx)  # once only
    again = TantivyIndex(path)
    assert not again.was_reset and again.count() == PARALLEL_MIN + 1
    ctx.close()


def test_a_start_up_rebuild_that_fails_stops_the_start_and_is_done_again_next_time(embedded_settings, tmp_path):
    path = embedded_settings.home / "index"
    TantivyIndex(path).close()
    (path / "sohoa-schema").write_text("7")
    failed = _refill_that_fails(embedded_settings, tmp_path, index_url="")  # not a server on an empty index
    assert failed.code == "reindex_failed" and "sohoa reindex" in failed.message
    again = TantivyIndex(path)  # a restart: the index is dropped and refilled again, not taken as complete
    assert again.was_reset
    again.close()


@pytest.mark.distributed
def test_elasticsearch_of_an_older_schema_is_refilled_by_another_process(embedded_settings, es_url, monkeypatch):
    from workers import stages

    settings = embedded_settings.model_copy(update={"index_url": es_url})
    ctx = Context(settings)
    with ctx.db.session() as s:
        s.add(Batch(id="b1"))
        s.flush()
        s.add(Record(id="r1", batch_id="b1", type="birth", fields={"full_name": "Trần Thị Hoà"}, indexed=True))
    _left_by_an_older_release(es_url)
    monkeypatch.setattr(stages, "reindex_all", _in_this_process)
    monkeypatch.setattr(stages, "index_records", _in_this_process)
    assert ctx.index.was_reset
    stages.prepare_index(ctx)
    assert not ctx.index.was_reset
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


@pytest.mark.distributed
def test_an_elasticsearch_refill_that_fails_is_done_again_next_time(embedded_settings, es_url, tmp_path):
    from index.es_index import ElasticIndex

    _left_by_an_older_release(es_url)
    assert _refill_that_fails(embedded_settings, tmp_path, index_url=es_url).code == "reindex_failed"
    again = ElasticIndex.from_url(es_url)  # a restart: the part-filled index is not taken for the archive
    assert again.was_reset
    again.close()


def test_a_record_deleted_or_rewritten_while_it_is_indexed_is_not_left_stale(embedded_settings):
    """A page's index task on one worker and the batch's finalize on another (an entry cut between two pages
    joined: the tail deleted, the head rewritten) interleave: the index ends as the database is."""
    from workers import stages

    ctx = Context(embedded_settings)
    _records(ctx, 2)
    ctx.index.clear()
    real_upsert = ctx.index.upsert
    calls = 0

    def finalize_in_between(docs):
        nonlocal calls
        calls += 1
        if calls == 1:  # the documents are built; the join commits, then takes the tail out of the index
            with ctx.db.session() as s:
                s.delete(s.get(Record, "r001"))
                s.get(Record, "r000").fields = {"full_name": "Nguyễn Văn Bình", "date_of_birth": "1990-01-01"}
            ctx.index.delete(["r001"])
        return real_upsert(docs)

    ctx.index.upsert = finalize_in_between
    stages.index_records(["r000", "r001"], ctx)
    assert ctx.index.count() == 1
    assert [h.record_id for h in ctx.index.search(SearchQuery("nguyen van binh")).hits] == ["r000"]
    assert ctx.index.search(SearchQuery("nguyen van an 0")).total == 0
    ctx.close()
