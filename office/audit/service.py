"""The append-only audit log: who did what, when, for which dossier, from which IP.

Append-only is enforced in code: this module only inserts and reads, and mapper events refuse any UPDATE or
DELETE of an :class:`AuditEntry` through the ORM, and any bulk ``update()``/``delete()`` aimed at its table.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from office.accounts.roles import Principal
from storage.audit_models import AuditEntry
from storage.database import Database
from storage.models import RecordPage

MAX_VALUE_CHARS = 500
MAX_LIST_ITEMS = 100


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
def _no_update(_mapper, _conn, _target) -> None:
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _no_delete(_mapper, _conn, _target) -> None:
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is AuditEntry for m in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@dataclass(frozen=True, slots=True)
class Actor:
    """The principal (or None before login) and the address the request came from."""

    principal: Principal | None
    ip: str | None
    username: str = ""  # for anonymous events such as a failed login, and the operator of a CLI command
    role: str = "anonymous"  # "operator" for the CLI: whoever runs it on the server has the machine's rights
    via: str = "web"  # web | token | cli

    @classmethod
    def cli(cls) -> Actor:
        """The person at the server's terminal, by their login name (the audit must not say "anonymous")."""
        import getpass
        import socket

        try:
            name = getpass.getuser()
        except Exception:  # no login name (a container without passwd entry)
            name = "unknown"
        return cls(None, socket.gethostname(), f"{name}@cli", "operator", "cli")


def _bounded(value: object, depth: int = 0) -> object:
    """What an audit row keeps of a value: enough to know what was asked, never a whole upload or a 100 KB query
    (the log is append-only, so whatever goes in stays)."""
    if isinstance(value, str):
        return value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS] + "…"
    if isinstance(value, list | tuple):
        kept = [_bounded(v, depth + 1) for v in value[:MAX_LIST_ITEMS]]
        return kept + [f"… (+{len(value) - MAX_LIST_ITEMS})"] if len(value) > MAX_LIST_ITEMS else kept
    if isinstance(value, dict) and depth < 3:
        return {str(k)[:80]: _bounded(v, depth + 1) for k, v in list(value.items())[:MAX_LIST_ITEMS]}
    return value if value is None or isinstance(value, bool | int | float) else _bounded(str(value), depth)


def record(s: Session, actor: Actor, action: str, *, target: str | None = None, dossier_id: str | None = None,
           **detail: object) -> None:
    p = actor.principal
    s.add(AuditEntry(
        user_id=p.user_id if p else None, username=(p.username if p else (actor.username or "anonymous"))[:80],
        role=p.role.value if p else actor.role, action=action, target=(target or None) and target[:120],
        dossier_id=(dossier_id or None) and dossier_id[:40], ip=actor.ip and actor.ip[:64],
        via=p.via if p else actor.via,
        detail={k: _bounded(v) for k, v in detail.items()},
    ))


def page_records(s: Session, page_id: str) -> list[str]:
    """The records read on a page: an entry about the page (its view, its image, its thumbnail) names them, so
    that the citizen's access log (office.citizens.access_log) finds a page's reads by its records' ids."""
    return sorted(s.scalars(select(RecordPage.record_id).where(RecordPage.page_id == page_id)))


def denied(actor: Actor, target: str, *, method: str, status: int, code: str, s: Session) -> None:
    """A refused or missed request is audited too: who tried what, as which role (probing for records is itself
    something a citizen's access log and an auditor must see)."""
    record(s, actor, "denied", target=target[:300], method=method, status=status, code=code)


@dataclass(slots=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None
    target: str | None = None
    dossier_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _select(f: AuditFilter):
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    for column, value in ((AuditEntry.username, f.username), (AuditEntry.action, f.action),
                          (AuditEntry.target, f.target), (AuditEntry.dossier_id, f.dossier_id)):
        if value:
            q = q.where(column == value)
    if f.since:
        q = q.where(AuditEntry.at >= f.since)
    if f.until:
        q = q.where(AuditEntry.at < f.until)
    return q


def as_dict(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at.isoformat(), "username": e.username, "role": e.role, "action": e.action,
            "target": e.target, "dossier_id": e.dossier_id, "ip": e.ip, "via": e.via, "detail": e.detail}


def entries(f: AuditFilter, *, limit: int = 200, offset: int = 0, s: Session) -> list[dict]:
    return [as_dict(e) for e in s.scalars(_select(f).limit(limit).offset(offset))]


def neutralised(value: object) -> object:
    """A cell a spreadsheet will not run: one starting with = + - @, a tab or a carriage return is read as a
    formula by Excel or LibreOffice (CSV injection, OWASP), so it gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_COLUMNS = ("id", "at", "username", "role", "action", "target", "dossier_id", "ip", "via", "detail")


def export_csv(f: AuditFilter, *, actor: Actor, db: Database) -> Iterator[str]:
    """The log as CSV for a spreadsheet, the export itself logged. Two transactions: the export's entry is
    committed before the first row is read, so an export broken off midway is in the log too, and the rows are
    read while they stream out (a year of log never sits in memory)."""
    with db.session() as s:
        record(s, actor, "export_audit")

    def chunks() -> Iterator[str]:
        with db.session() as s:
            yield "\ufeff"  # BOM: spreadsheet programs then read the Vietnamese text as UTF-8
            yield from _csv_rows(s, f)

    return chunks()


def _csv_rows(s: Session, f: AuditFilter) -> Iterator[str]:
    """CSV rows (header first), read 1000 at a time."""
    import json

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for e in s.scalars(_select(f).execution_options(yield_per=1000)):
        d = as_dict(e)
        d["detail"] = json.dumps(d["detail"], ensure_ascii=False)
        writer.writerow([neutralised(d[c]) for c in CSV_COLUMNS])
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
