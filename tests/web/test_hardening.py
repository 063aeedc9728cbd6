"""Issue 9's probes, each refused as a 4xx in the app's error format (never a 500, a crash or a memory spike), the
role × endpoint table walked for every route, the citizen's access log, and the authentication findings."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from api.openapi_doc import statuses
from api.routes_common import all_routes, required_permission
from office.accounts import service as auth
from office.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from office.audit.service import neutralised
from storage.account_models import ApiToken, User
from storage.audit_models import AuditEntry
from workers import Context

from .conftest import PASSWORD, csrf_of, login

BIG = "50302109640434331645116416"
ROLE_REFUSAL = "Tài khoản của bạn không có quyền thực hiện việc này."
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "content-security-policy")


@pytest.fixture(scope="module")
def tokens(installation) -> dict[str, str]:
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        out = {u.username: auth.create_token(s, u.id, "kiểm thử")[1] for u in s.scalars(select(User))}
    ctx.close()
    return out


def bearer(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


PROBES = [  # (role, method, url): every one crashed, bloated or answered 500 before
    ("officer", "GET", "/api/v1/search?q=a&offset=4294967296"),
    ("officer", "GET", "/?q=a&offset=8589934592"),
    ("officer", "GET", "/api/v1/search?q=" + "ab+" * 300),
    ("officer", "GET", f"/api/v1/copies/{BIG}/pdf"),
    ("officer", "POST", f"/api/v1/links/{BIG}/decision"),
    ("citizen", "GET", f"/api/v1/me/copies/{BIG}/pdf"),
    ("admin", "PATCH", "/api/v1/users/-174843421432831209897984"),
    ("officer", "GET", "/api/v1/search?q=a&year_from=9223372036854775808"),
    ("admin", "GET", "/api/v1/audit?until=0"),
    ("admin", "GET", f"/api/v1/audit?offset={2**63}"),
    ("officer", "GET", "/books/x/pages/9223372036854775808"),
    ("officer", "DELETE", f"/api/v1/tokens/{2**63}"),
    ("clerk", "GET", f"/review?page={2**62}"),
    ("clerk", "GET", f"/api/v1/review?offset={2**62}"),
]


@pytest.mark.parametrize(("role", "method", "url"), PROBES)
def test_hostile_numbers_and_lengths_get_a_vietnamese_4xx(client_for, tokens, role, method, url):
    body = {"decision": "confirmed"} if "decision" in url else ({"active": True} if method == "PATCH" else None)
    r = client_for().request(method, url, headers=bearer(tokens, role), json=body, follow_redirects=False)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert all(h in r.headers for h in SECURITY_HEADERS)
    if url.startswith("/api/"):
        error = r.json()["error"]
        assert error["code"] and re.search(r"[ạ-ỹđ]", error["message"]), error  # a Vietnamese sentence
        assert "Tham số" in error["message"] or "tìm kiếm" in error["message"]


def test_the_last_day_of_the_calendar_is_a_date_like_any_other(client_for, tokens):
    r = client_for().get("/api/v1/audit?until=9999-12-31", headers=bearer(tokens, "admin"))
    assert r.status_code == 200  # was a 500: the day after it does not exist


def test_a_form_with_blank_values_is_refused_not_a_500(client_for):
    officer = client_for("officer")
    csrf = csrf_of(officer.get("/dossiers").text)
    r = officer.post("/dossiers", data={"csrf_token": csrf, "procedure": "", "applicant_name": " "})
    assert r.status_code == 422 and "không hợp lệ" in r.text


def test_an_unexpected_error_is_logged_and_answered_with_headers(app, client_for, tokens, monkeypatch):
    from office.records import service

    def boom(*_a, **_k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "list_batches", boom)  # a programming error, not a backend we could run
    r = client_for().get("/api/v1/batches", headers=bearer(tokens, "officer"))
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal"
    assert all(h in r.headers for h in SECURITY_HEADERS)


def test_options_and_405_name_every_method_of_the_path(client_for):
    anon = client_for()
    r = anon.options("/login")
    assert r.status_code == 204 and set(r.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    r = anon.delete("/login")
    assert r.status_code == 405 and "POST" in r.headers["allow"]
    r = anon.put("/api/v1/tokens")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert r.json()["error"]["message"]
    assert anon.options("/khong-co-trang-nay").status_code == 404


# -- least privilege: the one table, walked over every route ---------------------------------------------
def _walk(app):
    for route in all_routes(app):
        if isinstance(route, APIRoute) and not route.path.endswith("/events"):  # live streams never end
            signed_in, permission = required_permission(route)
            if signed_in:
                for method in route.methods - {"OPTIONS"}:  # OPTIONS says which methods exist, to anyone
                    yield method, route.path, permission


def test_every_endpoint_for_every_role_follows_the_table(app, client_for, tokens):
    client, checked = client_for(), 0
    for method, path, permission in _walk(app):
        url = re.sub(r"\{[^}]+\}", "999999", path)  # ids nobody has: never revokes the tokens in use
        for role in Role:
            r = client.request(method, url, headers=bearer(tokens, role.value), follow_redirects=False)
            allowed = permission is None or permission in ROLE_PERMISSIONS[role]
            # not an ownership check's 403 (a HEAD answer has no body to tell them apart)
            refused_by_role = r.status_code == 403 and (method == "HEAD" or ROLE_REFUSAL in r.text)
            assert refused_by_role != allowed, (method, path, role, r.status_code, r.text[:200])
            checked += 1
    assert checked > 200  # every route, four roles


def test_the_readme_promises_hold():
    clerk, officer = ROLE_PERMISSIONS[Role.CLERK], ROLE_PERMISSIONS[Role.OFFICER]
    assert {Permission.SEARCH, Permission.VIEW_RECORD, Permission.CORRECT_FIELDS, Permission.CAPTURE,
            Permission.KEY_ENTRIES} <= clerk
    assert not clerk & {Permission.DOSSIERS, Permission.ATTACH, Permission.CERTIFY, Permission.RECORD_STATUS}
    assert {Permission.DOSSIERS, Permission.ATTACH, Permission.CERTIFY} <= officer
    assert ROLE_PERMISSIONS[Role.CITIZEN] == {Permission.OWN_RECORDS}


def test_the_permissions_doc_is_the_table():
    from pathlib import Path

    from api.permissions_doc import render

    doc = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == render(), "uv run python -m api.permissions_doc > docs/permissions.md"


# -- OpenAPI tells the truth ------------------------------------------------------------------------------
def test_openapi_declares_the_error_statuses_with_their_schema(app, client_for, tokens):
    spec = client_for().get("/api/v1/openapi.json", headers=bearer(tokens, "admin")).json()
    assert "Error" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "500"} <= codes or path.startswith("/api/v1/verify"), (method, path)
            if "{" in path:
                assert "404" in codes and "422" in codes, (method, path)
    routes = [r for r in all_routes(app) if isinstance(r, APIRoute) and r.path == "/api/v1/dossiers"]
    assert all(403 in statuses(r) for r in routes)


def test_api_docs_load_nothing_from_another_site(client_for, tokens):
    page = client_for().get("/api/v1/docs", headers=bearer(tokens, "officer"))
    assert page.status_code == 200 and "http" not in page.text.split("<body>")[1]
    assert "cdn" not in page.headers["content-security-policy"]
    asset = client_for().get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


@pytest.mark.parametrize("blank", ["\u0085", "\ufeff", " \x1c\u3000", "\t"])
def test_a_reason_of_spaces_alone_is_refused_by_the_schema_as_the_document_says(client_for, tokens, blank):
    """What counts as a space is written out: the document's pattern and the server agree on characters that
    one regex engine calls a space and another does not (schemathesis found U+0085 accepted by the document's
    pattern and refused by the server)."""
    spec = client_for().get("/api/v1/openapi.json", headers=bearer(tokens, "admin")).json()
    pattern = spec["components"]["schemas"]["StatusIn"]["properties"]["reason"]["pattern"]
    assert re.search(pattern, blank) is None and re.search(pattern, f"{blank}lý do")
    got = client_for().post("/api/v1/records/x/status", json={"status": "revoked", "reason": blank},
                            headers=bearer(tokens, "officer"))
    assert got.status_code == 422 and got.json()["error"]["code"] == "invalid"


# -- privilege findings ---------------------------------------------------------------------------------
def test_a_clerk_cannot_open_dossiers_change_status_or_download_copies(client_for, tokens):
    clerk = client_for()
    h = bearer(tokens, "clerk")
    assert clerk.post("/api/v1/dossiers", json={"procedure": "x", "applicant_name": "A"}, headers=h).status_code == 403
    assert clerk.get("/api/v1/dossiers", headers=h).status_code == 403
    assert clerk.get("/api/v1/copies/1/pdf", headers=h).status_code == 403
    assert clerk.post("/api/v1/records/x/status", json={"status": "revoked", "reason": "x"},
                      headers=h).status_code == 403


# -- audit --------------------------------------------------------------------------------------------------
def _audit(installation, action: str) -> list[AuditEntry]:
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))
    ctx.close()
    return rows


def test_reads_of_personal_data_and_denied_attempts_are_audited(client_for, tokens, installation):
    officer, clerk = client_for(), client_for()
    rid = officer.get("/api/v1/search", params={"type": "birth"}, headers=bearer(tokens, "officer")).json()[
        "hits"][0]["record_id"]
    before = {a: len(_audit(installation, a)) for a in ("view_crop", "view_links", "view_review", "denied")}
    officer.get(f"/api/v1/records/{rid}/crop", headers=bearer(tokens, "officer"))
    officer.get(f"/api/v1/records/{rid}/links", headers=bearer(tokens, "officer"))
    clerk.get("/api/v1/review", headers=bearer(tokens, "clerk"))
    clerk.get("/api/v1/dossiers", headers=bearer(tokens, "clerk"))  # 403
    for action in before:
        assert len(_audit(installation, action)) == before[action] + 1, action
    denied = _audit(installation, "denied")[-1]
    assert denied.username == "clerk" and denied.detail["status"] == 403


def test_audited_values_are_bounded_and_the_csv_neutralises_every_formula_start():
    assert neutralised("\tcmd") == "'\tcmd" and neutralised("\r=1") == "'\r=1" and neutralised("=1+1") == "'=1+1"
    assert neutralised("Nguyễn") == "Nguyễn"
    from office.audit.service import MAX_VALUE_CHARS, _bounded

    assert len(_bounded("x" * 100_000)) <= MAX_VALUE_CHARS + 1
    assert len(_bounded(list(range(10_000)))) <= 101


# -- the citizen sees who looked -------------------------------------------------------------------------
def test_a_citizen_sees_an_officers_view_of_their_record(client_for, tokens, installation):
    truth = installation.truth[0]
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        user = auth.create_user(s, "cong-dan-an", PASSWORD, "citizen", full_name=truth["full_name"],
                                personal_id=truth["personal_id"])
        citizen_token = auth.create_token(s, user.id, "x")[1]
    ctx.close()
    officer = client_for()
    hits = officer.get("/api/v1/search", params={"q": truth["personal_id"]}, headers=bearer(tokens, "officer"))
    hit = hits.json()["hits"][0]
    assert truth["personal_id"] not in str(hit["fields"])  # masked in the list of results
    assert officer.get(f"/api/v1/records/{hit['record_id']}", headers=bearer(tokens, "officer")).status_code == 422
    full = officer.get(f"/api/v1/records/{hit['record_id']}", params={"purpose": "verification"},
                       headers=bearer(tokens, "officer"))
    assert full.json()["fields"]["personal_id"] == truth["personal_id"]
    log = client_for().get("/api/v1/me/access-log", headers={"Authorization": f"Bearer {citizen_token}"}).json()
    assert log[0]["action"] == "view_record" and log[0]["purpose"] == "verification"
    assert log[0]["role"] == "officer" and log[0]["office"] == "UBND phường Thanh Bình"
    assert any(e["action"] == "search" for e in log)
    csv = client_for().get("/api/v1/me/access-log.csv", headers={"Authorization": f"Bearer {citizen_token}"})
    assert "Xác minh" in csv.text and csv.headers["content-type"].startswith("text/csv")


def test_a_citizen_sees_who_opened_the_book_page_and_the_scan_their_record_is_on(client_for, tokens, installation):
    """A page of the book shows the records on it (its text, its scan): an officer paging through the book or
    downloading the scan reads the citizen's record as surely as on the record page, and the log says so."""
    truth = installation.truth[0]
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        user = auth.create_user(s, "cong-dan-trang", PASSWORD, "citizen", full_name=truth["full_name"],
                                personal_id=truth["personal_id"])
        citizen = {"Authorization": f"Bearer {auth.create_token(s, user.id, 'x')[1]}"}
    ctx.close()
    officer = client_for("officer")
    rid = officer.get("/api/v1/search", params={"q": truth["personal_id"]}).json()["hits"][0]["record_id"]
    page = officer.get(f"/api/v1/records/{rid}", params={"purpose": "verification"}).json()["pages"][0]
    before = {e["at"] for e in client_for().get("/api/v1/me/access-log", headers=citizen).json()}
    assert officer.get(f"/books/{installation.batch_id}/pages/{page['seq']}").status_code == 200
    assert officer.get(f"/api/v1/pages/{page['page_id']}/image").status_code == 200
    log = [e for e in client_for().get("/api/v1/me/access-log", headers=citizen).json() if e["at"] not in before]
    assert [e["action"] for e in log] == ["download_image", "view_page"]
    assert all(e["records"] == [rid] and e["role"] == "officer" for e in log)


