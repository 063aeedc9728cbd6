"""One OCR'd printed birth register page (the station is the same for handwritten ones), and clerks as actors."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from office.accounts.roles import Principal, Role
from office.audit.service import Actor
from workers import Context, NoProgress, open_executor


@dataclass
class Book:
    ctx: Context
    batch_id: str
    page_id: str
    truth: list[dict]  # ground truth of the entries on page 1


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Book:
    from samples import generate_book
    from tests.web.conftest import make_settings
    from workers.batches import BatchMeta, pages_to_run, register_batch

    sample = generate_book(tmp_path_factory.mktemp("register"), record_type="birth", pages=1, seed=5,
                           degradation="clean", fmt="pdf", layout="register")
    ctx = Context(make_settings(tmp_path_factory.mktemp("home")))
    reg = register_batch(sample.paths, BatchMeta(record_type="birth", book="02/2022"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    from sqlalchemy import select

    from storage.models import Page
    with ctx.db.session() as s:
        page_id = s.scalar(select(Page.id).where(Page.batch_id == reg.batch_id, Page.seq == 1))
    truth = [r["fields"] for r in json.loads(sample.truth_path.read_text(encoding="utf-8"))["pages"][0]["records"]]
    yield Book(ctx, reg.batch_id, page_id, truth)
    ctx.close()


def clerk(name: str, role: Role = Role.CLERK) -> Actor:
    return Actor(Principal(abs(hash(name)) % 10_000, name, role, full_name=name), "127.0.0.1")
