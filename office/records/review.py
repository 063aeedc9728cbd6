"""The review queue and field corrections (the service; no HTTP here).

A clerk corrects extracted values against the scan: only the canonical fields of the record's type, each value
normalised and checked (dates, years, personal IDs, genders) with Vietnamese messages. A corrected field's
confidence becomes 1.0, ``needs_review`` is recomputed, and every changed field leaves a
:class:`FieldCorrection` row. :func:`correct_fields` (the API's and the record page's path) also writes the
audit entry and re-indexes the record; :func:`correct` alone leaves both to its caller (the keyed-values import).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.dates import parse_date
from domain.errors import NotFound, SohoaError
from domain.labels import FIELD_LABELS_VI, record_title, vn_date
from domain.personal_id import check_personal_id, digits_only
from domain.records import DATE_FIELDS, RecordType, field_names
from domain.text import normalize
from office.accounts.roles import Principal
from office.audit.service import Actor, record
from storage.account_models import User
from storage.models import Batch, Page, Record, RecordPage
from storage.review_models import FieldCorrection
from workers import Context
from workers.stages import index_records

_YEAR = re.compile(r"(1[6-9]\d\d|20\d\d)")
_GENDERS = {"male": "male", "nam": "male", "female": "female", "nữ": "female", "nu": "female"}


class FieldErrors(SohoaError):
    """Some submitted values are not acceptable; ``errors`` maps each field to its Vietnamese message."""

    code = "invalid_fields"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Chưa lưu: " + "; ".join(f"{FIELD_LABELS_VI.get(k, k)}: {v}" for k, v in errors.items()))


@dataclass(slots=True)
class Corrected:
    record_id: str
    changed: dict[str, tuple[object, object]] = field(default_factory=dict)  # field → (old, new)
    needs_review: bool = False


def _iso(value: str) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def edit_text(value: object, name: str = "") -> str:
    """A stored value as the correction form shows it (list items separated by "; ", dates day first as the
    form asks them to be typed)."""
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    if name in DATE_FIELDS and isinstance(value, str):
        return vn_date(value)
    return "" if value is None else str(value)


def _clean(name: str, raw: str, merged: dict) -> tuple[object | None, str | None]:
    """(stored value, None) or (None, error message). An empty value removes the field."""
    value = normalize(raw or "")
    if not value:
        return None, None
    if isinstance(merged.get(name), list):  # co-owners and the like: one per ";" (commas occur inside names)
        return [v for v in (normalize(p) for p in value.split(";")) if v], None
    if name in DATE_FIELDS:
        if _YEAR.fullmatch(value):
            return value, None
        iso = _iso(value) or parse_date(value)
        if iso is None:
            return None, f"Ngày «{value}» không hợp lệ. Nhập ngày/tháng/năm, ví dụ 15/03/1998."
        return iso, None
    if name.endswith("birth_year") and name != "owner_birth_years":
        if not _YEAR.fullmatch(value):
            return None, f"Năm sinh «{value}» không hợp lệ: cần 4 chữ số, ví dụ 1970."
        return value, None
    if name == "gender":
        gender = _GENDERS.get(value.lower())
        return (gender, None) if gender else (None, "Giới tính phải là Nam hoặc Nữ.")
    if name == "personal_id":
        problems = check_personal_id(value, birth_date=str(merged.get("date_of_birth") or "") or None,
                                     gender=str(merged.get("gender") or "") or None)
        return (None, "; ".join(problems)) if problems else (digits_only(value), None)
    return value, None


def correct(record_id: str, submitted: dict[str, str], principal: Principal, threshold: float, *,
            s: Session) -> Corrected:
    """Apply the submitted values (field → text as typed) that differ from the stored ones."""
    record = s.get(Record, record_id, with_for_update=True)
    if record is None:
        raise NotFound(f"Không tìm thấy hồ sơ {record_id}")
    allowed = set(field_names(record.type))
    errors = {k: "Trường này không thuộc loại hồ sơ này." for k in submitted if k not in allowed}
    # The ID is checked last, against the birth date and gender as corrected in the same submission.
    merged: dict[str, object] = dict(record.fields)
    values: dict[str, object | None] = {}
    for name in sorted(submitted.keys() & allowed, key=lambda k: (k == "personal_id", k)):
        value, error = _clean(name, submitted[name], merged)
        if error:
            errors[name] = error
        else:
            values[name] = merged[name] = value
    if errors:
        raise FieldErrors(errors)
    fields, confidence = dict(record.fields), dict(record.confidence)
    result = Corrected(record_id)
    for name in sorted(values):
        old, new = fields.get(name), values[name]
        if old == new or (old in (None, "", []) and new is None):
            continue
        if new is None:
            fields.pop(name, None)
            confidence.pop(name, None)
        else:
            fields[name], confidence[name] = new, 1.0
        result.changed[name] = (old, new)
        s.add(FieldCorrection(record_id=record_id, field=name, old_value=old, new_value=new,
                              corrected_by=principal.username))
    if result.changed:
        record.fields, record.confidence = fields, confidence
        record.needs_review = any(c < threshold for c in confidence.values())
        record.indexed = False
    result.needs_review = record.needs_review
    return result


def changed_only(record_id: str, typed: dict[str, str], *, s: Session) -> dict[str, str]:
    """What a clerk changed on the correction form: an untouched field (even one holding OCR junk) is not
    re-checked, so only the values that differ from the stored ones (and unknown fields, to be refused)."""
    stored_record = s.get(Record, record_id)
    stored = dict(stored_record.fields) if stored_record is not None else {}
    allowed = set(field_names(stored_record.type)) if stored_record is not None else set()
    return {k: v for k, v in typed.items() if k not in allowed or v.strip() != edit_text(stored.get(k))}


def correct_fields(record_id: str, submitted: dict[str, str], ctx: Context, *, actor: Actor,
                   form: bool = False) -> dict:
    """A clerk's correction, audited and re-indexed; ``form``: the whole correction form was sent, only the
    values the clerk changed count. Raises :class:`FieldErrors` (nothing saved) on any unacceptable value."""
    with ctx.db.session() as s:
        if form:
            submitted = changed_only(record_id, submitted, s=s)
        done = correct(record_id, submitted, actor.principal, ctx.settings.review_threshold, s=s)
        if done.changed:
            record(s, actor, "correct_fields", target=record_id, fields=sorted(done.changed),
                   needs_review=done.needs_review)
    if done.changed:  # after the commit: the index must not show values the database might not keep
        index_records([record_id], ctx)
    return {"record_id": record_id, "changed": {k: {"old": o, "new": n} for k, (o, n) in done.changed.items()},
            "needs_review": done.needs_review}


def history(record_id: str, *, s: Session) -> list[dict]:
    """Corrections of a record, newest first, with each corrector's name as the account has it now."""
    rows = s.execute(
        select(FieldCorrection, User.full_name).outerjoin(User, User.username == FieldCorrection.corrected_by)
        .where(FieldCorrection.record_id == record_id)
        .order_by(FieldCorrection.corrected_at.desc(), FieldCorrection.id.desc())
    )
    return [{"field": c.field, "old_value": c.old_value, "new_value": c.new_value, "corrected_by": c.corrected_by,
             "corrected_by_name": name or c.corrected_by, "corrected_at": c.corrected_at.isoformat()}
            for c, name in rows]


