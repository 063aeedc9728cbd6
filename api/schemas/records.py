"""Response bodies of the record endpoints: a record as an officer reads it, the list of batches."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import Out, Timestamp


class BatchRow(Out):
    batch_id: str
    record_type: str = Field(description="auto|birth|marriage|death|land")
    book: str | None
    authority: str | None
    years: str | None
    created_at: Timestamp
    finished: bool
    pages: int
    done: int
    failed: int
    records: int


class RecordPageRef(Out):
    page_id: str
    number: int = Field(description="Trang trong tệp gốc")
    seq: int = Field(description="Trang trong quyển")
    image_key: str | None
    confidence: float | None


class Source(Out):
    batch_id: str
    file: str | None = Field(description="Tên tệp gốc")
    pages: list[int] = Field(description="Các trang trong tệp gốc")
    sha256: str | None = Field(description="SHA-256 của tệp gốc")


class Provenance(Source):
    book: str | None
    authority: str | None
    ingested_by: str | None
    ingested_at: Timestamp | None


class RecordSummary(Out):
    record_id: str
    type: str
    title: str
    status: str
    date_of_birth: str | None
    registration_date: str | None


class Versions(Out):
    supersedes: RecordSummary | None
    superseded_by: list[RecordSummary]
    status_reason: str | None


class PersonLinkOut(Out):
    """The other record of a link (its summary; ``record_status`` its own status), then the link itself."""

    record_id: str
    type: str
    title: str
    status: str = Field(description="Trạng thái liên kết: suggested|confirmed|rejected")
    date_of_birth: str | None
    registration_date: str | None
    record_status: str
    link_id: int
    kind: str
    role: str | None
    score: float
    decided_by: str | None
    decided_at: Timestamp | None


class CorrectionOut(Out):
    field: str
    old_value: Any
    new_value: Any
    corrected_by: str
    corrected_by_name: str
    corrected_at: Timestamp


class RecordOut(Out):
    record_id: str
    type: str
    status: str
    fields: dict[str, Any] = Field(description="Tên trường chuẩn → giá trị")
    confidence: dict[str, float] = Field(description="Tên trường → độ tin cậy (0..1)")
    needs_review: bool
    text: str | None
    pages: list[RecordPageRef]
    source: Source
    versions: Versions
    links: list[PersonLinkOut]
    provenance: Provenance
    corrections: list[CorrectionOut] = Field(description="Các lần hiệu đính, mới nhất trước")
    keyed: dict[str, dict[str, Any]] | None = Field(
        description="Hồ sơ nhập tay: trường → người gõ và người phân xử; null với hồ sơ khác")


class MarkOut(Out):
    """A mark OCR set aside on a page (office.records.marks), with what a clerk typed for it."""

    id: str = Field(description="Mã của vùng, giữ nguyên chừng nào trang chưa được nhận dạng lại")
    kind: str = Field(description="seal|stamp|signature|handwriting")
    label: str
    confidence: float
    left: float = Field(description="Vị trí trên ảnh quét, % chiều rộng")
    top: float = Field(description="% chiều cao")
    width: float
    height: float
    keyable: bool = Field(description="Có chữ để nhập (chữ viết tay, dấu công văn đến)")
    value: str = Field(description="Giá trị đã nhập (rỗng: chưa nhập)")
    keyed_by: str | None
    keyed_at: Timestamp | None
    stale: bool = Field(description="Giá trị nhập cho một vùng mà lần nhận dạng sau không còn thấy")
    page_ratio: float = Field(description="Chiều cao ảnh quét chia chiều rộng (0: chưa biết)")
