"""`sohoa backup` / `sohoa restore` on a real embedded installation: a book read by OCR, accounts, a certified
copy. The backup runs (as the CLI, in its own process) while the web app is being read; the original home is
then wiped and the backup restored into a new one, which must answer the same searches, keep its users and
sessions (the secret key came along) and still verify the copy. Damaged backups and non-empty homes are
refused with a Vietnamese message and nothing written."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from domain.text import fold
from office.accounts import service as accounts
from workers import Context, NoProgress, open_executor

PASSWORD = "mat-khau-Sao-luu-7"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _settings(home: Path) -> Settings:
    return Settings(home=home, workers=2, database_url="", storage_url="", index_url="", broker_url="",
                    secret_key="", public_url="http://testserver")


def _sohoa(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "api", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                           "csrf_token": _CSRF.search(page.text).group(1)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return client


def _csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": _CSRF.search(client.get("/account").text).group(1)}


@dataclass
class Office:
    home: Path
    queries: list[str]
    token: str  # the certified copy's verify token


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Office:
    """A 2-page birth book through OCR, an officer and an admin, and one certified copy of a record."""
    from samples import generate_book
    from workers.batches import BatchMeta, pages_to_run, register_batch

    book = generate_book(tmp_path_factory.mktemp("book"), record_type="birth", pages=2, seed=21,
                         degradation="clean", fmt="pdf")
    home = tmp_path_factory.mktemp("office") / "home"
    settings = _settings(home)
    ctx = Context(settings)
    try:
        batch = register_batch(book.paths, BatchMeta(record_type="birth", book="01/1998"), ctx).batch_id
        open_executor(ctx).run(batch, pages_to_run(batch, ctx), NoProgress())
        with ctx.db.session() as s:
            accounts.create_user(s, "canbo", PASSWORD, "officer", full_name="Cán Bộ",
                                 office="UBND phường Thanh Bình")
            accounts.create_user(s, "quantri", PASSWORD, "admin", full_name="Quản Trị")
    finally:
        ctx.close()
    truth = [p["fields"] for p in json.loads(book.truth_path.read_text(encoding="utf-8"))["pages"]]
    # Words every record has (its office's title): one search with several hits, in an order to keep.
    queries = [truth[0]["personal_id"], truth[0]["full_name"], fold(truth[1]["full_name"]),
               truth[1]["mother_name"].split()[-1], "ủy ban nhân dân"]

    app = create_app(settings)
    officer = _signed_in(app, "canbo")
    csrf = _csrf(officer)
    hit = officer.get("/api/v1/search", params={"q": truth[0]["personal_id"]}).json()["hits"][0]
    dossier = officer.post("/api/v1/dossiers", json={"procedure": "Cấp bản sao trích lục khai sinh",
                                                     "applicant_name": "Đỗ Văn G"}, headers=csrf).json()["dossier_id"]
    item = officer.post(f"/api/v1/dossiers/{dossier}/items", json={"record_id": hit["record_id"],
                                                                    "reason": "cấp bản sao"},
                        headers=csrf).json()["item_id"]
    copy = officer.post(f"/api/v1/dossiers/{dossier}/items/{item}/copies", headers=csrf).json()
    officer.close()
    _close(app)
    return Office(home, queries, copy["verify_url"].rsplit("/", 1)[1])


def _close(app) -> None:
    """What the app's lifespan does on shutdown (a TestClient used without ``with`` does not run it)."""
    app.state.sohoa.ctx.close()


def _searches(client: TestClient, queries: list[str]) -> dict[str, list[tuple[str, dict]]]:
    out = {}
    for q in queries:
        response = client.get("/api/v1/search", params={"q": q, "limit": 50})
        assert response.status_code == 200, response.text[:300]
        out[q] = [(h["record_id"], h["fields"]) for h in response.json()["hits"]]
    return out


