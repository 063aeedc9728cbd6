"""One behaviour for every object store: the local directory (embedded) and MinIO (distributed)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.errors import NotFound, TransientBackendError
from storage.objects import IntegrityError, ObjectStore, object_key

VIETNAMESE = "Giấy khai sinh — Nguyễn Văn An, Đặng Thị Thuỷ".encode()


@dataclass
class Backend:
    store: ObjectStore
    tamper: Callable[[str, bytes], None]  # overwrite an object behind the store's back
    parts: Callable[[str], int]  # how many parts the stored object was uploaded in (1 when not multipart)
    presigns: bool


def _local(tmp_path: Path) -> Backend:
    from storage.local import LocalObjectStore

    store = LocalObjectStore(tmp_path / "objects")

    def tamper(key: str, data: bytes) -> None:
        (store.root / key).write_bytes(data)

    return Backend(store, tamper, parts=lambda key: 1, presigns=False)


def _minio(url: str) -> Backend:
    from storage.s3 import S3ObjectStore

    store = S3ObjectStore.from_url(url)

    def tamper(key: str, data: bytes) -> None:
        store.client.put_object(store.bucket, store.prefix + key, io.BytesIO(data), len(data))

    def parts(key: str) -> int:
        etag = store.client.stat_object(store.bucket, store.prefix + key).etag or ""
        return int(etag.rsplit("-", 1)[1]) if "-" in etag else 1  # S3 multipart ETags end in -<parts>

    return Backend(store, tamper, parts, presigns=True)


@pytest.fixture(params=["local", pytest.param("minio", marks=pytest.mark.distributed)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        return _local(tmp_path)
    return _minio(request.getfixturevalue("s3_url"))


@pytest.fixture
def store(backend: Backend) -> ObjectStore:
    return backend.store


def test_satisfies_protocol(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)


def test_round_trip(store: ObjectStore) -> None:
    obj = store.put_bytes(VIETNAMESE, kind="words", suffix=".json")
    assert obj.sha256 == hashlib.sha256(VIETNAMESE).hexdigest()
    assert obj.size == len(VIETNAMESE)
    assert store.exists(obj.key)
    assert store.get_bytes(obj.key) == VIETNAMESE


def test_key_is_content_addressed(store: ObjectStore) -> None:
    obj = store.put_bytes(b"\x89PNG page", kind="pages", suffix=".png")
    sha = hashlib.sha256(b"\x89PNG page").hexdigest()
    assert obj.key == object_key("pages", sha, ".png") == f"pages/{sha[:2]}/{sha}.png"
    assert re.fullmatch(r"pages/[0-9a-f]{2}/[0-9a-f]{64}\.png", obj.key)


def test_put_is_idempotent(store: ObjectStore) -> None:
    first = store.put_bytes(b"same bytes", kind="originals", suffix=".pdf")
    second = store.put_bytes(b"same bytes", kind="originals", suffix=".pdf")
    assert first == second
    assert list(store.keys("originals/")) == [first.key]


def test_empty_object(store: ObjectStore) -> None:
    obj = store.put_bytes(b"", kind="words")
    assert obj.size == 0
    assert store.get_bytes(obj.key) == b""


def test_tampered_object_is_refused(backend: Backend, tmp_path: Path) -> None:
    obj = backend.store.put_bytes(b"original scan", kind="pages", suffix=".png")
    backend.tamper(obj.key, b"something else")
    with pytest.raises(IntegrityError):
        backend.store.get_bytes(obj.key)
    dest = tmp_path / "out.png"
    with pytest.raises(IntegrityError):
        backend.store.download(obj.key, dest)
    assert not dest.exists()  # a failed download leaves nothing half-written behind


def test_missing_object(store: ObjectStore, tmp_path: Path) -> None:
    key = object_key("pages", "0" * 64, ".png")
    assert not store.exists(key)
    with pytest.raises(NotFound):
        store.get_bytes(key)
    with pytest.raises(NotFound):
        store.download(key, tmp_path / "missing.png")
    store.delete(key)  # deleting what is not there is not an error


def test_delete(store: ObjectStore) -> None:
    obj = store.put_bytes(b"to be removed", kind="pdf", suffix=".pdf")
    store.delete(obj.key)
    assert not store.exists(obj.key)
    with pytest.raises(NotFound):
        store.get_bytes(obj.key)


def test_keys_lists_by_prefix(store: ObjectStore) -> None:
    pages = {store.put_bytes(f"page {i}".encode(), kind="pages", suffix=".png").key for i in range(5)}
    words = {store.put_bytes(f"words {i}".encode(), kind="words", suffix=".json").key for i in range(3)}
    assert list(store.keys()) == sorted(pages | words)
    assert list(store.keys("pages/")) == sorted(pages)
    assert list(store.keys("words/")) == sorted(words)
    assert list(store.keys("nothing/")) == []


def test_key_cannot_escape_the_store(store: ObjectStore) -> None:
    with pytest.raises(ValueError):
        store.get_bytes("../outside/aa/" + "a" * 64)


def test_large_file(backend: Backend, tmp_path: Path) -> None:
    """Bigger than one 16 MiB part: streamed in parts to S3, checked on the way back."""
    src = tmp_path / "book.pdf"
    block = os.urandom(1024 * 1024)
    with open(src, "wb") as fh:
        for i in range(17):
            fh.write(bytes([i]) + block[1:])
    size = src.stat().st_size
    sha = hashlib.sha256(src.read_bytes()).hexdigest()

    obj = backend.store.put_file(src, kind="originals", suffix=".pdf")
    assert (obj.key, obj.sha256, obj.size) == (object_key("originals", sha, ".pdf"), sha, size)
    assert backend.parts(obj.key) == (2 if backend.presigns else 1)
    assert backend.store.put_file(src, kind="originals", suffix=".pdf") == obj  # already there: no upload

    dest = backend.store.download(obj.key, tmp_path / "copy.pdf")
    assert dest.stat().st_size == size
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == sha


def test_put_file_matches_put_bytes(store: ObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "scan.jpg"
    src.write_bytes(VIETNAMESE)
    assert store.put_file(src, kind="originals", suffix=".jpg") == store.put_bytes(
        VIETNAMESE, kind="originals", suffix=".jpg"
    )


def test_source_changing_while_stored_is_refused(
    store: ObjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is hashed for its key, then read again to store it: if it changed between the two, nothing is
    kept under a key that does not match the bytes."""
    import storage.local
    import storage.s3

    src = tmp_path / "scan.tif"
    src.write_bytes(b"changed pixels")
    before = hashlib.sha256(b"the pixels we hashed").hexdigest()
    real = storage.local.sha256_file

    def hashed_before_the_change(path: Path) -> str:
        return before if path == src else real(path)

    monkeypatch.setattr(storage.local, "sha256_file", hashed_before_the_change)
    monkeypatch.setattr(storage.s3, "sha256_file", hashed_before_the_change)
    with pytest.raises(ValueError, match="changed while being stored"):
        store.put_file(src, kind="originals", suffix=".tif")
    assert not store.exists(object_key("originals", before, ".tif"))
    assert list(store.keys()) == []


