"""Page fixes a clerk makes after a book is in: rotate, delete, mark as blank / cover / back side, reorder,
replace with a rescan or a new photo, and retry a failed page.

Only what a fix affects is read again: a rotated or replaced page is a new page (its image is a new original,
stored beside the untouched scan; page ids derive from content) and alone goes back to OCR; a deleted or
marked page loses its records; a new order only re-joins the entries cut across pages. Each fix then hands the
batch to the runner, whose finalize step re-joins entries, indexes what changed and rebuilds the book's PDF.
Every fix is audited by the function that makes it, so the API and the browser behave the same.
"""
from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import ids
from domain.errors import InputRejected, NotFound, SohoaError
from ingest import SourceFile, expand, render_page
from office.audit.service import Actor, page_records, record
from storage.dossier_models import CertifiedCopy, DossierItem
from storage.models import Batch, Page, PageStatus, Record, RecordPage, SourceFileRow
from workers import Context
from workers.batches import _SUFFIX, existing_batch
from workers.joining import apply_parts, release_tail, unjoin_page

from .service import Runner
from .upload import Incoming, staged_name

# "document": a page of the book that holds no record — a decision or letter filed with the registers, an
# application — kept with the book, as the office filed it.
ROLES = {"blank": "Trang trắng", "cover": "Bìa sổ", "back": "Mặt sau", "document": "Văn bản khác, không phải hồ sơ"}
ROTATIONS = (90, 180, 270)  # clockwise, as the clerk sees the page


class PageBusy(SohoaError):
    code = "page_busy"
    exit_code = 1
    http_status = 409


class FixRefused(SohoaError):
    code = "fix_refused"
    exit_code = 2
    http_status = 422


def _page(s: Session, batch_id: str, page_id: str, *, lock: bool = True) -> Page:
    page = s.get(Page, page_id, with_for_update=lock)
    if page is None or page.batch_id != batch_id:
        raise NotFound(f"Lô {batch_id} không có trang {page_id}")
    if page.status in (PageStatus.PENDING, PageStatus.RUNNING):
        raise PageBusy("Trang đang chờ hoặc đang được nhận dạng; hãy sửa sau khi xử lý xong.")
    return page


def _guard(s: Session, page_ids: list[str]) -> None:
    """Records already attached to a dossier or certified stay as they are: the copy's hash depends on them."""
    used = s.scalar(select(RecordPage.record_id).where(RecordPage.page_id.in_(page_ids)).where(
        RecordPage.record_id.in_(select(DossierItem.record_id).union(select(CertifiedCopy.record_id)))).limit(1))
    if used:
        raise FixRefused(f"Hồ sơ {used} trên trang này đã được đính kèm hồ sơ thủ tục hoặc cấp bản sao; "
                         "không thể sửa trang.")


def _drop_records(s: Session, page: Page, threshold: float) -> list[str]:
    """The page's records go (entries it continued return to their heads' own part; a tail its head had taken
    from the next page becomes a record of its own again). Returns the ids to take out of the index."""
    unjoin_page(s, page.id, threshold)
    gone = s.scalars(select(Record).join(RecordPage).where(RecordPage.page_id == page.id,
                                                           RecordPage.ordinal == 0)).all()
    for rec in gone:
        if rec.parts and "tail" in rec.parts:
            release_tail(s, page.batch_id, rec.parts["tail"], threshold)
        s.delete(rec)
    s.flush()
    return [r.id for r in gone]


def _split_joins(s: Session, batch_id: str, threshold: float) -> None:
    """Before pages change places: every joined entry back to its parts; finalize joins them in the new order."""
    heads = s.scalars(select(Record).where(Record.batch_id == batch_id, Record.fragment == "head")).all()
    for head in heads:
        if head.parts and "tail" in head.parts:
            release_tail(s, batch_id, head.parts["tail"], threshold)
            head.parts = {"own": head.parts["own"]}
            head.pages = head.pages[:1]
            apply_parts(head, threshold)


def _single_pages(s: Session, batch_id: str) -> None:
    # In a book of spreads every file's page is cut in two when read; a lone page put in would be cut again.
    if s.get(Batch, batch_id).spreads:
        raise FixRefused("Quyển này được quét mỗi ảnh hai trang sổ mở: không xoay hay thay riêng một nửa được; "
                         "hãy bỏ hai trang đó rồi nhập lại ảnh hai trang đã chụp đúng chiều.")


def _workdir(ctx: Context) -> tempfile.TemporaryDirectory:
    """Scratch space under SOHOA_HOME (the store's disk, not a small /tmp), removed afterwards."""
    root = ctx.settings.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="fix-", dir=root)


def _reopen(s: Session, batch_id: str) -> None:
    s.get(Batch, batch_id).finished_at = None  # finished again once the runner has finalised it


