"""One printed register book (2 pages, an entry cut between them), ingested once on the embedded default."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def register_book(tmp_path_factory):
    from domain.settings import Settings
    from samples import generate_book
    from workers import Context, NoProgress, open_executor
    from workers.batches import BatchMeta, pages_to_run, register_batch

    book = generate_book(tmp_path_factory.mktemp("register"), record_type="birth", pages=2, seed=0,
                         degradation="clean", fmt="pdf", layout="register")
    settings = Settings(home=tmp_path_factory.mktemp("home"), workers=2, database_url="", storage_url="",
                        index_url="", broker_url="")
    ctx = Context(settings)
    meta = BatchMeta(record_type="birth", book="01/2022", authority="UBND xã Sơn Tinh", years="2022")
    batch_id = register_batch([book.path], meta, ctx).batch_id
    open_executor(ctx).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
    yield ctx, batch_id
    ctx.close()
