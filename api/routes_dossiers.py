"""Dossiers, attaching prior results, and certified copies (pages and /api/v1)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from domain.errors import NotFound
from office.accounts.service import Permission, Principal
from office.audit import service as audit
from office.dossiers import certify as certify
from office.dossiers import service as dossiers
from storage.officer_models import CertifiedCopy, DossierItem

from .params import Body, DbId, Reason, words
from .routes_common import actor, render, require, state

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
        d = dossiers.create_dossier(body.procedure, body.applicant_name, body.applicant_id, principal, s=s)
        audit.record(s, actor(request, principal), "create_dossier", target=d.id, dossier_id=d.id)
        return d.id


def _attach(request: Request, principal: Principal, dossier_id: str, body: AttachIn) -> int:
    with state(request).ctx.db.session() as s:
        item = dossiers.attach(dossier_id, body.record_id, body.reason, principal, s=s)
        audit.record(s, actor(request, principal), "attach", target=body.record_id, dossier_id=dossier_id,
                     reason=body.reason)
        return item.id


def _list(request: Request, principal: Principal) -> list[dict]:
    with state(request).ctx.db.session() as s:
        rows = dossiers.list_dossiers(s=s)  # applicants' names and ID numbers: a read of personal data
        audit.record(s, actor(request, principal), "list_dossiers", shown=[r["dossier_id"] for r in rows])
        return rows


def _detail(request: Request, principal: Principal, dossier_id: str) -> dict:
    st = state(request)
    with st.ctx.db.session() as s:
        detail = dossiers.dossier_detail(dossier_id, st.public_url, s=s)
        audit.record(s, actor(request, principal), "view_dossier", target=dossier_id, dossier_id=dossier_id)
        return detail


def _certify(request: Request, principal: Principal, dossier_id: str, item_id: int) -> dict:
    st = state(request)
    with st.ctx.db.session() as s:
        item = s.get(DossierItem, item_id)
        if item is None or item.dossier_id != dossier_id:
            raise NotFound(f"Hồ sơ thủ tục {dossier_id} không có mục {item_id}")
        copy = certify.issue_copy(item_id, principal, st.ctx, s=s)
        audit.record(s, actor(request, principal), "certify", target=item.record_id, dossier_id=dossier_id,
                     copy_id=copy.id, content_sha256=copy.content_sha256)
        return {"copy_id": copy.id, "verify_url": f"{st.public_url}/verify/{copy.token}",
                "download_url": f"/api/v1/copies/{copy.id}/pdf", "content_sha256": copy.content_sha256}


def copy_download(request: Request, principal: Principal, data: bytes, copy: CertifiedCopy, *, s: Session) -> Response:
    """A copy's PDF as a download (officers' and citizens' routes alike), the download logged."""
    audit.record(s, actor(request, principal), "download_copy", target=copy.record_id,
                 dossier_id=copy.item.dossier_id, copy_id=copy.id)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ban-sao-{copy.id}.pdf"', "Cache-Control": "no-store"})


def _revoke(request: Request, principal: Principal, copy_id: int, reason: str) -> dict:
    with state(request).ctx.db.session() as s:
        copy = certify.revoke_copy(copy_id, reason, principal, s=s)
        audit.record(s, actor(request, principal), "revoke_copy", target=copy.record_id,
                     dossier_id=copy.item.dossier_id, copy_id=copy_id, reason=copy.revoke_reason)
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
@router.get("/api/v1/dossiers", tags=["dossiers"], summary="Các hồ sơ thủ tục gần đây")
def list_dossiers(request: Request, principal: Annotated[Principal, Depends(can_dossiers)]) -> list[dict]:
    return _list(request, principal)


@router.post("/api/v1/dossiers", tags=["dossiers"], status_code=201, summary="Tạo hồ sơ thủ tục")
def create_dossier(request: Request, body: DossierIn, principal: Annotated[Principal, Depends(can_dossiers)]) -> dict:
    return {"dossier_id": _create(request, principal, body)}


@router.get("/api/v1/dossiers/{dossier_id}", tags=["dossiers"],
            summary="Một hồ sơ thủ tục: kết quả được dùng lại, lấy từ đâu, bản sao đã cấp")
def dossier(request: Request, dossier_id: str, principal: Annotated[Principal, Depends(can_dossiers)]) -> dict:
    return _detail(request, principal, dossier_id)


@router.post("/api/v1/dossiers/{dossier_id}/items", tags=["dossiers"], status_code=201,
             summary="Đính kèm một kết quả đã có (kèm lý do) vào hồ sơ thủ tục")
def attach(request: Request, dossier_id: str, body: AttachIn,
           principal: Annotated[Principal, Depends(can_attach)]) -> dict:
    return {"item_id": _attach(request, principal, dossier_id, body)}


@router.post("/api/v1/dossiers/{dossier_id}/items/{item_id}/copies", tags=["dossiers"], status_code=201,
             summary="Cấp bản sao điện tử (PDF có mã QR xác minh)")
def issue_copy(request: Request, dossier_id: str, item_id: DbId,
               principal: Annotated[Principal, Depends(can_certify)]) -> dict:
    return _certify(request, principal, dossier_id, item_id)


@router.post("/copies/{copy_id}/revoke", include_in_schema=False)
def revoke_page(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_certify)],
                reason: Annotated[str, Form()] = "") -> Response:
    revoked = _revoke(request, principal, copy_id, reason)
    return RedirectResponse(f"/dossiers/{revoked['dossier_id']}#copy-{copy_id}", status_code=303)


@router.post("/api/v1/copies/{copy_id}/revoke", tags=["dossiers"],
             summary="Thu hồi bản sao điện tử (trang xác minh báo đã thu hồi, kèm lý do)")
def revoke_copy(request: Request, copy_id: DbId, body: RevokeIn,
                principal: Annotated[Principal, Depends(can_certify)]) -> dict:
    return _revoke(request, principal, copy_id, body.reason)


@router.get("/api/v1/copies/{copy_id}/pdf", tags=["dossiers"], response_class=Response,
            summary="Tải bản sao điện tử (PDF); mỗi lần tải được ghi nhật ký")
def copy_pdf(request: Request, copy_id: DbId, principal: Annotated[Principal, Depends(can_dossiers)]) -> Response:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return copy_download(request, principal, *certify.copy_pdf(copy_id, ctx, s=s), s=s)
