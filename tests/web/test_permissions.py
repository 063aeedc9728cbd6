"""Who may do what: anonymous users see only /login and /verify/*; a citizen cannot search; a clerk cannot
attach or certify; only admins see the audit log and accounts. Every form POST needs the CSRF token."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from api import (
    routes_admin,
    routes_auth,
    routes_dossiers,
    routes_people,
    routes_progress,
    routes_records,
    routes_review,
    routes_search,
    routes_verify,
)

from .conftest import csrf_of

ROUTERS = (routes_auth, routes_search, routes_records, routes_review, routes_progress, routes_people, routes_dossiers,
           routes_admin, routes_verify)
PUBLIC = {"/login", "/setup", "/verify/{token}", "/api/v1/verify/{token}"}


def _routes() -> list[tuple[str, str]]:
    out = [(m, r.path) for mod in ROUTERS for r in mod.router.routes if isinstance(r, APIRoute) for m in r.methods]
    return out + [("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "path"), [r for r in _routes() if r[1] not in PUBLIC])
def test_anonymous_users_are_sent_to_login_or_refused(client_for, method, path):
    response = client_for().request(method, _concrete(path), follow_redirects=False)
    if path.startswith("/api/"):
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "unauthenticated"
    else:
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_anonymous_users_see_login_and_verify(client_for):
    anon = client_for()
    assert anon.get("/login").status_code == 200
    assert anon.get("/verify/khong-co-ma-nay").status_code == 404  # the page itself is open; the token is unknown
    assert anon.get("/static/app.css").status_code == 200


@pytest.mark.parametrize(("method", "path"),
                         [r for r in _routes() if r[0] == "POST" and not r[1].startswith("/api/") and r[1] != "/login"])
def test_every_form_post_without_the_csrf_token_is_refused(client_for, method, path):
    admin = client_for("admin")
    response = admin.post(_concrete(path), data={"reason": "x", "name": "x"}, follow_redirects=False)
    assert response.status_code == 403 and "biểu mẫu" in response.text
    response = admin.post(_concrete(path), data={"csrf_token": "gia-mao"}, follow_redirects=False)
    assert response.status_code == 403


# role → (GET path, expected status) for the things each role may or may not do
MATRIX = [
    ("citizen", "/", 403), ("citizen", "/api/v1/search?q=an", 403), ("citizen", "/api/v1/records/x", 403),
    ("citizen", "/dossiers", 403), ("citizen", "/account", 200),
    ("clerk", "/", 200), ("clerk", "/api/v1/search?q=an", 200), ("clerk", "/dossiers", 403),
    ("clerk", "/admin/audit", 403), ("clerk", "/api/v1/audit", 403), ("clerk", "/api/v1/users", 403),
    ("officer", "/", 200), ("officer", "/dossiers", 200), ("officer", "/admin/audit", 403),
    ("officer", "/api/v1/audit.csv", 403), ("officer", "/admin/users", 403),
    ("admin", "/admin/audit", 200), ("admin", "/api/v1/audit", 200), ("admin", "/admin/users", 200),
    # review queue: clerks and admins; progress: everyone who works with the books
    ("clerk", "/review", 200), ("clerk", "/api/v1/review", 200), ("admin", "/review", 200),
    ("officer", "/review", 403), ("officer", "/api/v1/review", 403), ("citizen", "/review", 403),
    ("clerk", "/progress", 200), ("officer", "/progress", 200), ("admin", "/api/v1/progress", 200),
    ("citizen", "/progress", 403), ("citizen", "/api/v1/progress", 403), ("citizen", "/batches/x", 403),
]


@pytest.mark.parametrize(("role", "path", "status"), MATRIX)
def test_permission_matrix(client_for, role, path, status):
    assert client_for(role).get(path, follow_redirects=False).status_code == status


def _new_dossier(client) -> str:
    csrf = {"X-CSRF-Token": csrf_of(client.get("/account").text)}
    return client.post("/api/v1/dossiers", json={"procedure": "Đăng ký kết hôn", "applicant_name": "Phan Văn D"},
                       headers=csrf).json()["dossier_id"]


def _a_record(client) -> str:
    return client.get("/api/v1/search", params={"type": "birth"}).json()["hits"][0]["record_id"]


def test_a_clerk_cannot_attach_or_certify(client_for):
    clerk = client_for("clerk")
    dossier, record = _new_dossier(client_for("officer")), _a_record(clerk)
    csrf = csrf_of(clerk.get("/account").text)
    api = clerk.post(f"/api/v1/dossiers/{dossier}/items", json={"record_id": record, "reason": "cần"},
                     headers={"X-CSRF-Token": csrf})
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    form = clerk.post(f"/records/{record}/attach", data={"csrf_token": csrf, "dossier_id": dossier, "reason": "cần"})
    assert form.status_code == 403
    assert client_for("officer").get(f"/api/v1/dossiers/{dossier}").json()["items"] == []
    assert f'action="/records/{record}/attach"' not in clerk.get(f"/records/{record}?purpose=verification").text
    officer = client_for("officer")
    item = officer.post(f"/api/v1/dossiers/{dossier}/items", json={"record_id": record, "reason": "cần"},
                        headers={"X-CSRF-Token": csrf_of(officer.get("/account").text)})
    assert item.status_code == 201
    copy = clerk.post(f"/api/v1/dossiers/{dossier}/items/{item.json()['item_id']}/copies",
                      headers={"X-CSRF-Token": csrf})
    assert copy.status_code == 403


def test_a_citizen_cannot_search_even_with_an_api_token(client_for):
    citizen = client_for("citizen")
    token = citizen.post("/api/v1/tokens", json={"name": "x"},
                         headers={"X-CSRF-Token": csrf_of(citizen.get("/account").text)}).json()["token"]
    anon = client_for()
    assert anon.get("/api/v1/search", params={"q": "an"},
                    headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_openapi_documents_every_api_route_with_its_security(client_for):
    spec = client_for("officer").get("/api/v1/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    api_routes = {(m, p) for m, p in _routes() if p.startswith("/api/v1/") and p not in
                  {"/api/v1/openapi.json", "/api/v1/docs"}}
    assert api_routes <= documented
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyCookie"} <= set(schemes)
