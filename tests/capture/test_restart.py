"""What `sohoa serve` does on its own at start-up: a book whose server was killed mid-batch (kill -9 of the whole
process group, OCR workers included) finishes after a restart without anyone clicking anything, and browser
uploads left unfinished longer than SOHOA_UPLOAD_EXPIRY_HOURS are deleted while recent ones stay."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from capture_scans import save_pdf, text_page

from domain.settings import Settings
from office.capture.expiry import expire_uploads
from tests.served import free_port
from tests.web.conftest import PASSWORD, add_users, csrf_of, make_settings

OLD = "a" * 32  # tuspyserver's ids: 32 hex digits
RECENT = "b" * 32


def _upload(folder: Path, uid: str, age_hours: float) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    parts = [folder / uid, folder / f"{uid}.info"]
    parts[0].write_bytes(b"\0" * 1000)
    parts[1].write_text('{"size": 5000, "offset": 1000, "metadata": {"filename": "so.pdf"}}')
    then = time.time() - age_hours * 3600
    for p in parts:
        os.utime(p, (then, then))
    return parts


def test_only_uploads_idle_past_the_expiry_are_deleted(tmp_path):
    settings = make_settings(tmp_path).model_copy(update={"upload_expiry_hours": 48.0})
    old = _upload(settings.home / "uploads" / "3", OLD, age_hours=49)
    recent = _upload(settings.home / "uploads" / "3", RECENT, age_hours=47)
    (settings.home / "uploads" / "3" / "notes.txt").write_text("not an upload")
    assert expire_uploads(settings) == 1
    assert not any(p.exists() for p in old) and all(p.exists() for p in recent)
    assert (settings.home / "uploads" / "3" / "notes.txt").exists()
    # a chunk arriving moves the file's time: the upload is alive again, whatever its age
    assert expire_uploads(settings, now=time.time() + 2 * 3600) == 1 and not recent[0].exists()
    assert expire_uploads(make_settings(tmp_path / "empty")) == 0


@contextmanager
def _server(home: Path, port: int) -> Iterator[subprocess.Popen]:
    """`sohoa serve` in a process group of its own, so a kill -9 takes its OCR workers too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env |= {"SOHOA_HOME": str(home), "SOHOA_WORKERS": "1", "SOHOA_DPI": "100", "SOHOA_UPLOAD_EXPIRY_HOURS": "24"}
    with open(home / f"server-{port}.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port)], env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            for _ in range(300):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=60)


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)  # the caller closes it
    page = client.get("/login")
    client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                "next": "/"})
    client.headers["X-CSRF-Token"] = csrf_of(client.get("/upload").text)
    return client


def _status(client: httpx.Client, batch_id: str) -> dict:
    return client.get(f"/api/v1/batches/{batch_id}/status").json()


def test_a_book_killed_mid_batch_finishes_after_a_restart_without_a_click(tmp_path):
    settings: Settings = make_settings(tmp_path / "home")
    add_users(settings)
    book = save_pdf([text_page(f"Trang {i}") for i in range(1, 5)], tmp_path / "so-04.pdf")
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    with _server(settings.home, port) as proc:
        with contextlib.closing(_signed_in(base)) as client:
            sent = client.post("/api/v1/batches", files={"files": ("so-04.pdf", book.read_bytes(), "application/pdf")},
                               data={"type": "birth", "book": "04/2001"})
            assert sent.status_code == 201, sent.text
            batch_id = sent.json()["batch_id"]
            deadline = time.monotonic() + 300
            while _status(client, batch_id)["running"] == 0:  # a page is being read: now
                assert time.monotonic() < deadline, "no page ever started"
                time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    left = _status_offline(settings, batch_id)
    assert left["waiting"] > 0 and not left["finished"]  # killed with work left: something must pick it up
    stale = _upload(settings.home / "uploads" / "3", OLD, age_hours=25)
    fresh = _upload(settings.home / "uploads" / "3", RECENT, age_hours=1)

    with _server(settings.home, port), contextlib.closing(_signed_in(base)) as client:
        deadline = time.monotonic() + 600
        while not (now := _status(client, batch_id))["finished"]:
            assert time.monotonic() < deadline, f"batch not resumed: {now}"
            time.sleep(0.5)
        assert (now["pages"], now["done"], now["failed"]) == (4, 4, 0)
        assert not any(p.exists() for p in stale) and all(p.exists() for p in fresh)


def _status_offline(settings: Settings, batch_id: str) -> dict:
    from office.capture.service import progress
    from workers import Context

    ctx = Context(settings)
    try:
        with ctx.db.session() as s:
            return progress(batch_id, s=s)
    finally:
        ctx.close()


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
