"""Dossiers, attaching prior results, and certified copies (pages and /api/v1)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from office.accounts.roles import Permission, Principal
from office.dossiers import certify as certify
from office.dossiers import service as dossiers

from .params import Body, DbId, Reason, words
from .routes_common import PDF, actor, pdf_download, render, require, state
from .schemas.dossiers import (
    DossierCreatedOut,
    DossierOut,
    DossierRowOut,
    IssuedCopyOut,
    ItemAttachedOut,
    RevokedCopyOut,
)

router = APIRouter()
can_dossiers = require(Permission.DOSSIERS)
can_attach = require(Permission.ATTACH)
can_certify = require(Permission.CERTIFY)


class DossierIn(Body):
    procedure: str = words(300, examples=["Cấp bản sao trích lục khai sinh"])
    applicant_name: str = words(200)
    applicant_id: str | None = Field(None, max_length=40)


class AttachIn(Body):
    record_id: str = Field(max_length=100)
    reason: Reason = Field(description="Vì sao kết quả này được dùng lại")


def _create(request: Request, principal: Principal, body: DossierIn) -> str:
    with state(request).ctx.db.session() as s:
        return dossiers.create_dossier(body.procedure, body.applicant_name, body.applicant_id, principal,
                                       actor=actor(request, principal), s=s).id


def _attach(request: Request, principal: Principal, dossier_id: str, body: AttachIn) -> int:
    with state(request).ctx.db.session() as s:
        return dossiers.attach(dossier_id, body.record_id, body.reason, principal, actor=actor(request, principal),
                               s=s).id


def _list(request: Request, principal: Principal) -> list[dict]:
    with state(request).ctx.db.session() as s:
        return dossiers.list_dossiers(actor=actor(request, principal), s=s)


def _detail(request: Request, principal: Principal, dossier_id: str) -> dict:
    st = state(request)
    with st.ctx.db.session() as s:
        return dossiers.dossier_detail(dossier_id, st.public_url, actor=actor(request, principal), s=s)


def _certify(request: Request, principal: Principal, dossier_id: str, item_id: int) -> dict:
    st = state(request)
    with st.ctx.db.session() as s:
        copy = certify.issue_copy(dossier_id, item_id, principal, st.ctx, actor=actor(request, principal), s=s)
        return {"copy_id": copy.id, "verify_url": f"{st.public_url}/verify/{copy.token}",
                "download_url": f"/api/v1/copies/{copy.id}/pdf", "content_sha256": copy.content_sha256}


def _revoke(request: Request, principal: Principal, copy_id: int, reason: str) -> dict:
    with state(request).ctx.db.session() as s:
        copy = certify.revoke_copy(copy_id, reason, principal, actor=actor(request, principal), s=s)
        return {"copy_id": copy.id, "dossier_id": copy.item.dossier_id, "revoked_at": copy.revoked_at.isoformat(),
                "reason": copy.revoke_reason}


class RevokeIn(Body):
    reason: Reason = Field(
                        description="Vì sao bản sao bị thu hồi; hiện công khai trên trang xác minh, không ghi thông "
                                    "tin cá nhân")


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/dossiers", include_in_schema=False)
def dossiers_page(request: Request, principal: Annotated[Principal, Depends(can_dossiers)]) -> Response:
    rows = _list(request, principal)
    return render(request, "dossiers.html", rows=rows, procedures=dossiers.PROCEDURES)


@router.post("/dossiers", include_in_schema=False)
def dossiers_create(request: Request, principal: Annotated[Principal, Depends(can_dossiers)],
                    procedure: Annotated[str, Form()] = "", applicant_name: Annotated[str, Form()] = "",
                    applicant_id: Annotated[str, Form()] = "") -> Response:
    dossier_id = _create(request, principal, DossierIn(procedure=procedure, applicant_name=applicant_name,
                                                       applicant_id=applicant_id or None))
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.get("/dossiers/{dossier_id}", include_in_schema=False)
def dossier_page(request: Request, dossier_id: str, principal: Annotated[Principal, Depends(can_dossiers)]) -> Response:
    return render(request, "dossier.html", d=_detail(request, principal, dossier_id))


@router.post("/records/{record_id}/attach", include_in_schema=False)
def attach_page(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_attach)],
                dossier_id: Annotated[str, Form()] = "new", reason: Annotated[str, Form()] = "",
                procedure: Annotated[str, Form()] = "", applicant_name: Annotated[str, Form()] = "",
                applicant_id: Annotated[str, Form()] = "") -> Response:
    if not reason.strip():
        raise dossiers.InvalidRequest("Cần ghi lý do sử dụng lại kết quả này.")
    if dossier_id == "new":
        dossier_id = _create(request, principal, DossierIn(procedure=procedure, applicant_name=applicant_name,
                                                           applicant_id=applicant_id or None))
    _attach(request, principal, dossier_id, AttachIn(record_id=record_id, reason=reason))
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.post("/dossiers/{dossier_id}/items/{item_id}/certify", include_in_schema=False)
def certify_page(request: Request, dossier_id: str, item_id: DbId,
                 principal: Annotated[Principal, Depends(can_certify)]) -> Response:
    copy = _certify(request, principal, dossier_id, item_id)
    return RedirectResponse(f"/dossiers/{dossier_id}#copy-{copy['copy_id']}", status_code=303)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/dossiers", tags=["dossiers"], response_model=list[DossierRowOut],
            summary="Các hồ sơ thủ tục gần đây")
def list_dossiers(request: Request, principal: Annotated[Principal, Depends(can_dossiers)]) -> list[dict]:
    return _list(request, principal)


@router.post("/api/v1/dossiers", tags=["dossiers"], status_code=201, response_model=DossierCreatedOut,
             summary="Tạo hồ sơ thủ tục")
def create_dossier(request: Request, body: DossierIn, principal: Annotated[Principal, Depends(can_dossiers)]) -> dict:
    return {"dossier_id": _create(request, principal, body)}


@router.get("/api/v1/dossiers/{dossier_id}", tags=["dossiers"], response_model=DossierOut,
            summary="Một hồ sơ thủ tục: kết quả được dùng lại, lấy từ đâu, bản sao đã cấp")
def dossier(request: Request, dossier_id: str, principal: Annotated[Principal, Depends(can_dossiers)]) -> dict:
    return _detail(request, principal, dossier_id)


@router.post("/api/v1/dossiers/{dossier_id}/items", tags=["dossiers"], status_code=201, response_model=ItemAttachedOut,
             summary="Đính kèm một kết quả đã có (kèm lý do) vào hồ sơ thủ tục")
def attach(request: Request, dossier_id: str, body: AttachIn,
           principal: Annotated[Principal, Depends(can_attach)]) -> dict:
    return {"item_id": _attach(request, principal, dossier_id, body)}


@router.post("/api/v1/dossiers/{dossier_id}/items/{item_id}/copies", tags=["dossiers"], status_code=201,
             response_model=IssuedCopyOut, summary="Cấp bản sao điện tử (PDF có mã QR xác minh)")
def issue_copy(request: Request, dossier_id: str, item_id: DbId,
               principal: Annotated[Principal, Depends(can_certify)]) -> dict:
    return _certify(request, principal, dossier_id, item_id)


@router.post("/copies/{copy_id}/revoke", include_in_schema=False)
def revoke_page(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_certify)],
                reason: Annotated[str, Form()] = "") -> Response:
    revoked = _revoke(request, principal, copy_id, reason)
    return RedirectResponse(f"/dossiers/{revoked['dossier_id']}#copy-{copy_id}", status_code=303)


@router.post("/api/v1/copies/{copy_id}/revoke", tags=["dossiers"], response_model=RevokedCopyOut,
             summary="Thu hồi bản sao điện tử (trang xác minh báo đã thu hồi, kèm lý do)")
def revoke_copy(request: Request, copy_id: DbId, body: RevokeIn,
                principal: Annotated[Principal, Depends(can_certify)]) -> dict:
    return _revoke(request, principal, copy_id, body.reason)


@router.get("/api/v1/copies/{copy_id}/pdf", tags=["dossiers"], response_class=Response, responses={200: PDF},
            summary="Tải bản sao điện tử (PDF); mỗi lần tải được ghi nhật ký")
def copy_pdf(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_dossiers)]) -> Response:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        data, copy = certify.copy_pdf(copy_id, ctx, actor=actor(request, principal), s=s)
    return pdf_download(data, f"ban-sao-{copy.id}.pdf")
