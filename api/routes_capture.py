"""The capture station: the upload page, resumable uploads (tus), POST /api/v1/batches, live progress (server-sent
events) and page fixes. Transport only: each route parses, authorises and calls one office.capture function."""
from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from tuspyserver import create_tus_router

from domain.errors import InputRejected, NotFound
from domain.records import TYPE_LABELS_VI, RecordType
from office.accounts.roles import Permission, Principal
from office.capture import pages as fixes
from office.capture import service as capture
from office.capture.book import book_meta
from office.capture.upload import UPLOAD_ID, Incoming, finished_upload, forget_upload, uploads_dir
from office.progress import service as dashboard

from .params import Body
from .routes_common import JPEG, actor, render, require, state
from .schemas import capture as out

router = APIRouter()
can_capture = require(Permission.CAPTURE)
can_batches = require(Permission.BATCHES)
can_run = require(Permission.RUN_BATCHES)
can_download = require(Permission.DOWNLOAD)
UPLOADS = "/api/v1/uploads"
STREAM_EVERY_S = 1.0
SSE = {200: {"content": {"text/event-stream": {}}, "description": "Sự kiện tiến độ (server-sent events)"}}
STREAM_FOR_S = 3600  # an open page reconnects (EventSource does) rather than holding a connection for ever


class TooLarge(InputRejected):
    http_status = 413


def runner_of(app: FastAPI) -> capture.Runner:
    """The app's one background runner (started with the app's lifespan, or at the first request that needs it)."""
    if getattr(app.state, "capture_runner", None) is None:
        app.state.capture_runner = capture.Runner(app.state.sohoa.ctx)
    return app.state.capture_runner


def runner(request: Request) -> capture.Runner:
    return runner_of(request.app)


# -- resumable uploads: the tus protocol, behind our sign-in, CSRF and CAPTURE -------------------------------
async def _files_of(request: Request, principal: Annotated[Principal, Depends(can_capture)]) -> Callable:
    uid = request.path_params.get("uuid")
    if uid is not None and not UPLOAD_ID.match(uid):  # only ids this server hands out name a file
        raise NotFound(f"Không có tệp tải lên {uid!r}.")
    folder = str(uploads_dir(state(request).ctx.settings, principal.user_id))
    return lambda _metadata: {"files_dir": folder}


async def _before_create(request: Request, _p: Annotated[Principal, Depends(can_capture)]) -> Callable:
    limit = state(request).ctx.settings.max_file_bytes

    def check(metadata: dict, info: dict) -> None:
        if not metadata.get("filename") or not metadata.get("filetype"):  # tuspyserver cannot resume without them
            raise InputRejected("Thiếu tên hoặc kiểu tệp (Upload-Metadata: filename, filetype).", code="no_metadata")
        if info.get("defer_length") or info.get("size") is None:
            raise InputRejected("Cần cho biết kích thước tệp khi bắt đầu tải lên (Upload-Length).", code="no_length")
        if info["size"] > limit:
            raise TooLarge(f"Tệp quá lớn ({info['size']} byte), vượt giới hạn {limit} byte.", code="file_too_large")
        if request.headers.get("upload-concat") or int(request.headers.get("content-length") or 0):
            raise InputRejected("Chỉ nhận tải lên từng phần theo giao thức tus cơ bản.", code="unsupported_upload")

    return check


# files_dir is only a fallback: _files_of names each account's own folder under SOHOA_HOME on every request.
uploads_router = create_tus_router(prefix=UPLOADS, files_dir=str(Path(tempfile.gettempdir()) / "sohoa-tus-unused"),
                                   auth=can_capture, file_dep=_files_of, pre_create_dep=_before_create,
                                   days_to_keep=7, tags=["uploads"])
for _route in uploads_router.routes:  # the tus protocol (its headers, its 412s) is tus's to document, not OpenAPI's
    _route.include_in_schema = False


# -- upload ------------------------------------------------------------------------------------------------
@router.get("/upload", include_in_schema=False)
def upload_page(request: Request, _p: Annotated[Principal, Depends(can_capture)]) -> Response:
    settings = state(request).ctx.settings
    return render(request, "upload.html", types=[(t.value, TYPE_LABELS_VI[t]) for t in RecordType],
                  max_bytes=settings.max_file_bytes, tus_endpoint=UPLOADS)


def _spooled(files: list[UploadFile], work: Path) -> list[Incoming]:
    out = []
    for i, f in enumerate(files):
        path = work / f"{i:05d}"
        with path.open("wb") as dst:
            shutil.copyfileobj(f.file, dst, 1 << 20)
        out.append(Incoming(f.filename or f"tep-{i + 1}", path))
    return out


@router.post("/api/v1/batches", tags=["batches"], status_code=201, responses={404: {}},
             summary="Nhập một quyển sổ: tệp (PDF, TIFF, JPEG, PNG, HEIC, ZIP) và thông tin sổ; nhận dạng chạy nền")
