"""The keying station (KEY_ENTRIES), arbitration and review (ARBITRATE), a book's verification mode (CAPTURE)
and per-clerk figures: pages under /keying and their /api/v1/keying counterparts, each one service call
(office.keying.service), which also writes the audit entries."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidRequest
from domain.records import RecordType
from office.accounts.roles import Permission, Principal
from office.keying import books as keying_books
from office.keying import checks, completion
from office.keying import service as keying
from office.records.review import FieldErrors

from .params import DbId, PageSeq
from .routes_common import actor, csrf_token, render, require, state
from .schemas import keying as out

router = APIRouter()
can_key = require(Permission.KEY_ENTRIES)
can_arbitrate = require(Permission.ARBITRATE)
can_set_mode = require(Permission.CAPTURE)
FieldText = Annotated[str, Field(max_length=500)]
FieldName = Annotated[str, Field(max_length=60)]


class KeyedIn(BaseModel):
    fields: dict[FieldName, FieldText] = Field(default_factory=dict, max_length=80,
                                               description="Trường → giá trị như đã gõ (tên trường chuẩn)")
    illegible: list[FieldName] = Field(default_factory=list, max_length=80, description="Các trường không đọc được")
    keystrokes: int | None = Field(None, ge=0, le=1_000_000, description="Số phím đã gõ cho mục này")
    seconds: float | None = Field(None, ge=0, le=86_400, description="Thời gian gõ mục này (giây)")


class SettledIn(BaseModel):
    fields: dict[FieldName, FieldText] = Field(default_factory=dict, max_length=80,
                                               description="Trường → giá trị đúng (trường đang tranh chấp)")
    illegible: list[FieldName] = Field(default_factory=list, max_length=80)


class ChangeIn(BaseModel):
    op: str = Field(pattern="^(add|split|merge|delete)$", description="add, split, merge hoặc delete")
    entry_id: int | None = Field(None, ge=1, le=2**63 - 1, description="Mục liên quan (add: thêm sau mục này)")


class ModeIn(BaseModel):
    mode: str = Field(pattern="^(single|double)$", description="single: gõ một lần có duyệt; double: gõ hai lần")
    record_type: str | None = Field(None, pattern="^(birth|marriage|death|land)$")


class CheckIn(BaseModel):
    fields: dict[FieldName, FieldText] = Field(default_factory=dict, max_length=80)


def _ctx(request: Request):
    return state(request).ctx


def _station(request: Request, principal: Principal, batch_id: str, seq: int) -> dict:
    ctx = _ctx(request)
    with ctx.db.session() as s:
        return keying.station(batch_id, seq, actor(request, principal), s=s, store=ctx.store,
                              threshold=ctx.settings.review_threshold)


def _save(request: Request, principal: Principal, entry_id: int, body: KeyedIn) -> dict:
    ctx = _ctx(request)
    with ctx.db.session() as s:
        saved = keying.save_keying(entry_id, body.fields, actor(request, principal), s=s, illegible=body.illegible,
                                   keystrokes=body.keystrokes, seconds=body.seconds)
    keying.index(saved, ctx)
    return {"entry_id": saved.entry_id, "status": saved.status, "warnings": saved.warnings,
            "record_id": saved.published[0] if saved.published else None}


def _settle(request: Request, principal: Principal, entry_id: int, fields: dict, illegible: list) -> dict:
    ctx = _ctx(request)
    with ctx.db.session() as s:
        saved = keying.arbitrate(entry_id, fields, actor(request, principal), s=s, illegible=illegible)
    keying.index(saved, ctx)
    return {"entry_id": saved.entry_id, "status": saved.status, "warnings": saved.warnings,
            "record_id": saved.published[0] if saved.published else None}


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/keying", include_in_schema=False)
def keying_home(request: Request, principal: Annotated[Principal, Depends(can_key)], message: str = "") -> Response:
    with _ctx(request).db.session() as s:
        books = keying_books.books(s=s)
    return render(request, "keying_books.html", books=books, message=message[:200],
                  can_set_mode=principal.can(Permission.CAPTURE), can_arbitrate=principal.can(Permission.ARBITRATE))


@router.post("/keying/{batch_id}/mode", include_in_schema=False)
async def mode_form(request: Request, batch_id: str,
                    principal: Annotated[Principal, Depends(can_set_mode)]) -> Response:
    form = await request.form()
    mode, rtype = str(form.get("mode", "")), str(form.get("record_type", "")) or None
    if rtype is not None and rtype not in set(RecordType):
        raise InvalidRequest("Loại sổ không hợp lệ.")

    def run() -> None:
        with _ctx(request).db.session() as s:
            keying.set_mode(batch_id, mode, actor(request, principal), s=s, record_type=rtype)

    await run_in_threadpool(run)
    return RedirectResponse("/keying?message=" + "Đã lưu chế độ kiểm tra.", status_code=303)


@router.get("/keying/{batch_id}/next", include_in_schema=False)
def next_page(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_key)]) -> Response:
    with _ctx(request).db.session() as s:
        seq = keying.next_to_key(batch_id, actor(request, principal), s=s)
    if seq is None:
        return RedirectResponse("/keying?message=Bạn đã gõ hết các mục của quyển này.", status_code=303)
    return RedirectResponse(f"/keying/{batch_id}/pages/{seq}", status_code=303)


@router.get("/keying/{batch_id}/pages/{seq}", include_in_schema=False)
def station_page(request: Request, batch_id: str, seq: PageSeq,
                 principal: Annotated[Principal, Depends(can_key)]) -> Response:
    data = _station(request, principal, batch_id, seq)
    data["csrf"] = csrf_token(request)
    return render(request, "keying.html", k=data)


@router.get("/keying/arbitration", include_in_schema=False)
def arbitration_page(request: Request, principal: Annotated[Principal, Depends(can_arbitrate)],
                     batch: str = "") -> Response:
    with _ctx(request).db.session() as s:
        items = keying.arbitration_queue(actor(request, principal), s=s, batch_id=batch or None)
    return render(request, "keying_queue.html", items=items, batch=batch)


def _arbitrate_view(request: Request, principal: Principal, entry_id: int, errors: dict | None = None,
                    status_code: int = 200) -> Response:
    with _ctx(request).db.session() as s:
        view = keying.arbitration_view(entry_id, actor(request, principal), s=s)
    return render(request, "keying_arbitrate.html", e=view, errors=errors or {}, status_code=status_code)


@router.get("/keying/entries/{entry_id}/arbitrate", include_in_schema=False)
def arbitrate_page(request: Request, entry_id: DbId,
                   principal: Annotated[Principal, Depends(can_arbitrate)]) -> Response:
    return _arbitrate_view(request, principal, entry_id)


@router.post("/keying/entries/{entry_id}/arbitrate", include_in_schema=False)
async def arbitrate_form(request: Request, entry_id: DbId,
                         principal: Annotated[Principal, Depends(can_arbitrate)]) -> Response:
    form = await request.form()
    fields, illegible = {}, []
    for key, value in form.items():
        if not key.startswith("v.") or not isinstance(value, str):
            continue
        name = key[2:]
        if value == "__illegible__":
            illegible.append(name)
        elif value == "__other__":
            fields[name] = str(form.get(f"o.{name}", ""))[:500]
        else:
            fields[name] = value[:500]
    try:
        done = await run_in_threadpool(_settle, request, principal, entry_id, fields, illegible)
    except FieldErrors as exc:
        return await run_in_threadpool(_arbitrate_view, request, principal, entry_id, exc.errors, 422)
    return RedirectResponse(f"/keying/arbitration?done={done['entry_id']}", status_code=303)


@router.get("/keying/figures", include_in_schema=False)
def figures_page(request: Request, _p: Annotated[Principal, Depends(can_arbitrate)], batch: str = "") -> Response:
    with _ctx(request).db.session() as s:
        rows = keying.clerk_figures(s=s, batch_id=batch or None)
    return render(request, "keying_figures.html", rows=rows, batch=batch)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/keying/books/{batch_id}/pages/{seq}", tags=["keying"],
            summary="Trạm nhập liệu: các mục của một trang, giá trị của chính người gõ và gợi ý OCR tin cậy")
def station(request: Request, batch_id: str, seq: PageSeq,
            principal: Annotated[Principal, Depends(can_key)]) -> out.Station:
    return _station(request, principal, batch_id, seq)


@router.put("/api/v1/keying/books/{batch_id}", tags=["keying"],
            summary="Chế độ kiểm tra của quyển: gõ một lần có duyệt, hoặc gõ hai lần độc lập có phân xử")
def set_mode(request: Request, batch_id: str, body: ModeIn,
             principal: Annotated[Principal, Depends(can_set_mode)]) -> out.ModeOut:
    with _ctx(request).db.session() as s:
        book = keying.set_mode(batch_id, body.mode, actor(request, principal), s=s, record_type=body.record_type)
        return {"batch_id": batch_id, "mode": book.mode, "record_type": book.record_type}


@router.put("/api/v1/keying/entries/{entry_id}/values", tags=["keying"],
            summary="Lưu giá trị người này gõ cho một mục; đủ lượt gõ thì so sánh, khớp thì công bố")
def save_values(request: Request, entry_id: DbId, body: KeyedIn,
                principal: Annotated[Principal, Depends(can_key)]) -> out.SavedOut:
    return _save(request, principal, entry_id, body)


@router.post("/api/v1/keying/pages/{page_id}/entries", tags=["keying"],
             summary="Thêm, tách, gộp hoặc xóa mục trên một trang")
def change_entries(request: Request, page_id: str, body: ChangeIn,
                   principal: Annotated[Principal, Depends(can_key)]) -> out.EntriesChanged:
    ctx = _ctx(request)
    with ctx.db.session() as s:
        done = keying.change_entries(body.op, actor(request, principal), s=s, entry_id=body.entry_id,
                                     page_id=page_id)
    keying.index(done, ctx)
    return {"op": body.op, "entry_id": done.entry_id, "removed": done.removed}


@router.get("/api/v1/keying/entries/{entry_id}/arbitration", tags=["keying"],
            summary="Mục chờ phân xử/duyệt: giá trị của từng người gõ ở các trường khác nhau")
def arbitration_view(request: Request, entry_id: DbId,
                     principal: Annotated[Principal, Depends(can_arbitrate)]) -> out.ArbitrationView:
    with _ctx(request).db.session() as s:
        return keying.arbitration_view(entry_id, actor(request, principal), s=s)


@router.post("/api/v1/keying/entries/{entry_id}/arbitration", tags=["keying"],
             summary="Phân xử (hoặc duyệt) một mục: giá trị đúng của các trường; mục được công bố")
def arbitrate(request: Request, entry_id: DbId, body: SettledIn,
              principal: Annotated[Principal, Depends(can_arbitrate)]) -> out.SavedOut:
    return _settle(request, principal, entry_id, body.fields, body.illegible)


@router.get("/api/v1/keying/arbitration", tags=["keying"], summary="Các mục chờ phân xử hoặc duyệt (trừ mục mình gõ)")
def arbitration_queue(request: Request, principal: Annotated[Principal, Depends(can_arbitrate)],
                      batch: Annotated[str, Query(max_length=40)] = "") -> list[out.QueuedEntry]:
    with _ctx(request).db.session() as s:
        return keying.arbitration_queue(actor(request, principal), s=s, batch_id=batch or None)


@router.get("/api/v1/keying/figures", tags=["keying"],
            summary="Theo từng người: số mục, mục/giờ, tỷ lệ khớp, số trường bị sửa khi phân xử")
def figures(request: Request, _p: Annotated[Principal, Depends(can_arbitrate)],
            batch: Annotated[str, Query(max_length=40)] = "") -> list[out.ClerkFigures]:
    with _ctx(request).db.session() as s:
        return keying.clerk_figures(s=s, batch_id=batch or None)


@router.get("/api/v1/keying/complete", tags=["keying"],
            summary="Gợi ý hoàn thành khi gõ: họ tên theo tần suất, địa danh hai thời kỳ, giá trị đã gõ trong quyển")
def complete(request: Request, principal: Annotated[Principal, Depends(can_key)],
             batch: Annotated[str, Query(max_length=40)], field: Annotated[str, Query(max_length=60)],
             text: Annotated[str, Query(max_length=500)] = "") -> out.Completions:
    with _ctx(request).db.session() as s:
        memory, province = keying.memory(batch, field, actor(request, principal), s=s)
    return {"field": field, "text": text, "completions": completion.complete(field, text, memory=memory,
                                                                              province=province)}


@router.post("/api/v1/keying/check", tags=["keying"],
             summary="Kiểm tra khi gõ: lỗi (ngày, giới tính, năm) và điều đáng ngờ (số định danh, ngày đăng ký…)")
def check(_p: Annotated[Principal, Depends(can_key)], body: CheckIn) -> out.Checked:
    cleaned, errors = checks.clean_all(body.fields)
    return {"errors": errors, "warnings": checks.warnings(cleaned)}
