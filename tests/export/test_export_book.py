"""Export of an ingested register book per the guidance: a spreadsheet with one row per entry under Vietnamese
headings, a zip with one colour PDF per entry within the size limit; CSV and JSON Lines with the same rows."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile

import pikepdf
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from domain.labels import FIELD_LABELS_VI
from domain.records import field_names
from office.audit.service import Actor
from office.export.pdfs import PAGE_LIMIT
from office.export.service import BadExportFormat, export_batch
from storage.audit_models import AuditEntry
from storage.models import Record

ACTOR = Actor(None, None, username="cli:test")


def _export(ctx, batch_id, fmt, out):
    with ctx.db.session() as s:
        return export_batch(batch_id, fmt, out, s=s, store=ctx.store, actor=ACTOR, dpi=ctx.settings.dpi)


def _entries(ctx, batch_id) -> list[Record]:
    with ctx.db.session() as s:
        records = s.scalars(select(Record).where(Record.batch_id == batch_id)).all()
        for r in records:
            r.page_seqs = [rp.page.seq for rp in r.pages]
        s.expunge_all()
    return [r for r in records if r.fragment != "tail"]


@pytest.fixture(scope="module")
def moj(register_book, tmp_path_factory):
    ctx, batch_id = register_book
    return _export(ctx, batch_id, "moj", tmp_path_factory.mktemp("moj"))


def test_spreadsheet_has_a_row_per_entry_under_vietnamese_headings(register_book, moj):
    ctx, batch_id = register_book
    xlsx = next(p for p in moj.files if p.suffix == ".xlsx")
    assert xlsx.name == "so-01-2022.xlsx"
    ws = load_workbook(xlsx, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    entries = _entries(ctx, batch_id)
    assert len(body) == len(entries) == moj.entries >= 15
    for name in field_names("birth"):
        assert FIELD_LABELS_VI[name] in header
    assert {"Quyển sổ", "Năm của sổ", "Cơ quan đăng ký của sổ", "Tệp PDF"} <= set(header)
    col = {h: i for i, h in enumerate(header)}
    by_number = {r.fields.get("registration_number"): r for r in entries}
    for row in body:
        entry = by_number[row[col["Số"]]]
        assert row[col["Họ, chữ đệm, tên"]] == entry.fields.get("full_name")
        iso = entry.fields.get("date_of_birth")
        assert (row[col["Ngày, tháng, năm sinh"]] or None) == (f"{iso[8:]}/{iso[5:7]}/{iso[:4]}" if iso else None)
        assert (row[col["Giới tính"]] or None) in ("Nam", "Nữ", None)
        assert (row[col["Quyển sổ"]], row[col["Năm của sổ"]]) == ("01/2022", "2022")
        assert row[col["Cơ quan đăng ký của sổ"]] == "UBND xã Sơn Tinh"
    info = dict(load_workbook(xlsx, read_only=True)["Thông tin sổ"].iter_rows(values_only=True))
    assert info["Quyển số"] == "01/2022" and info["Số mục"] == str(len(entries))


def test_zip_has_one_colour_pdf_per_entry_within_the_page_limit(register_book, moj):
    ctx, batch_id = register_book
    entries = _entries(ctx, batch_id)
    archive = next(p for p in moj.files if p.suffix == ".zip")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert len(names) == len(entries) == moj.pdfs
        for r in entries:
            assert f"so-01-2022_{int(r.fields['registration_number']):04d}.pdf" in names
        spanning = [r for r in entries if len(r.page_seqs) == 2]
        assert spanning, "seed 0 cuts an entry at the end of page 1"
        for name in names:
            data = zf.read(name)
            pdf = pikepdf.Pdf.open(io.BytesIO(data))
            assert len(data) / len(pdf.pages) <= PAGE_LIMIT
            image = next(iter(pdf.pages[0].get_images().values()))
            assert image.ColorSpace == pikepdf.Name.DeviceRGB
            Image.open(io.BytesIO(image.read_raw_bytes())).verify()  # a real JPEG
        cut = spanning[0]
        two = pikepdf.Pdf.open(io.BytesIO(zf.read(f"so-01-2022_{int(cut.fields['registration_number']):04d}.pdf")))
        assert len(two.pages) == 2
        # Under the limit with the page's text in it: an entry's PDF is searchable, its name's words found in it.
        found = 0
        for r in entries:
            data = zf.read(f"so-01-2022_{int(r.fields['registration_number']):04d}.pdf")
            words = set(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                                       check=True).stdout.decode().casefold().split())
            found += set(r.fields["full_name"].casefold().split()) <= words
        assert found >= len(entries) * 0.9, (found, len(entries))
    assert moj.largest_pdf_page_bytes <= PAGE_LIMIT


def test_csv_and_jsonl_hold_the_same_rows(register_book, moj, tmp_path):
    ctx, batch_id = register_book
    entries = _entries(ctx, batch_id)
    rows = list(csv.DictReader(_export(ctx, batch_id, "csv", tmp_path).files[0].open(encoding="utf-8-sig")))
    assert len(rows) == len(entries)
    assert {r["Số"] for r in rows} == {e.fields["registration_number"] for e in entries}
    lines = _export(ctx, batch_id, "jsonl", tmp_path).files[0].read_text(encoding="utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    assert {o["record_id"] for o in objects} == {e.id for e in entries}
    for o in objects:
        entry = next(e for e in entries if e.id == o["record_id"])
        assert o["fields"] == {k: v for k, v in entry.fields.items() if v not in (None, "")}


def test_the_whole_book_as_one_searchable_pdf_of_its_scans(register_book, tmp_path):
    """``pdf``: a page per page read, each the stored scan itself (colour, not the washed grey image read) under
    the text read, which a reader's search and copy find."""
    from storage.models import Page, PageStatus

    ctx, batch_id = register_book
    done = _export(ctx, batch_id, "pdf", tmp_path)
    [path] = done.files
    assert path.name == "so-01-2022.pdf"
    with ctx.db.session() as s:
        scans = [ctx.store.get_bytes(p.image_key) for p in s.scalars(
            select(Page).where(Page.batch_id == batch_id, Page.status == PageStatus.DONE).order_by(Page.seq))]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == len(scans) == 2
        for page, scan in zip(pdf.pages, scans, strict=True):
            [image] = page.get_images().values()
            assert image.read_raw_bytes() == scan
    words = set(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout.casefold().split())
    names = [e.fields["full_name"].casefold().split() for e in _entries(ctx, batch_id) if e.fields.get("full_name")]
    # The layer is our read of the page, from which the entries' names were taken (words, not runs: a name wrapped
    # in its cell is two runs of the layer; and a few cells are read again on their own, their values not the page's)
    missing = [n for n in names if not set(n) <= words]
    assert names and len(missing) <= len(names) // 10, missing
    with ctx.db.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "export_book", AuditEntry.target == batch_id)
                         .order_by(AuditEntry.id.desc())).first().detail["format"] == "pdf"