def _after(ctx: Context, runner: Runner, batch_id: str, deleted: list[str]) -> None:
    if deleted:
        ctx.index.delete(deleted)
    runner.submit(batch_id)


def mark(batch_id: str, page_id: str, role: str | None, *, ctx: Context, runner: Runner, actor: Actor) -> None:
    """Blank, cover, back side, another document: the page stays in the book but yields no records (a failed
    blank page is then settled). ``None`` makes it an ordinary page again, read anew."""
    if role is not None and role not in ROLES:
        raise FixRefused(f"Loại trang không hợp lệ: {role!r}; chọn một trong {', '.join(ROLES)}.")
    with ctx.db.session() as s:
        page = _page(s, batch_id, page_id)
        _guard(s, [page.id])
        deleted = _drop_records(s, page, ctx.settings.review_threshold)
        page.role = role
        if role:
            page.status, page.error_code, page.reason = PageStatus.DONE, None, f"Đánh dấu: {ROLES[role]}"
        else:
            page.status, page.error_code, page.reason = PageStatus.PENDING, None, None
        _reopen(s, batch_id)
        record(s, actor, "page_mark", target=page_id, batch_id=batch_id, seq=page.seq, role=role)
    _after(ctx, runner, batch_id, deleted)


def delete(batch_id: str, page_id: str, *, ctx: Context, runner: Runner, actor: Actor) -> None:
    """Out of the book (a double scan, a stray sheet); the original file stays stored untouched."""
    with ctx.db.session() as s:
        page = _page(s, batch_id, page_id)
        _guard(s, [page.id])
        _split_joins(s, batch_id, ctx.settings.review_threshold)
        deleted = _drop_records(s, page, ctx.settings.review_threshold)
        seq = page.seq
        s.delete(page)
        s.flush()
        for later in s.scalars(select(Page).where(Page.batch_id == batch_id, Page.seq > seq)):
            later.seq -= 1
        _reopen(s, batch_id)
        record(s, actor, "page_delete", target=page_id, batch_id=batch_id, seq=seq)
    _after(ctx, runner, batch_id, deleted)


def reorder(batch_id: str, order: list[str], *, ctx: Context, runner: Runner, actor: Actor) -> None:
    """``order``: every page id of the batch, in the book's new order."""
    with ctx.db.session() as s:
        existing_batch(s, batch_id)
        pages = {p.id: p for p in s.scalars(select(Page).where(Page.batch_id == batch_id))}
        if sorted(order) != sorted(pages):
            raise FixRefused("Thứ tự mới phải gồm đúng mỗi trang của quyển một lần.")
        busy = [p for p in pages.values() if p.status in (PageStatus.PENDING, PageStatus.RUNNING)]
        if busy:
            raise PageBusy("Quyển còn trang đang chờ nhận dạng; hãy sắp xếp sau khi xử lý xong.")
        _split_joins(s, batch_id, ctx.settings.review_threshold)
        for seq, pid in enumerate(order, start=1):
            pages[pid].seq = seq
        _reopen(s, batch_id)
        record(s, actor, "page_reorder", target=batch_id, batch_id=batch_id, pages=len(order))
    runner.submit(batch_id)


def retry(batch_id: str, page_id: str | None, *, ctx: Context, runner: Runner, actor: Actor) -> int:
    """A failed page (or every failed page of the batch) read again."""
    with ctx.db.session() as s:
        existing_batch(s, batch_id)
        q = select(Page).where(Page.batch_id == batch_id, Page.status == PageStatus.FAILED)
        if page_id:
            q = q.where(Page.id == page_id)
        pages = s.scalars(q).all()
        if page_id and not pages:
            raise NotFound(f"Lô {batch_id} không có trang lỗi {page_id}")
        for p in pages:
            p.status, p.error_code, p.reason = PageStatus.PENDING, None, None
        if pages:
            _reopen(s, batch_id)
        record(s, actor, "page_retry", target=page_id or batch_id, batch_id=batch_id, pages=len(pages))
    if pages:
        runner.submit(batch_id)
    return len(pages)


def _original(ctx: Context, file: SourceFileRow, work: Path) -> Path:
    path = work / f"original{_SUFFIX.get(file.media_type, '')}"
    ctx.store.download(file.object_key, path)
    return path


