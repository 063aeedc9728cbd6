"""`sohoa restore PATH`: a backup brought into an empty ``SOHOA_HOME``, checked before and while it is copied.

The backup is verified in full before anything is written (a damaged backup is refused, naming what is wrong);
objects are copied and hashed again on the way; the database goes in last, so an interrupted restore never
looks like an installation. Then the schema is brought up to date (a backup from an older version) and the
search index rebuilt from the database.
"""
from __future__ import annotations

import os
from pathlib import Path

from domain.settings import Settings
from workers import Context
from workers.stages import reindex_all

from .layout import (
    DB,
    SECRET,
    BackupDamaged,
    BackupRefused,
    Embedded,
    copy_verified,
    is_empty,
    read_manifest,
    remove_tree,
    verify_folder,
)
from .snapshot import Announce


def restore(settings: Settings, source: Path, *, announce: Announce = lambda _: None) -> dict:
    """Restore the backup in ``source`` into the (empty) installation ``settings`` describes. Returns a summary."""
    where = Embedded.of(settings)
    source = Path(source).expanduser().resolve()
    if not source.is_dir():
        raise BackupRefused(f"Không có thư mục sao lưu {source}.")
    for place in (where.home, where.objects, where.database):
        if not is_empty(place):
            raise BackupRefused(f"SOHOA_HOME ({where.home}) không trống ({place} đã có dữ liệu): chỉ khôi phục vào "
                                "một cài đặt trống, để không ghi đè lên dữ liệu đang có. Hãy chọn một SOHOA_HOME mới.")
    announce("kiểm tra bản sao lưu")
    manifest = read_manifest(source)
    check = verify_folder(source, manifest)
    if check.problems:
        shown = "; ".join(check.problems[:10]) + (f" (và {len(check.problems) - 10} lỗi khác)"
                                                  if len(check.problems) > 10 else "")
        raise BackupDamaged(f"Bản sao lưu {source} bị hỏng, không khôi phục: {shown}")

    secret = manifest.get("secret_key") or {}
    try:
        _copy_files(source, manifest, where, secret, announce)
    except BaseException:
        # The places were empty before: leave them empty, so the same command can simply be run again.
        for place in (where.database, where.home / SECRET):
            place.unlink(missing_ok=True)
        remove_tree(where.objects)
        raise

    announce("chỉ mục tìm kiếm")
    ctx = Context(settings)
    try:
        ctx.db  # noqa: B018  (opening it brings the schema up to date)
        indexed = reindex_all(ctx)
        count = ctx.index.count()
    finally:
        ctx.close()
    if count != indexed:
        raise BackupDamaged(f"Chỉ mục dựng lại có {count} tài liệu, cơ sở dữ liệu có {indexed} hồ sơ.")
    return {
        "home": str(where.home),
        "backup": str(source),
        "created_at": manifest["created_at"],
        "tables": check.tables,
        "objects": check.objects,
        "bytes": check.object_bytes + manifest["database"]["bytes"],
        "indexed": indexed,
        "secret_key": "from_environment" if secret.get("from_environment") else "restored" if secret.get("file")
        else "absent",
    }


def _copy_files(source: Path, manifest: dict, where: Embedded, secret: dict, announce: Announce) -> None:
    """Objects (hashed again on the way), the secret key, and the database last."""
    announce("đối tượng")
    for line in (source / manifest["objects"]["list"]).read_text(encoding="utf-8").splitlines():
        sha, _, rel = line.partition("  ")
        copy_verified(source / rel, where.objects / rel.split("/", 1)[1], sha)
    if secret.get("file"):
        where.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(where.home / SECRET, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write((source / secret["file"]).read_bytes())
    announce("cơ sở dữ liệu")
    copy_verified(source / DB, where.database, manifest["database"]["sha256"])
