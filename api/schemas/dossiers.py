"""Response bodies of dossiers, certified copies and their public verification."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from domain.records import RecordStatus, RecordType

from .base import Out, Timestamp


class DossierRowOut(Out):
    dossier_id: str
    procedure: str
    applicant_name: str
    created_by: str
    created_at: Timestamp
    items: int = Field(description="Số kết quả đã đính kèm")


class DossierCreatedOut(Out):
    dossier_id: str


class CopyOut(Out):
    copy_id: int
    issued_at: Timestamp
    issued_by: str | None
    content_sha256: str
    verify_url: str
    download_url: str
    revoked: bool
    revoke_reason: str | None


class DossierItemOut(Out):
    item_id: int
    record_id: str
    type: RecordType
    status: RecordStatus
    title: str
    number: str | None
    reason: str
    source: dict[str, Any] = Field(description="Nguồn của kết quả lúc đính kèm: quyển, lô, tệp, trang, SHA-256")
    attached_by: str | None
    attached_at: Timestamp
    copies: list[CopyOut]


class DossierOut(Out):
    dossier_id: str
    procedure: str
    applicant_name: str
    applicant_id: str | None
    created_by: str | None
    created_at: Timestamp
    items: list[DossierItemOut]


class ItemAttachedOut(Out):
    item_id: int


class IssuedCopyOut(Out):
    copy_id: int
    verify_url: str
    download_url: str
    content_sha256: str


class RevokedCopyOut(Out):
    copy_id: int
    dossier_id: str
    revoked_at: Timestamp
    reason: str


class VerificationOut(Out):
    verified: bool = Field(description="Nội dung khớp và bản sao còn hiệu lực")
    hash_match: bool
    content_sha256: str
    record_type: RecordType
    record_type_label: str
    number: str | None
    date: str | None
    authority: str | None
    record_status: RecordStatus
    record_status_label: str
    revoked: bool
    revoked_at: Timestamp | None
    revoke_reason: str | None
    issuing_office: str
    issued_at: Timestamp
