"""Keying tables (migration 0010_keying): a book's verification mode, the entries of each page (shared by the
keyers: added, split, merged or deleted by any of them), and each keyer's own values (never shown to the other).
Same ``Base`` as the pipeline tables, so one Alembic history covers them; the keying station (office.keying)
owns what they mean."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, utcnow

OPEN = "open"
DOUBLE = "double"


class KeyingBook(Base):
    __tablename__ = "keying_books"
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), default=DOUBLE)
    record_type: Mapped[str] = mapped_column(String(16))
    # The register's columns (field names, left to right) as found on its first page read: the form's order.
    columns: Mapped[list] = mapped_column(JSON, default=list)
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class KeyingEntry(Base):
    __tablename__ = "keying_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("pages.id"), index=True)
    position: Mapped[float] = mapped_column(Float)  # order on the page (fractions after a split or an insert)
    # The entry's row on the page image, as fractions of its height (None: not found; the whole page is shown).
    top: Mapped[float | None] = mapped_column(Float)
    bottom: Mapped[float | None] = mapped_column(Float)
    source_record_id: Mapped[str | None] = mapped_column(String(80))  # the OCR record read from this row
    suggestion: Mapped[dict] = mapped_column(JSON, default=dict)  # OCR values at or above the review threshold
    status: Mapped[str] = mapped_column(String(12), default=OPEN, index=True)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # the accepted values
    # field → {"keyed_by": [usernames], "arbitrated_by": username | None, "changed": bool}
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    record_id: Mapped[str | None] = mapped_column(String(80))  # the record it was published as
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    keyings: Mapped[list[Keying]] = relationship(back_populates="entry", cascade="all, delete-orphan",
                                                 order_by="Keying.id")


class Keying(Base):
    """One clerk's values for one entry. ``illegible``: the fields they marked unreadable."""

    __tablename__ = "keying_values"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("keying_entries.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    illegible: Mapped[list] = mapped_column(JSON, default=list)
    keystrokes: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)  # time spent on the entry, as the station measured it
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    entry: Mapped[KeyingEntry] = relationship(back_populates="keyings")
    __table_args__ = (UniqueConstraint("entry_id", "username", name="uq_keying_entry_user"),)
