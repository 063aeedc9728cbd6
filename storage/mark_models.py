"""Values a clerk typed for a mark OCR set aside on a page (a number a pen wrote into a blank, a receipt stamp's
handwritten number and date): one row per keying, the latest for a mark is its value, the earlier ones its
history. Same ``Base`` as the pipeline tables, so one Alembic history covers them (0012_mark_values); the record
and page views (office.records.marks) own what they mean."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class MarkValue(Base):
    __tablename__ = "mark_values"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The page's row goes when a clerk deletes, rotates or replaces the page: its marks were of that scan.
    page_id: Mapped[str] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    mark_id: Mapped[str] = mapped_column(String(16))  # office.records.marks.mark_id: kind and box as read
    kind: Mapped[str] = mapped_column(String(16))
    # The mark's box on the scan, percentages (left, top, width, height): shown where a re-read moved the mark.
    left: Mapped[float] = mapped_column(Float)
    top: Mapped[float] = mapped_column(Float)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    value: Mapped[str] = mapped_column(String(200))  # "" where a clerk cleared it
    keyed_by: Mapped[str] = mapped_column(String(80))  # username: the history outlives accounts
    keyed_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_mark_values_page", "page_id", "mark_id", "id"),)