def test_url(backend: Backend) -> None:
    """A browser-fetchable URL when the store can sign one; None means the API streams the bytes itself."""
    obj = backend.store.put_bytes(b"\x89PNG thumbnail", kind="pages", suffix=".png")
    url = backend.store.url(obj.key, expires_s=60)
    if not backend.presigns:
        assert url is None
        return
    assert url is not None and "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own test server
        assert response.read() == b"\x89PNG thumbnail"
        assert response.headers["Content-Type"] == "image/png"


# -- the distributed store's own contract: error mapping and URL parsing (no server needed) -----------
def test_s3_unreachable_is_transient() -> None:
    from storage.s3 import S3ObjectStore

    store = S3ObjectStore.from_url("s3://key:secret@127.0.0.1:9/bucket?secure=false", timeout_s=2)
    with pytest.raises(TransientBackendError):
        store.exists(object_key("pages", "a" * 64))


def test_s3_url_parsing() -> None:
    from storage.s3 import S3Location

    loc = S3Location.parse("s3://AK%2F1:S%40cret@minio.local:9000/archive/sohoa/objects?secure=false&region=vn-1")
    assert loc.endpoint == "minio.local:9000"
    assert (loc.access_key, loc.secret_key) == ("AK/1", "S@cret")
    assert (loc.bucket, loc.prefix, loc.secure, loc.region) == ("archive", "sohoa/objects", False, "vn-1")
    assert S3Location.parse("s3://k:s@host/bucket").secure is True
