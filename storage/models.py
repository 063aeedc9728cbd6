"""Metadata tables, the same on SQLite (embedded) and PostgreSQL (distributed).

Schema changes go through Alembic migrations in storage/migrations; these classes describe the latest state.
"""
from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps in UTC, aware on the way out on every database (SQLite stores no offset and reads back naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON, datetime: UTCDateTime()}


class PageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Batch(Base):
    """One scanned book (or one delivery of scans) with what the clerk said about it."""

    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16), default="auto")
    book: Mapped[str | None] = mapped_column(String(200))
    authority: Mapped[str | None] = mapped_column(String(300))
    years: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)  # the clerk's note at upload (state of the book, missing pages)
    # Every page of its files is an open book's two pages (A3 scans, photos of a register): each is split into
    # left and right pages (ingest.photo.split_spread). Set when the batch is made, never after.
    spreads: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    files: Mapped[list[SourceFileRow]] = relationship(back_populates="batch", order_by="SourceFileRow.seq")
    rejections: Mapped[list[Rejection]] = relationship(back_populates="batch")


class SourceFileRow(Base):
    """An original file as received; content-addressed so the same scan is never stored twice."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    object_key: Mapped[str] = mapped_column(String(200))
    batch: Mapped[Batch] = relationship(back_populates="files")


class Page(Base):
    __tablename__ = "pages"
    # sha256(file sha256 + ":" + page number): stable across re-ingests, so a page is processed once.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # page within its file, 1-based
    seq: Mapped[int] = mapped_column(Integer)  # page within the book, 1-based
    status: Mapped[str] = mapped_column(String(16), default=PageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    image_key: Mapped[str | None] = mapped_column(String(200))
    words_key: Mapped[str | None] = mapped_column(String(200))
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    variant: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String(200))
    # What a clerk marked the page as (office.capture.pages): "blank", "cover", "back" or "document" (no record:
    # a decision filed with the registers) — kept in the book, yields no records; None for an ordinary page.
    role: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    file: Mapped[SourceFileRow] = relationship()
    __table_args__ = (Index("ix_pages_batch_status", "batch_id", "status"),)


class Record(Base):
    __tablename__ = "records"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    status_reason: Mapped[str | None] = mapped_column(Text)  # why an officer changed the status
    # The earlier record this one replaces (a re-registration, a corrected extract); that one is "superseded".
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("records.id", name="fk_records_supersedes_id"),
                                                      index=True)
    fields: Mapped[dict] = mapped_column(default=dict)
    confidence: Mapped[dict] = mapped_column(default=dict)
    text: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str | None] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    indexed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Register entries cut at a page's end: "head" (the part on its first page) or "tail" (the rest, at the top
    # of the next page, until the batch joins it to its head). A head keeps both parts as read in ``parts``
    # ({"own": …, "tail": …}, each {"fields", "confidence", "text"}) so that either page can be re-read alone.
    fragment: Mapped[str | None] = mapped_column(String(8))
    parts: Mapped[dict | None] = mapped_column()
    # Where the values come from: None, read by OCR; "import", keyed earlier in a spreadsheet and imported
    # (office.export); "keyed", keyed by hand at the keying station.
    provenance: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    pages: Mapped[list[RecordPage]] = relationship(
        back_populates="record", order_by="RecordPage.ordinal", cascade="all, delete-orphan"
    )


class RecordPage(Base):
    __tablename__ = "record_pages"
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("pages.id"), primary_key=True, index=True)
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[Record] = relationship(back_populates="pages")
    page: Mapped[Page] = relationship()


class Rejection(Base):
    """Input refused before it became pages (a corrupt PDF, a zip bomb…), kept so the batch report shows it."""

    __tablename__ = "rejections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    source: Mapped[str] = mapped_column(String(1000))
    page: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    batch: Mapped[Batch] = relationship(back_populates="rejections")
    __table_args__ = (UniqueConstraint("batch_id", "source", "page", name="uq_rejection"),)
