"""Response bodies of the person view, suggested links and their decisions, and record status changes."""
from __future__ import annotations

from pydantic import Field

from domain.records import RecordStatus, RecordType
from storage.person_models import LinkKind, LinkStatus

from .base import Out, Timestamp


class RecordSummaryOut(Out):
    record_id: str
    type: RecordType
    title: str
    status: RecordStatus
    date_of_birth: str | None
    registration_date: str | None


class LinkOut(Out):
    """The other record of a link, and the link."""

    record_id: str
    type: RecordType
    title: str
    status: LinkStatus = Field(description="Tình trạng của liên kết")
    date_of_birth: str | None
    registration_date: str | None
    record_status: RecordStatus = Field(description="Tình trạng của hồ sơ")
    link_id: int
    kind: LinkKind
    role: str | None = Field(description="Trong hồ sơ kết hôn: husband hoặc wife")
    score: float
    decided_by: str | None
    decided_at: Timestamp | None


class PersonEntryOut(Out):
    """One of the person's records: the record asked for (no link: link_id and the link's fields empty) or one
    reached through links nobody rejected."""

    record_id: str
    type: RecordType
    title: str
    status: LinkStatus | None = Field(description="Tình trạng của liên kết")
    date_of_birth: str | None
    registration_date: str | None
    record_status: RecordStatus = Field(description="Tình trạng của hồ sơ")
    link_id: int | None
    kind: LinkKind | None
    role: str | None
    score: float | None
    decided_by: str | None = None
    decided_at: Timestamp | None = None


class PersonOut(Out):
    record: RecordSummaryOut
    records: dict[str, list[PersonEntryOut]] = Field(
        description="Theo loại (birth, marriage, death): hồ sơ này và các hồ sơ liên kết chưa bị bác bỏ")
    duplicates: list[LinkOut]


class DecisionOut(Out):
    link_id: int
    record_a: str
    record_b: str
    status: LinkStatus
    decided_by: str | None


class StatusOut(Out):
    record_id: str
    status: RecordStatus
    replaced_by: str | None
