"""Response bodies of the account endpoints: who am I, my API tokens, users (admins)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from office.accounts.roles import Permission, Role

from .base import Out, Timestamp


class MeOut(Out):
    username: str
    full_name: str
    role: Role
    office: str | None
    via: Literal["web", "token"] = Field(description="Phiên trình duyệt hoặc mã truy cập API")
    permissions: list[Permission]


class TokenOut(Out):
    id: int
    name: str
    prefix: str = Field(description="Vài ký tự đầu của mã, để nhận ra mã nào")
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked: bool


class NewTokenOut(Out):
    id: int
    name: str
    prefix: str
    token: str = Field(description="Mã truy cập: chỉ hiện lần này, máy chủ chỉ lưu mã băm")


class UserOut(Out):
    id: int
    username: str
    full_name: str
    role: Role
    office: str | None
    personal_id: str | None
    active: bool
    locked_until: Timestamp | None = Field(description="Bị khóa tạm sau nhiều lần đăng nhập sai, đến lúc này")


class UserCreatedOut(Out):
    id: int
    username: str
    role: Role


class UserActiveOut(Out):
    id: int
    username: str
    active: bool
