"""The CLI and the HTTP API reach the office's work through the same service functions, so they leave the same
trace in the audit log; and the account/people half of the route modules stays transport only."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from storage.audit_models import AuditEntry
from workers import Context

from .conftest import csrf_of, login

API = Path(__file__).parents[2] / "api"
# Issue 10: these modules parse, authorise, open a session, call one service function and render.
THIN = ("routes_auth", "routes_admin", "routes_citizen", "routes_dossiers", "routes_people", "routes_verify")


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


def _calls(tree: ast.AST) -> set[str]:
    """Dotted names of what a module calls: ``audit.record``, ``s.scalars``, ``select``..."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts, f = [], node.func
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name):
                names.add(".".join([f.id, *reversed(parts)]))
    return names


def test_account_and_people_routes_neither_query_nor_audit_nor_import_each_other():
    for name in THIN:
        tree = ast.parse((API / f"{name}.py").read_text(encoding="utf-8"))
        calls = _calls(tree)
        assert not calls & {"select", "s.scalars", "s.scalar", "s.execute", "s.get", "audit.record"}, name
        imported = {(n.module or "").removeprefix("api.") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m.startswith("sqlalchemy")}, name
        assert not {m for m in imported if m.startswith("routes_") and m != "routes_common"}, name


def test_the_checker_sees_a_query_and_an_audit_write():
    tree = ast.parse("def f(s):\n    audit.record(s, a, 'x')\n    return s.scalars(select(User))\n")
    assert {"audit.record", "s.scalars", "select"} <= _calls(tree)
