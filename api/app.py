"""The HTTP API (/api/v1, read endpoints) and a light Vietnamese search page."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from domain.errors import SohoaError
from domain.records import TYPE_LABELS_VI, RecordType
from domain.settings import Settings
from index import SearchQuery
from workers import Context

from . import service
from .pages import search_page


def create_app(settings: Settings) -> FastAPI:
    ctx = Context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        ctx.close()

    app = FastAPI(
        title="Sohoa API",
        version="1",
        description="Tra cứu hồ sơ hộ tịch và đất đai đã số hóa.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(SohoaError)
    async def _sohoa_error(_request: Request, exc: SohoaError) -> JSONResponse:
        return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.http_status)

    @app.get("/api/v1/batches", tags=["batches"], summary="Các lô đã nhập và tiến độ")
    def batches(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
        return service.list_batches(ctx, limit)

    @app.get("/api/v1/batches/{batch_id}", tags=["batches"], summary="Báo cáo một lô, gồm các trang lỗi")
    def batch(batch_id: str) -> dict:
        from workers.batches import report

        return report(batch_id, ctx)

    @app.get("/api/v1/records/{record_id}", tags=["records"], summary="Một hồ sơ với trường, độ tin cậy, nguồn")
    def record(record_id: str) -> dict:
        return service.record_detail(record_id, ctx)

    @app.get("/api/v1/search", tags=["search"], summary="Tìm hồ sơ (không dấu, chịu lỗi nhận dạng)")
    def search(
        q: str = "",
        type: RecordType | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        authority: str | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict:
        query = SearchQuery(text=q, type=type.value if type else None, year_from=year_from, year_to=year_to,
                            authority=authority, limit=limit, offset=offset)
        return service.search(ctx, query)

    @app.get("/api/v1/pages/{page_id}/image", tags=["pages"], summary="Ảnh trang đã quét (JPEG)",
             response_class=Response)
    def page_image(page_id: str) -> Response:
        data, url = service.page_image(page_id, ctx)
        if url:
            return RedirectResponse(url, status_code=307)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(q: str = "", type: str = "") -> HTMLResponse:
        result = None
        if q:
            rtype = type if type in {t.value for t in RecordType} else None
            result = service.search(ctx, SearchQuery(text=q, type=rtype, limit=30))
        return HTMLResponse(search_page(q, type, result, TYPE_LABELS_VI))

    return app
