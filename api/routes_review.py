"""The review queue and field corrections: the /review page, the correction form on the record page, and their
/api/v1 counterparts, with the same permission (CORRECT_FIELDS: clerks and admins), audit and re-indexing."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from domain.records import RecordType, field_names
from office.accounts.service import Permission, Principal
from office.audit import service as audit
from office.records import review as review
from storage.models import Batch, Record
from workers.stages import index_records

from .params import Body
from .routes_common import actor, render, require, state
from .routes_records import record_view

router = APIRouter()
can_correct = require(Permission.CORRECT_FIELDS)
FORM_PREFIX = "f."  # correction form inputs are named f.<field>


class FieldsIn(Body):
    fields: dict[str, str] = Field(description="Trường → giá trị mới (tên trường chuẩn của loại hồ sơ; "
                                               "để trống để xóa; danh sách ngăn cách bằng “;”)")


def _correct(request: Request, principal: Principal, record_id: str, submitted: dict[str, str]) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        done = review.correct(record_id, submitted, principal, ctx.settings.review_threshold, s=s)
        if done.changed:
            audit.record(s, actor(request, principal), "correct_fields", target=record_id,
                         fields=sorted(done.changed), needs_review=done.needs_review)
    if done.changed:
        index_records([record_id], ctx)
    return {"record_id": record_id, "changed": {k: {"old": o, "new": n} for k, (o, n) in done.changed.items()},
            "needs_review": done.needs_review}


def _queue(request: Request, principal: Principal, batch: str, type: str, limit: int, offset: int) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        data = review.queue(ctx.settings.review_threshold, s=s, batch_id=batch or None,
                            record_type=type if type in {t.value for t in RecordType} else None,
                            limit=limit, offset=offset)
        audit.record(s, actor(request, principal), "view_review", target=batch or None, type=type or None,
                     offset=offset, shown=[r["record_id"] for r in data["items"]])
        return data


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/review", include_in_schema=False)
def review_page(request: Request, principal: Annotated[Principal, Depends(can_correct)],
                batch: Annotated[str, Query(max_length=80)] = "", type: Annotated[str, Query(max_length=20)] = "",
                page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    per_page = 50
    data = _queue(request, principal, batch, type, per_page, (page - 1) * per_page)
    with state(request).ctx.db.session() as s:
        books = [(b.id, b.book or b.id) for b in s.scalars(select(Batch).order_by(Batch.created_at.desc()).limit(200))]
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
    ctx = state(request).ctx
    with ctx.db.session() as s:
        record = s.get(Record, record_id)
        stored = dict(record.fields) if record is not None else {}
        allowed = set(field_names(record.type)) if record is not None else set()
    # Only what the clerk changed: an untouched field (even one holding OCR junk) is not re-checked.
    submitted = {k: v for k, v in typed.items() if k not in allowed or v.strip() != review.edit_text(stored.get(k))}
    try:
        await run_in_threadpool(_correct, request, principal, record_id, submitted)
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
                 offset: Annotated[int, Query(ge=0, le=5_000_000)] = 0) -> dict:
    return _queue(request, principal, batch, type, limit, offset)


@router.patch("/api/v1/records/{record_id}/fields", tags=["review"],
              summary="Hiệu đính giá trị các trường (độ tin cậy thành 100%, đánh lại chỉ mục, ghi lịch sử và nhật ký)")
def correct_fields(request: Request, record_id: str, body: FieldsIn,
                   principal: Annotated[Principal, Depends(can_correct)]) -> dict:
    return _correct(request, principal, record_id, body.fields)