def create_batch(
    request: Request, principal: Annotated[Principal, Depends(can_capture)],
    files: Annotated[list[UploadFile], File(description="Tệp của quyển sổ (gửi nguyên tệp)")] = [],  # noqa: B006
    uploads: Annotated[list[str], Form(description="Mã các tệp đã tải lên xong qua /api/v1/uploads (tus)")] = [],  # noqa: B006
    type: Annotated[str, Form(description="auto|birth|marriage|death|land")] = "auto",
    book: Annotated[str | None, Form(description="Số quyển, ví dụ 01/1998")] = None,
    authority: Annotated[str | None, Form(description="Cơ quan đăng ký")] = None,
    years: Annotated[str | None, Form(description="Năm hoặc khoảng năm, ví dụ 1998-1999")] = None,
    note: Annotated[str | None, Form(description="Ghi chú của văn thư")] = None,
    spreads: Annotated[bool, Form(description="Mỗi trang là hai trang sổ mở (quét A3, ảnh chụp sổ): tách đôi")] = False,
) -> out.Uploaded:
    ctx = state(request).ctx
    meta = book_meta(record_type=type, book=book, authority=authority, years=years, note=note,
                     created_by=principal.username, spreads=spreads)
    taken = [finished_upload(ctx.settings, principal.user_id, u) for u in uploads]
    root = ctx.settings.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="multipart-", dir=root) as work:
        items = _spooled([f for f in files if f.filename or f.size], Path(work)) + taken
        result = capture.upload_book(items, meta, ctx=ctx, runner=runner(request), actor=actor(request, principal))
    for u in uploads:
        forget_upload(ctx.settings, principal.user_id, u)
    return result


# -- live progress -----------------------------------------------------------------------------------------
@router.get("/api/v1/batches/{batch_id}", tags=["batches"],
            summary="Báo cáo một lô (như sohoa status --json): finished, pages, done, failed với lý do, tốc độ")
def batch(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_batches)]) -> out.BatchReport:
    return capture.batch_status(batch_id, state(request).ctx, actor=actor(request, principal),
                                busy=runner(request).busy(batch_id))


@router.get("/api/v1/batches/{batch_id}/status", tags=["batches"],
            summary="Tiến độ trực tiếp của một lô: trang xong / lỗi / chờ, tốc độ, thời gian còn lại")
def batch_progress(request: Request, batch_id: str,
                   _p: Annotated[Principal, Depends(can_batches)]) -> out.LiveProgress:
    with state(request).ctx.db.session() as s:
        return capture.progress(batch_id, s=s, busy=runner(request).busy(batch_id))


def _stream(request: Request, snapshot: Callable[[], dict], done: Callable[[dict], bool]) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        last, waited = None, 0.0
        yield "retry: 2000\n\n"
        while waited < STREAM_FOR_S and not await request.is_disconnected():
            data = await run_in_threadpool(snapshot)
            if data != last:
                yield f"data: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"
                last = data
            if done(data):
                yield "event: end\ndata: {}\n\n"
                return
            await asyncio.sleep(STREAM_EVERY_S)
            waited += STREAM_EVERY_S

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/api/v1/batches/{batch_id}/events", tags=["batches"], response_class=StreamingResponse, responses=SSE,
            summary="Tiến độ của một lô dạng server-sent events (mỗi khi thay đổi), kèm các trang lỗi")
def batch_events(request: Request, batch_id: str, _p: Annotated[Principal, Depends(can_batches)]) -> Response:
    ctx, run = state(request).ctx, runner(request)

    def snapshot() -> dict:
        with ctx.db.session() as s:
            live = capture.progress(batch_id, s=s, busy=run.busy(batch_id))
            live["failed_pages"] = capture.failed_pages(batch_id, s=s)
            return live

    snapshot()  # 404 now for an unknown batch, not inside the stream
    return _stream(request, snapshot, lambda d: d["finished"])


@router.get("/api/v1/progress/events", tags=["batches"], response_class=StreamingResponse, responses=SSE,
            summary="Tiến độ của mọi lô dạng server-sent events (mỗi khi thay đổi)")
def progress_events(request: Request, _p: Annotated[Principal, Depends(can_batches)]) -> Response:
    ctx = state(request).ctx

    def snapshot() -> dict:
        with ctx.db.session() as s:
            return {"batches": dashboard.batches(s=s)}

    return _stream(request, snapshot, lambda _d: False)


# -- pages and their fixes ---------------------------------------------------------------------------------
@router.get("/api/v1/batches/{batch_id}/pages", tags=["pages"], summary="Các trang của quyển theo thứ tự")
def batch_pages(request: Request, batch_id: str,
                _p: Annotated[Principal, Depends(can_batches)]) -> list[out.BookPage]:
    with state(request).ctx.db.session() as s:
        return capture.pages_of(batch_id, s=s)


