"""How far digitisation is: the /progress dashboard (per book, per year, per unit), a batch's page with its
failed pages, the "Thử lại" action (distributed mode only), and /api/v1/progress."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from domain.errors import SohoaError
from office.accounts.service import Permission, Principal
from office.audit import service as audit
from office.progress import service as dashboard
from workers.batches import report

from .routes_common import actor, render, require, state

router = APIRouter()
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
