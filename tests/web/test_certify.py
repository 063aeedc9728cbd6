"""Certified copies: a PDF with a QR link; the public verify page proves authenticity without personal data;
tokens cannot be guessed; a record changed after issue no longer verifies."""
from __future__ import annotations

import io
import math
import re
import string
import subprocess

import pikepdf
import pytest

from domain.text import fold
from office.dossiers.certify import new_token
from storage.models import Record
from workers import Context

from .conftest import csrf_of

PERSONAL = ("full_name", "personal_id", "date_of_birth", "mother_name", "father_name", "declarant_name",
            "place_of_birth", "hometown", "mother_residence", "father_residence")


@pytest.fixture
def issued(client_for, installation):
    officer = client_for("officer")
    csrf = {"X-CSRF-Token": csrf_of(officer.get("/account").text)}
    truth = installation.truth[0]
    hit = officer.get("/api/v1/search", params={"q": truth["personal_id"]}).json()["hits"][0]
    dossier = officer.post("/api/v1/dossiers", json={"procedure": "Cấp bản sao trích lục khai sinh",
                                                     "applicant_name": "Đỗ Văn G"}, headers=csrf).json()["dossier_id"]
    body = {"record_id": hit["record_id"], "reason": "cấp bản sao"}
    item = officer.post(f"/api/v1/dossiers/{dossier}/items", json=body, headers=csrf).json()["item_id"]
    copy = officer.post(f"/api/v1/dossiers/{dossier}/items/{item}/copies", headers=csrf).json()
    return officer, hit, copy, dossier


def test_the_copy_is_a_pdf_with_fields_hash_and_a_qr_link_to_verify(issued):
    officer, hit, copy, dossier = issued
    assert re.fullmatch(r"http://testserver/verify/[A-Za-z0-9_-]{32}", copy["verify_url"])
    response = officer.get(copy["download_url"])
    assert response.headers["content-type"] == "application/pdf"
    pdf = pikepdf.Pdf.open(io.BytesIO(response.content))
    assert len(pdf.pages) >= 2  # the certificate page, then the scan
    uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a]
    assert copy["verify_url"] in uris
    shown = officer.get(f"/api/v1/dossiers/{dossier}").json()["items"][0]
    assert shown["record_id"] == hit["record_id"] and shown["reason"] == "cấp bản sao"
    assert shown["source"]["sha256"] and shown["source"]["book"] == "01/1998"
    assert shown["copies"][0]["content_sha256"] == copy["content_sha256"]


def test_the_copys_scan_is_searchable_under_the_words_read_from_it(issued, installation):
    officer, hit, copy, _ = issued
    pdf = officer.get(copy["download_url"]).content
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as doc:  # (get_images: a form's images too, where the scan is drawn)
        drawn = [[x.read_raw_bytes() for x in p.get_images().values()] for p in doc.pages[1:]]
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        scans = [ctx.store.get_bytes(rp.page.image_key) for rp in s.get(Record, hit["record_id"]).pages]
    ctx.close()
    assert drawn == [[scan] for scan in scans]  # each scan on its page, once, its bytes as stored
    text = subprocess.run(["pdftotext", "-f", "2", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    # the record's name as read on its scan: found in the copy's scan pages, which held no text before
    assert fold(hit["fields"]["full_name"]) in fold(" ".join(text.decode().split()))


def test_the_public_verify_page_proves_authenticity_and_leaks_no_personal_data(issued, client_for):
    _officer, hit, copy, _ = issued
    anon = client_for()
    path = copy["verify_url"].removeprefix("http://testserver")
    page = anon.get(path)
    data = anon.get("/api/v1" + path).json()
    assert page.status_code == 200 and "Bản sao hợp lệ" in page.text and copy["content_sha256"] in page.text
    assert data["verified"] and data["hash_match"] and data["record_type"] == "birth"
    assert data["number"] == hit["fields"].get("registration_number")
    fields = hit["fields"]
    authority = fold(str(fields.get("registration_authority", "")))
    for name in PERSONAL:
        value = fields.get(name)
        # A birth at home names the same commune as the registering authority, which must be shown.
        if value and fold(str(value)) not in authority:
            for text in (page.text, str(data)):
                assert str(value) not in text, name
                assert fold(str(value)) not in fold(text), name
    assert not any(k in data for k in PERSONAL)


def test_a_record_changed_after_issue_no_longer_verifies(issued, client_for, installation):
    _officer, hit, copy, _ = issued
    path = copy["verify_url"].removeprefix("http://testserver")
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        record = s.get(Record, hit["record_id"])
        saved = dict(record.fields)
        record.fields = {**saved, "full_name": "Người Khác"}
    try:
        data = client_for().get("/api/v1" + path).json()
        assert not data["hash_match"] and not data["verified"]
        assert "không còn khớp" in client_for().get(path).text
    finally:
        with ctx.db.session() as s:
            s.get(Record, hit["record_id"]).fields = saved
        ctx.close()
    assert client_for().get("/api/v1" + path).json()["verified"]


def test_verify_tokens_are_unguessable():
    tokens = [new_token() for _ in range(2000)]
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert all(len(t) == 32 and set(t) <= alphabet for t in tokens)
    assert len(set(tokens)) == len(tokens)
    assert math.log2(64) * 32 >= 192  # 32 URL-safe characters from 24 random bytes
    # No structure to exploit: every position takes many different characters across tokens.
    assert all(len({t[i] for t in tokens}) > 40 for i in range(31))


def test_an_unknown_or_truncated_token_reveals_nothing(issued, client_for):
    _o, _h, copy, _ = issued
    token = copy["verify_url"].rsplit("/", 1)[1]
    anon = client_for()
    for bad in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "1", copy["content_sha256"]):
        response = anon.get(f"/verify/{bad}")
        assert response.status_code == 404 and "Không tìm thấy bản sao" in response.text
        assert anon.get(f"/api/v1/verify/{bad}").status_code == 404


def test_a_revoked_copy_says_so_on_its_verify_page_with_the_reason(issued, client_for):
    officer, _hit, copy, dossier = issued
    path = copy["verify_url"].removeprefix("http://testserver")
    assert client_for().get("/api/v1" + path).json()["verified"]
    csrf = {"X-CSRF-Token": csrf_of(officer.get("/account").text)}
    assert officer.post(f"/api/v1/copies/{copy['copy_id']}/revoke", json={"reason": ""},
                        headers=csrf).status_code == 422  # a reason is required
    clerk = client_for("clerk")
    assert clerk.post(f"/api/v1/copies/{copy['copy_id']}/revoke", json={"reason": "x"},
                      headers={"X-CSRF-Token": csrf_of(clerk.get("/account").text)}
                      ).status_code == 403  # clerks do not certify, so do not revoke
    revoked = officer.post(f"/api/v1/copies/{copy['copy_id']}/revoke", json={"reason": "Cấp nhầm hồ sơ"},
                           headers=csrf)
    assert revoked.status_code == 200 and revoked.json()["reason"] == "Cấp nhầm hồ sơ"
    data = client_for().get("/api/v1" + path).json()
    assert data["hash_match"] and data["revoked"] and not data["verified"]
    page = client_for().get(path).text
    assert "đã bị thu hồi" in page and "Cấp nhầm hồ sơ" in page
    shown = officer.get(f"/api/v1/dossiers/{dossier}").json()["items"][0]["copies"][0]
    assert shown["revoked"] and shown["revoke_reason"] == "Cấp nhầm hồ sơ"
