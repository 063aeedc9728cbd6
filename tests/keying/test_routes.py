"""The station over HTTP: who may key, arbitrate and set a book's mode; a double keying and its arbitration
through /api/v1 with session cookies and CSRF, the station page and its JSON, completions and checks."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from office.accounts import service as auth
from tests.web.conftest import PASSWORD, csrf_of, login

CLERKS = ("khanh", "linh", "minh")


@pytest.fixture(scope="module")
def app(book):
    with book.ctx.db.session() as s:
        for name in CLERKS:
            auth.create_user(s, name, PASSWORD, "clerk", full_name=name.title())
        auth.create_user(s, "canbo", PASSWORD, "officer")
    book.ctx.close()  # Tantivy has one writer per index: the app's context takes it over for these tests
    app = create_app(book.ctx.settings)
    yield app
    app.state.sohoa.ctx.close()


def _client(app, who: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    assert login(client, who).status_code == 303
    return client, csrf_of(client.get("/account").text)


def _data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="keying-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_only_clerks_and_admins_key_and_arbitrate(app, book):
    officer, _ = _client(app, "canbo")
    assert officer.get("/keying").status_code == 403
    assert officer.get(f"/api/v1/keying/books/{book.batch_id}/pages/1").status_code == 403
    assert officer.get("/api/v1/keying/figures").status_code == 403
    clerk, _ = _client(app, "khanh")
    assert clerk.get("/keying").status_code == 200
    assert clerk.put(f"/api/v1/keying/books/{book.batch_id}", json={"mode": "double"}).status_code == 403  # no CSRF


def test_double_keying_over_http(app, book):
    (a, ta), (b, tb), (c, tc) = (_client(app, n) for n in CLERKS)
    page = a.get(f"/keying/{book.batch_id}/pages/1")
    assert page.status_code == 200 and "Nhập liệu" in page.text and "/static/keying.js" in page.text
    data = _data(page.text)
    assert data["csrf"] and data["entries"]
    entry = data["entries"][-1]["id"]
    values = {"full_name": "PHẠM VĂN KHOA", "date_of_birth": "12/05/2021", "gender": "Nam",
              "mother_name": "LÊ THỊ HOA", "registration_number": "901"}
    r = a.put(f"/api/v1/keying/entries/{entry}/values", json={"fields": values, "seconds": 30},
              headers={"X-CSRF-Token": ta})
    assert r.status_code == 200 and r.json()["status"] == "open", r.text
    bad = b.put(f"/api/v1/keying/entries/{entry}/values", json={"fields": {"gender": "x"}},
                headers={"X-CSRF-Token": tb})
    assert bad.status_code == 422 and "Giới tính" in bad.json()["error"]["message"]
    r = b.put(f"/api/v1/keying/entries/{entry}/values", json={"fields": values | {"mother_name": "LÊ THỊ HÒA"}},
              headers={"X-CSRF-Token": tb})
    assert r.json()["status"] == "arbitration"
    assert a.get(f"/api/v1/keying/entries/{entry}/arbitration").status_code == 403  # a keyer
    queue = c.get("/api/v1/keying/arbitration").json()
    assert entry in [q["id"] for q in queue]
    html = c.get(f"/keying/entries/{entry}/arbitrate").text
    assert "LÊ THỊ HOA" in html and "LÊ THỊ HÒA" in html
    r = c.post(f"/keying/entries/{entry}/arbitrate", data={"csrf_token": tc, "v.mother_name": "__other__",
                                                            "o.mother_name": "LÊ THỊ HỎA"}, follow_redirects=False)
    assert r.status_code == 303
    found = c.get("/api/v1/search", params={"q": "Phạm Văn Khoa"}).json()
    hit = next(h for h in found["hits"] if h["fields"].get("full_name") == "PHẠM VĂN KHOA")
    assert hit["fields"]["mother_name"] == "LÊ THỊ HỎA" and hit["fields"]["date_of_birth"] == "2021-05-12"
    figures = c.get("/keying/figures")
    assert figures.status_code == 200 and "khanh" in figures.text


def test_completions_and_checks(app, book):
    a, ta = _client(app, "khanh")
    got = a.get("/api/v1/keying/complete", params={"batch": book.batch_id, "field": "full_name", "text": "NG"}).json()
    assert "NGUYỄN" in got["completions"]
    got = a.get("/api/v1/keying/complete", params={"batch": book.batch_id, "field": "mother_name", "text": "lê thị h"})
    assert "lê thị hoa".upper() in [x.upper() for x in got.json()["completions"]]  # keyed earlier in this book
    checked = a.post("/api/v1/keying/check", json={"fields": {"date_of_birth": "30/02/2020", "personal_id": "0512"}},
                     headers={"X-CSRF-Token": ta}).json()
    assert "date_of_birth" in checked["errors"] and "personal_id" in checked["warnings"]