def test_export_is_audited_and_bad_requests_are_refused(register_book, moj, tmp_path):
    from domain.errors import NotFound

    ctx, batch_id = register_book
    with ctx.db.session() as s:
        actions = s.scalars(select(AuditEntry).where(AuditEntry.action == "export_book",
                                                     AuditEntry.target == batch_id)).all()
        assert any(a.detail["format"] == "moj" and a.username == "cli:test" for a in actions)
    with pytest.raises(BadExportFormat, match="Định dạng xuất"):
        _export(ctx, batch_id, "xlsx", tmp_path)
    with pytest.raises(NotFound, match="Không có lô"):
        _export(ctx, "khongco", "moj", tmp_path)
    # A book whose reading has not ended has no PDF yet: said so (409), not a server error.
    from domain.errors import Conflict
    from samples import generate_book
    from workers.batches import BatchMeta, register_batch

    unread = generate_book(tmp_path / "unread", record_type="birth", pages=1, seed=5, degradation="clean", fmt="pdf")
    waiting = register_batch(unread.paths, BatchMeta(record_type="birth", book="09/2009"), ctx).batch_id
    with pytest.raises(Conflict, match="chưa có PDF") as refused:
        _export(ctx, waiting, "pdf", tmp_path)
    assert refused.value.http_status == 409


def test_the_book_page_exports_the_same_files_as_the_cli(tmp_path):
    """The button on the batch page: clerks download the Ministry's files; officers may not."""
    import io
    import zipfile

    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from api.app import create_app
    from office.accounts import service as auth
    from samples import generate_book
    from storage.account_models import User
    from tests.web.conftest import add_users, make_settings
    from workers import Context, NoProgress, open_executor
    from workers.batches import BatchMeta, pages_to_run, register_batch

    settings = make_settings(tmp_path / "home")
    book = generate_book(tmp_path / "book", record_type="birth", pages=1, seed=3, degradation="clean", fmt="pdf")
    ctx = Context(settings)
    reg = register_batch(book.paths, BatchMeta(record_type="birth", book="02/2001"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    ctx.close()
    add_users(settings)
    ctx = Context(settings)
    with ctx.db.session() as s:
        tokens = {u.username: auth.create_token(s, u.id, "x")[1] for u in s.scalars(select(User))}
    ctx.close()
    client = TestClient(create_app(settings))
    got = client.get(f"/api/v1/batches/{reg.batch_id}/export", headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert got.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(got.content)).namelist()
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".zip") for n in names)
    csv = client.get(f"/api/v1/batches/{reg.batch_id}/export", params={"format": "csv"},
                     headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert csv.status_code == 200 and "Quyển" in csv.content.decode("utf-8-sig")[:500]
    book_pdf = client.get(f"/api/v1/batches/{reg.batch_id}/export", params={"format": "pdf"},
                          headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert book_pdf.status_code == 200 and book_pdf.headers["content-type"] == "application/pdf"
    assert book_pdf.content.startswith(b"%PDF") and "so-02-2001.pdf" in book_pdf.headers["content-disposition"]
    page = client.get(f"/batches/{reg.batch_id}", headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert f"/batches/{reg.batch_id}/export?format=pdf" in page.text
    refused = client.get(f"/api/v1/batches/{reg.batch_id}/export",
                         headers={"Authorization": f"Bearer {tokens['officer']}"})
    assert refused.status_code == 403
