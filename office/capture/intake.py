"""One dropped file or folder into batches, through the very path of `sohoa ingest`: ``register`` (the same
checks, originals stored, pending pages), the executor, then the batch report.

Without a separator sheet the entry is registered as it is, exactly as ``sohoa ingest NAME`` run in its
folder would (same names, same batch id). With sheets, each book is cut out into a work folder first and
registered on its own with the sheet's metadata; what a sheet leaves empty comes from the defaults.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest import SourceFile, expand
from workers import Context, NoProgress, open_executor
from workers.batches import BatchMeta, pages_to_run, register_batch, report

from .split import find_books, write_book


@dataclass
class Intake:
    batches: list[dict] = field(default_factory=list)  # workers.batches.report() of each book
    notes: list[str] = field(default_factory=list)  # for the clerk: skipped duplicates, empty separators


def _merge(sheet: BatchMeta | None, defaults: BatchMeta) -> BatchMeta:
    if sheet is None:
        return defaults
    return replace(defaults, record_type=sheet.record_type, book=sheet.book,
                   authority=sheet.authority or defaults.authority, years=sheet.years or defaults.years,
                   spreads=sheet.spreads or defaults.spreads)


def _run(base: Path, paths: list[Path], meta: BatchMeta, ctx: Context, intake: Intake) -> None:
    # Names relative to the entry's own folder: the batch shows "so-01.pdf", as `sohoa ingest` run there would.
    reg = register_batch(paths, meta, ctx, root=base)
    intake.notes += [f"Bỏ qua {n}: tệp này đã được nhập trong một lô khác." for n in reg.duplicates]
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    intake.batches.append(report(reg.batch_id, ctx))


def ingest_entry(path: Path, defaults: BatchMeta, ctx: Context) -> Intake:
    """Raises InputRejected for a separator sheet that cannot be used; everything else ends in a batch report."""
    tmp_root = ctx.settings.home / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="watch-", dir=tmp_root))
    intake = Intake()
    try:
        sources = [i for i in expand([path], ctx.settings, work / "scan") if isinstance(i, SourceFile)]
        books = find_books(sources, ctx.settings) if sources else None
        if books is None:
            _run(path.parent, [path], defaults, ctx, intake)
            return intake
        for i, book in enumerate(books):
            if not book.pages:
                intake.notes.append(f"Tờ phân cách quyển {book.meta.book} ({book.sheet}) không có trang nào theo sau.")
                continue
            folder = work / f"book-{i:02d}"
            files = write_book(book, folder)
            _run(folder, files, _merge(book.meta, defaults), ctx, intake)
        return intake
    finally:
        shutil.rmtree(work, ignore_errors=True)
