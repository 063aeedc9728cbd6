"""People across records (links suggested by workers.linking, decided by officers) and record versions
(valid / amended / superseded / revoked, and which record replaces which). Service functions: no HTTP here;
the session is passed in; what an officer reads or decides is audited here (``actor=``)."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.errors import InvalidRequest, NotFound
from domain.labels import record_title
from domain.records import RecordStatus, RecordType
from office.accounts.roles import Principal
from office.audit import service as audit
from office.audit.service import Actor
from storage.models import Batch, Record, utcnow
from storage.person_models import LinkKind, LinkStatus, PersonLink
from workers import Context
from workers.linking import link_records
from workers.stages import index_records


def _get(s: Session, record_id: str) -> Record:
    record = s.get(Record, record_id)
    if record is None:
        raise NotFound(f"Không tìm thấy hồ sơ {record_id}")
    return record


def _summary(record: Record) -> dict:
    return {"record_id": record.id, "type": record.type, "title": record_title(record.type, record.fields, record.id),
            "status": record.status, "date_of_birth": record.fields.get("date_of_birth"),
            "registration_date": record.fields.get("registration_date")}


# -- links ----------------------------------------------------------------------------------------------
def links_of(record_id: str, *, s: Session) -> list[dict]:
    """The record's links, best first: the other record, kind, score, status and who decided."""
    rows = s.scalars(select(PersonLink).where(or_(PersonLink.record_a == record_id, PersonLink.record_b == record_id))
                     .order_by(PersonLink.score.desc(), PersonLink.id)).all()
    other_id = {link.id: link.record_b if link.record_a == record_id else link.record_a for link in rows}
    others = {r.id: r for r in s.scalars(select(Record).where(Record.id.in_(set(other_id.values()))))}
    out = []
    for link in rows:
        other = others.get(other_id[link.id])
        if other is None:
            continue
        summary = _summary(other)
        out.append({**summary, "record_status": summary.pop("status"), "link_id": link.id, "kind": link.kind,
                    "role": link.role, "score": link.score, "status": link.status, "decided_by": link.decided_by,
                    "decided_at": link.decided_at.isoformat() if link.decided_at else None})
    return out


def read_links(record_id: str, *, actor: Actor, s: Session) -> list[dict]:
    """``links_of`` as an officer reads it: an unknown record is not found, the read is logged."""
    _get(s, record_id)
    links = links_of(record_id, s=s)
    audit.record(s, actor, "view_links", target=record_id, shown=len(links))
    return links


def suggest_links(batch_ids: list[str] | None, *, ctx: Context) -> dict:
    """Suggest links for the indexed records of these batches (None: every batch), 500 records at a time. Returns
    how many records were considered and how many links they now have above the threshold."""
    query = select(Record.id).where(Record.indexed.is_(True))
    if batch_ids is not None:
        query = query.where(Record.batch_id.in_(batch_ids))
    with ctx.db.session() as s:
        if batch_ids is not None:  # a mistyped batch said so, not "0 records considered"
            unknown = set(batch_ids) - set(s.scalars(select(Batch.id).where(Batch.id.in_(batch_ids))))
            if unknown:
                raise NotFound(f"Không có lô {', '.join(sorted(unknown))}")
        ids = list(s.scalars(query.order_by(Record.id)))
    return {"records": len(ids), "links": sum(link_records(ids[i:i + 500], ctx) for i in range(0, len(ids), 500))}


def decide(link_id: int, decision: str, principal: Principal, *, actor: Actor, s: Session) -> PersonLink:
    if decision not in (LinkStatus.CONFIRMED, LinkStatus.REJECTED):
        raise InvalidRequest("Quyết định phải là 'confirmed' (xác nhận) hoặc 'rejected' (bác bỏ).")
    link = s.get(PersonLink, link_id)
    if link is None:
        raise NotFound(f"Không có liên kết {link_id}")
    link.status, link.decided_by, link.decided_at = decision, principal.username, utcnow()
    audit.record(s, actor, "link_decision", target=link.record_a, link_id=link.id, record_b=link.record_b,
                 kind=link.kind, score=link.score, decision=decision)
    return link


