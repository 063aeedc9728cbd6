"""One embedded installation for the web tests: a real 2-page birth register, OCR'd and indexed once per
session, and one account per role. Tests that lock accounts or need an empty system build their own."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from office.accounts import service as auth
from workers import Context, NoProgress, open_executor

PASSWORD = "mat-khau-Thu-9"
ROLES = ("admin", "officer", "clerk", "citizen")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Installation:
    settings: Settings
    batch_id: str
    truth: list[dict]  # the generator's ground truth, one dict of fields per page


def make_settings(home: Path, public_url: str = "http://testserver") -> Settings:
    return Settings(home=home, workers=2, database_url="", storage_url="", index_url="", broker_url="",
                    public_url=public_url)


def add_users(settings: Settings) -> None:
    ctx = Context(settings)
    with ctx.db.session() as s:
        for role in ROLES:
            auth.create_user(s, role, PASSWORD, role, full_name=f"Người dùng {role}",
                             office="UBND phường Thanh Bình" if role == "officer" else None)
    ctx.close()


@pytest.fixture(scope="session")
def installation(tmp_path_factory) -> Installation:
    from samples import generate_book
    from workers.batches import BatchMeta, pages_to_run, register_batch

    book = generate_book(tmp_path_factory.mktemp("book"), record_type="birth", pages=2, seed=21,
                         degradation="clean", fmt="pdf")
    settings = make_settings(tmp_path_factory.mktemp("home"))
    ctx = Context(settings)
    reg = register_batch(book.paths, BatchMeta(record_type="birth", book="01/1998"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    ctx.close()
    add_users(settings)
    truth = [p["fields"] for p in json.loads(book.truth_path.read_text(encoding="utf-8"))["pages"]]
    return Installation(settings, reg.batch_id, truth)


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text),
                                       "next": "/"}, follow_redirects=False)


@pytest.fixture(scope="session")
def app(installation):
    return create_app(installation.settings)


@pytest.fixture
def client_for(app):
    """client_for("officer") → a TestClient signed in with that role (a fresh cookie jar each call)."""
    clients = []

    def make(role: str | None = None) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        if role:
            assert login(client, role).status_code == 303
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def fresh(tmp_path):
    """An empty installation (no records) with one account per role, for auth tests that change state."""
    settings = make_settings(tmp_path / "home")
    add_users(settings)
    return settings