def test_the_record_page_asks_for_a_purpose_outside_a_dossier(client_for):
    officer = client_for("officer")
    rid = officer.get("/api/v1/search", params={"type": "birth"}).json()["hits"][0]["record_id"]
    ask = officer.get(f"/records/{rid}")
    assert "Vì sao bạn mở hồ sơ này" in ask.text and "purpose=verification" in ask.text
    assert "Số định danh" in officer.get(f"/records/{rid}?purpose=verification").text


# -- authentication -------------------------------------------------------------------------------------
def test_an_unknown_name_is_locked_like_an_account(fresh):
    from fastapi.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(fresh))
    codes = {}
    for name in ("admin", "khong-co-ai"):
        codes[name] = [login(client, name, "sai-mat-khau").status_code for _ in range(6)]
    assert codes["admin"] == codes["khong-co-ai"] == [401] * 5 + [429]


def test_a_password_change_revokes_api_tokens(fresh):
    from fastapi.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(fresh))
    login(client, "officer")
    csrf = {"X-CSRF-Token": csrf_of(client.get("/account").text)}
    token = client.post("/api/v1/tokens", json={"name": "x"}, headers=csrf).json()["token"]
    assert client.post("/api/v1/me/password", json={"current": PASSWORD, "new": "mat-khau-moi-1"},
                       headers=csrf).status_code == 204
    assert TestClient(create_app(fresh)).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                                             ).status_code == 401
    ctx = Context(fresh)
    with ctx.db.session() as s:
        assert all(t.revoked_at for t in s.scalars(select(ApiToken)))
    ctx.close()


def test_csrf_tokens_are_bound_to_the_session(client_for):
    a, b = client_for("officer"), client_for("officer")
    token_a = csrf_of(a.get("/account").text)
    # b's own nonce cookie with a's token: refused, although both are the same user
    r = b.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token_a})
    assert r.status_code == 403


def test_a_citizen_lands_on_their_page_and_a_bad_token_does_not_loop(client_for):
    citizen = client_for()
    r = login(citizen, "citizen")
    assert r.headers["location"] == "/cong-dan"
    page = client_for().get("/", headers={"Authorization": "Bearer sohoa_khong-hop-le"}, follow_redirects=False)
    assert page.status_code == 401 and "location" not in page.headers
