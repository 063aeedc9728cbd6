"""Citizens: their own digitised records, the certified copies issued to them, and asking for one.

A citizen's account carries the personal identification number checked against their card when the account was
made (``User.personal_id``). Their records are those carrying that number — as the person's own ID on a birth or
death record, or in a spouse's identity paper on a marriage record; their copies are those issued in dossiers
whose applicant has that number. A copy is still issued by an officer: asking for one opens a dossier at the
one-stop desk with the record attached, where the officer checks and certifies it.

Service functions take the session as a keyword argument and write their own audit entries (what a citizen was
shown is logged too); permissions are checked by the routes.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.errors import NotFound
from domain.labels import record_title
from domain.records import TYPE_LABELS_VI, RecordStatus, RecordType
from index.base import SearchQuery
from office.accounts.roles import Principal
from office.audit import service as audit
from office.audit.service import Actor
from office.citizens import access_log
from office.dossiers import certify
from office.dossiers import service as dossiers
from storage.dossier_models import CertifiedCopy, Dossier, DossierItem
from storage.models import Record
from workers import Context

REQUEST_PROCEDURE = "Cấp bản sao điện tử (công dân yêu cầu trực tuyến)"
REQUEST_REASON = "Công dân yêu cầu bản sao điện tử của giấy tờ mang số định danh của mình"
_ID_FIELDS = ("personal_id", "wife_id_document", "husband_id_document")
_SHOWN = (RecordStatus.VALID, RecordStatus.AMENDED)


def _carries(fields: dict, personal_id: str) -> bool:
    """The number appears whole in one of the identity fields (never a fuzzy or partial match)."""
    return any(personal_id in re.findall(r"\d{12}", str(fields.get(f) or "")) for f in _ID_FIELDS)


def own_records(principal: Principal, ctx: Context, *, s: Session) -> list[Record]:
    """The valid records carrying the citizen's number. The index finds candidates (numbers match exactly
    there); each is then checked on the stored record."""
    pid = principal.personal_id
    if not pid:
        return []
    hits = ctx.index.search(SearchQuery(text=pid, limit=100)).hits
    records = s.scalars(select(Record).where(Record.id.in_([h.record_id for h in hits]))).all() if hits else []
    return sorted((r for r in records if r.status in _SHOWN and _carries(r.fields, pid)),
                  key=lambda r: (r.fields.get("registration_date") or "", r.id))


def _requests(pid: str, *, s: Session) -> dict[str, DossierItem]:
    """The citizen's requests, by record: the latest dossier item of a dossier opened for their number."""
    items = s.scalars(select(DossierItem).join(Dossier).where(Dossier.applicant_id == pid)
                      .order_by(DossierItem.attached_at).options(selectinload(DossierItem.copies))).all()
    return {item.record_id: item for item in items}


def overview(principal: Principal, ctx: Context, *, actor: Actor, s: Session) -> dict:
    """What the citizen's page shows: each record with its request and copies, and who looked at them."""
    pid = principal.personal_id
    requests = _requests(pid, s=s) if pid else {}
    rows = []
    records = own_records(principal, ctx, s=s)
    for r in records:
        item = requests.get(r.id)
        copies = [c for c in (item.copies if item else []) if c.revoked_at is None]
        rows.append({
            "record_id": r.id, "type": r.type, "type_label": TYPE_LABELS_VI[RecordType(r.type)],
            "title": record_title(r.type, r.fields, "(chưa đọc được tên)"),
            "registration_date": r.fields.get("registration_date"),
            "authority": r.fields.get("registration_authority") or r.fields.get("issuing_authority"),
            "requested_at": item.attached_at.isoformat() if item else None,
            "dossier_id": item.dossier_id if item else None,
            "copies": [{"copy_id": c.id, "issued_at": c.issued_at.isoformat(), "office": c.issuing_office,
                        "download_url": f"/cong-dan/ban-sao/{c.id}.pdf"} for c in copies],
        })
    out = {"personal_id": pid, "records": rows,
           "access_log": access_log.access_log(principal, [r.id for r in records], s=s)}
    audit.record(s, actor, "citizen_overview", shown=[r["record_id"] for r in rows])
    return out


def my_access_log(principal: Principal, ctx: Context, *, actor: Actor, s: Session) -> list[dict]:
    rows = access_log.access_log(principal, [r.id for r in own_records(principal, ctx, s=s)], s=s)
    audit.record(s, actor, "view_access_log", shown=len(rows))
    return rows


def request_copy(record_id: str, principal: Principal, ctx: Context, *, actor: Actor, s: Session) -> DossierItem:
    """A dossier at the one-stop desk with this record attached (the open one when already asked)."""
    if record_id not in {r.id for r in own_records(principal, ctx, s=s)}:
        raise NotFound(f"Không tìm thấy giấy tờ {record_id} mang số định danh của bạn")
    existing = _requests(principal.personal_id, s=s).get(record_id)
    if existing is not None and not [c for c in existing.copies if c.revoked_at is None]:
        item = existing  # asked already, not yet certified
    else:  # one entry for the whole request: the dossier and the attachment are its parts
        dossier = dossiers.create_dossier(REQUEST_PROCEDURE, principal.full_name or principal.username,
                                          principal.personal_id, principal, actor=None, s=s)
        item = dossiers.attach(dossier.id, record_id, REQUEST_REASON, principal, actor=None, s=s)
    audit.record(s, actor, "citizen_request", target=record_id, dossier_id=item.dossier_id)
    return item


def own_copy(copy_id: int, principal: Principal, *, s: Session) -> CertifiedCopy:
    """A copy issued to the citizen; any other (or a revoked one) is 'not found', so ids reveal nothing."""
    copy = s.get(CertifiedCopy, copy_id)
    pid = principal.personal_id
    # The record itself must carry the citizen's number: the dossier's applicant is not enough (an officer who
    # attached someone else's record to the citizen's dossier must not hand them that person's copy).
    if copy is None or copy.revoked_at is not None or not pid or copy.item.dossier.applicant_id != pid \
            or not _carries(s.get(Record, copy.record_id).fields, pid):
        raise NotFound(f"Không có bản sao {copy_id} cấp cho bạn")
    return copy


def own_copy_pdf(copy_id: int, principal: Principal, ctx: Context, *, actor: Actor, s: Session) -> bytes:
    return certify.hand_out(own_copy(copy_id, principal, s=s), ctx, actor=actor, s=s)
