"""Response bodies of the keying station, arbitration and the per-clerk figures."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import Out


class StationPage(Out):
    id: str
    seq: int
    total: int
    has_image: bool
    prev: int | None
    next: int | None


class Mine(Out):
    fields: dict[str, Any]
    illegible: list[str]


class EntryView(Out):
    id: int
    position: float
    top: float | None
    bottom: float | None
    status: str
    suggestion: dict[str, Any] = Field(description="Gợi ý OCR đủ tin cậy (chỉ khi người này còn gõ được mục)")
    keyings: int = Field(description="Số lượt đã gõ")
    can_key: bool
    mine: Mine | None = Field(description="Giá trị chính người này đã gõ")
    accepted: dict[str, Any] | None
    record_id: str | None


class Station(Out):
    batch_id: str
    book: str
    mode: str
    record_type: str
    page: StationPage
    fields: list[str]
    more: list[str]
    labels: dict[str, str]
    figures: list[str]
    carry: dict[str, str]
    entries: list[EntryView]


class ModeOut(Out):
    batch_id: str
    mode: str
    record_type: str


class SavedOut(Out):
    entry_id: int
    status: str
    warnings: dict[str, str]
    record_id: str | None = Field(description="Hồ sơ được công bố (nếu có)")


class EntriesChanged(Out):
    op: str
    entry_id: int | None
    removed: list[str]


class KeyedValue(Out):
    keyer: str
    value: str


class OpenField(Out):
    field: str
    values: list[KeyedValue]


class ArbitrationView(Out):
    id: int
    status: str
    batch_id: str
    page_id: str
    seq: int
    top: float | None
    bottom: float | None
    mode: str
    labels: dict[str, str]
    open: list[OpenField]
    agreed: dict[str, Any]


class QueuedEntry(Out):
    id: int
    batch_id: str
    status: str
    open: int = Field(description="Số trường đang tranh chấp")


class ClerkFigures(Out):
    username: str
    entries: int
    compared: int
    agreed: int
    changed_at_arbitration: int
    arbitrated: int
    entries_per_hour: float | None
    agreement: float | None


class Completions(Out):
    field: str
    text: str
    completions: list[str]


class Checked(Out):
    errors: dict[str, str]
    warnings: dict[str, str]
