"""Objects as files under one directory: the embedded default."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from domain.errors import NotFound

from .objects import CHUNK, StoredObject, object_key, save_checked, sha256_file, verify


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def _publish(self, tmp: Path, key: str) -> None:
        # Rename is atomic within one filesystem: a reader sees either nothing or the whole object.
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)

    def _tempfile(self) -> tuple[int, Path]:
        tmpdir = self.root / ".tmp"
        tmpdir.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmpdir)
        return fd, Path(name)

    def put_bytes(self, data: bytes, *, kind: str, suffix: str = "") -> StoredObject:
        sha = hashlib.sha256(data).hexdigest()
        key = object_key(kind, sha, suffix)
        if not self._path(key).exists():
            fd, tmp = self._tempfile()
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            self._publish(tmp, key)
        return StoredObject(key, sha, len(data))

    def put_file(self, path: Path, *, kind: str, suffix: str = "") -> StoredObject:
        sha = sha256_file(path)
        key = object_key(kind, sha, suffix)
        size = path.stat().st_size
        if not self._path(key).exists():
            fd, tmp = self._tempfile()
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            if sha256_file(tmp) != sha:  # the source changed while we copied it
                tmp.unlink()
                raise ValueError(f"{path} changed while being stored")
            self._publish(tmp, key)
        return StoredObject(key, sha, size)

    def get_bytes(self, key: str) -> bytes:
        try:
            return verify(key, self._path(key).read_bytes())
        except FileNotFoundError:
            raise NotFound(f"Không tìm thấy đối tượng {key}") from None

    def download(self, key: str, dest: Path) -> Path:
        try:
            src = open(self._path(key), "rb")  # noqa: SIM115 (closed below, once copied)
        except FileNotFoundError:
            raise NotFound(f"Không tìm thấy đối tượng {key}") from None
        with src:
            return save_checked(key, dest, iter(lambda: src.read(CHUNK), b""))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and ".tmp" not in path.relative_to(self.root).parts:
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def url(self, key: str, expires_s: int = 3600) -> str | None:
        return None
