"""Dossiers at the one-stop desk: a procedure for an applicant, and the prior results reused for it.

Service functions take the session as a keyword argument and write their own audit entries (``actor=None``: the
caller's entry covers the whole act, as a citizen's request does); permissions are checked by the routes.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from domain import ids
from domain.errors import InvalidRequest, NotFound
from domain.labels import record_title
from office.accounts.roles import Principal
from office.audit import service as audit
from office.audit.service import Actor
from storage.account_models import User
from storage.dossier_models import Dossier, DossierItem
from storage.models import Batch, Record, utcnow
from workers.stages import source_of

# Common procedures at a commune's one-stop desk (offered as suggestions; free text is accepted).
PROCEDURES = (
    "Cấp bản sao trích lục khai sinh",
    "Cấp bản sao trích lục kết hôn",
    "Cấp bản sao trích lục khai tử",
    "Đăng ký kết hôn",
    "Xác nhận tình trạng hôn nhân",
    "Cải chính, bổ sung thông tin hộ tịch",
    "Đăng ký biến động đất đai",
    "Cấp đổi giấy chứng nhận quyền sử dụng đất",
)



def create_dossier(procedure: str, applicant_name: str, applicant_id: str | None, principal: Principal, *,
                   actor: Actor | None, s: Session) -> Dossier:
    procedure, applicant_name = procedure.strip(), applicant_name.strip()
    if not procedure or not applicant_name:
        raise InvalidRequest("Cần ghi thủ tục và họ tên người nộp hồ sơ.")
    dossier = Dossier(id=ids.new_dossier_id(utcnow().date()), procedure=procedure[:300],
                      applicant_name=applicant_name[:200], applicant_id=(applicant_id or "").strip()[:40] or None,
                      created_by=principal.user_id)
    s.add(dossier)
    s.flush()
    if actor is not None:
        audit.record(s, actor, "create_dossier", target=dossier.id, dossier_id=dossier.id)
    return dossier


def with_batch(source: dict, batch: Batch | None) -> dict:
    """A record's source (``workers.stages.source_of``) with its batch's book and authority."""
    return {**source, "book": batch.book if batch else None, "authority": batch.authority if batch else None}


def provenance(record: Record, s: Session) -> dict:
    """Where a record came from: its book, batch, original file, pages and the original's SHA-256."""
    return with_batch(source_of(record), s.get(Batch, record.batch_id))


def attach(dossier_id: str, record_id: str, reason: str, principal: Principal, *, actor: Actor | None,
           s: Session) -> DossierItem:
    dossier = s.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFound(f"Không có hồ sơ thủ tục {dossier_id}")
    record = s.get(Record, record_id)
    if record is None:
        raise NotFound(f"Không tìm thấy hồ sơ {record_id}")
    if not reason.strip():
        raise InvalidRequest("Cần ghi lý do sử dụng lại kết quả này.")
    if any(item.record_id == record_id for item in dossier.items):
        raise InvalidRequest("Kết quả này đã được đính kèm vào hồ sơ thủ tục.")
    item = DossierItem(dossier_id=dossier_id, record_id=record_id, reason=reason.strip()[:2000],
                       source=provenance(record, s), attached_by=principal.user_id)
    s.add(item)
    s.flush()
    if actor is not None:
        audit.record(s, actor, "attach", target=record_id, dossier_id=dossier_id, reason=reason)
    return item


def number_of(fields: dict) -> str | None:
    value = fields.get("registration_number") or fields.get("certificate_serial") or fields.get("registry_number")
    return str(value) if value else None


def list_dossiers(*, actor: Actor, s: Session, limit: int = 100) -> list[dict]:
    """The latest dossiers. Applicants' names and ID numbers: a read of personal data, logged with what it showed."""
    items = select(func.count(DossierItem.id)).where(DossierItem.dossier_id == Dossier.id).scalar_subquery()
    rows = s.execute(select(Dossier, User.username, items).join(User, Dossier.created_by == User.id)
                     .order_by(Dossier.created_at.desc()).limit(limit))
    out = [{"dossier_id": d.id, "procedure": d.procedure, "applicant_name": d.applicant_name,
            "created_by": username, "created_at": d.created_at.isoformat(), "items": n}
           for d, username, n in rows]
    audit.record(s, actor, "list_dossiers", shown=[r["dossier_id"] for r in out])
    return out


def dossier_detail(dossier_id: str, public_url: str, *, actor: Actor, s: Session) -> dict:
    # Items with their copies, and their records, each in one query rather than one per item.
    dossier = s.get(Dossier, dossier_id, options=[selectinload(Dossier.items).selectinload(DossierItem.copies)])
    if dossier is None:
        raise NotFound(f"Không có hồ sơ thủ tục {dossier_id}")
    records = {r.id: r for r in s.scalars(select(Record).where(Record.id.in_({i.record_id for i in dossier.items})))}
    people = {dossier.created_by} | {i.attached_by for i in dossier.items} | {
        c.issued_by for i in dossier.items for c in i.copies}
    names = dict(s.execute(select(User.id, User.username).where(User.id.in_(people))).all())
    items = []
    for item in dossier.items:
        record = records[item.record_id]
        items.append({
            "item_id": item.id, "record_id": item.record_id, "type": record.type, "status": record.status,
            "title": record_title(record.type, record.fields), "number": number_of(record.fields),
            "reason": item.reason, "source": item.source, "attached_by": names.get(item.attached_by),
            "attached_at": item.attached_at.isoformat(),
            "copies": [{"copy_id": c.id, "issued_at": c.issued_at.isoformat(), "issued_by": names.get(c.issued_by),
                        "content_sha256": c.content_sha256, "verify_url": f"{public_url.rstrip('/')}/verify/{c.token}",
                        "download_url": f"/api/v1/copies/{c.id}/pdf", "revoked": c.revoked_at is not None,
                        "revoke_reason": c.revoke_reason}
                       for c in item.copies],
        })
    audit.record(s, actor, "view_dossier", target=dossier_id, dossier_id=dossier_id)
    return {"dossier_id": dossier.id, "procedure": dossier.procedure, "applicant_name": dossier.applicant_name,
            "applicant_id": dossier.applicant_id, "created_by": names.get(dossier.created_by),
            "created_at": dossier.created_at.isoformat(), "items": items}
