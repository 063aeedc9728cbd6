"""Scan to search on the embedded default, through the `sohoa` command as a clerk and an officer use it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.text import fold

pytestmark = pytest.mark.slow


def sohoa(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": "2"}
    for var in ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL"):
        env.pop(var, None)
    proc = subprocess.run([sys.executable, "-m", "api", *args], env=env, capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"sohoa {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from samples import generate_book

    return generate_book(tmp_path_factory.mktemp("book"), record_type="birth", pages=3, seed=7,
                         degradation="moderate", fmt="pdf")


@pytest.fixture(scope="module")
def ingested(book, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    bad = tmp_path_factory.mktemp("bad")
    (bad / "hong.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")  # corrupt
    (bad / "ghi-chu.txt").write_text("không phải ảnh quét")
    proc = sohoa(home, "ingest", str(book.path), str(bad), "--book", "01/2026", "--json", check=False)
    return home, proc


def test_ingest_reports_pages_records_and_each_bad_file(ingested, book):
    home, proc = ingested
    assert proc.returncode != 0, "a batch with failures must exit non-zero"
    report = json.loads(proc.stdout)
    assert set(report) >= {"batch_id", "pages", "records", "failed"}
    assert report["pages"] == 3 and report["records"] == 3
    failed = {Path(f["source"]).name: f for f in report["failed"]}
    assert set(failed) == {"hong.pdf", "ghi-chu.txt"}
    assert all(f["reason"] and f["page"] is None for f in failed.values())


def test_each_page_image_is_the_scanners_own_jpeg(ingested, book):
    # Kept byte for byte (ingest.page_jpeg), not decoded and encoded again: the embedded store names objects by
    # their SHA-256.
    import hashlib

    import pikepdf

    home, _ = ingested
    with pikepdf.open(book.path) as pdf:
        images = [next(iter(pg.get_images().values())) for pg in pdf.pages]
        scanned = {hashlib.sha256(image.read_raw_bytes()).hexdigest() for image in images}
    assert {path.stem for path in (home / "objects" / "page").rglob("*.jpg")} == scanned


def test_name_typed_without_diacritics_finds_the_record(ingested, book):
    home, _ = ingested
    truth = json.loads(book.truth_path.read_text(encoding="utf-8"))
    for page in truth["pages"]:
        name = page["fields"]["full_name"]
        result = json.loads(sohoa(home, "search", fold(name), "--json").stdout)
        assert result["total"] >= 1
        top = result["hits"][0]
        assert set(top) >= {"record_id", "type", "score", "fields", "source"}
        assert fold(top["fields"]["full_name"]) == fold(name), (name, result["hits"][:3])
        assert top["source"]["file"].endswith(book.path.name) and top["source"]["pages"] == [page["page"]]


def test_show_gives_fields_confidence_text_and_provenance(ingested, book):
    home, _ = ingested
    truth = json.loads(book.truth_path.read_text(encoding="utf-8"))["pages"][0]["fields"]
    hit = json.loads(sohoa(home, "search", truth["personal_id"], "--json").stdout)["hits"][0]
    shown = json.loads(sohoa(home, "show", hit["record_id"], "--json").stdout)
    assert set(shown) >= {"record_id", "type", "fields", "confidence", "text", "pages", "source"}
    assert shown["type"] == "birth"
    assert shown["fields"]["personal_id"] == truth["personal_id"]
    assert shown["fields"]["date_of_birth"] == truth["date_of_birth"]
    assert all(0 <= c <= 1 for c in shown["confidence"].values())
    assert len(shown["source"]["sha256"]) == 64
    # Reads at the office's own machine are audited like reads at the desk (the citizen's access log shows them).
    from sqlalchemy import select

    from domain.settings import Settings
    from storage.audit_models import AuditEntry
    from workers import Context

    ctx = Context(Settings(home=home))
    with ctx.db.session() as s:
        entries = [(e.action, e.target, e.via, e.role) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        searched = [e.detail["shown"] for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "search"))]
    ctx.close()
    assert ("view_record", hit["record_id"], "cli", "operator") in entries
    assert any(hit["record_id"] in shown_ids for shown_ids in searched)


def test_ingesting_the_same_book_again_adds_nothing(ingested, book):
    home, first = ingested
    before = sorted(p.relative_to(home) for p in (home / "objects").rglob("*") if p.is_file())
    # Same scans, same batch: its report (with the earlier batch's rejected files) comes back unchanged.
    again = json.loads(sohoa(home, "ingest", str(book.path), "--json", check=False).stdout)
    assert again["batch_id"] == json.loads(first.stdout)["batch_id"]
    assert again["pages"] == 3 and again["records"] == 3
    after = sorted(p.relative_to(home) for p in (home / "objects").rglob("*") if p.is_file())
    assert before == after
    batches = json.loads(sohoa(home, "batches", "--json").stdout)
    assert sum(b["pages"] for b in batches) == 3


def test_http_api_serves_search_records_images_and_openapi(ingested):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from domain.settings import Settings
    from office.accounts import service as auth
    from workers import Context

    home, proc = ingested
    settings = Settings(home=home)
    assert TestClient(create_app(settings)).get("/api/v1/search").status_code == 401  # reads need an account
    ctx = Context(settings)
    with ctx.db.session() as s:
        officer = auth.create_user(s, "can-bo", "mat-khau-thu", "officer")
        _row, token = auth.create_token(s, officer.id, "walking skeleton")
    ctx.close()
    client = TestClient(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/search", "/api/v1/records/{record_id}", "/api/v1/batches",
            "/api/v1/pages/{page_id}/image"} <= set(spec["paths"])
    batch_id = json.loads(proc.stdout)["batch_id"]
    assert client.get(f"/api/v1/batches/{batch_id}").json()["pages"] == 3
    hits = client.get("/api/v1/search", params={"q": "", "type": "birth"}).json()["hits"]
    assert len(hits) == 3
    record = client.get(f"/api/v1/records/{hits[0]['record_id']}?purpose=verification").json()
    image = client.get(f"/api/v1/pages/{record['pages'][0]['page_id']}/image")
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    assert client.get("/api/v1/records/khong-co?purpose=verification").status_code == 404
    page = client.get("/", params={"q": fold(record["fields"]["full_name"])})
    assert page.status_code == 200 and record["fields"]["full_name"] in page.text
