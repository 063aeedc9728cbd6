"""A citizen's own records and copies ("Giấy tờ của tôi"): pages and /api/v1/me."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from office.accounts.roles import Permission, Principal
from office.citizens import access_log
from office.citizens import service as citizen

from .params import DbId
from .routes_common import CSV, PDF, actor, pdf_download, render, require, state
from .schemas.citizens import AccessOut, CopyRequestOut, OverviewOut

router = APIRouter()
can_own = require(Permission.OWN_RECORDS)


def _overview(request: Request, principal: Principal) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return citizen.overview(principal, ctx, actor=actor(request, principal), s=s)


def _request(request: Request, principal: Principal, record_id: str) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        item = citizen.request_copy(record_id, principal, ctx, actor=actor(request, principal), s=s)
        return {"dossier_id": item.dossier_id, "record_id": record_id}


def _pdf(request: Request, principal: Principal, copy_id: int) -> Response:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        data = citizen.own_copy_pdf(copy_id, principal, ctx, actor=actor(request, principal), s=s)
    return pdf_download(data, f"ban-sao-{copy_id}.pdf")


def _access_log(request: Request, principal: Principal) -> list[dict]:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return citizen.my_access_log(principal, ctx, actor=actor(request, principal), s=s)


@router.get("/cong-dan", include_in_schema=False)
def citizen_page(request: Request, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    return render(request, "citizen.html", me=_overview(request, principal))


@router.post("/cong-dan/yeu-cau/{record_id}", include_in_schema=False)
def citizen_request(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    _request(request, principal, record_id)
    return RedirectResponse("/cong-dan?da_gui=1", status_code=303)


@router.get("/cong-dan/ban-sao/{copy_id}.pdf", include_in_schema=False)
def citizen_copy(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    return _pdf(request, principal, copy_id)


@router.get("/api/v1/me/records", tags=["citizen"], response_model=OverviewOut,
            summary="Giấy tờ mang số định danh của công dân đăng nhập")
def my_records(request: Request, principal: Annotated[Principal, Depends(can_own)]) -> dict:
    return _overview(request, principal)


@router.post("/api/v1/me/records/{record_id}/request", tags=["citizen"], status_code=201,
             response_model=CopyRequestOut, summary="Yêu cầu bản sao điện tử (mở hồ sơ tại bộ phận một cửa)")
def my_request(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_own)]) -> dict:
    return _request(request, principal, record_id)


@router.get("/api/v1/me/copies/{copy_id}/pdf", tags=["citizen"], response_class=Response, responses={200: PDF},
            summary="Tải bản sao điện tử đã cấp cho công dân")
def my_copy(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    return _pdf(request, principal, copy_id)


@router.get("/cong-dan/nhat-ky.csv", include_in_schema=False)
def citizen_access_csv(request: Request, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    return _access_csv(request, principal)


@router.get("/api/v1/me/access-log", tags=["citizen"], response_model=list[AccessOut],
            summary="Ai đã xem giấy tờ của tôi: thời điểm, cơ quan, vai trò, hồ sơ thủ tục hoặc mục đích")
def my_access_log(request: Request, principal: Annotated[Principal, Depends(can_own)]) -> list[dict]:
    return _access_log(request, principal)


@router.get("/api/v1/me/access-log.csv", tags=["citizen"], response_class=StreamingResponse, responses={200: CSV},
            summary="Nhật ký truy cập giấy tờ của tôi, dạng CSV")
def my_access_log_csv(request: Request, principal: Annotated[Principal, Depends(can_own)]) -> Response:
    return _access_csv(request, principal)


def _access_csv(request: Request, principal: Principal) -> Response:
    rows = _access_log(request, principal)
    return StreamingResponse(access_log.as_csv(rows), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="ai-da-xem-giay-to-cua-toi.csv"', "Cache-Control": "no-store"})
