"""A tus upload cut mid-chunk on a real server (uvicorn, a real socket closed half-way through a PATCH) resumes
from the offset the server kept, and the file put together is byte for byte the one sent."""
from __future__ import annotations

import base64
import hashlib
import os
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.served import served
from tests.web.conftest import PASSWORD, add_users, csrf_of, make_settings

TUS = {"Tus-Resumable": "1.0.0"}
SIZE = int(os.environ.get("SOHOA_RESUME_TEST_BYTES", 6 * 1024 * 1024))  # the 300 MB book: set it by hand


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("home"))
    add_users(settings)
    with served(settings.home) as base:
        yield base, settings


def _cut_patch(url: str, cookies: str, csrf: str, offset: int, body: bytes, send: int) -> None:
    """A PATCH announcing ``body`` whose connection drops after ``send`` bytes of it."""
    parts = urlsplit(url)
    head = (f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
            f"Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\nX-CSRF-Token: {csrf}\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head + body[:send])


def test_an_upload_cut_mid_chunk_resumes_where_the_server_stopped(server):
    base, settings = server
    data = os.urandom(SIZE)
    with httpx.Client(base_url=base) as client:
        page = client.get("/login")
        client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                    "next": "/"})
        csrf = csrf_of(client.get("/upload").text)
        headers = {**TUS, "X-CSRF-Token": csrf}
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                        for k, v in {"filename": "so.pdf", "filetype": "application/pdf"}.items())
        created = client.post("/api/v1/uploads", headers={**headers, "Upload-Length": str(SIZE),
                                                          "Upload-Metadata": meta})
        assert created.status_code == 201, created.text
        url = created.headers["location"]
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

        _cut_patch(url, cookies, csrf, 0, data, send=SIZE // 3)
        deadline, offset = time.monotonic() + 60, 0
        while offset == 0 and time.monotonic() < deadline:  # the server notices the dead line in its own time
            offset = int(client.head(url, headers=headers).headers["upload-offset"])
            time.sleep(0.2)
        assert 0 < offset <= SIZE // 3  # what arrived is kept, nothing more

        done = client.patch(url, content=data[offset:], headers={
            **headers, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
        assert done.status_code == 204 and done.headers["upload-offset"] == str(SIZE)

    user_dirs = list((settings.home / "uploads").iterdir())
    stored = user_dirs[0] / url.rstrip("/").rsplit("/", 1)[-1]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
