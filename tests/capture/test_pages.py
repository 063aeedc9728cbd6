"""Page fixes through the API on real books (generated, OCR'd for real): only the page a fix touches is read again,
records and search follow (a marked, deleted or replaced page's records leave the index), the book's PDF follows
the new order, a failed page can be retried and settled, a replacement goes through the checks of `sohoa ingest`,
and every fix is in the audit log."""
from __future__ import annotations

import io
import json
import subprocess

import pikepdf
import pytest
from capture_scans import wait_finished
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from samples import generate_book
from storage.models import Batch, Page
from tests.web.conftest import add_users, csrf_of, login, make_settings
from workers import Context


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    s = make_settings(tmp_path_factory.mktemp("home"))
    add_users(s)
    return s


@pytest.fixture(scope="module")
def clerk(settings):
    with TestClient(create_app(settings)) as client:
        assert login(client, "clerk").status_code == 303
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/account").text)
        yield client


@pytest.fixture(scope="module")
def ctx(settings):
    c = Context(settings)
    yield c
    c.close()


def upload(client: TestClient, paths, **meta) -> str:
    answer = client.post("/api/v1/batches", data=meta, files=[("files", (p.name, p.read_bytes())) for p in paths])
    assert answer.status_code == 201, answer.text
    wait_finished(client, answer.json()["batch_id"])
    return answer.json()["batch_id"]


def pages(client: TestClient, batch_id: str) -> list[dict]:
    return client.get(f"/api/v1/batches/{batch_id}/pages").json()


def attempts(ctx: Context, batch_id: str) -> dict[str, int]:
    with ctx.db.session() as s:
        return {p.id: p.attempts for p in s.query(Page).filter(Page.batch_id == batch_id)}


def found(client: TestClient, name: str, batch_id: str) -> bool:
    hits = client.get("/api/v1/search", params={"q": name}).json()["hits"]
    return any(h["source"]["batch_id"] == batch_id for h in hits)


def book_text(ctx: Context, batch_id: str) -> list[str]:
    """The book PDF's text layer, page by page (poppler's pdftotext, as a reader would copy it)."""
    with ctx.db.session() as s:
        key = s.get(Batch, batch_id).pdf_key
    data = ctx.store.get_bytes(key)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        n = len(pdf.pages)
    out = []
    for i in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-", "-"], input=data,
                              capture_output=True, check=True).stdout.decode()
        out.append(" ".join(text.split()).casefold())
    return out


@pytest.fixture(scope="module")
def book(tmp_path_factory, clerk):
    made = generate_book(tmp_path_factory.mktemp("book"), record_type="birth", pages=2, seed=11,
                         degradation="clean", fmt="pdf")
    truth = [p["fields"] for p in json.loads(made.truth_path.read_text(encoding="utf-8"))["pages"]]
    return upload(clerk, made.paths, type="birth", book="07/2003"), truth


def test_rotate_reads_only_that_page_again_and_the_records_follow(clerk, ctx, book):
    batch_id, truth = book
    first, second = pages(clerk, batch_id)
    assert first["records"] and second["records"]
    before = attempts(ctx, batch_id)
    turned = clerk.post(f"/api/v1/batches/{batch_id}/pages/{first['page_id']}/rotate", json={"degrees": 90})
    assert turned.status_code == 200, turned.text
    wait_finished(clerk, batch_id)
    back = clerk.post(f"/api/v1/batches/{batch_id}/pages/{turned.json()['page_id']}/rotate", json={"degrees": 270})
    assert back.status_code == 200
    wait_finished(clerk, batch_id)
    now = pages(clerk, batch_id)
    assert [p["page_id"] for p in now] == [back.json()["page_id"], second["page_id"]]
    assert now[0]["source"].endswith("-xoay-270.png") and now[0]["status"] == "done" and now[0]["records"]
    after = attempts(ctx, batch_id)
    assert after[second["page_id"]] == before[second["page_id"]]  # the other page was not read again
    assert after[back.json()["page_id"]] == 1 and first["page_id"] not in after
    assert found(clerk, truth[0]["full_name"], batch_id)
    assert len(book_text(ctx, batch_id)) == 2
    with TestClient(clerk.app) as admin:
        login(admin, "admin")
        logged = admin.get("/api/v1/audit", params={"action": "page_rotate"}).json()
    assert {e["target"] for e in logged} >= {first["page_id"], turned.json()["page_id"]}


