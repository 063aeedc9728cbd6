"""The review queue and field corrections: the /review page, the correction form on the record page, and their
/api/v1 counterparts, with the same permission (CORRECT_FIELDS: clerks and admins), audit and re-indexing."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from office.accounts.roles import Permission, Principal
from office.records import review as review

from .params import Body
from .record_view import record_view
from .routes_common import actor, render, require, state
from .schemas.review import Corrected, ReviewQueue

router = APIRouter()
can_correct = require(Permission.CORRECT_FIELDS)
FORM_PREFIX = "f."  # correction form inputs are named f.<field>


class FieldsIn(Body):
    fields: dict[str, str] = Field(description="Trường → giá trị mới (tên trường chuẩn của loại hồ sơ; "
                                               "để trống để xóa; danh sách ngăn cách bằng “;”)")


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/review", include_in_schema=False)
def review_page(request: Request, principal: Annotated[Principal, Depends(can_correct)],
                batch: Annotated[str, Query(max_length=80)] = "", type: Annotated[str, Query(max_length=20)] = "",
                page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    per_page = 50
    ctx = state(request).ctx
    with ctx.db.session() as s:
        data = review.review_queue(actor(request, principal), ctx.settings.review_threshold, s=s, batch_id=batch,
                                   record_type=type, limit=per_page, offset=(page - 1) * per_page)
        books = review.books(s=s)
    return render(request, "review.html", q=data, batch=batch, type=type, page=page, per_page=per_page,
                  books=books, threshold=state(request).ctx.settings.review_threshold)


@router.get("/review/{record_id}", include_in_schema=False)
def review_record(record_id: str, _p: Annotated[Principal, Depends(can_correct)]) -> Response:
    return RedirectResponse(f"/records/{record_id}?purpose=data_review#hieu-dinh", status_code=303)


@router.post("/records/{record_id}/fields", include_in_schema=False)
async def correct_page(request: Request, record_id: str,
                       principal: Annotated[Principal, Depends(can_correct)]) -> Response:
    form = await request.form()
    typed = {k[len(FORM_PREFIX):]: v for k, v in form.items() if k.startswith(FORM_PREFIX) and isinstance(v, str)}
    try:
        await run_in_threadpool(review.correct_fields, record_id, typed, state(request).ctx,
                                actor=actor(request, principal), form=True)
    except review.FieldErrors as exc:
        return await run_in_threadpool(record_view, request, principal, record_id, status_code=422, errors=exc.errors,
                                       typed=typed, message=exc.message, purpose="data_review")
    return RedirectResponse(f"/records/{record_id}?purpose=data_review&saved=1#hieu-dinh", status_code=303)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/review", tags=["review"],
            summary="Hàng đợi kiểm tra: hồ sơ có trường độ tin cậy thấp, thấp nhất trước, kèm các trường cần xem")
def review_queue(request: Request, principal: Annotated[Principal, Depends(can_correct)],
                 batch: Annotated[str, Query(max_length=80)] = "", type: Annotated[str, Query(max_length=20)] = "",
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=5_000_000)] = 0) -> ReviewQueue:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return review.review_queue(actor(request, principal), ctx.settings.review_threshold, s=s, batch_id=batch,
                                   record_type=type, limit=limit, offset=offset)


@router.patch("/api/v1/records/{record_id}/fields", tags=["review"],
              summary="Hiệu đính giá trị các trường (độ tin cậy thành 100%, đánh lại chỉ mục, ghi lịch sử và nhật ký)")
def correct_fields(request: Request, record_id: str, body: FieldsIn,
                   principal: Annotated[Principal, Depends(can_correct)]) -> Corrected:
    return review.correct_fields(record_id, body.fields, state(request).ctx, actor=actor(request, principal))
