"""First start in an office: with no account yet, whoever opens the server on that PC creates the first
administrator (once, from the local machine only) instead of meeting a login page nobody can pass."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app

from .conftest import csrf_of, make_settings

LOCAL = ("127.0.0.1", 50000)


def test_the_first_admin_is_made_once_from_the_server_itself(tmp_path):
    app = create_app(make_settings(tmp_path / "home"))
    here = TestClient(app, client=LOCAL)
    first = here.get("/login", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/setup"
    page = here.get("/setup")
    assert "quản trị" in page.text
    elsewhere = TestClient(app, client=("192.0.2.7", 50000))  # another PC on the office network
    assert elsewhere.get("/setup").status_code == 403
    form = {"csrf_token": csrf_of(page.text), "username": "quan.tri", "full_name": "Lê Thị Hoa",
            "office": "UBND phường Thanh Bình", "password": "mat-khau-dai-1", "confirm": "mat-khau-khac"}
    assert here.post("/setup", data=form).status_code == 422  # the two passwords differ
    form["confirm"] = form["password"]
    done = here.post("/setup", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"
    assert here.get("/api/v1/me").json()["role"] == "admin"  # signed in as the new admin
    again = TestClient(app, client=LOCAL)
    assert again.get("/setup", follow_redirects=False).headers["location"] == "/login"  # once only
    assert again.get("/login").status_code == 200
