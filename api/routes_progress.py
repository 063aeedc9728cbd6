"""How far digitisation is: the /progress dashboard (per book, per year, per unit), a batch's page with its
failed pages, the "Thử lại" action (distributed mode only), and /api/v1/progress."""
from __future__ import annotations

import shutil
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from office.accounts.roles import Permission, Principal
from office.export.download import export_download
from office.progress import service as dashboard

from .routes_common import actor, render, require, state
from .schemas.progress import Overview

router = APIRouter()
can_export = require(Permission.CAPTURE)
ExportFormat = Literal["moj", "csv", "jsonl", "pdf"]
can_batches = require(Permission.BATCHES)
can_run = require(Permission.RUN_BATCHES)
# The media type FileResponse gives each file by its name: moj is one zip; .jsonl has no registered type.
EXPORTED = {200: {"description": "Tệp xuất", "content": {"application/zip": {}, "text/csv": {},
                                                          "application/pdf": {}, "application/octet-stream": {}}}}


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
    rep = dashboard.batch_report(batch_id, ctx, actor=actor(request, principal))
    return render(request, "batch.html", b=rep, distributed=ctx.settings.distributed, queued=queued,
                  percent=round(100 * (rep["status"]["done"] + rep["status"]["failed"]) / rep["pages"])
                  if rep["pages"] else 0)


@router.post("/batches/{batch_id}/retry", include_in_schema=False)
def retry_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_run)]) -> Response:
    n = dashboard.retry_failed(batch_id, state(request).ctx, actor=actor(request, principal))
    return RedirectResponse(f"/batches/{batch_id}?queued={n}", status_code=303)


@router.get("/api/v1/progress", tags=["batches"],
            summary="Tiến độ số hóa: theo lô (trang xong / lỗi / chờ, hồ sơ, cần kiểm tra), theo năm, theo đơn vị")
def progress(request: Request, _p: Annotated[Principal, Depends(can_batches)]) -> Overview:
    return _overview(request)


# -- export per the Ministry's guidance (the same service as `sohoa export`) -----------------------------------
def _export(request: Request, principal: Principal, batch_id: str, fmt: str) -> Response:
    path, work = export_download(batch_id, fmt, state(request).ctx, actor=actor(request, principal))
    return FileResponse(path, filename=path.name, background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))


@router.get("/batches/{batch_id}/export", include_in_schema=False)
def export_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_export)],
                format: ExportFormat = "moj") -> Response:
    return _export(request, principal, batch_id, format)


@router.get("/api/v1/batches/{batch_id}/export", tags=["batches"], response_class=FileResponse, responses=EXPORTED,
            summary="Xuất quyển theo hướng dẫn của Bộ Tư pháp: moj (xlsx + zip PDF từng mục), csv hoặc jsonl; "
                    "pdf: cả quyển, ảnh quét kèm lớp chữ tìm được")
def export_api(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_export)],
               format: ExportFormat = "moj") -> Response:
    return _export(request, principal, batch_id, format)
