"""Objects in an S3-compatible store (MinIO): the distributed backend.

Keys are the same content-addressed keys as on disk, optionally under a prefix inside the bucket. Every write
hashes the bytes as they stream out and compares them with the key; every read is checked the same way.
"""
from __future__ import annotations

import hashlib
import io
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, unquote, urlsplit

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError

from domain.errors import ConfigError, NotFound, TransientBackendError

from .objects import CHUNK, StoredObject, object_key, save_checked, sha256_file, sha_from_key, verify

PART_SIZE = 16 * 1024 * 1024  # larger files go up in parts of this size (S3 allows 5 MiB – 5 GiB)
_MISSING = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchBucket", "ResourceNotFound"})
_TRANSIENT = frozenset(
    {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized"}
)
_BUCKET_RACE = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


@dataclass(frozen=True, slots=True)
class S3Location:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    prefix: str = ""
    secure: bool = True
    region: str | None = None

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """``s3://KEY:SECRET@host:port/bucket[/prefix]?secure=false&region=...``"""
        parts = urlsplit(url)
        if parts.scheme not in ("s3", "minio") or not parts.hostname:
            raise ConfigError(f"URL kho đối tượng không hợp lệ: cần s3://KEY:SECRET@host:port/bucket ({parts.scheme}://…)")
        bucket, _, prefix = parts.path.lstrip("/").partition("/")
        if not bucket:
            raise ConfigError("URL kho đối tượng thiếu tên bucket (s3://KEY:SECRET@host:port/bucket)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        secure = query.get("secure", "true").lower() not in ("false", "0", "no")
        endpoint = parts.hostname + (f":{parts.port}" if parts.port else "")
        return cls(
            endpoint=endpoint,
            access_key=unquote(parts.username or ""),
            secret_key=unquote(parts.password or ""),
            bucket=bucket,
            prefix=prefix.strip("/"),
            secure=secure,
            region=query.get("region") or None,
        )


class _HashingReader:
    """Wraps a stream and hashes exactly what the uploader reads from it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _transient(exc: Exception) -> bool:
    if isinstance(exc, urllib3.exceptions.HTTPError | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, ServerError):
        return exc.status_code >= 500
    if isinstance(exc, InvalidResponseError):
        return getattr(exc, "_code", 0) >= 500  # a proxy's HTML 502/503 page
    if isinstance(exc, S3Error):
        return exc.code in _TRANSIENT or exc.response.status >= 500
    return False


@contextmanager
def _mapped(key: str = "") -> Iterator[None]:
    """Turn the client's errors into ours: missing → NotFound, server briefly away → TransientBackendError."""
    try:
        yield
    except S3Error as exc:
        if exc.code in _MISSING:
            raise NotFound(f"Không tìm thấy đối tượng {key}") from exc
        if _transient(exc):
            raise TransientBackendError(f"Kho đối tượng tạm thời không phản hồi: {exc.code}") from exc
        raise
    except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError, ServerError, InvalidResponseError) as exc:
        if _transient(exc):
            raise TransientBackendError(f"Kho đối tượng tạm thời không phản hồi: {exc}") from exc
        raise


class S3ObjectStore:
    def __init__(self, client: Minio, bucket: str, prefix: str = "", *, region: str | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.region = region
        self._bucket_ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 60.0) -> S3ObjectStore:
        loc = S3Location.parse(url)
        # The client's default waits five minutes per attempt; a worker would rather fail fast and retry later.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=10.0, read=timeout_s),
            maxsize=16,
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        client = Minio(
            loc.endpoint,
            access_key=loc.access_key or None,
            secret_key=loc.secret_key or None,
            secure=loc.secure,
            region=loc.region,
            http_client=http,
        )
        return cls(client, loc.bucket, loc.prefix, region=loc.region)

    # -- names ------------------------------------------------------------------------------------
    def _name(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"bad object key {key!r}")
        return self.prefix + key

    def _ready(self) -> None:
        if self._bucket_ready:
            return
        with self._lock, _mapped(self.bucket):
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket, location=self.region)
                except S3Error as exc:  # another worker created it between our check and our request
                    if exc.code not in _BUCKET_RACE:
                        raise
            self._bucket_ready = True

    # -- writing ----------------------------------------------------------------------------------
    def _upload(self, key: str, stream: BinaryIO, size: int) -> None:
        reader = _HashingReader(stream)
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        part_size = max(PART_SIZE, -(-size // 9_000))  # S3 allows at most 10,000 parts
        with _mapped(key):
            self.client.put_object(
                self.bucket, self._name(key), reader, size, content_type=content_type, part_size=part_size
            )
        if reader.digest.hexdigest() != sha_from_key(key) or reader.size != size:
            # What went up is not what we hashed: the source changed underneath us. Never leave it there.
            with _mapped(key):
                self.client.remove_object(self.bucket, self._name(key))
            raise ValueError(f"the source of {key} changed while being stored")

    def put_bytes(self, data: bytes, *, kind: str, suffix: str = "") -> StoredObject:
        sha = hashlib.sha256(data).hexdigest()
        key = object_key(kind, sha, suffix)
        if not self.exists(key):
            self._upload(key, io.BytesIO(data), len(data))
        return StoredObject(key, sha, len(data))

    def put_file(self, path: Path, *, kind: str, suffix: str = "") -> StoredObject:
        sha = sha256_file(path)
        key = object_key(kind, sha, suffix)
        size = path.stat().st_size
        if not self.exists(key):
            with open(path, "rb") as fh:
                self._upload(key, fh, size)
        return StoredObject(key, sha, size)

    # -- reading ----------------------------------------------------------------------------------
    def _chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes as the server sends them."""
        self._ready()
        with _mapped(key):
            response = self.client.get_object(self.bucket, self._name(key))
            try:
                yield from response.stream(CHUNK)
            finally:
                response.close()
                response.release_conn()

    def get_bytes(self, key: str) -> bytes:
        return verify(key, b"".join(self._chunks(key)))

    def download(self, key: str, dest: Path) -> Path:
        return save_checked(key, dest, self._chunks(key))

    def exists(self, key: str) -> bool:
        self._ready()
        try:
            with _mapped(key):
                self.client.stat_object(self.bucket, self._name(key))
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self._ready()
        with _mapped(key):
            self.client.remove_object(self.bucket, self._name(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        self._ready()
        with _mapped(prefix):
            for obj in self.client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True):
                if obj.object_name and not obj.is_dir:
                    yield obj.object_name[len(self.prefix):]

    def url(self, key: str, expires_s: int = 3600) -> str | None:
        self._ready()
        with _mapped(key):
            return self.client.presigned_get_object(self.bucket, self._name(key), expires=timedelta(seconds=expires_s))