def rotate(batch_id: str, page_id: str, degrees: int, *, ctx: Context, runner: Runner, actor: Actor) -> str:
    """The page turned clockwise; returns the new page's id. The scan as rendered, turned, becomes a lossless
    PNG original of its own, so the page keeps its resolution and the first scan stays as it was."""
    if degrees not in ROTATIONS:
        raise FixRefused(f"Góc xoay không hợp lệ: {degrees}; chọn 90, 180 hoặc 270 độ.")
    with ctx.db.session() as s:
        page = _page(s, batch_id, page_id, lock=False)
        _single_pages(s, batch_id)
        file, number, name = page.file, page.number, page.file.name
        s.expunge_all()
    with _workdir(ctx) as tmp:
        work = Path(tmp)
        image = render_page(_original(ctx, file, work), file.media_type, number, ctx.settings)
        turned = image.rotate(-degrees, expand=True)  # PIL turns counter-clockwise
        target = work / "turned.png"
        turned.save(target, "PNG")
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return _swap(batch_id, page_id, Incoming(f"{stem}-trang-{number}-xoay-{degrees}.png", target), ctx=ctx,
                     runner=runner, actor=actor, action="page_rotate", detail={"degrees": degrees})


def replace(batch_id: str, page_id: str, item: Incoming, *, ctx: Context, runner: Runner, actor: Actor) -> str:
    """A rescan or a new photo (one page: an image, or a one-page PDF) in the page's place; returns its id."""
    return _swap(batch_id, page_id, item, ctx=ctx, runner=runner, actor=actor, action="page_replace",
                 detail={"file": str(staged_name(item.name))})


def _checked(item: Incoming, ctx: Context, work: Path) -> SourceFile:
    """The same checks as any file of a book (`sohoa ingest`), and exactly one page."""
    path = work / "in" / staged_name(item.name).name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(item.path, path)
    items = list(expand([path], ctx.settings, work / "x", root=path.parent))
    refused = [i for i in items if not isinstance(i, SourceFile)]
    if refused:
        raise InputRejected(refused[0].reason, code=refused[0].code)
    if len(items) != 1 or items[0].page_count != 1:
        raise FixRefused("Tệp thay thế phải có đúng một trang (một ảnh hoặc một PDF một trang).")
    return items[0]


def _swap(batch_id: str, page_id: str, item: Incoming, *, ctx: Context, runner: Runner, actor: Actor,
          action: str, detail: dict) -> str:
    with _workdir(ctx) as tmp:
        src = _checked(item, ctx, Path(tmp))
        stored = ctx.store.put_file(src.path, kind="original", suffix=_SUFFIX.get(src.media_type, ""))
    new_id = ids.page_id(src.sha256, 1)
    with ctx.db.session() as s:
        page = _page(s, batch_id, page_id)
        _single_pages(s, batch_id)
        _guard(s, [page.id])
        if new_id == page.id:
            raise FixRefused("Tệp thay thế giống hệt trang hiện tại.")
        if s.get(Page, new_id) is not None:
            raise FixRefused("Trang này đã có trong một quyển (cùng nội dung).")
        row = s.scalar(select(SourceFileRow).where(SourceFileRow.sha256 == src.sha256))
        if row is not None and row.batch_id != batch_id:
            raise FixRefused("Tệp thay thế đã được nhập trong một lô khác.")
        if row is None:
            seq = (s.scalar(select(SourceFileRow.seq).where(SourceFileRow.batch_id == batch_id)
                            .order_by(SourceFileRow.seq.desc()).limit(1)) or 0) + 1
            row = SourceFileRow(batch_id=batch_id, seq=seq, name=src.name, sha256=src.sha256,
                                media_type=src.media_type, size=src.size, page_count=1, object_key=stored.key)
            s.add(row)
            s.flush()
        deleted = _drop_records(s, page, ctx.settings.review_threshold)
        seq, role = page.seq, page.role
        s.delete(page)
        s.flush()
        s.add(Page(id=new_id, batch_id=batch_id, file_id=row.id, number=1, seq=seq, role=role))
        _reopen(s, batch_id)
        record(s, actor, action, target=page_id, batch_id=batch_id, seq=seq, new_page=new_id, **detail)
    _after(ctx, runner, batch_id, deleted)
    return new_id


def thumbnail(page_id: str, *, ctx: Context, actor: Actor, width: int = 240) -> bytes:
    """A small JPEG of the page, from its processed image or, for a page that failed before one was made, its
    original rendered at low resolution (a page that cannot be rendered at all raises its reason)."""
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is None:
            raise NotFound(f"Không có trang {page_id}")
        key, file, number, spreads = page.image_key, page.file, page.number, s.get(Batch, page.batch_id).spreads
        record(s, actor, "view_thumbnail", target=page_id, batch_id=page.batch_id, seq=page.seq,
               records=page_records(s, page_id))
        s.expunge_all()
    if key:
        image = Image.open(io.BytesIO(ctx.store.get_bytes(key)))
    else:
        with _workdir(ctx) as tmp:
            low = ctx.settings.model_copy(update={"dpi": 36})
            image = render_page(_original(ctx, file, Path(tmp)), file.media_type, number, low, spreads=spreads)
    image.thumbnail((width, width * 2))
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=80)
    return buf.getvalue()
