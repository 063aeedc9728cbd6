"""Who looked at my records: every access to the records carrying a citizen's ID, newest first — when, which
office and role, for which dossier or stated purpose (Estonia's data tracker is the model; none of the
comparable civil-status systems shows this to the person).

It reads the audit log: an entry touches a record when the record is its target (a view, a crop, a download, a
correction, an attach…), when the record was among the results it showed (a search, the review queue), or when
a refused attempt named it in its path. The citizen's own actions are left out: they know those.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from domain.labels import ACCESS_PURPOSES, ACTION_LABELS_VI
from office.accounts.roles import ROLE_LABELS_VI, Principal, Role
from office.audit.service import neutralised
from storage.account_models import User
from storage.audit_models import AuditEntry

MAX_ENTRIES = 2000  # years of an ordinary person's records; the CSV says when it stops there


def access_log(principal: Principal, record_ids: list[str], *, s: Session) -> list[dict]:
    if not record_ids:
        return []
    touched = [AuditEntry.target.in_(record_ids)]
    for rid in record_ids:  # ids are hex digests: safe inside LIKE, and specific enough not to match by chance
        touched.append(cast(AuditEntry.detail, String).like(f"%{rid}%"))
        touched.append(AuditEntry.target.like(f"%/{rid}%"))
    q = (select(AuditEntry, User.office).outerjoin(User, User.id == AuditEntry.user_id)
         .where(or_(*touched), or_(AuditEntry.user_id.is_(None), AuditEntry.user_id != principal.user_id))
         .order_by(AuditEntry.id.desc()).limit(MAX_ENTRIES))
    rows = []
    for e, office in s.execute(q):
        purpose = (e.detail or {}).get("purpose")
        rows.append({
            "at": e.at.isoformat(), "action": e.action, "action_label": ACTION_LABELS_VI.get(e.action, e.action),
            "office": office or "", "role": e.role, "role_label": _role_label(e.role),
            "dossier_id": e.dossier_id, "purpose": purpose, "purpose_label": ACCESS_PURPOSES.get(purpose or "", ""),
            "records": sorted({r for r in record_ids if r == e.target or r in str(e.detail) or r in (e.target or "")}),
        })
    return rows


def _role_label(role: str) -> str:
    try:
        return ROLE_LABELS_VI[Role(role)]
    except ValueError:
        return {"operator": "Quản trị máy chủ", "anonymous": "Không đăng nhập"}.get(role, role)


CSV_COLUMNS = (("at", "Thời điểm (UTC)"), ("action_label", "Việc"), ("office", "Cơ quan"), ("role_label", "Vai trò"),
               ("dossier_id", "Hồ sơ thủ tục"), ("purpose_label", "Mục đích"), ("records", "Giấy tờ"))


def as_csv(rows: list[dict]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([title for _, title in CSV_COLUMNS])
    for r in rows:
        writer.writerow([neutralised(" ".join(r[k]) if k == "records" else r[k]) for k, _ in CSV_COLUMNS])
    yield "\ufeff" + buf.getvalue()  # BOM: spreadsheet programs then read the Vietnamese text as UTF-8
