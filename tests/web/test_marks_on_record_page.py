"""The record page and the book's page view list the seal, stamps, signatures and handwriting OCR set aside on a
page (ocr.marks, kept in the page's words JSON by the pipeline) and draw them on its scan; the page view also shows
the text read, which is all there is to read on a page that yields no record (a decision filed with a book)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from office.records.marks import on_scan
from storage.audit_models import AuditEntry
from tests.web.conftest import add_users, csrf_of, login
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


@dataclass
class Letter:
    """An official letter ingested alone, read once for the module: a page that yields no record."""
    settings: object
    batch_id: str
    truth: dict


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Letter:
    from samples import official_pages
    from tests.web.conftest import make_settings
    from workers.batches import BatchMeta, pages_to_run, register_batch

    tmp = tmp_path_factory.mktemp("cong-van")
    sheet = next(official_pages(1, seed=5, degradation="moderate"))
    path = tmp / "cong-van.png"
    sheet.image.save(path, dpi=(200, 200))
    settings = make_settings(tmp / "home")
    ctx = Context(settings)
    batch_id = register_batch([path], BatchMeta(book="CV/2026"), ctx).batch_id
    open_executor(ctx).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
    ctx.close()
    add_users(settings)
    return Letter(settings, batch_id, sheet.truth())


@pytest.fixture
def signed_in(letter):
    """signed_in("clerk") → a TestClient of the letter's installation, signed in with that role."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    clients = []

    def make(role: str) -> TestClient:
        client = TestClient(create_app(letter.settings))
        client.__enter__()
        clients.append(client)
        assert login(client, role).status_code == 303
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/account").text)  # as the pages' scripts send it
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _audited(letter: Letter, action: str, username: str) -> list[AuditEntry]:
    ctx = Context(letter.settings)
    with ctx.db.session() as s:
        rows = s.query(AuditEntry).filter_by(action=action, username=username).order_by(AuditEntry.id).all()
        s.expunge_all()
    ctx.close()
    return rows


def test_a_document_filed_in_a_book_shows_its_text_and_the_pen_s_number_set_aside(letter, signed_in):
    """An official letter ingested alone yields no record; its page view is where a clerk reads it and sees the
    values a pen wrote into its blanks, boxed on the scan for keying (they are not in the text)."""
    page = signed_in("officer").get(f"/books/{letter.batch_id}/pages/1").text
    assert "Không có hồ sơ nào được trích xuất" in page and '<details id="van-ban" open>' in page
    text = re.search(r'<pre class="page-text">(.*?)</pre>', page, re.S).group(1)
    assert "ỦY BAN NHÂN DÂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    hand = [r for r in letter.truth["regions"] if r["kind"] == "handwriting" and r["field"] == "number"]
    number_line = next(line for line in text.splitlines() if line.startswith("Số:"))
    assert hand and hand[0]["text"] not in number_line  # the pen's number is not read into the text
    assert _drawn(page, "seal") and _drawn(page, "handwriting") and "Chữ viết tay" in page
    assert 'class="mark-value"' not in page  # an officer reads; keying is a clerk's
    assert len(_audited(letter, "view_page", "officer")) == 1  # reading the page is audited, as a record


def _marks(client, letter: Letter) -> tuple[str, list[dict]]:
    from storage.models import Page

    ctx = Context(letter.settings)
    with ctx.db.session() as s:
        page_id = s.query(Page.id).filter_by(batch_id=letter.batch_id).scalar()
    ctx.close()
    marks = client.get(f"/api/v1/pages/{page_id}/marks").json()
    return page_id, marks


