"""Response bodies of the audit log."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import Out, Timestamp


class AuditEntryOut(Out):
    id: int
    at: Timestamp
    username: str
    role: str = Field(description="Vai trò lúc đó; operator: lệnh chạy trên máy chủ; anonymous: chưa đăng nhập")
    action: str
    target: str | None
    dossier_id: str | None
    ip: str | None
    via: str = Field(description="web, token hoặc cli")
    detail: dict[str, Any]