@router.get("/api/v1/pages/{page_id}/thumbnail", tags=["pages"], response_class=Response,
            responses=JPEG,
            summary="Ảnh nhỏ của trang (JPEG), kể cả trang lỗi; mỗi lần xem được ghi nhật ký")
def thumbnail(request: Request, page_id: str, principal: Annotated[Principal, Depends(can_download)]) -> Response:
    data = fixes.thumbnail(page_id, ctx=state(request).ctx, actor=actor(request, principal))
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


class RotateIn(Body):
    degrees: Literal[90, 180, 270] = Field(description="Góc xoay theo chiều kim đồng hồ")


class MarkIn(Body):
    role: out.PageRole | None = Field(
        description="blank: trang trắng, cover: bìa, back: mặt sau, document: văn bản khác (không phải hồ sơ); "
                    "null: trang thường (nhận dạng lại)")


class OrderIn(Body):
    pages: list[str] = Field(description="Mã mọi trang của quyển theo thứ tự mới", max_length=20_000)


def _fix_args(request: Request, principal: Principal) -> dict:
    return {"ctx": state(request).ctx, "runner": runner(request), "actor": actor(request, principal)}


@router.post("/api/v1/batches/{batch_id}/pages/{page_id}/rotate", tags=["pages"],
             summary="Xoay trang; chỉ trang này được nhận dạng lại")
def rotate(request: Request, batch_id: str, page_id: str, body: RotateIn,
           principal: Annotated[Principal, Depends(can_capture)]) -> out.PageFixed:
    new_id = fixes.rotate(batch_id, page_id, body.degrees, **_fix_args(request, principal))
    return {"batch_id": batch_id, "page_id": new_id}


@router.post("/api/v1/batches/{batch_id}/pages/{page_id}/replace", tags=["pages"],
             summary="Thay trang bằng bản quét lại hoặc ảnh chụp mới (một trang)")
def replace(request: Request, batch_id: str, page_id: str, principal: Annotated[Principal, Depends(can_capture)],
            file: Annotated[UploadFile, File(description="Ảnh hoặc PDF một trang")]) -> out.PageFixed:
    ctx = state(request).ctx
    root = ctx.settings.home / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="multipart-", dir=root) as work:
        item = _spooled([file], Path(work))[0]
        new_id = fixes.replace(batch_id, page_id, item, **_fix_args(request, principal))
    return {"batch_id": batch_id, "page_id": new_id}


@router.post("/api/v1/batches/{batch_id}/pages/{page_id}/mark", tags=["pages"],
             summary="Đánh dấu trang trắng / bìa / mặt sau (không trích hồ sơ), hoặc bỏ đánh dấu")
def mark(request: Request, batch_id: str, page_id: str, body: MarkIn,
         principal: Annotated[Principal, Depends(can_capture)]) -> out.PageMarked:
    fixes.mark(batch_id, page_id, body.role, **_fix_args(request, principal))
    return {"batch_id": batch_id, "page_id": page_id, "role": body.role}


@router.delete("/api/v1/batches/{batch_id}/pages/{page_id}", tags=["pages"], summary="Bỏ trang khỏi quyển")
def delete(request: Request, batch_id: str, page_id: str,
           principal: Annotated[Principal, Depends(can_capture)]) -> out.PageDeleted:
    fixes.delete(batch_id, page_id, **_fix_args(request, principal))
    return {"batch_id": batch_id, "deleted": page_id}


@router.put("/api/v1/batches/{batch_id}/order", tags=["pages"], summary="Sắp xếp lại các trang của quyển")
def reorder(request: Request, batch_id: str, body: OrderIn,
            principal: Annotated[Principal, Depends(can_capture)]) -> out.Reordered:
    fixes.reorder(batch_id, body.pages, **_fix_args(request, principal))
    return {"batch_id": batch_id, "pages": len(body.pages)}


@router.post("/api/v1/batches/{batch_id}/pages/{page_id}/retry", tags=["pages"], summary="Nhận dạng lại một trang lỗi")
def retry_page(request: Request, batch_id: str, page_id: str,
               principal: Annotated[Principal, Depends(can_run)]) -> out.Queued:
    return {"batch_id": batch_id, "queued": fixes.retry(batch_id, page_id, **_fix_args(request, principal))}


@router.post("/api/v1/batches/{batch_id}/run", tags=["batches"], status_code=202,
             summary="Tiếp tục lô: nhận dạng lại các trang lỗi và các trang còn chờ (sau khi máy chủ khởi động lại)")
def run_batch(request: Request, batch_id: str, principal: Annotated[Principal, Depends(can_run)]) -> out.Queued:
    queued = fixes.retry(batch_id, None, **_fix_args(request, principal))
    runner(request).submit(batch_id)
    return {"batch_id": batch_id, "queued": queued}
