"""What every route shares: who is asking (session cookie or API token), permission checks, CSRF, the client
address, audit actors, HTML rendering and turning errors into JSON, a redirect to /login or an error page."""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from domain.errors import SohoaError
from office.accounts import service as auth
from office.accounts.roles import Permission, Principal
from office.accounts.service import CsrfRejected, Forbidden, LoginPolicy, NotAuthenticated
from office.audit import service as audit
from office.audit.service import Actor
from workers import Context

from .pages import render_template

SESSION_COOKIE = "sohoa_session"
CSRF_COOKIE = "sohoa_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="Mã truy cập API (tạo tại trang Tài khoản)")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Phiên đăng nhập trình duyệt")


@dataclass
class AppState:
    ctx: Context
    secret: bytes
    policy: LoginPolicy

    @property
    def secure_cookies(self) -> bool:
        return self.ctx.settings.public_url.startswith("https://")

    @property
    def public_url(self) -> str:
        return self.ctx.settings.public_url.rstrip("/")


def state(request: Request) -> AppState:
    return request.app.state.sohoa


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_cookie(response: Response, st: AppState, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=st.secure_cookies,
                        path="/")


# -- who is asking --------------------------------------------------------------------------------------
def session_token(request: Request) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    return auth.unsign(state(request).secret, raw, "session") if raw else None


def principal_of(request: Request) -> Principal | None:
    if hasattr(request.state, "principal"):
        return request.state.principal
    st, found = state(request), None
    header = request.headers.get("authorization", "")
    with st.ctx.db.session() as s:
        if header.lower().startswith("bearer "):
            user = auth.token_user(s, header[7:].strip())
            if user is None:
                raise NotAuthenticated("Mã truy cập API không hợp lệ hoặc đã bị thu hồi.")
            found = Principal.of(user, "token")
        elif token := session_token(request):
            user = auth.session_user(s, token)
            found = Principal.of(user, "web") if user else None
    request.state.principal = found
    return found


# -- CSRF: a per-browser nonce cookie; forms carry HMAC(secret, nonce, session) --------------------
def csrf_nonce(request: Request) -> str:
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE)
    if not nonce:
        nonce = request.state.csrf_nonce = secrets.token_urlsafe(24)
    return nonce


def csrf_token(request: Request) -> str:
    # Bound to the browser's session too: a token seen in one session (or before login) is worthless in another.
    session = request.cookies.get(SESSION_COOKIE, "")
    return hmac.new(state(request).secret, f"csrf|{csrf_nonce(request)}|{session}".encode(), "sha256").hexdigest()


async def check_csrf(request: Request) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await request.form()).get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfRejected("Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang.")


def require(permission: Permission | None = None) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the signed-in principal, holding ``permission`` (None: any signed-in user).

    Requests authenticated by the session cookie that change something must carry the CSRF token; requests
    with an API token carry no cookie, so no other site can forge them."""

    async def dependency(
        request: Request,
        _b: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],  # documented in OpenAPI
        _c: Annotated[str | None, Depends(_cookie)],
    ) -> Principal:
        # A database lookup: off the event loop, so one slow query does not stall every other officer.
        principal = await run_in_threadpool(principal_of, request)
        if principal is None:
            raise NotAuthenticated("Vui lòng đăng nhập.")
        if request.method not in _SAFE and principal.via == "web":
            await check_csrf(request)
        if permission is not None and not principal.can(permission):
            raise Forbidden("Tài khoản của bạn không có quyền thực hiện việc này.")
        return principal

    dependency.permission = permission  # read back by required_permission
    return dependency


def required_permission(route) -> tuple[bool, Permission | None]:
    """(whether the route needs a signed-in user, the permission it asks for), from its ``require`` dependency
    however deep: what the OpenAPI document, docs/permissions.md and the role × endpoint test are built on."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is not None and hasattr(dep.call, "permission"):
            return True, dep.call.permission
        stack.extend(dep.dependencies)
    return False, None


def actor(request: Request, principal: Principal | None, username: str = "") -> Actor:
    return Actor(principal, client_ip(request), username)


# -- rendering ------------------------------------------------------------------------------------------
def render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    user = getattr(request.state, "principal", None)
    if user is None and "authorization" not in request.headers:
        user = principal_of(request)  # pages anyone may see (login, verify) still show who is signed in
    html = render_template(template, request=request, user=user,
                           csrf_token=csrf_token(request), Permission=Permission, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


PDF = {"description": "Tệp PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
CSV = {"description": "Bảng CSV (UTF-8, có BOM cho bảng tính)", "content": {"text/csv": {"schema": {"type": "string"}}}}
JPEG = {200: {"content": {"image/jpeg": {}}, "description": "Ảnh JPEG"}}


def pdf_download(data: bytes, filename: str) -> Response:
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, exc: SohoaError) -> Response:
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.http_status,
                            headers=headers)
    if isinstance(exc, NotAuthenticated) and "authorization" not in request.headers:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    # A page asked with a bad API token gets its 401 here: a redirect to /login would come back with the same
    # header and loop forever.
    request.state.principal = getattr(request.state, "principal", None)
    return render(request, "error.html", status_code=exc.http_status, error=exc)


def audit_denied(request: Request, exc: SohoaError) -> None:
    principal = getattr(request.state, "principal", None)
    with state(request).ctx.db.session() as s:
        audit.denied(actor(request, principal), request.url.path, method=request.method, status=exc.http_status,
                     code=exc.code, s=s)


def all_routes(app) -> list:
    """The app's routes, those of its included routers first (FastAPI keeps an included router as one entry)."""
    from starlette.routing import BaseRoute, Mount, Route

    own = [r for r in app.routes if isinstance(r, Route | Mount) or type(r) is BaseRoute]
    return [r for router in getattr(app.state, "routers", ()) for r in router.routes] + own


def allowed_methods(app, scope) -> list[str]:
    """Every method some route accepts at this path: several routes share a path (GET page, POST form), and
    Starlette's own 405 names only the first one's."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in all_routes(app):
        match, _ = route.matches({**scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
        elif match != Match.NONE and not getattr(route, "methods", None):  # a mount (static files)
            methods |= {"GET", "HEAD"}
    return sorted(methods | {"OPTIONS"}) if methods else []


def local_path(target: str | None, default: str = "/") -> str:
    """Only a path on this site may follow login (no open redirect to //evil.example)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
