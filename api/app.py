"""The web application and the HTTP API (/api/v1), sharing routes' permissions, audit and errors.

Anonymous users reach only /login, /verify/* (and /api/v1/verify/*) and the stylesheet; everything else needs
a browser session or an API token (``Authorization: Bearer sohoa_…``).
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from domain.errors import SohoaError
from domain.settings import Settings
from office.accounts import service as auth
from office.dossiers.service import InvalidRequest
from workers import Context

from .routes_admin import router as admin_router
from .routes_auth import router as auth_router
from .routes_citizen import router as citizen_router
from .routes_common import CSRF_COOKIE, AppState, error_response, is_api, require, set_cookie
from .routes_dossiers import router as dossiers_router
from .routes_people import router as people_router
from .routes_progress import router as progress_router
from .routes_records import router as records_router
from .routes_review import router as review_router
from .routes_search import router as search_router
from .routes_verify import router as verify_router

STATIC = Path(__file__).with_name("static")
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


def create_app(settings: Settings, *, policy: auth.LoginPolicy | None = None) -> FastAPI:
    ctx = Context(settings)
    st = AppState(ctx=ctx, secret=auth.load_secret(settings), policy=policy or auth.LoginPolicy())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        ctx.close()

    app = FastAPI(
        title="Sohoa API",
        version="1",
        description="Tra cứu hồ sơ hộ tịch và đất đai đã số hóa, hồ sơ thủ tục và bản sao điện tử. "
                    "Xác thực: phiên đăng nhập (cookie, kèm X-CSRF-Token khi ghi) hoặc mã truy cập API "
                    "(`Authorization: Bearer sohoa_…`, tạo tại trang Tài khoản).",
        openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.sohoa = st

    @app.middleware("http")
    async def csrf_cookie_and_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        nonce = getattr(request.state, "csrf_nonce", None)
        if nonce and nonce != request.cookies.get(CSRF_COOKIE):
            set_cookie(response, st, CSRF_COOKIE, nonce)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SohoaError)
    async def _sohoa_error(request: Request, exc: SohoaError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"error": {"code": "invalid", "message": "Yêu cầu không hợp lệ",
                                           "detail": jsonable(exc.errors())}}, status_code=422)
        return error_response(request, InvalidRequest("Thông tin gửi lên không hợp lệ. Vui lòng kiểm tra lại."))

    for router in (auth_router, search_router, records_router, review_router, progress_router, people_router,
                   dossiers_router, admin_router, verify_router, citizen_router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    signed_in = require(None)

    @app.get("/api/v1/openapi.json", include_in_schema=False, dependencies=[Depends(signed_in)])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api/v1/docs", include_in_schema=False, dependencies=[Depends(signed_in)])
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="Sohoa API")
        page.headers["Content-Security-Policy"] = (  # Swagger UI comes from its CDN: only this page allows it
            "default-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
            "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' https://cdn.jsdelivr.net")
        return page

    return app


def jsonable(errors: list) -> list:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str})
