"""The person view, deciding suggested links between records, and record versions (status, replacements):
pages, form actions and their /api/v1 counterparts, with the same permissions and audit."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from domain.errors import InvalidRequest
from domain.records import RecordStatus
from office.accounts.roles import Permission, Principal
from office.people import service as people

from .params import Body, DbId, Reason
from .routes_common import actor, render, require, state
from .schemas.people import DecisionOut, LinkOut, PersonOut, StatusOut

router = APIRouter()
can_view = require(Permission.VIEW_RECORD)
can_link = require(Permission.LINK_PEOPLE)
can_status = require(Permission.RECORD_STATUS)


class DecisionIn(Body):
    decision: Literal["confirmed", "rejected"] = Field(description="Xác nhận hoặc bác bỏ liên kết")


class StatusIn(Body):
    status: RecordStatus
    reason: Reason = Field(description="Lý do (ghi vào hồ sơ và nhật ký)")
    replaced_by: str | None = Field(None, max_length=100,
                                    description="Mã hồ sơ thay thế (khi tình trạng là superseded)")


def _person(request: Request, principal: Principal, record_id: str) -> dict:
    with state(request).ctx.db.session() as s:
        return people.person(record_id, actor=actor(request, principal), s=s)


def _links(request: Request, principal: Principal, record_id: str) -> list[dict]:
    with state(request).ctx.db.session() as s:
        return people.read_links(record_id, actor=actor(request, principal), s=s)


def _decide(request: Request, principal: Principal, link_id: int, decision: str) -> dict:
    with state(request).ctx.db.session() as s:
        link = people.decide(link_id, decision, principal, actor=actor(request, principal), s=s)
        return {"link_id": link.id, "record_a": link.record_a, "record_b": link.record_b, "status": link.status,
                "decided_by": link.decided_by}


def _set_status(request: Request, principal: Principal, record_id: str, body: StatusIn) -> dict:
    people.change_status(record_id, body.status.value, body.reason, replaced_by=body.replaced_by,
                         actor=actor(request, principal), ctx=state(request).ctx)
    return {"record_id": record_id, "status": body.status.value, "replaced_by": body.replaced_by}


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/people/{record_id}", include_in_schema=False)
def person_page(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)]) -> Response:
    return render(request, "people.html", p=_person(request, principal, record_id))


@router.post("/records/{record_id}/links/{link_id}", include_in_schema=False)
def decide_page(request: Request, record_id: str, link_id: DbId, principal: Annotated[Principal, Depends(can_link)],
                decision: Annotated[str, Form()] = "") -> Response:
    _decide(request, principal, link_id, decision)
    return RedirectResponse(f"/records/{record_id}?purpose=verification#lien-quan", status_code=303)


@router.post("/records/{record_id}/status", include_in_schema=False)
def status_page(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_status)],
                status: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
                replaced_by: Annotated[str, Form()] = "") -> Response:
    if status not in {st.value for st in RecordStatus} or not reason.strip():
        raise InvalidRequest("Chọn tình trạng và ghi lý do.")
    _set_status(request, principal, record_id,
                StatusIn(status=RecordStatus(status), reason=reason, replaced_by=replaced_by.strip() or None))
    return RedirectResponse(f"/records/{record_id}?purpose=amendment", status_code=303)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/records/{record_id}/links", tags=["people"], response_model=list[LinkOut],
            summary="Các hồ sơ có thể cùng một người (khai sinh, kết hôn, khai tử, trùng lặp), kèm điểm và tình trạng")
def links(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)]) -> list[dict]:
    return _links(request, principal, record_id)


@router.post("/api/v1/links/{link_id}/decision", tags=["people"], response_model=DecisionOut,
             summary="Xác nhận hoặc bác bỏ một liên kết đề xuất (ghi nhật ký)")
def decide_link(request: Request, link_id: DbId, body: DecisionIn,
                principal: Annotated[Principal, Depends(can_link)]) -> dict:
    return _decide(request, principal, link_id, body.decision)


# The record asked for has no link: its entry leaves out who decided one (unset fields stay out, as before).
@router.get("/api/v1/people/{record_id}", tags=["people"], response_model=PersonOut, response_model_exclude_unset=True,
            summary="Một người: các hồ sơ khai sinh, kết hôn, khai tử liên kết với hồ sơ này")
def person(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)]) -> dict:
    return _person(request, principal, record_id)


@router.post("/api/v1/records/{record_id}/status", tags=["records"], response_model=StatusOut,
             summary="Đánh dấu hồ sơ đã cải chính / đã được thay thế / đã thu hồi, kèm lý do (ghi nhật ký)")
def set_status(request: Request, record_id: str, body: StatusIn,
               principal: Annotated[Principal, Depends(can_status)]) -> dict:
    return _set_status(request, principal, record_id, body)
