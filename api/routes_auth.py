"""Login, logout, the account page and API tokens (pages and /api/v1)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from domain.errors import Forbidden, InvalidRequest
from office.accounts import roles
from office.accounts import service as auth
from office.accounts.roles import Principal, Role

from .params import Body, DbId
from .routes_common import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    actor,
    check_csrf,
    client_ip,
    local_path,
    principal_of,
    render,
    require,
    session_token,
    set_cookie,
    state,
)
from .schemas.accounts import MeOut, NewTokenOut, TokenOut

router = APIRouter()
signed_in = require(None)


def _home_for(principal: Principal) -> str:
    return "/cong-dan" if principal.role == Role.CITIZEN else "/"


_LOCAL = {"127.0.0.1", "::1", "localhost"}


def _no_accounts(request: Request) -> bool:
    with state(request).ctx.db.session() as s:
        return not auth.has_accounts(s)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    if client_ip(request) in _LOCAL and _no_accounts(request):  # first start: nobody could sign in
        return RedirectResponse("/setup", status_code=303)
    principal = principal_of(request)
    if principal is not None:
        home = _home_for(principal)
        return RedirectResponse(home if next in ("", "/") else local_path(next, home), status_code=303)
    return render(request, "login.html", next=local_path(next))


@router.post("/login", include_in_schema=False)
async def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                next: Annotated[str, Form()] = "/") -> Response:
    await check_csrf(request)
    st, ip = state(request), client_ip(request)

    def attempt() -> auth.Login:
        # Argon2 (~0.25 s) and the database: in the threadpool, so a login never stalls other officers' pages.
        with st.ctx.db.session() as s:
            return auth.log_in(username, password, ip=ip, policy=st.policy, s=s)

    done = await run_in_threadpool(attempt)
    if done.refused is not None:
        return render(request, "login.html", status_code=done.refused.http_status, error=done.refused.message,
                      next=local_path(next), username=username)
    # The form's default "/" means "wherever this account starts": a citizen's home is /cong-dan, not search.
    home = _home_for(done.principal)
    response = RedirectResponse(home if next in ("", "/") else local_path(next, home), status_code=303)
    set_cookie(response, st, SESSION_COOKIE, auth.sign(st.secret, done.token, "session"),
               max_age=int(st.policy.session_ttl.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")  # a fresh CSRF nonce for the new session
    return response


def _setup_allowed(request: Request) -> None:
    if client_ip(request) not in _LOCAL:
        raise Forbidden("Tài khoản quản trị đầu tiên chỉ tạo được trên chính máy chủ (mở http://127.0.0.1:8000).")


@router.get("/setup", include_in_schema=False)
def setup_page(request: Request) -> Response:
    if not _no_accounts(request):
        return RedirectResponse("/login", status_code=303)
    _setup_allowed(request)
    return render(request, "setup.html")


@router.post("/setup", include_in_schema=False)
async def setup(request: Request, username: Annotated[str, Form(max_length=80)] = "",
                password: Annotated[str, Form(max_length=500)] = "", confirm: Annotated[str, Form(max_length=500)] = "",
                full_name: Annotated[str, Form(max_length=200)] = "",
                office: Annotated[str, Form(max_length=300)] = "") -> Response:
    await check_csrf(request)
    _setup_allowed(request)
    st, ip = state(request), client_ip(request)

    def create() -> tuple[str, Principal]:
        if password != confirm:
            raise auth.PasswordRejected("Hai lần nhập mật khẩu không khớp.")
        with st.ctx.db.session() as s:
            return auth.create_first_admin(username, password, full_name=full_name, office=office or None, ip=ip,
                                           policy=st.policy, s=s)

    try:
        token, _principal = await run_in_threadpool(create)
    except (auth.PasswordRejected, InvalidRequest) as exc:
        return render(request, "setup.html", status_code=422, error=exc.message, username=username,
                      full_name=full_name, office=office)
    response = RedirectResponse("/admin/users", status_code=303)
    set_cookie(response, st, SESSION_COOKIE, auth.sign(st.secret, token, "session"),
               max_age=int(st.policy.session_ttl.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    st = state(request)
    with st.ctx.db.session() as s:
        auth.log_out(session_token(request), actor=actor(request, principal), s=s)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _tokens(request: Request, principal: Principal) -> list[dict]:
    with state(request).ctx.db.session() as s:
        return auth.tokens_of(principal.user_id, s=s)


def _create_token(request: Request, principal: Principal, name: str) -> dict:
    with state(request).ctx.db.session() as s:
        return auth.new_token(name, actor=actor(request, principal), s=s)


def _revoke_token(request: Request, principal: Principal, token_id: int) -> None:
    with state(request).ctx.db.session() as s:
        auth.revoke_token(token_id, actor=actor(request, principal), s=s)


def _change_password(request: Request, principal: Principal, current: str, new: str) -> None:
    with state(request).ctx.db.session() as s:
        auth.change_password(current, new, keep_session=session_token(request), actor=actor(request, principal), s=s)


def _account(request: Request, principal: Principal, *, status_code: int = 200, new_token: dict | None = None,
             message: str | None = None) -> Response:
    return render(request, "account.html", status_code=status_code, tokens=_tokens(request, principal),
                  new_token=new_token, role_labels=roles.ROLE_LABELS_VI, message=message)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    return _account(request, principal)


@router.post("/account/password", include_in_schema=False)
def account_password(request: Request, principal: Annotated[Principal, Depends(signed_in)],
                     current: Annotated[str, Form()] = "", new: Annotated[str, Form()] = "",
                     confirm: Annotated[str, Form()] = "") -> Response:
    try:
        if new != confirm:
            raise auth.PasswordRejected("Hai lần nhập mật khẩu mới không khớp.")
        _change_password(request, principal, current, new)
    except auth.PasswordRejected as exc:
        return _account(request, principal, status_code=422, message=exc.message)
    return _account(request, principal, message="Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc và các mã "
                                                 "truy cập API đã bị thu hồi.")


@router.post("/account/tokens", include_in_schema=False)
def account_new_token(request: Request, principal: Annotated[Principal, Depends(signed_in)],
                      name: Annotated[str, Form()] = "") -> Response:
    return _account(request, principal, new_token=_create_token(request, principal, name))


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def account_revoke_token(request: Request, token_id: DbId,
                         principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    _revoke_token(request, principal, token_id)
    return RedirectResponse("/account", status_code=303)


# -- /api/v1 --------------------------------------------------------------------------------------------
class PasswordIn(Body):
    current: str = Field(max_length=500)
    new: str = Field(min_length=8, max_length=500)


@router.post("/api/v1/me/password", tags=["auth"], status_code=204, response_class=Response, responses={409: {}},
             summary="Đổi mật khẩu (các phiên đăng nhập khác kết thúc, mọi mã truy cập API bị thu hồi)")
def change_password(request: Request, body: PasswordIn,
                    principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    _change_password(request, principal, body.current, body.new)
    return Response(status_code=204)


class TokenIn(Body):
    name: str = Field("token", max_length=100, description="Tên gợi nhớ, ví dụ: hệ thống một cửa tỉnh")


@router.get("/api/v1/me", tags=["auth"], response_model=MeOut, summary="Tài khoản đang dùng và quyền")
def me(principal: Annotated[Principal, Depends(signed_in)]) -> dict:
    return {"username": principal.username, "full_name": principal.full_name, "role": principal.role.value,
            "office": principal.office, "via": principal.via,
            "permissions": sorted(p.value for p in roles.ROLE_PERMISSIONS[principal.role])}


@router.get("/api/v1/tokens", tags=["auth"], response_model=list[TokenOut],
            summary="Các mã truy cập API của tôi (không hiện mã)")
def list_tokens(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> list[dict]:
    return _tokens(request, principal)


@router.post("/api/v1/tokens", tags=["auth"], status_code=201, response_model=NewTokenOut,
             summary="Tạo mã truy cập API; mã chỉ hiện một lần, chỉ lưu mã băm SHA-256")
def new_token(request: Request, body: TokenIn, principal: Annotated[Principal, Depends(signed_in)]) -> dict:
    return _create_token(request, principal, body.name)


@router.delete("/api/v1/tokens/{token_id}", tags=["auth"], status_code=204, summary="Thu hồi một mã truy cập")
def revoke_token(request: Request, token_id: DbId, principal: Annotated[Principal, Depends(signed_in)]) -> Response:
    _revoke_token(request, principal, token_id)
    return Response(status_code=204)
