"""What a backup folder holds, and the checks that both `sohoa backup` and `sohoa restore` run on it.

A backup is a folder laid out like an embedded ``SOHOA_HOME``, plus its proof of integrity::

    sohoa.db          the database, one file (an online snapshot, not a copy of a live file)
    objects/…         every object of the store, under its own key (which names its SHA-256)
    secret_key        the key that signs sessions and tokens (absent when it comes from SOHOA_SECRET_KEY)
    objects.sha256    one ``<sha256>  objects/<key>`` line per object: ``sha256sum -c objects.sha256`` checks it
    manifest.json     written last: counts per table, checksums of the other files, the schema revision

The search index is not in it: it is derived from the database and rebuilt on restore.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from domain.errors import SohoaError
from domain.hashing import CHUNK, sha256_file
from domain.settings import Settings
from storage.objects import sha_from_key

FORMAT = 1
DB = "sohoa.db"
OBJECTS = "objects"
SECRET = "secret_key"
CHECKSUMS = "objects.sha256"
MANIFEST = "manifest.json"


class BackupRefused(SohoaError):
    """The command cannot run as asked (wrong mode, a folder not empty); nothing was written."""

    code = "backup_refused"
    exit_code = 2
    http_status = 409


class BackupDamaged(SohoaError):
    """A backup (or the installation being backed up) does not match its own checksums."""

    code = "backup_damaged"
    exit_code = 1
    http_status = 422


@dataclass(frozen=True)
class Embedded:
    """Where an embedded installation keeps its three parts."""

    home: Path
    database: Path
    objects: Path

    @classmethod
    def of(cls, settings: Settings) -> Embedded:
        store = urlsplit(settings.storage_url)
        if not settings.database_url.startswith("sqlite:///") or store.scheme != "file":
            raise BackupRefused(
                "Lệnh này sao lưu/khôi phục cài đặt nhúng (SQLite và kho tệp). Với PostgreSQL, MinIO và "
                "Elasticsearch hãy dùng pg_dump/pg_restore và mc mirror như hướng dẫn trong docs/backup.md.")
        return cls(settings.home, Path(unquote(settings.database_url.removeprefix("sqlite:///"))),
                   Path(unquote(store.path)))


@dataclass
class Check:
    """What verifying a backup folder found; ``problems`` empty means every byte matched."""

    tables: dict[str, int] = field(default_factory=dict)
    objects: int = 0
    object_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def is_empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def copy_verified(src: Path, dest: Path, expected_sha256: str) -> int:
    """Copy a file, hashing it on the way; the copy is published (renamed into place) only if it matches."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    digest, size = hashlib.sha256(), 0
    with open(src, "rb") as fin, open(tmp, "wb") as fout:
        for chunk in iter(lambda: fin.read(CHUNK), b""):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    if digest.hexdigest() != expected_sha256:
        tmp.unlink()
        raise BackupDamaged(f"{src} không khớp mã SHA-256 của nó (dữ liệu hỏng)")
    os.replace(tmp, dest)
    return size


def object_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(key, path) of every object under a store's root; half-written temporaries are not objects."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and ".tmp" not in rel.parts and not path.name.endswith(".part"):
            yield rel.as_posix(), path


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [n for (n,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def referenced_keys(db: sqlite3.Connection) -> set[str]:
    """Every object key the database points at: the values of its ``…_key`` columns (pages, files, PDFs…)."""
    keys: set[str] = set()
    for table in table_counts(db):
        for column in db.execute(f'PRAGMA table_info("{table}")'):
            name = column[1]
            if name.endswith("_key"):
                keys.update(v for (v,) in db.execute(f'SELECT "{name}" FROM "{table}" WHERE "{name}" IS NOT NULL'))
    return {k for k in keys if isinstance(k, str) and "/" in k}


def schema_revision(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupDamaged(f"{folder} không phải bản sao lưu hoàn chỉnh của Sohoa (thiếu {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupDamaged(f"{path} hỏng: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupDamaged(f"{path}: định dạng sao lưu {found!r} không được hỗ trợ (cần {FORMAT})")
    required = {"database": ("sha256", "tables", "bytes"), "objects": ("count", "list", "list_sha256")}
    absent = [f"{part}.{key}" for part, keys in required.items() for key in keys
              if not isinstance(manifest.get(part), dict) or key not in manifest[part]]
    absent += [] if "created_at" in manifest else ["created_at"]
    if absent:
        raise BackupDamaged(f"{path}: bản kê thiếu {', '.join(absent)}")
    return manifest


def verify_folder(folder: Path, manifest: dict) -> Check:
    """Re-read everything in a backup folder against its manifest and checksum list."""
    check = Check()
    db_path = folder / DB
    if not db_path.is_file() or sha256_file(db_path) != manifest["database"]["sha256"]:
        check.problems.append(f"{DB}: thiếu hoặc không khớp mã SHA-256")
    else:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                check.problems.append(f"{DB}: SQLite báo lỗi toàn vẹn: {verdict}")
            check.tables = table_counts(db)
        if check.tables != manifest["database"]["tables"]:
            check.problems.append(f"{DB}: số dòng các bảng không khớp bản kê")
    secret = manifest.get("secret_key") or {}
    if secret.get("sha256") and (not (folder / SECRET).is_file()
                                 or sha256_file(folder / SECRET) != secret["sha256"]):
        check.problems.append(f"{SECRET}: thiếu hoặc không khớp mã SHA-256")
    listed = folder / CHECKSUMS
    if not listed.is_file() or sha256_file(listed) != manifest["objects"]["list_sha256"]:
        check.problems.append(f"{CHECKSUMS}: thiếu hoặc không khớp mã SHA-256")
        return check
    for line in listed.read_text(encoding="utf-8").splitlines():
        sha, _, rel = line.partition("  ")
        parts = Path(rel).parts
        path = folder / rel
        if len(parts) < 2 or parts[0] != OBJECTS or ".." in parts or Path(rel).is_absolute():
            check.problems.append(f"{rel!r}: đường dẫn không hợp lệ trong {CHECKSUMS}")
        elif not path.is_file():
            check.problems.append(f"{rel}: thiếu")
        elif sha256_file(path) != sha or sha_from_key(rel) != sha:
            check.problems.append(f"{rel}: không khớp mã SHA-256")
        else:
            check.objects += 1
            check.object_bytes += path.stat().st_size
    if check.objects != manifest["objects"]["count"] and not check.problems:
        check.problems.append(f"{OBJECTS}: có {check.objects} đối tượng, bản kê ghi {manifest['objects']['count']}")
    return check


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
