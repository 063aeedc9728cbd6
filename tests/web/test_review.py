"""Archive clerks review low-confidence fields: the queue (lowest confidence first), the correction form on the
record page and its API, with validation, CSRF, history, audit and re-indexing. Officers may look, not correct.

These tests change the session's shared book; the ``restored`` fixture puts every record back afterwards."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from domain.personal_id import masked
from storage.models import Record
from storage.review_models import FieldCorrection
from workers.stages import index_records

from .conftest import csrf_of


@pytest.fixture
def restored(app, installation):
    ctx = app.state.sohoa.ctx
    with ctx.db.session() as s:
        saved = {r.id: (dict(r.fields), dict(r.confidence), r.needs_review)
                 for r in s.scalars(select(Record).where(Record.batch_id == installation.batch_id))}
    yield ctx
    with ctx.db.session() as s:
        for rid, (fields, confidence, needs_review) in saved.items():
            r = s.get(Record, rid)
            r.fields, r.confidence, r.needs_review = fields, confidence, needs_review
        s.execute(delete(FieldCorrection))
    index_records(list(saved), ctx)


def _record_of(client, personal_id: str) -> str:
    hits = client.get("/api/v1/search", params={"q": personal_id}).json()["hits"]
    return next(h["record_id"] for h in hits if h["fields"].get("personal_id") == masked(personal_id))


def _ids_found(client, q: str) -> set[str]:
    return {h["record_id"] for h in client.get("/api/v1/search", params={"q": q}).json()["hits"]}


def test_a_clerk_corrects_a_field_and_search_history_and_audit_follow(client_for, installation, restored):
    clerk = client_for("clerk")
    old = installation.truth[1]["personal_id"]
    record_id = _record_of(clerk, old)
    new = old[:6] + ("654321" if old[6:] != "654321" else "123456")
    page = clerk.get(f"/records/{record_id}?purpose=verification")
    assert f'action="/records/{record_id}/fields"' in page.text
    saved = clerk.post(f"/records/{record_id}/fields", data={"csrf_token": csrf_of(page.text), "f.personal_id": new},
                       follow_redirects=False)
    assert saved.status_code == 303, saved.text

    assert record_id in _ids_found(clerk, new)
    assert record_id not in _ids_found(clerk, old)
    detail = clerk.get(f"/api/v1/records/{record_id}?purpose=verification").json()
    assert detail["fields"]["personal_id"] == new and detail["confidence"]["personal_id"] == 1.0
    [row] = detail["corrections"]
    assert (row["field"], row["old_value"], row["new_value"]) == ("personal_id", old, new)
    assert row["corrected_by"] == "clerk" and row["corrected_by_name"] == "Người dùng clerk"
    shown = clerk.get(f"/records/{record_id}?purpose=verification").text
    assert "Người hiệu đính" in shown and "Người dùng clerk" in shown and new in shown

    entries = client_for("admin").get("/api/v1/audit", params={"action": "correct_fields",
                                                              "target": record_id}).json()
    assert entries and entries[0]["username"] == "clerk" and entries[0]["detail"]["fields"] == ["personal_id"]


def test_officers_may_view_but_not_correct(client_for, installation, restored):
    officer = client_for("officer")
    record_id = _record_of(officer, installation.truth[0]["personal_id"])
    page = officer.get(f"/records/{record_id}?purpose=verification")
    assert page.status_code == 200 and f'action="/records/{record_id}/fields"' not in page.text
    csrf = csrf_of(page.text)
    form = officer.post(f"/records/{record_id}/fields", data={"csrf_token": csrf, "f.hometown": "Hà Nội"})
    api = officer.patch(f"/api/v1/records/{record_id}/fields", json={"fields": {"hometown": "Hà Nội"}},
                        headers={"X-CSRF-Token": csrf})
    assert form.status_code == 403 and api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    assert officer.get("/review").status_code == 403 and officer.get("/api/v1/review").status_code == 403
    assert officer.get(f"/api/v1/records/{record_id}?purpose=verification").json()["corrections"] == []


def test_invalid_dates_ids_and_fields_are_refused_in_vietnamese(client_for, installation, restored):
    clerk = client_for("clerk")
    truth = installation.truth[0]
    record_id = _record_of(clerk, truth["personal_id"])
    csrf = csrf_of(clerk.get(f"/records/{record_id}?purpose=verification").text)

    bad_date = clerk.post(f"/records/{record_id}/fields", data={"csrf_token": csrf, "f.date_of_birth": "31/02/1998"})
    assert bad_date.status_code == 422 and "Ngày «31/02/1998» không hợp lệ" in bad_date.text
    assert 'value="31/02/1998"' in bad_date.text  # what the clerk typed stays in the form
    bad_id = clerk.post(f"/records/{record_id}/fields", data={"csrf_token": csrf, "f.personal_id": "12345"})
    assert bad_id.status_code == 422 and "Số định danh phải có 12 chữ số" in bad_id.text
    # An ID whose birth year disagrees with the (unchanged) date of birth.
    other_year = f"{(int(truth['date_of_birth'][2:4]) + 1) % 100:02d}"
    mismatch = truth["personal_id"][:4] + other_year + truth["personal_id"][6:]
    api = clerk.patch(f"/api/v1/records/{record_id}/fields", json={"fields": {"personal_id": mismatch}},
                      headers={"X-CSRF-Token": csrf})
    assert api.status_code == 422
    assert api.json()["error"]["code"] == "invalid_fields" and "Năm sinh không khớp" in api.json()["error"]["message"]
    unknown = clerk.patch(f"/api/v1/records/{record_id}/fields", json={"fields": {"parcel_number": "12"}},
                          headers={"X-CSRF-Token": csrf})
    assert unknown.status_code == 422 and "không thuộc loại hồ sơ này" in unknown.json()["error"]["message"]

    detail = clerk.get(f"/api/v1/records/{record_id}?purpose=verification").json()
    assert detail["fields"]["personal_id"] == truth["personal_id"] and detail["corrections"] == []
    # A date typed the Vietnamese way is stored as ISO.
    ok = clerk.patch(f"/api/v1/records/{record_id}/fields", json={"fields": {"registration_date": "05/01/1999"}},
                     headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json()["changed"]["registration_date"]["new"] == "1999-01-05"


def test_dates_are_shown_day_first_and_an_untouched_date_is_not_a_correction(client_for, installation, restored):
    clerk = client_for("clerk")
    truth = installation.truth[0]
    record_id = _record_of(clerk, truth["personal_id"])
    iso = clerk.get(f"/api/v1/records/{record_id}?purpose=verification").json()["fields"]["date_of_birth"]
    day_first = f"{iso[8:]}/{iso[5:7]}/{iso[:4]}"
    page = clerk.get(f"/records/{record_id}?purpose=verification").text
    assert f"<td>{day_first}</td>" in page and f'name="f.date_of_birth" value="{day_first}"' in page
    assert iso not in page.split('id="hieu-dinh"')[0]  # the fields' table reads as Vietnamese papers do

    again = clerk.post(f"/records/{record_id}/fields",
                       data={"csrf_token": csrf_of(page), "f.date_of_birth": day_first}, follow_redirects=False)
    assert again.status_code == 303
    detail = clerk.get(f"/api/v1/records/{record_id}?purpose=verification").json()
    assert detail["fields"]["date_of_birth"] == iso and detail["corrections"] == []


def test_corrections_need_the_csrf_token(client_for, installation, restored):
    clerk = client_for("clerk")
    record_id = _record_of(clerk, installation.truth[0]["personal_id"])
    form = clerk.post(f"/records/{record_id}/fields", data={"f.hometown": "Hà Nội"})
    forged = clerk.post(f"/records/{record_id}/fields", data={"csrf_token": "gia-mao", "f.hometown": "Hà Nội"})
    api = clerk.patch(f"/api/v1/records/{record_id}/fields", json={"fields": {"hometown": "Hà Nội"}})
    assert form.status_code == forged.status_code == api.status_code == 403
    assert clerk.get(f"/api/v1/records/{record_id}?purpose=verification").json()["corrections"] == []


def test_the_queue_puts_the_lowest_confidence_first_and_empties_as_clerks_correct(client_for, installation,
                                                                                   restored):
    clerk = client_for("clerk")
    a = _record_of(clerk, installation.truth[0]["personal_id"])
    b = _record_of(clerk, installation.truth[1]["personal_id"])
    with restored.db.session() as s:
        for rid, conf in ((a, {"hometown": 0.6}), (b, {"hometown": 0.7, "father_name": 0.3})):
            r = s.get(Record, rid)
            r.confidence = {**{k: 0.99 for k in r.fields}, **conf}
            r.needs_review = True

    queue = clerk.get("/api/v1/review").json()
    assert [i["record_id"] for i in queue["items"]] == [b, a] and queue["total"] == 2
    assert [(f["field"], f["confidence"]) for f in queue["items"][0]["flagged"]] == [("father_name", 0.3),
                                                                                     ("hometown", 0.7)]
    assert clerk.get("/api/v1/review", params={"type": "land"}).json()["total"] == 0
    assert clerk.get("/api/v1/review", params={"batch": "khong-co"}).json()["total"] == 0
    assert clerk.get("/api/v1/review", params={"batch": installation.batch_id}).json()["total"] == 2
    page = clerk.get("/review").text
    link = "/records/{}?purpose=data_review#hieu-dinh"
    assert page.index(link.format(b)) < page.index(link.format(a))
    assert "30%" in page

    csrf = csrf_of(page)
    kept = clerk.patch(f"/api/v1/records/{a}/fields", json={"fields": {"hometown": "Xã Tân Phú, tỉnh Long An"}},
                       headers={"X-CSRF-Token": csrf})
    assert kept.status_code == 200 and kept.json()["needs_review"] is False
    assert [i["record_id"] for i in clerk.get("/api/v1/review").json()["items"]] == [b]
    assert client_for("admin").get("/review").status_code == 200


def test_the_queue_says_why_the_page_a_record_was_read_from_needs_a_look(client_for, installation, restored):
    # A decision filed in a book of births yields records that all go to review (workers.stages): the queue says
    # so beside them, where no field need be doubtful.
    from ocr import review_reason
    from storage.models import Page

    clerk = client_for("clerk")
    a, b = (_record_of(clerk, installation.truth[i]["personal_id"]) for i in (0, 1))
    note = review_reason("QUYẾT ĐỊNH\nVề việc cấp giấy chứng nhận quyền sử dụng đất")
    with restored.db.session() as s:
        pages = {rid: s.get(Record, rid).pages[0].page_id for rid in (a, b)}
        assert pages[a] != pages[b]
        for rid in (a, b):
            s.get(Record, rid).needs_review = True
        before = s.get(Page, pages[a]).reason
        s.get(Page, pages[a]).reason = note
    try:
        items = {i["record_id"]: i for i in clerk.get("/api/v1/review").json()["items"]}
        assert items[a]["page_note"] == note and items[b]["page_note"] is None
        page = clerk.get("/review").text
        assert page.count(note) == 1
    finally:
        with restored.db.session() as s:
            s.get(Page, pages[a]).reason = before
