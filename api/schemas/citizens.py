"""Response bodies of a citizen's own records, requests and access log (/api/v1/me/...)."""
from __future__ import annotations

from pydantic import Field

from domain.records import RecordType

from .base import Out, Timestamp


class OwnCopyOut(Out):
    copy_id: int
    issued_at: Timestamp
    office: str
    download_url: str


class OwnRecordOut(Out):
    record_id: str
    type: RecordType
    type_label: str
    title: str
    registration_date: str | None
    authority: str | None
    requested_at: Timestamp | None = Field(description="Lần yêu cầu bản sao gần nhất")
    dossier_id: str | None = Field(description="Hồ sơ thủ tục mở cho yêu cầu đó")
    copies: list[OwnCopyOut]


class AccessOut(Out):
    at: Timestamp
    action: str
    action_label: str
    office: str = Field(description="Cơ quan của người đã xem (trống nếu không rõ)")
    role: str
    role_label: str
    dossier_id: str | None
    purpose: str | None
    purpose_label: str
    records: list[str] = Field(description="Giấy tờ nào của công dân bị chạm tới")


class OverviewOut(Out):
    personal_id: str | None
    records: list[OwnRecordOut]
    access_log: list[AccessOut]


class CopyRequestOut(Out):
    dossier_id: str
    record_id: str
