"""Roles, their permissions and who is asking (a :class:`Principal`): what the routes check, the audit log
records and every feature's services receive. Apart from the account service so that the audit log can name a
principal while the account service writes audit entries (neither imports the other's caller)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.account_models import User


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    OFFICER = "officer"
    CITIZEN = "citizen"


class Permission(StrEnum):
    SEARCH = "search"
    VIEW_RECORD = "view_record"
    DOWNLOAD = "download"  # a record's scans and the book's page images (not certified copies)
    BATCHES = "batches"  # progress of books and their failed pages
    DOSSIERS = "dossiers"  # create and read dossiers, download the copies in them
    ATTACH = "attach"
    CERTIFY = "certify"  # issue a certified copy, revoke one of one's own office
    AUDIT = "audit"
    USERS = "users"
    LINK_PEOPLE = "link_people"  # confirm or reject a suggested link between records of one person
    RECORD_STATUS = "record_status"  # mark a record amended, superseded or revoked
    CORRECT_FIELDS = "correct_fields"  # the review queue: correct OCR'd field values
    RUN_BATCHES = "run_batches"  # put a batch's failed pages back on the queue
    CAPTURE = "capture"  # upload books, fix pages (rotate, delete, reorder, replace), export books
    KEY_ENTRIES = "key_entries"  # key register entries by hand (single or blind double keying)
    ARBITRATE = "arbitrate"  # settle the fields two keyers typed differently
    OWN_RECORDS = "own_records"  # a citizen's own records and the copies issued to them, and asking for one


# Least privilege, written once: the routes ask for these, the docs render this table (docs/permissions.md), and
# tests/web/test_permissions.py walks every endpoint with every role against it.
_READ = {Permission.SEARCH, Permission.VIEW_RECORD, Permission.DOWNLOAD, Permission.BATCHES}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {Permission.OWN_RECORDS},
    Role.OFFICER: frozenset(_READ | {Permission.DOSSIERS, Permission.ATTACH, Permission.CERTIFY,
                                     Permission.LINK_PEOPLE, Permission.RECORD_STATUS}),
    Role.CLERK: frozenset(_READ | {Permission.CORRECT_FIELDS, Permission.RUN_BATCHES, Permission.CAPTURE,
                                   Permission.KEY_ENTRIES, Permission.ARBITRATE}),
    Role.CITIZEN: frozenset({Permission.OWN_RECORDS}),
}
ROLE_LABELS_VI = {Role.ADMIN: "Quản trị", Role.CLERK: "Văn thư số hóa", Role.OFFICER: "Cán bộ một cửa",
                  Role.CITIZEN: "Công dân"}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a user signed in with a browser session or an API token."""

    user_id: int
    username: str
    role: Role
    full_name: str = ""
    office: str | None = None
    via: str = "web"  # web | token
    personal_id: str | None = None  # a citizen's, as checked at the desk

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @classmethod
    def of(cls, user: User, via: str) -> Principal:
        return cls(user.id, user.username, Role(user.role), user.full_name, user.office, via, user.personal_id)
