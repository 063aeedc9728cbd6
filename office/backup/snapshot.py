"""`sohoa backup PATH`: a consistent, verified snapshot of an embedded installation, taken while it runs.

Consistency comes from the order of the steps and from content addressing: the database is copied first, by
SQLite's online backup API (one read transaction: a snapshot of one instant, while the server keeps reading
and writing); objects are written before the rows that point at them and never change, so every object the
snapshot refers to is already in the store when the objects are copied after it. Each object is hashed on the
way and checked against the SHA-256 in its key; then the whole folder is read back and checked again, and only
then does it get its final name (a half-written backup never looks like a backup).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from domain.errors import os_reason
from domain.hashing import sha256_file
from domain.settings import Settings
from storage.objects import sha_from_key

from .layout import (
    CHECKSUMS,
    DB,
    FORMAT,
    MANIFEST,
    OBJECTS,
    SECRET,
    BackupDamaged,
    BackupRefused,
    Embedded,
    copy_verified,
    is_empty,
    object_files,
    referenced_keys,
    remove_tree,
    schema_revision,
    table_counts,
    verify_folder,
)

Announce = Callable[[str], None]


def _snapshot_database(source: Path, dest: Path) -> None:
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # all pages in one step: one read transaction, so one instant of the database
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        dst.commit()
    finally:
        dst.close()
        src.close()


def _copy_objects(root: Path, dest: Path) -> tuple[list[str], int, list[str]]:
    """Copy every object, checking each against its key.

    Returns ``sha256  objects/key`` lines, bytes copied, and the keys whose bytes on disk no longer match their
    hash (left out: a damaged object copied would only pass the damage on)."""
    lines, total, damaged = [], 0, []
    for key, path in object_files(root):
        sha = sha_from_key(key)
        try:
            total += copy_verified(path, dest / OBJECTS / key, sha)
        except FileNotFoundError:  # deleted since it was listed: not part of this instant
            continue
        except BackupDamaged:
            damaged.append(key)
            continue
        lines.append(f"{sha}  {OBJECTS}/{key}")
    return lines, total, damaged


def backup(settings: Settings, dest: Path, *, announce: Announce = lambda _: None) -> dict:
    """Write a verified backup of the embedded installation into ``dest`` (new or empty). Returns its manifest.

    Objects the database points at but the store lacks, or whose bytes no longer match their key, are listed
    in the manifest (``objects.missing`` / ``objects.damaged``): the installation was damaged before the backup.
    """
    where = Embedded.of(settings)
    dest = Path(dest).expanduser().resolve()
    if not is_empty(dest):
        raise BackupRefused(f"Thư mục {dest} đã có dữ liệu: hãy chọn một thư mục mới hoặc trống để sao lưu.")
    for inside in (where.home, where.objects):
        if dest == inside or inside in dest.parents:
            raise BackupRefused(f"Không sao lưu vào trong {inside}: hãy chọn ổ đĩa hoặc thư mục khác.")
    if not where.database.is_file():
        raise BackupRefused(f"Chưa có cơ sở dữ liệu ở {where.database}: không có gì để sao lưu.")

    staging = dest.with_name(f".{dest.name}.dang-sao-luu")
    try:
        remove_tree(staging)
        staging.mkdir(parents=True)
    except OSError as exc:
        raise BackupRefused(f"Không ghi được bản sao lưu vào {dest.parent} ({os_reason(exc)}): hãy chọn thư mục "
                            "khác.") from exc
    try:
        announce("cơ sở dữ liệu")
        _snapshot_database(where.database, staging / DB)
        with closing(sqlite3.connect(staging / DB)) as db:
            tables, revision, wanted = table_counts(db), schema_revision(db), referenced_keys(db)
        announce("đối tượng")
        lines, total, damaged = _copy_objects(where.objects, staging)
        # An installation already missing objects is still backed up (the rest is worth keeping), and says so.
        missing = sorted(wanted - {line.split("  ", 1)[1].removeprefix(f"{OBJECTS}/") for line in lines})
        (staging / CHECKSUMS).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        secret = _copy_secret(settings, staging)

        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_home": str(where.home),
            "schema_revision": revision,
            "database": {"file": DB, "sha256": sha256_file(staging / DB), "bytes": (staging / DB).stat().st_size,
                         "tables": tables},
            "objects": {"count": len(lines), "bytes": total, "referenced": len(wanted),
                        "list": CHECKSUMS, "list_sha256": sha256_file(staging / CHECKSUMS),
                        "missing": missing, "damaged": sorted(damaged)},
            "secret_key": secret,
            "index": {"documents": tables.get("records", 0), "restore": "rebuilt from the database"},
        }
        announce("kiểm tra lại")
        check = verify_folder(staging, manifest)
        if check.problems:
            raise BackupDamaged("Bản sao lưu vừa ghi không khớp khi đọc lại: " + "; ".join(check.problems[:10]))
        _write_json(staging / MANIFEST, manifest)
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.replace(staging, dest)
    except BaseException:
        remove_tree(staging)
        raise
    return manifest


def _copy_secret(settings: Settings, staging: Path) -> dict:
    if settings.secret_key:
        # Not ours to copy: it lives in the environment, which the office must keep (docs/backup.md).
        return {"from_environment": True}
    path = settings.home / SECRET
    if not path.is_file():
        return {"absent": True}
    data = path.read_bytes()
    target = staging / SECRET
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return {"file": SECRET, "sha256": hashlib.sha256(data).hexdigest()}


def _write_json(path: Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
