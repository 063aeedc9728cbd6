"""Dossiers at the one-stop desk, the prior results attached to them, and certified copies (office.dossiers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, utcnow


class Dossier(Base):
    """An application at the one-stop desk (a procedure for an applicant) that reuses earlier results."""

    __tablename__ = "dossiers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    procedure: Mapped[str] = mapped_column(String(300))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[list[DossierItem]] = relationship(back_populates="dossier", order_by="DossierItem.id")


class DossierItem(Base):
    """A prior result attached to a dossier, with why, by whom, and where it came from at the time."""

    __tablename__ = "dossier_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[dict] = mapped_column(JSON, default=dict)  # batch, book, file, pages, sha256
    attached_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
    dossier: Mapped[Dossier] = relationship(back_populates="items")
    copies: Mapped[list[CertifiedCopy]] = relationship(back_populates="item", order_by="CertifiedCopy.issued_at")


class CertifiedCopy(Base):
    """A certified electronic copy; ``token`` (unguessable) is what its QR code points at."""

    __tablename__ = "certified_copies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("dossier_items.id"), index=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issuing_office: Mapped[str] = mapped_column(String(300))
    content_sha256: Mapped[str] = mapped_column(String(64))
    pdf_key: Mapped[str] = mapped_column(String(200))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_certified_copies_revoked_by_users"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)  # shown on the verify page: why it is not in force
    item: Mapped[DossierItem] = relationship(back_populates="copies")
