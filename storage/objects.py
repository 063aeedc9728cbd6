"""The object-store interface: content-addressed blobs (originals, page images, OCR words, PDFs).

A key is ``<kind>/<sha256[:2]>/<sha256><suffix>``: the same bytes always land under the same key, so writing
twice is harmless and every read can be checked against the hash in its own name.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from domain.errors import SohoaError
from domain.hashing import CHUNK, sha256_file  # noqa: F401  (storage.local, .s3, workers.migrate import it here)


class IntegrityError(SohoaError):
    """Stored bytes no longer match the checksum in their key."""

    code = "checksum_mismatch"


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    sha256: str
    size: int


def object_key(kind: str, sha256: str, suffix: str = "") -> str:
    if not kind.isidentifier():
        raise ValueError(f"bad object kind {kind!r}")
    return f"{kind}/{sha256[:2]}/{sha256}{suffix}"


def sha_from_key(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def sha256_stream(fh: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: fh.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _check(key: str, sha256: str) -> None:
    if sha256 != sha_from_key(key):
        raise IntegrityError(f"Dữ liệu của {key} không khớp mã kiểm tra SHA-256")


def verify(key: str, data: bytes) -> bytes:
    _check(key, hashlib.sha256(data).hexdigest())
    return data


def save_checked(key: str, dest: Path, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` (object ``key``'s bytes, streamed: a book's PDF may not fit in memory) to ``dest`` through a
    temporary file beside it, hashed as they are written: ``dest`` only ever holds bytes that match the key."""
    dest = Path(dest)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    tmp = Path(name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        _check(key, digest.hexdigest())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


@runtime_checkable
class ObjectStore(Protocol):
    """Embedded: :class:`storage.local.LocalObjectStore`; distributed: :class:`storage.s3.S3ObjectStore`."""

    def put_bytes(self, data: bytes, *, kind: str, suffix: str = "") -> StoredObject: ...

    def put_file(self, path: Path, *, kind: str, suffix: str = "") -> StoredObject: ...

    def get_bytes(self, key: str) -> bytes:
        """The object's bytes, checked against its key's SHA-256; NotFound if absent."""
        ...

    def download(self, key: str, dest: Path) -> Path: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def url(self, key: str, expires_s: int = 3600) -> str | None:
        """A time-limited URL a browser can fetch directly, or None when the API must stream the bytes."""
        ...
