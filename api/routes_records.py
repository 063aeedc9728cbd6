"""Records, book pages, scans and batches: the record page (zoomable scan, fields with confidence, provenance,
status), paging through a book, the crop around matched words, and their /api/v1 counterparts."""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidRequest
from domain.labels import ACCESS_PURPOSES
from office.accounts.roles import Permission, Principal
from office.records import crop as crops
from office.records import service as service
from office.records.marks import VALUE_MAX

from .params import Body, DossierRef, PageSeq, SearchText
from .record_view import record_view
from .routes_common import JPEG, actor, render, require, state
from .schemas.records import BatchRow, MarkOut, RecordOut

router = APIRouter()
AccessPurpose = StrEnum("AccessPurpose", {k: k for k in ACCESS_PURPOSES})
can_view = require(Permission.VIEW_RECORD)
can_download = require(Permission.DOWNLOAD)
can_search = require(Permission.SEARCH)
can_batches = require(Permission.BATCHES)
can_key = require(Permission.KEY_ENTRIES)
MarkRef = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", description="Mã vùng (id trong danh sách vùng của trang)")]
PageRef = Annotated[str, Path(max_length=64, description="Mã trang")]


class MarkIn(Body):
    value: str = Field(max_length=VALUE_MAX, description="Giá trị đọc được trên ảnh (rỗng: xóa giá trị đã nhập)")


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/records/{record_id}", include_in_schema=False)
def record_page(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)],
                dossier: Annotated[str, Query(max_length=40)] = "", q: SearchText = "",
                purpose: Annotated[str, Query(max_length=40)] = "", saved: bool = False) -> Response:
    if not dossier and purpose not in ACCESS_PURPOSES:  # outside a dossier, a stated purpose first
        return render(request, "record_purpose.html", record_id=record_id, q=q, purposes=ACCESS_PURPOSES)
    return record_view(request, principal, record_id, dossier=dossier, q=q, purpose=purpose,
                       message="Đã lưu hiệu đính." if saved else "")


@router.get("/books/{batch_id}/pages/{seq}", include_in_schema=False)
def book_page(request: Request, batch_id: str, seq: PageSeq, principal: Annotated[Principal, Depends(can_view)],
              dossier: Annotated[str, Query(max_length=40)] = "",
              saved: Annotated[str, Query(max_length=12)] = "") -> Response:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        view = service.book_page(batch_id, seq, actor(request, principal), s=s, store=ctx.store,
                                 dossier_id=dossier or None)
    return render(request, "book_page.html", **view, dossier=dossier, saved=saved)


@router.post("/books/{batch_id}/pages/{seq}/marks/{mark}", include_in_schema=False)
async def key_mark_form(request: Request, batch_id: str, seq: PageSeq, mark: MarkRef,
                        principal: Annotated[Principal, Depends(can_key)]) -> Response:
    """A value typed beside a mark of the page view; refused, the page again with the message by the mark."""
    typed = (await request.form()).get("value")
    ctx = state(request).ctx

    def save() -> Response:
        try:
            with ctx.db.session() as s:
                service.key_mark_at(batch_id, seq, mark, typed if isinstance(typed, str) else "",
                                    actor(request, principal), s=s, store=ctx.store)
        except InvalidRequest as exc:
            with ctx.db.session() as s:
                view = service.book_page(batch_id, seq, actor(request, principal), s=s, store=ctx.store)
            return render(request, "book_page.html", 422, **view, dossier="", errors={mark: exc.message},
                          typed={mark: typed})
        return RedirectResponse(f"/books/{batch_id}/pages/{seq}?saved={mark}#mark-{mark}", status_code=303)

    return await run_in_threadpool(save)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/batches", tags=["batches"], summary="Các lô đã nhập và tiến độ")
def batches(request: Request, _p: Annotated[Principal, Depends(can_batches)],
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[BatchRow]:
    return service.list_batches(state(request).ctx, limit)


# GET /api/v1/batches/{batch_id}: api/routes_capture.py (the report with its live counts).


@router.get("/api/v1/records/{record_id}", tags=["records"],
            summary="Một hồ sơ với trường, độ tin cậy, nguồn, tình trạng (mỗi lần xem được ghi nhật ký)")
def record(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)],
           purpose: Annotated[AccessPurpose, Query(description="Vì sao mở hồ sơ (ghi vào nhật ký; công dân có hồ sơ "
                                                               "xem được)")],
           dossier: DossierRef = None) -> RecordOut:
    with state(request).ctx.db.session() as s:
        return service.view_record(record_id, actor(request, principal), s=s, dossier_id=dossier,
                                   purpose=purpose.value)


@router.get("/api/v1/records/{record_id}/crop", tags=["records"], response_class=Response, responses=JPEG,
            summary="Phần ảnh quét quanh các từ khớp với truy vấn (JPEG)")
def crop(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_search)],
         q: SearchText = "") -> Response:
    data = crops.crop(record_id, q, state(request).ctx, actor=actor(request, principal))
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/api/v1/pages/{page_id}/image", tags=["pages"], response_class=Response,
            responses={**JPEG, 307: {"description": "Địa chỉ tải ảnh trực tiếp từ kho lưu trữ (MinIO)"}},
            summary="Ảnh trang đã quét (JPEG); mỗi lần tải được ghi nhật ký")
def page_image(request: Request, page_id: str, principal: Annotated[Principal, Depends(can_download)],
               dossier: str | None = None) -> Response:
    data, url = service.page_image(page_id, state(request).ctx, actor=actor(request, principal), dossier_id=dossier)
    if url:
        return RedirectResponse(url, status_code=307)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/api/v1/pages/{page_id}/marks", tags=["pages"],
            summary="Dấu, chữ ký, chữ viết tay để riêng trên trang, kèm giá trị đã nhập (mỗi lần xem được ghi nhật ký)")
def page_marks(request: Request, page_id: PageRef, principal: Annotated[Principal, Depends(can_view)],
               dossier: DossierRef = None) -> list[MarkOut]:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return service.marks_of_page(page_id, actor(request, principal), s=s, store=ctx.store, dossier_id=dossier)


@router.put("/api/v1/pages/{page_id}/marks/{mark}", tags=["pages"],
            summary="Nhập giá trị viết tay của một vùng (số, ngày viết tay; dấu công văn đến); ghi lịch sử và nhật ký")
def key_mark(request: Request, page_id: PageRef, mark: MarkRef, body: MarkIn,
             principal: Annotated[Principal, Depends(can_key)]) -> MarkOut:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return service.key_mark(page_id, mark, body.value, actor(request, principal), s=s, store=ctx.store)
