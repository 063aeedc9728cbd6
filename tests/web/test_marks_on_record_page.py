"""The record page lists the seal, stamps, signatures and handwriting OCR set aside on the record's page
(ocr.marks, kept in the page's words JSON by the pipeline)."""
from __future__ import annotations


def test_record_page_lists_the_seal_set_aside(client_for, installation):
    officer = client_for("officer")
    hit = officer.get("/api/v1/search", params={"q": installation.truth[0]["personal_id"]}).json()["hits"][0]
    page = officer.get(f"/records/{hit['record_id']}?purpose=verification").text
    assert "Dấu, chữ ký, chữ viết tay trên trang" in page
    assert 'class="mark-seal"' in page and "Con dấu" in page  # the generated extract's red seal
