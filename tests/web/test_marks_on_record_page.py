"""The record page and the book's page view list the seal, stamps, signatures and handwriting OCR set aside on a
page (ocr.marks, kept in the page's words JSON by the pipeline) and draw them on its scan; the page view also shows
the text read, which is all there is to read on a page that yields no record (a decision filed with a book)."""
from __future__ import annotations

import re

import pytest

from office.records.marks import on_scan
from storage.audit_models import AuditEntry
from tests.web.conftest import add_users, login
from workers import Context, NoProgress, open_executor


def _drawn(page: str, kind: str) -> tuple[float, ...]:
    """The box of the first mark of ``kind`` drawn on the scan, in percentages of the page, checked inside it."""
    rect = re.search(rf'<rect class="mark-{kind}" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', page)
    assert rect, f"no {kind} drawn on the scan"
    x, y, w, h = map(float, rect.groups())
    assert 0 <= x and x + w <= 100.5 and 0 <= y and y + h <= 100.5 and w > 0 and h > 0
    return x, y, w, h


def test_record_page_lists_the_seal_set_aside(client_for, installation):
    officer = client_for("officer")
    hit = officer.get("/api/v1/search", params={"q": installation.truth[0]["personal_id"]}).json()["hits"][0]
    page = officer.get(f"/records/{hit['record_id']}?purpose=verification").text
    assert "Dấu, chữ ký, chữ viết tay trên trang" in page
    assert 'class="mark-seal"' in page and "Con dấu" in page  # the generated extract's red seal
    _, _, w, h = _drawn(page, "seal")
    assert w > 3 and h > 2


def test_the_book_page_view_draws_the_marks_and_shows_the_text_read(client_for, installation):
    officer = client_for("officer")
    hit = officer.get("/api/v1/search", params={"q": installation.truth[0]["personal_id"]}).json()["hits"][0]
    rid = hit["record_id"]
    seq = officer.get(f"/api/v1/records/{rid}?purpose=verification").json()["pages"][0]["seq"]
    page = officer.get(f"/books/{installation.batch_id}/pages/{seq}").text
    assert "Con dấu" in page and _drawn(page, "seal")
    text = re.search(r'<pre class="page-text">(.*?)</pre>', page, re.S)
    assert text and installation.truth[0]["personal_id"] in text.group(1)
    assert "<details id=\"van-ban\">" in page  # folded away where the page's records say it all


def test_a_document_filed_in_a_book_shows_its_text_and_the_pen_s_number_set_aside(tmp_path):
    """An official letter ingested alone yields no record; its page view is where a clerk reads it and sees the
    values a pen wrote into its blanks, boxed on the scan for keying (they are not in the text)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from samples import official_pages
    from tests.web.conftest import make_settings
    from workers.batches import BatchMeta, pages_to_run, register_batch

    sheet = next(official_pages(1, seed=5, degradation="moderate"))
    path = tmp_path / "cong-van.png"
    sheet.image.save(path, dpi=(200, 200))
    settings = make_settings(tmp_path / "home")
    ctx = Context(settings)
    batch_id = register_batch([path], BatchMeta(book="CV/2026"), ctx).batch_id
    open_executor(ctx).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
    add_users(settings)
    with TestClient(create_app(settings)) as officer:
        assert login(officer, "officer").status_code == 303
        page = officer.get(f"/books/{batch_id}/pages/1").text
    assert "Không có hồ sơ nào được trích xuất" in page and '<details id="van-ban" open>' in page
    text = re.search(r'<pre class="page-text">(.*?)</pre>', page, re.S).group(1)
    assert "ỦY BAN NHÂN DÂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    hand = [r for r in sheet.truth()["regions"] if r["kind"] == "handwriting" and r["field"] == "number"]
    number_line = next(line for line in text.splitlines() if line.startswith("Số:"))
    assert hand and hand[0]["text"] not in number_line  # the pen's number is not read into the text
    assert _drawn(page, "seal") and _drawn(page, "handwriting") and "Chữ viết tay" in page
    with ctx.db.session() as s:  # reading the page is audited, as any read of a record
        assert s.query(AuditEntry).filter_by(action="view_page", username="officer").count() == 1
    ctx.close()


@pytest.mark.parametrize(("rotation", "expected"), [
    (0, (0.1, 0.2, 0.3, 0.5)),
    (180, (0.7, 0.5, 0.9, 0.8)),
    (90, (0.2, 0.7, 0.5, 0.9)),  # read turned clockwise: the scan's left edge was the read image's top
    (270, (0.5, 0.1, 0.8, 0.3)),
])
def test_a_mark_on_a_page_read_turned_is_placed_on_the_scan_as_stored(rotation, expected):
    got = on_scan(0.1, 0.2, 0.3, 0.5, rotation)
    assert got == pytest.approx(expected)
