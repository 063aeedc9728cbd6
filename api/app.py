"""The web application and the HTTP API (/api/v1), sharing routes' permissions, audit and errors.

Anonymous users reach only /login, /verify/* (and /api/v1/verify/*) and the stylesheet; everything else needs
a browser session or an API token (``Authorization: Bearer sohoa_…``).
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from swagger_ui_bundle import swagger_ui_path

from domain.errors import InvalidRequest, NotFound, SohoaError
from domain.settings import Settings
from office.accounts import service as auth
from office.capture import background as capture_background
from workers import Context
from workers.malloc import few_arenas

from . import openapi_doc
from .routes_admin import router as admin_router
from .routes_auth import router as auth_router
from .routes_capture import router as capture_router
from .routes_capture import runner_of as capture_runner
from .routes_capture import uploads_router
from .routes_citizen import router as citizen_router
from .routes_common import (
    CSRF_COOKIE,
    AppState,
    allowed_methods,
    audit_denied,
    error_response,
    is_api,
    require,
    set_cookie,
)
from .routes_dossiers import router as dossiers_router
from .routes_keying import router as keying_router
from .routes_people import router as people_router
from .routes_progress import router as progress_router
from .routes_records import router as records_router
from .routes_review import router as review_router
from .routes_search import router as search_router
from .routes_verify import router as verify_router

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("sohoa.api")
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
_STATUS_MESSAGES = {404: "Không tìm thấy địa chỉ này.", 405: "Phương thức này không được hỗ trợ ở địa chỉ này."}


def create_app(settings: Settings, *, policy: auth.LoginPolicy | None = None) -> FastAPI:
    ctx = Context(settings)
    st = AppState(ctx=ctx, secret=auth.load_secret(settings), policy=policy or auth.LoginPolicy())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        from workers.stages import prepare_index

        few_arenas()  # before the threadpool's threads exist
        await run_in_threadpool(prepare_index, ctx)  # before the first request, not on its thread
        # books a stopped server left half read run again, stale uploads expire (office.capture.background)
        background = capture_background.Background(ctx, capture_runner(_app))
        await run_in_threadpool(background.start)
        yield
        background.stop()
        ctx.close()

    app = FastAPI(
        title="Sohoa API",
        version="1",
        description="Tra cứu hồ sơ hộ tịch và đất đai đã số hóa, hồ sơ thủ tục và bản sao điện tử. "
                    "Xác thực: phiên đăng nhập (cookie, kèm X-CSRF-Token khi ghi) hoặc mã truy cập API "
                    "(`Authorization: Bearer sohoa_…`, tạo tại trang Tài khoản). Mọi lỗi trả về "
                    "`{\"error\": {\"code\", \"message\"}}` với thông điệp tiếng Việt.",
        openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.sohoa = st

    @app.middleware("http")
    async def guard(request: Request, call_next) -> Response:
        """Security headers on every answer, 500s included; OPTIONS answered from the routes themselves; an
        unexpected error logged with its traceback and answered in the app's error format, never a bare 500."""
        if request.method == "OPTIONS":
            methods = allowed_methods(request.app, request.scope)
            response = (Response(status_code=204, headers={"Allow": ", ".join(methods)}) if methods
                        else error_response(request, NotFound(_STATUS_MESSAGES[404])))
        else:
            try:
                response = await call_next(request)
            except Exception:
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                response = error_response(request, SohoaError(
                    "Máy chủ gặp lỗi ngoài dự kiến; lỗi đã được ghi lại. Vui lòng thử lại sau.", code="internal"))
        nonce = getattr(request.state, "csrf_nonce", None)
        if nonce and nonce != request.cookies.get(CSRF_COOKIE):
            set_cookie(response, st, CSRF_COOKIE, nonce)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SohoaError)
    async def _sohoa_error(request: Request, exc: SohoaError) -> Response:
        if exc.http_status in (403, 404):
            await run_in_threadpool(audit_denied, request, exc)
        return error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _STATUS_MESSAGES.get(exc.status_code, "Yêu cầu không thực hiện được.")
        error = SohoaError(message, code="not_found" if exc.status_code == 404 else "http_error")
        error.http_status = exc.status_code
        response = error_response(request, error)
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
        return response

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, exc: ValidationError) -> Response:
        # A form's values checked by the same model as the JSON API's body (an empty reason, a blank name)
        message = invalid_message(exc.errors(), lead="Thông tin gửi lên không hợp lệ:", params=False)
        return error_response(request, InvalidRequest(message))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"error": {"code": "invalid", "message": invalid_message(exc.errors()),
                                           "detail": jsonable(exc.errors())}}, status_code=422)
        return error_response(request, InvalidRequest("Thông tin gửi lên không hợp lệ. Vui lòng kiểm tra lại."))

    routers = (auth_router, search_router, records_router, review_router, progress_router, people_router,
               dossiers_router, admin_router, verify_router, citizen_router, capture_router, uploads_router,
               keying_router)
    for router in routers:
        # tus has its own protocol (Tus-Resumable, Upload-Offset headers), documented by tus.io, not OpenAPI
        app.include_router(router, include_in_schema=router is not uploads_router)
    app.state.routers = routers
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Swagger UI from its Python package, not a CDN: an office may have no internet.
    app.mount("/api/v1/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger")

    signed_in = require(None)

    @app.get("/api/v1/openapi.json", include_in_schema=False, dependencies=[Depends(signed_in)])
    def openapi() -> JSONResponse:
        return JSONResponse(openapi_doc.document(app))

    @app.get("/api/v1/docs", include_in_schema=False, dependencies=[Depends(signed_in)])
    def docs() -> HTMLResponse:
        # Swagger UI sets inline styles as it renders; scripts still come from this site only.
        return HTMLResponse(openapi_doc.SWAGGER_PAGE, headers={"Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'")})

    return app


def invalid_message(errors: list, *, lead: str = "Tham số", params: bool = True) -> str:
    """The first problem, in Vietnamese, naming the parameter: enough for a person to fix the request. A request's
    errors are located under where the parameter came from (``query``, ``body``…: ``params``); a model's not."""
    if not errors:
        return "Yêu cầu không hợp lệ"
    e = errors[0]
    where = ".".join(str(x) for x in e.get("loc", ())[1 if params else 0:]) or "yêu cầu"
    kind = e.get("type", "")
    ctx = {k: str(v) for k, v in (e.get("ctx") or {}).items()}
    reasons = {
        "less_than_equal": f"không được lớn hơn {ctx.get('le')}",
        "greater_than_equal": f"không được nhỏ hơn {ctx.get('ge')}",
        "string_too_long": f"dài quá {ctx.get('max_length')} ký tự", "string_too_short": "không được để trống",
        "missing": "là bắt buộc", "int_parsing": "phải là số nguyên", "enum": "không thuộc các giá trị cho phép",
        "literal_error": "không thuộc các giá trị cho phép", "date_from_datetime_parsing": "phải là ngày YYYY-MM-DD",
        "date_parsing": "phải là ngày YYYY-MM-DD", "value_error": "không hợp lệ",
    }
    if kind == "value_error" and ctx.get("error"):  # our own validators' messages are Vietnamese already
        return f"{lead} {where} {ctx['error']}."
    return f"{lead} {where} {reasons.get(kind, 'không hợp lệ')}."


def jsonable(errors: list) -> list:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str})
