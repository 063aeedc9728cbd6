"""The CLI and the HTTP API reach the office's work through the same service functions, so they leave the same
trace in the audit log. (That route modules stay transport only is tests/test_architecture.py's.)"""
from __future__ import annotations

import os
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from storage.audit_models import AuditEntry
from workers import Context

from .conftest import csrf_of, login


def _entries(settings, action: str) -> list[AuditEntry]:
    ctx = Context(settings)
    with ctx.db.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))
        s.expunge_all()
    ctx.close()
    return rows


def test_sohoa_user_add_and_the_api_write_the_same_entry(fresh):
    env = {**os.environ, "SOHOA_HOME": str(fresh.home), "SOHOA_NEW_PASSWORD": "mat-khau-moi-1"}
    for var in ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL"):
        env.pop(var, None)
    proc = subprocess.run([sys.executable, "-m", "api", "user", "add", "Lan", "--role", "clerk"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with TestClient(create_app(fresh)) as admin:
        assert login(admin, "admin").status_code == 303
        made = admin.post("/api/v1/users", json={"username": "Hoa", "password": "mat-khau-moi-2", "role": "clerk"},
                          headers={"X-CSRF-Token": csrf_of(admin.get("/account").text)})
        assert made.status_code == 201
    by_cli, by_api = _entries(fresh, "user_create")
    assert (by_cli.target, by_cli.detail) == ("lan", {"role": "clerk"})
    assert (by_api.target, by_api.detail) == ("hoa", {"role": "clerk"})
    assert (by_cli.role, by_cli.via, by_cli.username.endswith("@cli")) == ("operator", "cli", True)
    assert (by_api.role, by_api.via, by_api.username) == ("admin", "web", "admin")

