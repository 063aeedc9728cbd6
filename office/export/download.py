"""A book's export as one file for the browser or the API to send (the same export as `sohoa export`)."""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from office.audit.service import Actor
from workers import Context

from .service import export_batch


def export_download(batch_id: str, fmt: str, ctx: Context, *, actor: Actor) -> tuple[Path, Path]:
    """(the file to send, the folder holding it): the caller removes the folder once the file is sent."""
    work = Path(tempfile.mkdtemp(prefix="sohoa-export-", dir=ctx.cache_dir))
    try:
        with ctx.db.session() as s:
            done = export_batch(batch_id, fmt, work / "out", s=s, store=ctx.store, actor=actor, dpi=ctx.settings.dpi)
        if len(done.files) == 1:
            return done.files[0], work
        path = work / f"{done.files[0].stem}-bo-giao-nop.zip"  # moj: the spreadsheet and the PDFs' zip as one
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # both already compressed
            for f in done.files:
                z.write(f, f.name)
        return path, work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
