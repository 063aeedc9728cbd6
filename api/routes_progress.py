"""How far digitisation is: the /progress dashboard (per book, per year, per unit), a batch's page with its
failed pages, the "Thử lại" action (distributed mode only), and /api/v1/progress."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from domain.errors import SohoaError
from office.accounts.service import Permission, Principal
from office.audit import service as audit
from office.progress import service as dashboard
from workers.batches import report

from .routes_common import actor, render, require, state

router = APIRouter()
can_export = require(Permission.CAPTURE)
ExportFormat = Literal["moj", "csv", "jsonl"]
can_batches = require(Permission.BATCHES)
can_run = require(Permission.RUN_BATCHES)


class RetryFromCommandLine(SohoaError):
    code = "embedded_mode"
    http_status = 409


def _overview(request: Request) -> dict:
    with state(request).ctx.db.session() as s:
        return dashboard.overview(s=s)


@router.get("/progress", include_in_schema=False)
def progress_page(request: Request, _p: Annotated[Principal, Depends(can_batches)]) -> Response:
    return render(request, "progress.html", p=_overview(request))


@router.get("/batches/{batch_id}", include_in_schema=False)
def batch_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_batches)],
               queued: int | None = None) -> Response:
    ctx = state(request).ctx
    rep = report(batch_id, ctx)
    with ctx.db.session() as s:
        audit.record(s, actor(request, principal), "view_batch", target=batch_id)
    return render(request, "batch.html", b=rep, distributed=ctx.settings.distributed, queued=queued,
                  percent=round(100 * (rep["status"]["done"] + rep["status"]["failed"]) / rep["pages"])
                  if rep["pages"] else 0)


@router.post("/batches/{batch_id}/retry", include_in_schema=False)
def retry_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_run)]) -> Response:
    ctx = state(request).ctx
    report(batch_id, ctx)  # 404 for an unknown batch
    if not ctx.settings.distributed:
        raise RetryFromCommandLine(f"Bản cài đặt này nhận dạng trên máy văn phòng: chạy `sohoa retry {batch_id}` "
                                   "trên máy đó để xử lý lại các trang lỗi.")
    from workers.celery_executor import requeue_failed

    n = requeue_failed(batch_id, ctx)
    with ctx.db.session() as s:
        audit.record(s, actor(request, principal), "retry_batch", target=batch_id, pages=n)
    return RedirectResponse(f"/batches/{batch_id}?queued={n}", status_code=303)


@router.get("/api/v1/progress", tags=["batches"],
            summary="Tiến độ số hóa: theo lô (trang xong / lỗi / chờ, hồ sơ, cần kiểm tra), theo năm, theo đơn vị")
def progress(request: Request, _p: Annotated[Principal, Depends(can_batches)]) -> dict:
    return _overview(request)


# -- export per the Ministry's guidance (the same service as `sohoa export`) -----------------------------------
def _export(request: Request, principal: Principal, batch_id: str, fmt: str) -> Response:
    import shutil
    import tempfile
    import zipfile
    from pathlib import Path

    from starlette.background import BackgroundTask

    from office.export.service import export_batch

    ctx = state(request).ctx
    work = Path(tempfile.mkdtemp(prefix="sohoa-export-", dir=ctx.cache_dir))
    try:
        with ctx.db.session() as s:
            done = export_batch(batch_id, fmt, work / "out", s=s, store=ctx.store, actor=actor(request, principal),
                                dpi=ctx.settings.dpi)
        if len(done.files) == 1:
            path = done.files[0]
        else:  # moj: the spreadsheet and the zip of PDFs, delivered as one download
            path = work / f"{done.files[0].stem}-bo-giao-nop.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # both already compressed
                for f in done.files:
                    z.write(f, f.name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(path, filename=path.name, background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))


@router.get("/batches/{batch_id}/export", include_in_schema=False)
def export_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_export)],
                format: ExportFormat = "moj") -> Response:
    return _export(request, principal, batch_id, format)


@router.get("/api/v1/batches/{batch_id}/export", tags=["batches"], response_class=FileResponse,
            summary="Xuất quyển theo hướng dẫn của Bộ Tư pháp: moj (xlsx + zip PDF từng mục), csv hoặc jsonl")
def export_api(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_export)],
               format: ExportFormat = "moj") -> Response:
    return _export(request, principal, batch_id, format)
