"""Objects as files under one directory: the embedded default."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from domain.errors import NotFound

from .objects import CHUNK, IntegrityError, StoredObject, object_key, sha256_file, sha_from_key, verify


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
        """Copied in chunks (a book's PDF may not fit in memory) and hashed as it is copied, checked against its
        key, in place at once."""
        dest, path = Path(dest), self._path(key)
        if not path.is_file():
            raise NotFound(f"Không tìm thấy đối tượng {key}")
        fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
        tmp = Path(name)
        try:
            digest = hashlib.sha256()
            with open(path, "rb") as src, os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha_from_key(key):
                raise IntegrityError(f"Dữ liệu của {key} không khớp mã kiểm tra SHA-256")
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest

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