def test_a_clerk_keys_the_pen_s_number_on_the_page_view_and_everyone_reads_it(letter, signed_in):
    """A number a pen wrote on a document has no record field to go into: it is typed beside its box on the page
    view, kept with who typed it and when, audited, and shown to those who read the page."""
    clerk = signed_in("clerk")
    page_id, marks = _marks(clerk, letter)
    hand = next(m for m in marks if m["kind"] == "handwriting")
    assert hand["keyable"] and hand["value"] == ""
    view = clerk.get(f"/books/{letter.batch_id}/pages/1").text
    assert f'action="/books/{letter.batch_id}/pages/1/marks/{hand["id"]}"' in view
    number = next(r["text"] for r in letter.truth["regions"] if r["kind"] == "handwriting" and r["field"] == "number")
    sent = clerk.post(f"/books/{letter.batch_id}/pages/1/marks/{hand['id']}",
                      data={"value": f"  {number} ", "csrf_token": csrf_of(view)}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith(f"#mark-{hand['id']}")
    assert "Đã lưu giá trị nhập tay" in clerk.get(sent.headers["location"]).text
    officer = signed_in("officer")
    shown = officer.get(f"/books/{letter.batch_id}/pages/1").text
    row = re.search(rf'<tr class="mark-handwriting" id="mark-{hand["id"]}">(.*?)</tr>', shown, re.S).group(1)
    assert f"<strong>{number}</strong>" in row and "clerk" in row
    again = officer.get(f"/api/v1/pages/{page_id}/marks").json()
    assert next(m for m in again if m["id"] == hand["id"])["value"] == number  # stored as typed, trimmed
    keyed = _audited(letter, "key_mark", "clerk")
    assert [(e.target, e.detail["old"], e.detail["new"]) for e in keyed] == [(page_id, "", number)]
    # typed again, then cleared: each kept as the mark's history, the last one its value
    put = clerk.put(f"/api/v1/pages/{page_id}/marks/{hand['id']}", json={"value": "12/QĐ-UBND"})
    assert put.status_code == 200 and put.json()["value"] == "12/QĐ-UBND"
    assert clerk.put(f"/api/v1/pages/{page_id}/marks/{hand['id']}", json={"value": ""}).json()["value"] == ""
    assert [e.detail["new"] for e in _audited(letter, "key_mark", "clerk")] == [number, "12/QĐ-UBND", ""]
    from storage.mark_models import MarkValue
    ctx = Context(letter.settings)
    with ctx.db.session() as s:
        assert [v.value for v in s.query(MarkValue).order_by(MarkValue.id)] == [number, "12/QĐ-UBND", ""]
    ctx.close()


def test_what_cannot_be_a_mark_s_value_is_refused_in_vietnamese_and_nothing_is_stored(letter, signed_in):
    clerk = signed_in("clerk")
    page_id, marks = _marks(clerk, letter)
    hand = next(m for m in marks if m["kind"] == "handwriting")
    seal = next(m for m in marks if m["kind"] == "seal")
    url = f"/api/v1/pages/{page_id}/marks"
    cases = [(f"{url}/{hand['id']}", {"value": "số\x00 12"}, 422, "bad_value"),
             (f"{url}/{hand['id']}", {"value": "1" * 201}, 422, "invalid"),  # the schema's bound
             (f"{url}/{seal['id']}", {"value": "UBND"}, 422, "not_keyable"),  # a seal holds no writing to key
             (f"{url}/{'0' * 12}", {"value": "12"}, 404, "not_found"),  # no such mark (the page read again?)
             (f"/api/v1/pages/{'f' * 64}/marks/{hand['id']}", {"value": "12"}, 404, "not_found")]
    for path, body, status, code in cases:
        got = clerk.put(path, json=body)
        assert got.status_code == status and got.json()["error"]["code"] == code, (path, got.text)
    officer = signed_in("officer")  # reads the page, keys nothing
    assert officer.put(f"{url}/{hand['id']}", json={"value": "12"}).status_code == 403
    view = clerk.get(f"/books/{letter.batch_id}/pages/1").text
    refused = clerk.post(f"/books/{letter.batch_id}/pages/1/marks/{hand['id']}",
                         data={"value": "x" * 201, "csrf_token": csrf_of(view)})
    assert refused.status_code == 422 and "dài quá 200 ký tự" in refused.text
    assert 'value="' + "x" * 201 + '"' in refused.text  # what was typed is shown again, not lost
    assert not [e for e in _audited(letter, "key_mark", "clerk") if e.detail["new"].startswith(("x", "số"))]


def test_a_value_typed_for_a_mark_a_later_read_no_longer_finds_is_still_listed(letter, signed_in):
    import json

    from storage.models import Page

    clerk = signed_in("clerk")
    page_id, marks = _marks(clerk, letter)
    stamp = next((m for m in marks if m["kind"] == "stamp"), None) or next(m for m in marks if m["keyable"])
    assert clerk.put(f"/api/v1/pages/{page_id}/marks/{stamp['id']}", json={"value": "Số đến: 45"}).status_code == 200
    ctx = Context(letter.settings)
    with ctx.db.session() as s:  # a re-read that finds the mark a little elsewhere
        key = s.get(Page, page_id).words_key
        data = json.loads(ctx.store.get_bytes(key))
        moved = dict(data, marks=[dict(m, left=m["left"] + 40) if m["kind"] == stamp["kind"] else m
                                  for m in data["marks"]])
        stored = ctx.store.put_bytes(json.dumps(moved).encode(), kind="words", suffix=".json")
        s.get(Page, page_id).words_key = stored.key
    try:
        listed = clerk.get(f"/api/v1/pages/{page_id}/marks").json()
        stale = [m for m in listed if m["stale"]]
        assert [(m["id"], m["value"], m["left"]) for m in stale] == [(stamp["id"], "Số đến: 45", stamp["left"])]
        page = clerk.get(f"/books/{letter.batch_id}/pages/1").text
        assert "vùng không còn thấy sau lần nhận dạng lại" in page and "Số đến: 45" in page
    finally:
        with ctx.db.session() as s:
            s.get(Page, page_id).words_key = key
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
