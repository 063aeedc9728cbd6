"""Links between records of one person: a birth and the marriage or death of the same person, and likely
duplicates (two records of the same type for one person). Suggested by workers.linking, decided by officers.
Same ``Base`` as the pipeline tables, so one Alembic history covers them (0003_people)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class LinkKind(StrEnum):
    BIRTH_MARRIAGE = "birth_marriage"  # record_a: the birth; record_b: the marriage (as husband or wife)
    BIRTH_DEATH = "birth_death"  # record_a: the birth; record_b: the death
    DUPLICATE = "duplicate"  # the same type, very likely the same person (record_a < record_b)


class LinkStatus(StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PersonLink(Base):
    __tablename__ = "person_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_a: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    record_b: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(16))  # in a marriage: husband | wife
    score: Mapped[float] = mapped_column(Float)  # 0..1
    status: Mapped[str] = mapped_column(String(16), default=LinkStatus.SUGGESTED, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("record_a", "record_b", "kind", name="uq_person_link"),)