def person(record_id: str, *, actor: Actor, s: Session) -> dict:
    """The person's birth, marriage and death records: the record, and every record reachable from it through
    links that no one rejected (a birth links the others). Duplicates are listed apart."""
    start = _get(s, record_id)
    seen, frontier, scores = {record_id}, [record_id], {record_id: None}
    duplicates = []
    while frontier:
        rid = frontier.pop()
        for link in links_of(rid, s=s):
            if link["status"] == LinkStatus.REJECTED or link["record_id"] in seen:
                continue
            seen.add(link["record_id"])
            if link["kind"] == LinkKind.DUPLICATE:
                duplicates.append(link)
                continue
            scores[link["record_id"]] = link
            frontier.append(link["record_id"])
    by_type: dict[str, list[dict]] = {t: [] for t in (RecordType.BIRTH, RecordType.MARRIAGE, RecordType.DEATH)}
    for link in scores.values():
        entry = link or {**_summary(start), "link_id": None, "score": None, "kind": None, "role": None}
        if link is None:
            entry["record_status"], entry["status"] = entry["status"], None
        by_type.setdefault(entry["type"], []).append(entry)
    audit.record(s, actor, "view_person", target=record_id)
    return {"record": _summary(start), "records": by_type, "duplicates": duplicates}


def duplicates_among(record_ids: list[str], *, s: Session) -> dict[str, list[str]]:
    """For each of these records, the records it is likely a duplicate of (links not rejected)."""
    out: dict[str, list[str]] = {}
    if not record_ids:
        return out
    rows = s.scalars(select(PersonLink).where(
        PersonLink.kind == LinkKind.DUPLICATE, PersonLink.status != LinkStatus.REJECTED,
        or_(PersonLink.record_a.in_(record_ids), PersonLink.record_b.in_(record_ids))))
    for link in rows:
        for mine, other in ((link.record_a, link.record_b), (link.record_b, link.record_a)):
            if mine in record_ids:
                out.setdefault(mine, []).append(other)
    return out


# -- versions -------------------------------------------------------------------------------------------
def versions(record: Record, *, s: Session) -> dict:
    later = s.scalars(select(Record).where(Record.supersedes_id == record.id).order_by(Record.created_at)).all()
    earlier = s.get(Record, record.supersedes_id) if record.supersedes_id else None
    return {"supersedes": _summary(earlier) if earlier else None, "superseded_by": [_summary(r) for r in later],
            "status_reason": record.status_reason}


def set_status(record_id: str, status: str, reason: str, *, replaced_by: str | None = None, actor: Actor,
               s: Session) -> list[str]:
    """Mark a record amended, superseded or revoked (or valid again), with the reason. ``replaced_by``: the
    record that replaces it (only when superseded). Returns the ids whose index entries must be refreshed."""
    if status not in {st.value for st in RecordStatus}:
        raise InvalidRequest(f"Tình trạng không hợp lệ: {status!r}")
    if not reason.strip():
        raise InvalidRequest("Cần ghi lý do thay đổi tình trạng.")
    record = _get(s, record_id)
    changed = [record.id]
    if replaced_by:
        if status != RecordStatus.SUPERSEDED:
            raise InvalidRequest("Chỉ hồ sơ 'đã được thay thế' mới có hồ sơ thay thế.")
        newer = _get(s, replaced_by)
        if newer.id == record.id:
            raise InvalidRequest("Một hồ sơ không thể thay thế chính nó.")
        newer.supersedes_id = record.id
        changed.append(newer.id)
    record.status, record.status_reason = status, reason.strip()
    audit.record(s, actor, "record_status", target=record_id, status=status, reason=reason, replaced_by=replaced_by)
    return changed


def change_status(record_id: str, status: str, reason: str, *, replaced_by: str | None = None, actor: Actor,
                  ctx: Context) -> None:
    """``set_status`` committed, then the changed records re-indexed: the index carries each record's status."""
    with ctx.db.session() as s:
        changed = set_status(record_id, status, reason, replaced_by=replaced_by, actor=actor, s=s)
    index_records(changed, ctx)
