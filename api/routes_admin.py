"""Administration: accounts and the audit log (view, filter, export as CSV). Admins only."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import Field, ValidationError

from domain.errors import SohoaError
from office.accounts import roles
from office.accounts import service as auth
from office.accounts.roles import Permission, Principal, Role
from office.audit import service as audit

from .params import Body, DbId, IsoDate, LogOffset
from .routes_common import CSV, actor, render, require, state
from .schemas.accounts import UserActiveOut, UserCreatedOut, UserOut
from .schemas.audit import AuditEntryOut

router = APIRouter()
admin_users = require(Permission.USERS)
admin_audit = require(Permission.AUDIT)


class UserIn(Body):
    username: str = Field(min_length=1, max_length=80, pattern=r"^\s*[\w.@-]+\s*$",
                          description="Chữ, số, dấu chấm, gạch ngang, @")
    password: str = Field(min_length=8, max_length=500)
    role: Role
    full_name: str = Field("", max_length=200)
    office: str | None = Field(None, max_length=300, description="Cơ quan cấp in trên bản sao điện tử")
    personal_id: str | None = Field(None, pattern=r"^\d{12}$",
                                    description="Công dân: số định danh cá nhân (12 chữ số) đã đối chiếu với căn cước")


def _users(request: Request) -> list[dict]:
    with state(request).ctx.db.session() as s:
        return auth.users(s=s)


def _add_user(request: Request, principal: Principal, body: UserIn) -> dict:
    with state(request).ctx.db.session() as s:
        user = auth.add_user(body.username, body.password, body.role, full_name=body.full_name, office=body.office,
                             personal_id=body.personal_id, actor=actor(request, principal), s=s)
        return {"id": user.id, "username": user.username, "role": user.role}


def _set_active(request: Request, principal: Principal, user_id: int, active: bool) -> dict:
    with state(request).ctx.db.session() as s:
        user = auth.set_active(user_id, active, actor=actor(request, principal), s=s)
        return {"id": user.id, "username": user.username, "active": user.active}


def _filter(username: str | None, action: str | None, target: str | None, dossier: str | None,
            since: date | None, until: date | None) -> audit.AuditFilter:
    return audit.AuditFilter(
        username=username or None, action=action or None, target=target or None, dossier_id=dossier or None,
        since=datetime.combine(since, datetime.min.time()) if since else None,
        # "until" is inclusive: before the next day (none after the last day there is)
        until=datetime.combine(until + timedelta(days=1), datetime.min.time()) if until and until < date.max else None)


def _csv(request: Request, principal: Principal, f: audit.AuditFilter) -> StreamingResponse:
    rows = audit.export_csv(f, actor=actor(request, principal), db=state(request).ctx.db)
    return StreamingResponse(rows, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="nhat-ky-truy-cap.csv"'})


# -- pages ----------------------------------------------------------------------------------------------
def _users_page(request: Request, *, status_code: int = 200, error: str | None = None) -> Response:
    return render(request, "admin_users.html", status_code=status_code, users=_users(request),
                  roles=roles.ROLE_LABELS_VI, error=error)


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request, _p: Annotated[Principal, Depends(admin_users)]) -> Response:
    return _users_page(request)


@router.post("/admin/users", include_in_schema=False)
def users_add(request: Request, principal: Annotated[Principal, Depends(admin_users)],
              username: Annotated[str, Form()], password: Annotated[str, Form()], role: Annotated[Role, Form()],
              full_name: Annotated[str, Form()] = "", office: Annotated[str, Form()] = "",
              personal_id: Annotated[str, Form()] = "") -> Response:
    try:
        _add_user(request, principal, UserIn(username=username, password=password, role=role, full_name=full_name,
                                              office=office or None, personal_id=personal_id or None))
    except (SohoaError, ValidationError) as exc:
        return _users_page(request, status_code=422, error=getattr(exc, "message", None) or
                           "Thông tin tài khoản không hợp lệ (tên đăng nhập, mật khẩu từ 8 ký tự, số định danh 12 số).")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active", include_in_schema=False)
def users_active(request: Request, user_id: DbId, principal: Annotated[Principal, Depends(admin_users)],
                 active: Annotated[bool, Form()]) -> Response:
    try:
        _set_active(request, principal, user_id, active)
    except auth.PasswordRejected as exc:
        return _users_page(request, status_code=422, error=exc.message)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit", include_in_schema=False)
def audit_page(request: Request, principal: Annotated[Principal, Depends(admin_audit)], username: str = "",
               action: str = "", target: str = "", dossier: str = "", since: IsoDate = None,
               until: IsoDate = None, offset: LogOffset = 0) -> Response:
    f = _filter(username, action, target, dossier, since, until)
    with state(request).ctx.db.session() as s:
        rows = audit.entries(f, limit=100, offset=offset, s=s)
    return render(request, "admin_audit.html", rows=rows, f=f, offset=offset, since=since, until=until,
                  query=request.url.query)


@router.get("/admin/audit.csv", include_in_schema=False)
def audit_page_csv(request: Request, principal: Annotated[Principal, Depends(admin_audit)], username: str = "",
                   action: str = "", target: str = "", dossier: str = "", since: IsoDate = None,
                   until: IsoDate = None) -> Response:
    return _csv(request, principal, _filter(username, action, target, dossier, since, until))


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/users", tags=["admin"], response_model=list[UserOut], summary="Danh sách tài khoản")
def list_users(request: Request, _p: Annotated[Principal, Depends(admin_users)]) -> list[dict]:
    return _users(request)


@router.post("/api/v1/users", tags=["admin"], status_code=201, responses={409: {}}, response_model=UserCreatedOut,
             summary="Tạo tài khoản (mật khẩu băm Argon2)")
def add_user(request: Request, body: UserIn, principal: Annotated[Principal, Depends(admin_users)]) -> dict:
    return _add_user(request, principal, body)


class ActiveIn(Body):
    active: bool = Field(description="false: khóa tài khoản (phiên đăng nhập và mã API ngừng hoạt động ngay)")


@router.patch("/api/v1/users/{user_id}", tags=["admin"], responses={409: {}}, response_model=UserActiveOut,
               summary="Khóa hoặc mở khóa tài khoản")
def set_user_active(request: Request, user_id: DbId, body: ActiveIn,
                    principal: Annotated[Principal, Depends(admin_users)]) -> dict:
    return _set_active(request, principal, user_id, body.active)


@router.get("/api/v1/audit", tags=["admin"], response_model=list[AuditEntryOut],
            summary="Nhật ký truy cập (chỉ ghi thêm, không sửa, không xóa)")
def audit_log(request: Request, _p: Annotated[Principal, Depends(admin_audit)], username: str | None = None,
              action: str | None = None, target: str | None = None, dossier: str | None = None,
              since: IsoDate = None, until: IsoDate = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200, offset: LogOffset = 0) -> list[dict]:
    with state(request).ctx.db.session() as s:
        return audit.entries(_filter(username, action, target, dossier, since, until), limit=limit, offset=offset, s=s)


@router.get("/api/v1/audit.csv", tags=["admin"], summary="Xuất nhật ký truy cập dạng CSV",
            response_class=StreamingResponse, responses={200: CSV})
def audit_csv(request: Request, principal: Annotated[Principal, Depends(admin_audit)], username: str | None = None,
              action: str | None = None, target: str | None = None, dossier: str | None = None,
              since: IsoDate = None, until: IsoDate = None) -> Response:
    return _csv(request, principal, _filter(username, action, target, dossier, since, until))
