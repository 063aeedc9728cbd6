"""Books handed in through the browser or the API, into a batch by the very path of `sohoa ingest`.

Files arrive two ways: whole, in a multipart POST (scripts, small books), or in resumable chunks over the tus
protocol (the browser, large books over slow links), each finished upload then named by its id. Either way they
are laid out in a fresh staging folder under the names the clerk sent (a dropped folder keeps its sub-folders)
and that folder is registered as `sohoa ingest .` run inside it would be: the same checks, the same names, the
same rejections with their Vietnamese reasons. The staging folder goes once the originals are stored.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select

from domain.errors import NotFound, SohoaError
from domain.settings import Settings
from domain.text import normalize
from ingest.names import safe_member_path
from storage.models import Page
from workers import Context
from workers.batches import BatchMeta, Registered, register_batch

from .book import BadMetadata

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")  # tuspyserver's ids: uuid4().hex


class NothingAccepted(SohoaError):
    """Every file sent was refused: the batch keeps the rejections, the clerk gets them as the answer."""

    code = "nothing_accepted"
    exit_code = 2
    http_status = 422


@dataclass(frozen=True)
class Incoming:
    name: str  # as the clerk's machine named it, sub-folders included ("so-1998/trang-01.jpg")
    path: Path  # where its bytes are now; moved into the staging folder


def uploads_dir(settings: Settings, user_id: int) -> Path:
    """Each account's unfinished uploads apart: no one can resume, read or name another's."""
    return settings.home / "uploads" / str(user_id)


def finished_upload(settings: Settings, user_id: int, upload_id: str) -> Incoming:
    """A tus upload of this account, complete; its name from the upload's metadata."""
    folder = uploads_dir(settings, user_id)
    if not UPLOAD_ID.match(upload_id) or not (folder / f"{upload_id}.info").is_file():
        raise NotFound(f"Không có tệp tải lên {upload_id!r} (đã hết hạn hoặc chưa bắt đầu).")
    info = json.loads((folder / f"{upload_id}.info").read_text(encoding="utf-8"))
    data = folder / upload_id
    if info.get("size") is None or info.get("offset") != info["size"] or not data.is_file():
        raise BadMetadata(f"Tệp tải lên {upload_id} chưa tải xong ({info.get('offset')}/{info.get('size')} byte).")
    meta = info.get("metadata") or {}
    return Incoming(meta.get("relativePath") or meta.get("filename") or upload_id, data)


def forget_upload(settings: Settings, user_id: int, upload_id: str) -> None:
    (uploads_dir(settings, user_id) / f"{upload_id}.info").unlink(missing_ok=True)


def staged_name(raw: str) -> PurePosixPath:
    """The clerk's name as a path inside the staging folder. A name that would climb out of it ('..', an
    absolute path, a drive) keeps only its last part, as a browser sends it anyway."""
    name = normalize(raw)
    safe = safe_member_path(name)
    if safe is None:
        last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        last = "".join(c for c in last if c.isprintable()).strip()
        safe = PurePosixPath(last if last not in ("", ".", "..") else "tep-khong-ten")
    return safe


def _place(stage: Path, item: Incoming) -> None:
    first = target = stage / staged_name(item.name)
    n = 1
    # The same name again (a phone's camera calls every shot "image.jpg", two folders flattened): each kept, as
    # "image_2.jpg" and on, which the book's natural order puts after "image.jpg", in the order sent.
    while target.exists():
        n += 1
        target = first.with_name(f"{first.stem}_{n}{first.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(item.path, target)


def take_in(items: list[Incoming], meta: BatchMeta, ctx: Context) -> Registered:
    """Register what was sent as one book; what was refused is kept on the batch, as `sohoa ingest` keeps it."""
    if not items:
        raise BadMetadata("Chưa chọn tệp nào để nhập.")
    root = ctx.settings.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
    try:
        for item in items:
            _place(stage, item)
        reg = register_batch([stage], meta, ctx, root=stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return reg


def check_taken(reg: Registered, ctx: Context) -> None:
    """Raises NothingAccepted, listing each file's reason, when the book has no page at all."""
    if reg.new_pages == 0 and not reg.duplicates and reg.rejected and not _has_pages(reg.batch_id, ctx):
        reasons = "; ".join(f"{r.source}: {r.reason}" for r in reg.rejected)
        raise NothingAccepted(f"Không nhận được trang nào (lô {reg.batch_id}). {reasons}")


def _has_pages(batch_id: str, ctx: Context) -> bool:
    with ctx.db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(Page).where(Page.batch_id == batch_id)))
