"""Turning inputs into a batch of pending pages, and reporting on a batch.

A batch's id comes from the content of its files, so ingesting the same scans again finds the same batch:
nothing is added, and pages left pending by an interruption are simply picked up.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import ids
from domain.errors import NotFound
from ingest import Rejected, SourceFile, expand
from storage.models import Batch, Page, PageStatus, Record, RecordPage, Rejection, SourceFileRow

from .context import Context

_SUFFIX = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/jpeg": ".jpg", "image/png": ".png",
           "image/heic": ".heic", "image/webp": ".webp"}


@dataclass(slots=True)
class BatchMeta:
    record_type: str = "auto"
    book: str | None = None
    authority: str | None = None
    years: str | None = None
    created_by: str | None = None
    note: str | None = None
    spreads: bool = False  # each page an open book's two pages (A3 scans, photos of a register), split in two


@dataclass(slots=True)
class Registered:
    batch_id: str
    new_pages: int = 0
    duplicates: list[str] = field(default_factory=list)  # files already held by another batch
    rejected: list[Rejected] = field(default_factory=list)  # files or pages refused by the checks


def _batch_id(sources: list[SourceFile], rejected: list[Rejected]) -> str:
    return ids.batch_id([s.sha256 for s in sources] or [f"{r.source}:{r.page}" for r in rejected])


def register_batch(paths: Sequence[Path], meta: BatchMeta, ctx: Context, *, root: Path | None = None) -> Registered:
    """Validate and store the originals, and create one pending page per page. Rejections are kept too.
    ``root``: names are kept relative to it (see ``ingest.expand``)."""
    tmp_root = ctx.settings.home / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(dir=tmp_root))
    try:
        items = list(expand(list(paths), ctx.settings, workdir, root))
        sources = [i for i in items if isinstance(i, SourceFile)]
        rejected = [i for i in items if isinstance(i, Rejected)]
        result = Registered(_batch_id(sources, rejected), rejected=rejected)
        stored = {s.sha256: ctx.store.put_file(s.path, kind="original", suffix=_SUFFIX.get(s.media_type, ""))
                  for s in sources}
        with ctx.db.session() as s:
            batch = s.get(Batch, result.batch_id)
            if batch is None:
                batch = Batch(id=result.batch_id, record_type=meta.record_type, book=meta.book,
                              authority=meta.authority, years=meta.years, created_by=meta.created_by, note=meta.note,
                              spreads=meta.spreads)
                s.add(batch)
                s.flush()
            seq = s.scalar(select(func.count()).select_from(Page).where(Page.batch_id == batch.id)) or 0
            file_seq = len(batch.files)
            for src in sources:
                known = s.scalar(select(SourceFileRow).where(SourceFileRow.sha256 == src.sha256))
                if known is not None:
                    if known.batch_id != batch.id:
                        result.duplicates.append(src.name)
                    continue
                file_seq += 1
                row = SourceFileRow(batch_id=batch.id, seq=file_seq, name=src.name, sha256=src.sha256,
                                    media_type=src.media_type, size=src.size, page_count=src.page_count,
                                    object_key=stored[src.sha256].key)
                s.add(row)
                s.flush()
                # A spread batch numbers its files' pages as book pages: 2k-1 and 2k are page k's halves.
                for number in range(1, src.page_count * (2 if batch.spreads else 1) + 1):
                    seq += 1
                    s.add(Page(id=ids.page_id(src.sha256, number), batch_id=batch.id, file_id=row.id,
                               number=number, seq=seq))
                    result.new_pages += 1
            for r in rejected:
                exists = s.scalar(select(Rejection).where(
                    Rejection.batch_id == batch.id, Rejection.source == r.source, Rejection.page == r.page))
                if exists is None:
                    s.add(Rejection(batch_id=batch.id, source=r.source, page=r.page, code=r.code, reason=r.reason))
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def existing_batch(s: Session, batch_id: str) -> Batch:
    """The batch, or ``NotFound`` naming it (a mistyped id in a command, a stale link)."""
    batch = s.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"Không có lô {batch_id}")
    return batch


def pages_to_run(batch_id: str, ctx: Context, *, include_failed: bool = False) -> list[str]:
    """Pages not yet done, in book order. ``running`` ones were interrupted (their worker died) and run again."""
    wanted = [PageStatus.PENDING, PageStatus.RUNNING] + ([PageStatus.FAILED] if include_failed else [])
    with ctx.db.session() as s:
        existing_batch(s, batch_id)  # `sohoa retry` or `ingest --resume` of a mistyped batch: not a crash at the end
        return list(s.scalars(
            select(Page.id).where(Page.batch_id == batch_id, Page.status.in_(wanted)).order_by(Page.seq)))


def reset_failed(batch_id: str, ctx: Context) -> int:
    with ctx.db.session() as s:
        pages = s.scalars(select(Page).where(Page.batch_id == batch_id, Page.status == PageStatus.FAILED)).all()
        for p in pages:
            p.status, p.error_code, p.reason = PageStatus.PENDING, None, None
        return len(pages)


def report(batch_id: str, ctx: Context) -> dict:
    """The batch as the CLI contract shows it: counts, and every failure with its source, page and reason."""
    with ctx.db.session() as s:
        batch = existing_batch(s, batch_id)
        counts = dict(s.execute(select(Page.status, func.count()).where(Page.batch_id == batch_id)
                                .group_by(Page.status)).all())
        n_records = s.scalar(select(func.count()).select_from(Record).where(Record.batch_id == batch_id))
        needs_review = s.scalar(select(func.count()).select_from(Record)
                                .where(Record.batch_id == batch_id, Record.needs_review.is_(True)))
        failed = [{"source": r.source, "page": r.page, "code": r.code, "reason": r.reason} for r in batch.rejections]
        for page, name in s.execute(
            select(Page, SourceFileRow.name).join(SourceFileRow, Page.file_id == SourceFileRow.id)
            .where(Page.batch_id == batch_id, Page.status == PageStatus.FAILED).order_by(Page.seq)
        ):
            failed.append({"source": name, "page": page.number, "code": page.error_code, "reason": page.reason})
        unrecognised = s.scalar(select(func.count()).select_from(Page).outerjoin(RecordPage).where(
            Page.batch_id == batch_id, Page.status == PageStatus.DONE, RecordPage.page_id.is_(None)))
        return {
            "batch_id": batch_id,
            "pages": sum(counts.values()),
            "records": n_records,
            "failed": failed,
            "status": {k: counts.get(k, 0) for k in PageStatus},
            "needs_review": needs_review,
            "pages_without_record": unrecognised,
            "book": batch.book,
            "authority": batch.authority,
            "record_type": batch.record_type,
            "pdf_key": batch.pdf_key,
        }
