"""Every search, record view, download and attach is in the audit log (who, what, when, dossier, IP); the log
cannot be changed or deleted, and admins can read and export it."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select, update

from domain.text import fold
from office.audit.service import AuditLogIsAppendOnly
from storage.audit_models import AuditEntry
from workers import Context

from .conftest import csrf_of


def _log(installation, **where) -> list[AuditEntry]:
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        q = select(AuditEntry).order_by(AuditEntry.id)
        for k, v in where.items():
            q = q.where(getattr(AuditEntry, k) == v)
        rows = list(s.scalars(q))
        s.expunge_all()
    ctx.close()
    return rows


def test_search_view_download_attach_and_copy_are_each_logged(client_for, installation):
    officer = client_for("officer")
    csrf = {"X-CSRF-Token": csrf_of(officer.get("/account").text)}
    dossier = officer.post("/api/v1/dossiers", json={"procedure": "Cấp bản sao trích lục khai sinh",
                                                     "applicant_name": "Vũ Thị E"}, headers=csrf).json()["dossier_id"]
    name = installation.truth[0]["full_name"]
    before = len(_log(installation))
    hit = officer.get("/api/v1/search", params={"q": fold(name), "dossier": dossier}).json()["hits"][0]
    assert officer.get("/", params={"q": name}).status_code == 200
    record = officer.get(f"/records/{hit['record_id']}", params={"dossier": dossier})
    assert record.status_code == 200
    page_id = officer.get(f"/api/v1/records/{hit['record_id']}?purpose=verification").json()["pages"][0]["page_id"]
    assert officer.get(f"/api/v1/pages/{page_id}/image", params={"dossier": dossier}).status_code == 200
    body = {"record_id": hit["record_id"], "reason": "đối chiếu"}
    item = officer.post(f"/api/v1/dossiers/{dossier}/items", json=body, headers=csrf).json()["item_id"]
    copy = officer.post(f"/api/v1/dossiers/{dossier}/items/{item}/copies", headers=csrf).json()
    assert officer.get(copy["download_url"]).status_code == 200

    new = _log(installation)[before:]
    actions = [e.action for e in new]
    for expected in ("search", "view_record", "download_image", "attach", "certify", "download_copy"):
        assert expected in actions, actions
    assert actions.count("search") == 2 and actions.count("view_record") >= 2
    assert all(e.username == "officer" and e.role == "officer" and e.ip == "testclient" and e.at for e in new)
    by_action = {e.action: e for e in new}
    assert by_action["search"].detail["q"] == name  # the page search is the later one
    assert by_action["attach"].dossier_id == dossier and by_action["attach"].target == hit["record_id"]
    assert by_action["download_image"].dossier_id == dossier and by_action["download_image"].target == page_id
    assert by_action["download_copy"].dossier_id == dossier
    first_search = next(e for e in new if e.action == "search")
    assert first_search.dossier_id == dossier and hit["record_id"] in first_search.detail["shown"]


def test_failed_logins_are_logged_with_the_address(client_for, installation):
    from .conftest import login

    login(client_for(), "admin", "khong-dung-123")
    entry = _log(installation, action="login_failed")[-1]
    assert entry.username == "admin" and entry.ip == "testclient" and entry.user_id is None


def test_the_log_is_append_only(installation):
    ctx = Context(installation.settings)
    try:
        with pytest.raises(AuditLogIsAppendOnly), ctx.db.session() as s:
            s.scalars(select(AuditEntry)).first().action = "nothing"
        with pytest.raises(AuditLogIsAppendOnly), ctx.db.session() as s:
            s.delete(s.scalars(select(AuditEntry)).first())
        with pytest.raises(AuditLogIsAppendOnly), ctx.db.session() as s:
            s.execute(update(AuditEntry).values(ip="0.0.0.0"))
        with pytest.raises(AuditLogIsAppendOnly), ctx.db.session() as s:
            s.execute(delete(AuditEntry))
    finally:
        ctx.close()


def test_no_route_can_change_the_log(client_for):
    spec = client_for("admin").get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        if "audit" in path:
            assert set(ops) == {"get"}, path


def test_admins_export_the_log_as_csv(client_for):
    officer = client_for("officer")
    officer.get("/api/v1/search", params={"q": "=cmd|' /C calc'!A0"})  # a formula typed into the search box
    admin = client_for("admin")
    for url in ("/api/v1/audit.csv", "/admin/audit.csv?action=search"):
        response = admin.get(url)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert rows and {"at", "username", "action", "target", "dossier_id", "ip"} <= set(rows[0])
        assert any(r["action"] == "search" and r["username"] == "officer" for r in rows)
        assert not any(cell.startswith("=") for r in rows for cell in r.values() if cell)
    page = admin.get("/admin/audit", params={"username": "officer"})
    assert page.status_code == 200 and "Tìm kiếm" in page.text
    assert admin.get("/api/v1/audit", params={"action": "export_audit"}).json()[0]["username"] == "admin"