def queue(threshold: float, *, s: Session, batch_id: str | None = None, record_type: str | None = None,
          limit: int = 50, offset: int = 0) -> dict:
    """Records that need review, the lowest field confidence first, each with its flagged fields.

    Sorted in Python (confidence is JSON): fine for the tens of thousands a commune's archive flags."""
    q = select(Record.id, Record.type, Record.batch_id, Record.confidence).where(Record.needs_review.is_(True))
    if batch_id:
        q = q.where(Record.batch_id == batch_id)
    if record_type:
        q = q.where(Record.type == record_type)
    rows = []
    for rid, rtype, bid, conf in s.execute(q):
        flagged = sorted(((k, c) for k, c in (conf or {}).items() if c < threshold), key=lambda kc: (kc[1], kc[0]))
        lowest = min((conf or {}).values(), default=1.0)
        rows.append((lowest, rid, rtype, bid, flagged))
    rows.sort(key=lambda r: (r[0], r[1]))
    shown = rows[offset:offset + limit]
    # Fields and book names only for the page shown, each in one query.
    values = dict(s.execute(select(Record.id, Record.fields).where(Record.id.in_([r[1] for r in shown]))).all())
    books = dict(s.execute(select(Batch.id, Batch.book).where(Batch.id.in_({r[3] for r in shown}))).all())
    # What a page says of a record read from it, e.g. a decision filed in a book of births (workers.stages):
    # either page of an entry joined across two, as either one's doubt keeps it here (workers.joining).
    notes = dict(s.execute(select(RecordPage.record_id, Page.reason).join(Page, Page.id == RecordPage.page_id)
                           .where(RecordPage.record_id.in_([r[1] for r in shown]),
                                  Page.reason.is_not(None))).all())
    items = []
    for lowest, rid, rtype, bid, flagged in shown:
        f = values.get(rid) or {}
        items.append({"record_id": rid, "type": rtype, "batch_id": bid, "book": books.get(bid),
                      "title": record_title(rtype, f, "(chưa đọc được tên)"), "min_confidence": lowest,
                      "flagged": [{"field": k, "value": f.get(k), "confidence": c} for k, c in flagged],
                      "page_note": notes.get(rid)})
    return {"total": len(rows), "items": items}


def review_queue(actor: Actor, threshold: float, *, s: Session, batch_id: str = "", record_type: str = "",
                 limit: int = 50, offset: int = 0) -> dict:
    """The queue as an officer sees it, audited with the records shown; an unknown type filters nothing."""
    data = queue(threshold, s=s, batch_id=batch_id or None,
                 record_type=record_type if record_type in {t.value for t in RecordType} else None,
                 limit=limit, offset=offset)
    record(s, actor, "view_review", target=batch_id or None, type=record_type or None, offset=offset,
           shown=[r["record_id"] for r in data["items"]])
    return data


def books(*, s: Session, limit: int = 200) -> list[tuple[str, str]]:
    """(batch id, book name) of the most recent books, to filter the queue by."""
    return [(b.id, b.book or b.id) for b in s.scalars(select(Batch).order_by(Batch.created_at.desc()).limit(limit))]
