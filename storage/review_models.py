"""Clerks' corrections of extracted fields: one row per changed field, kept as the record's correction history.
Same ``Base`` as the pipeline tables, so one Alembic history covers them (0004_field_corrections)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class FieldCorrection(Base):
    __tablename__ = "field_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(60))
    # JSON: most values are strings, a few are lists (owner_names); None where the field was absent / removed.
    old_value: Mapped[object | None] = mapped_column(JSON)
    new_value: Mapped[object | None] = mapped_column(JSON)
    corrected_by: Mapped[str] = mapped_column(String(80))  # username: the history outlives accounts
    corrected_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_field_corrections_record_at", "record_id", "corrected_at"),)
