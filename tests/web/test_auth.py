"""Accounts and sessions: Argon2 hashes, cookie flags, lockout per account and per IP, CSRF, API tokens."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from office.accounts import service as auth
from storage.account_models import ApiToken, User
from workers import Context

from .conftest import PASSWORD, csrf_of, login, make_settings


@pytest.fixture
def client(fresh):
    with TestClient(create_app(fresh)) as c:
        yield c


def _user(settings, username: str) -> User:
    ctx = Context(settings)
    with ctx.db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        s.expunge(user)
    ctx.close()
    return user


def test_passwords_are_argon2id_hashes_never_plain(fresh):
    stored = _user(fresh, "officer").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert auth.check_password(stored, PASSWORD)
    assert not auth.check_password(stored, PASSWORD + "x")
    assert not auth.check_password("not-a-hash", PASSWORD)


def test_login_sets_a_signed_httponly_lax_session_cookie(client):
    response = login(client, "officer")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("sohoa_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/api/v1/me").json()["role"] == "officer"
    # A cookie whose signature does not match is not a session.
    value = client.cookies["sohoa_session"]
    client.cookies.set("sohoa_session", value[:-1] + ("0" if value[-1] != "0" else "1"))
    assert client.get("/api/v1/me").status_code == 401


def test_cookies_are_secure_when_the_public_url_is_https(tmp_path):
    from .conftest import add_users

    settings = make_settings(tmp_path / "home", public_url="https://sohoa.example.vn")
    add_users(settings)
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        response = login(c, "officer")
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("Secure" in h for h in cookies if h.startswith("sohoa_session="))


def test_logout_ends_the_session_on_the_server(client):
    login(client, "clerk")
    stolen = client.cookies["sohoa_session"]
    page = client.get("/account")
    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    client.cookies.set("sohoa_session", stolen)
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_five_times_locks_the_account_for_fifteen_minutes(client, fresh):
    for _ in range(5):
        assert login(client, "officer", "sai-mat-khau").status_code == 401
    locked = login(client, "officer")
    assert locked.status_code == 429 and "thử lại sau 15 phút" in locked.text
    assert _user(fresh, "officer").locked_until is not None
    assert login(client, "clerk").status_code == 303  # other accounts from the same office still work


def test_unknown_and_wrong_password_give_the_same_answer(client):
    a, b = login(client, "khong-ton-tai", "x" * 10), login(client, "officer", "x" * 10)
    assert a.status_code == b.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in a.text and "Tên đăng nhập hoặc mật khẩu không đúng" in b.text


def test_too_many_failures_from_one_ip_block_that_ip(fresh):
    app = create_app(fresh, policy=auth.LoginPolicy(max_ip_failures=3))
    with TestClient(app, client=("10.0.0.7", 5000)) as attacker, TestClient(app, client=("10.0.0.8", 5000)) as other:
        for name in ("admin", "clerk", "citizen"):  # spraying different accounts
            assert login(attacker, name, "doan-mo-123").status_code == 401
        assert login(attacker, "officer").status_code == 429  # even the right password, from that address
        assert login(other, "officer").status_code == 303


def test_login_form_without_csrf_token_is_rejected(client):
    client.get("/login")
    response = client.post("/login", data={"username": "officer", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403 and "sohoa_session" not in response.cookies


def test_cookie_authenticated_api_writes_need_the_csrf_header(client):
    login(client, "officer")
    body = {"procedure": "Đăng ký kết hôn", "applicant_name": "Lê Văn C"}
    assert client.post("/api/v1/dossiers", json=body).status_code == 403
    token = csrf_of(client.get("/account").text)
    assert client.post("/api/v1/dossiers", json=body, headers={"X-CSRF-Token": token}).status_code == 201
    assert client.post("/api/v1/dossiers", json=body, headers={"X-CSRF-Token": "0" * 64}).status_code == 403


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(client, fresh):
    login(client, "officer")
    csrf = {"X-CSRF-Token": csrf_of(client.get("/account").text)}
    created = client.post("/api/v1/tokens", json={"name": "một cửa tỉnh"}, headers=csrf).json()
    plain = created["token"]
    assert plain.startswith("sohoa_") and len(plain) >= 40
    listed = client.get("/api/v1/tokens").json()
    assert plain not in str(listed) and listed[0]["prefix"] == plain[:10]
    ctx = Context(fresh)
    with ctx.db.session() as s:
        row = s.scalar(select(ApiToken))
        assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest() and plain not in row.token_hash
    ctx.close()
    with TestClient(client.app) as integration:  # no cookies: the bearer token alone, and no CSRF needed
        bearer = {"Authorization": f"Bearer {plain}"}
        assert integration.get("/api/v1/me", headers=bearer).json()["via"] == "token"
        assert integration.post("/api/v1/dossiers", headers=bearer,
                                json={"procedure": "Đăng ký kết hôn", "applicant_name": "Lê Văn C"}).status_code == 201
        assert client.delete(f"/api/v1/tokens/{created['id']}", headers=csrf).status_code == 204
        assert integration.get("/api/v1/me", headers=bearer).status_code == 401
        assert integration.get("/api/v1/me", headers={"Authorization": "Bearer sohoa_doan"}).status_code == 401


def test_login_never_redirects_off_site(client):
    page = client.get("/login")
    response = client.post("/login", data={"username": "officer", "password": PASSWORD, "next": "//evil.example/x",
                                           "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_cli_user_add_reads_the_password_from_the_environment(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_NEW_PASSWORD": "mat-khau-moi-1"}
    for var in ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL"):
        env.pop(var, None)
    proc = subprocess.run([sys.executable, "-m", "api", "user", "add", "Lan", "--role", "officer"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with TestClient(create_app(make_settings(home))) as c:
        assert login(c, "lan", "mat-khau-moi-1").status_code == 303
        assert c.get("/api/v1/me").json()["role"] == "officer"


# -- changing a password, locking an account ---------------------------------------------------------------
def test_a_password_change_needs_the_current_one_and_ends_other_sessions(fresh):
    app = create_app(fresh)
    with TestClient(app) as here, TestClient(app) as elsewhere:
        assert login(here, "clerk").status_code == 303 and login(elsewhere, "clerk").status_code == 303
        form = {"csrf_token": csrf_of(here.get("/account").text), "current": "sai-mat-khau", "new": "moi-Mat-khau-2",
                "confirm": "moi-Mat-khau-2"}
        assert here.post("/account/password", data=form).status_code == 422  # wrong current password
        assert elsewhere.get("/account").status_code == 200
        form["current"] = PASSWORD
        changed = here.post("/account/password", data=form)
        assert changed.status_code == 200 and "Đã đổi mật khẩu" in changed.text
        assert here.get("/account").status_code == 200  # this session goes on
        assert elsewhere.get("/account", follow_redirects=False).status_code == 303  # the other one ended
    with TestClient(app) as c:
        assert login(c, "clerk").status_code != 303  # the old password no longer works
        assert login(c, "clerk", "moi-Mat-khau-2").status_code == 303


def test_the_api_changes_a_password_with_the_same_rules(fresh):
    with TestClient(create_app(fresh)) as c:
        login(c, "officer")
        headers = {"X-CSRF-Token": csrf_of(c.get("/account").text)}
        assert c.post("/api/v1/me/password", json={"current": PASSWORD, "new": PASSWORD},
                      headers=headers).status_code == 409  # unchanged: a rule of the state, not a malformed request
        assert c.post("/api/v1/me/password", json={"current": PASSWORD, "new": "khac-Han-9"},
                      headers=headers).status_code == 204


def test_a_locked_account_loses_its_sessions_and_tokens_at_once_and_can_be_unlocked(fresh):
    app = create_app(fresh)
    with TestClient(app) as admin, TestClient(app) as officer:
        login(admin, "admin")
        login(officer, "officer")
        token = officer.post("/api/v1/tokens", json={"name": "x"},
                             headers={"X-CSRF-Token": csrf_of(officer.get("/account").text)}).json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert officer.get("/api/v1/search?q=an", headers=bearer).status_code == 200
        officer_id = _user(fresh, "officer").id
        headers = {"X-CSRF-Token": csrf_of(admin.get("/account").text)}
        locked = admin.patch(f"/api/v1/users/{officer_id}", json={"active": False}, headers=headers)
        assert locked.status_code == 200 and locked.json()["active"] is False
        assert officer.get("/account", follow_redirects=False).status_code == 303  # session gone
        with TestClient(app) as anon:
            assert anon.get("/api/v1/search?q=an", headers=bearer).status_code == 401  # token gone
        admin_id = _user(fresh, "admin").id
        assert admin.patch(f"/api/v1/users/{admin_id}", json={"active": False},
                           headers=headers).status_code == 409  # not oneself
        form = {"csrf_token": csrf_of(admin.get("/admin/users").text), "active": "true"}
        assert admin.post(f"/admin/users/{officer_id}/active", data=form, follow_redirects=False).status_code == 303
    with TestClient(app) as c:
        assert login(c, "officer").status_code == 303