@pytest.mark.parametrize("role", ["cover", "document"])
def test_marked_pages_leave_search_and_come_back_when_unmarked(clerk, ctx, book, role):
    batch_id, truth = book
    second = pages(clerk, batch_id)[1]
    name = truth[1]["full_name"]
    assert found(clerk, name, batch_id)
    marked = clerk.post(f"/api/v1/batches/{batch_id}/pages/{second['page_id']}/mark", json={"role": role})
    assert marked.status_code == 200
    wait_finished(clerk, batch_id)
    page = pages(clerk, batch_id)[1]
    assert page["role"] == role and page["records"] == 0 and page["status"] == "done"
    assert not found(clerk, name, batch_id)
    assert clerk.post(f"/api/v1/batches/{batch_id}/pages/{second['page_id']}/mark",
                      json={"role": "trang-bia"}).status_code == 422
    clerk.post(f"/api/v1/batches/{batch_id}/pages/{second['page_id']}/mark", json={"role": None})
    wait_finished(clerk, batch_id)
    assert pages(clerk, batch_id)[1]["records"] and found(clerk, name, batch_id)


def test_reorder_and_delete_move_the_book_pdf_without_reading_again(clerk, ctx, book):
    batch_id, truth = book
    first, second = pages(clerk, batch_id)
    before = attempts(ctx, batch_id)
    bad = clerk.put(f"/api/v1/batches/{batch_id}/order", json={"pages": [first["page_id"]]})
    assert bad.status_code == 422
    assert clerk.put(f"/api/v1/batches/{batch_id}/order",
                     json={"pages": [second["page_id"], first["page_id"]]}).status_code == 200
    wait_finished(clerk, batch_id)
    assert [p["page_id"] for p in pages(clerk, batch_id)] == [second["page_id"], first["page_id"]]
    assert attempts(ctx, batch_id) == before
    text = book_text(ctx, batch_id)
    assert truth[1]["full_name"].casefold() in text[0] and truth[0]["full_name"].casefold() in text[1]

    assert clerk.delete(f"/api/v1/batches/{batch_id}/pages/{second['page_id']}").status_code == 200
    wait_finished(clerk, batch_id)
    left = pages(clerk, batch_id)
    assert [(p["page_id"], p["seq"]) for p in left] == [(first["page_id"], 1)]
    assert not found(clerk, truth[1]["full_name"], batch_id) and found(clerk, truth[0]["full_name"], batch_id)
    assert len(book_text(ctx, batch_id)) == 1
    assert clerk.delete(f"/api/v1/batches/{batch_id}/pages/{second['page_id']}").status_code == 404


def test_a_failed_page_is_retried_then_replaced_by_a_new_photo(clerk, ctx, tmp_path):
    blank = tmp_path / "trang-trang.png"
    Image.new("L", (1240, 1754), 255).save(blank)
    batch_id = upload(clerk, [blank], type="birth", book="08/2004")
    failed = clerk.get(f"/api/v1/batches/{batch_id}").json()["failed_pages"]
    assert len(failed) == 1 and failed[0]["reason"]
    page_id = failed[0]["page_id"]
    assert clerk.get(f"/api/v1/pages/{page_id}/thumbnail").headers["content-type"] == "image/jpeg"

    assert clerk.post(f"/api/v1/batches/{batch_id}/pages/{page_id}/retry").json()["queued"] == 1
    wait_finished(clerk, batch_id)
    assert attempts(ctx, batch_id)[page_id] == 2

    corrupt = ("file", ("hong.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"))
    refused = clerk.post(f"/api/v1/batches/{batch_id}/pages/{page_id}/replace", files=[corrupt])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "pdf_corrupt"

    made = generate_book(tmp_path / "new", record_type="birth", pages=1, seed=12, degradation="clean", fmt="png")
    truth = json.loads(made.truth_path.read_text(encoding="utf-8"))["pages"][0]["fields"]
    photo = made.paths[0]
    replaced = clerk.post(f"/api/v1/batches/{batch_id}/pages/{page_id}/replace",
                          files=[("file", ("anh-moi.png", photo.read_bytes()))])
    assert replaced.status_code == 200, replaced.text
    rep = wait_finished(clerk, batch_id)
    assert rep["failed_pages"] == [] and rep["done"] == 1 and rep["records"] >= 1
    assert found(clerk, truth["full_name"], batch_id)
    now = pages(clerk, batch_id)
    assert [(p["page_id"], p["source"]) for p in now] == [(replaced.json()["page_id"], "anh-moi.png")]