def test_backup_while_read_then_wipe_and_restore_gives_the_same_searches_and_the_copy_verifies(office, tmp_path):
    home = tmp_path / "pc" / "home"
    shutil.copytree(office.home, home)  # this test wipes it; the others keep the module's installation
    app = create_app(_settings(home))
    officer = _signed_in(app, "canbo")
    before = _searches(officer, office.queries)
    assert all(before.values()) and any(len(v) > 1 for v in before.values()), before
    verify_before = TestClient(app).get(f"/api/v1/verify/{office.token}").json()
    assert verify_before["verified"] and verify_before["hash_match"]

    # Officers keep searching while the backup runs in its own process.
    reads, failures, reading, stop = [], [], threading.Event(), threading.Event()

    def keep_reading() -> None:
        reader = _signed_in(app, "canbo")
        while not stop.is_set():
            for q in office.queries:
                response = reader.get("/api/v1/search", params={"q": q})
                (reads if response.status_code == 200 else failures).append(response.status_code)
                reading.set()
        reader.close()

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        assert reading.wait(120), "the reader did not start"
        target = tmp_path / "usb" / "sohoa-2026-11-29"
        reads_before = len(reads)
        done = _sohoa(home, "backup", str(target), "--json")
        reads_during = len(reads) - reads_before
    finally:
        stop.set()
        thread.join(60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert reads_during > 0 and not failures, (reads_during, failures)
    manifest = json.loads(done.stdout)
    assert manifest == json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["objects"]["count"] >= manifest["objects"]["referenced"] > 0
    assert not manifest["objects"]["missing"] and not manifest["objects"]["damaged"]
    assert manifest["database"]["tables"]["records"] == manifest["index"]["documents"] > 0
    assert manifest["secret_key"]["file"] == "secret_key"
    assert oct((target / "secret_key").stat().st_mode & 0o777) == "0o600"
    # The checksum list is the standard tool's format.
    check = subprocess.run(["sha256sum", "--quiet", "-c", "objects.sha256"], cwd=target, capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr
    old_cookies = dict(officer.cookies)
    officer.close()
    _close(app)

    shutil.rmtree(home)  # the office's PC is lost
    new_home = tmp_path / "new-pc" / "home"
    restored = _sohoa(new_home, "restore", str(target), "--json")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    summary = json.loads(restored.stdout)
    assert summary["indexed"] == manifest["index"]["documents"] and summary["secret_key"] == "restored"
    assert summary["tables"] == manifest["database"]["tables"]

    app = create_app(_settings(new_home))
    try:
        officer = _signed_in(app, "canbo")  # the accounts came back
        assert _searches(officer, office.queries) == before
        verify_after = TestClient(app).get(f"/api/v1/verify/{office.token}").json()
        assert verify_after == verify_before
        # Sessions are signed with the secret key: one opened before the loss still works after the restore.
        survivor = TestClient(app, cookies=old_cookies)
        assert survivor.get("/api/v1/search", params={"q": office.queries[0]}).status_code == 200
        officer.close()
        survivor.close()
    finally:
        _close(app)


@pytest.fixture(scope="module")
def saved(office, tmp_path_factory) -> Path:
    """A backup of the office made once for the refusal tests below."""
    target = tmp_path_factory.mktemp("saved") / "backup"
    done = _sohoa(office.home, "backup", str(target), "--json")
    assert done.returncode == 0, done.stderr
    return target


def test_restore_refuses_a_home_that_is_not_empty_and_touches_nothing(saved, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "ghi-chu.txt").write_text("dữ liệu đang dùng", encoding="utf-8")
    done = _sohoa(home, "restore", str(saved))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "không trống" in " ".join(done.stderr.split())  # the console wraps lines at its width
    assert sorted(p.name for p in home.iterdir()) == ["ghi-chu.txt"]


def test_restore_refuses_a_damaged_backup_naming_what_is_wrong_and_writes_nothing(saved, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(saved, damaged)
    victim = next(p for p in sorted((damaged / "objects").rglob("*.jpg")))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    home = tmp_path / "home"
    done = _sohoa(home, "restore", str(damaged), "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "backup_damaged" and "bị hỏng" in error["message"]
    assert victim.relative_to(damaged).as_posix() in error["message"]
    assert not home.exists() or not any(home.iterdir())


def test_restore_refuses_a_checksum_list_that_points_outside_the_backup(saved, tmp_path):
    """A tampered backup (list and manifest rewritten to agree) still cannot make restore write elsewhere."""
    import hashlib

    from office.backup import BackupDamaged, restore

    forged = tmp_path / "forged"
    shutil.copytree(saved, forged)
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    sha = hashlib.sha256(b"x").hexdigest()
    listing = forged / "objects.sha256"
    listing.write_text(listing.read_text(encoding="utf-8") + f"{sha}  objects/../../outside.txt\n", encoding="utf-8")
    manifest = json.loads((forged / "manifest.json").read_text(encoding="utf-8"))
    manifest["objects"]["list_sha256"] = hashlib.sha256(listing.read_bytes()).hexdigest()
    (forged / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    home = tmp_path / "home"
    with pytest.raises(BackupDamaged, match="đường dẫn không hợp lệ"):
        restore(_settings(home), forged)
    assert not home.exists() or not any(home.iterdir())


def test_backup_refuses_a_folder_with_data_and_the_distributed_mode(office, tmp_path):
    from office.backup import BackupRefused, backup

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "khac.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BackupRefused, match="đã có dữ liệu"):
        backup(_settings(office.home), busy)
    assert sorted(p.name for p in busy.iterdir()) == ["khac.txt"]
    with pytest.raises(BackupRefused, match="không phải thư mục"):  # once an OSError's traceback
        backup(_settings(office.home), busy / "khac.txt" / "bk")
    servers = Settings(home=tmp_path / "h", database_url="postgresql+psycopg://u:p@127.0.0.1:1/x",
                       storage_url="s3://k:s@127.0.0.1:1/b", index_url="http://127.0.0.1:1", broker_url="local")
    with pytest.raises(BackupRefused, match="pg_dump"):
        backup(servers, tmp_path / "out")
    assert not (tmp_path / "out").exists()
