"""Accounts, roles, passwords, login lockout, browser sessions and API tokens (the service; no HTTP here).

Passwords are Argon2id hashes. Session tokens and API tokens are random (``secrets``) and only their SHA-256
is stored, so a copy of the database lets nobody in. Lockout: ``LoginPolicy`` failures on one account lock it
for ``lock_for``; the same number of failures from one IP address (whatever the accounts) blocks that address.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import errors
from domain.errors import NotFound, SohoaError
from domain.settings import Settings
from storage.models import utcnow
from storage.officer_models import ApiToken, LoginAttempt, User, WebSession


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


class NotAuthenticated(SohoaError):
    code = "unauthenticated"
    http_status = 401


class Forbidden(errors.Forbidden):
    pass


class CsrfRejected(Forbidden):
    code = "csrf"


class LoginRefused(SohoaError):
    code = "login_refused"
    http_status = 401


class PasswordRejected(SohoaError):
    """A password or account change that the rules refuse (the same password again, locking oneself out): the
    request is well-formed, the state says no (409)."""

    code = "invalid_password"
    http_status = 409


class WrongPassword(PasswordRejected):
    code = "wrong_password"
    http_status = 403


class LoginLocked(LoginRefused):
    code = "locked"
    http_status = 429


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5  # per account, then the account is locked
    # per IP address within lock_for, then the address is blocked; higher, as a commune office shares one NAT
    max_ip_failures: int = 20
    lock_for: timedelta = timedelta(minutes=15)
    session_ttl: timedelta = timedelta(hours=10)  # one working day


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


_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("không có tài khoản này")  # verified against when the user does not exist


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _aware(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- accounts -------------------------------------------------------------------------------------------
def create_user(s: Session, username: str, password: str, role: Role | str, *, full_name: str = "",
                office: str | None = None, personal_id: str | None = None) -> User:
    username = username.strip().lower()
    if not username or len(password) < 8:
        raise errors.InvalidRequest("Tên đăng nhập không được trống và mật khẩu cần ít nhất 8 ký tự.",
                                    code="invalid_account")
    personal_id = (personal_id or "").strip() or None
    if personal_id is not None and not re.fullmatch(r"\d{12}", personal_id):
        raise errors.InvalidRequest("Số định danh cá nhân gồm 12 chữ số.", code="invalid_account")
    if personal_id is not None and Role(role) != Role.CITIZEN:
        raise errors.Conflict("Số định danh cá nhân chỉ gắn với tài khoản công dân.", code="invalid_account")
    if s.scalar(select(User).where(User.username == username)) is not None:
        raise errors.Conflict(f"Tài khoản {username} đã tồn tại.", code="duplicate_account")
    user = User(username=username, password_hash=hash_password(password), role=Role(role).value,
                full_name=full_name.strip(), office=(office or "").strip() or None, personal_id=personal_id)
    s.add(user)
    s.flush()
    return user


def authenticate(s: Session, username: str, password: str, ip: str, policy: LoginPolicy) -> User:
    """The user, or LoginRefused / LoginLocked. Every attempt is counted; the same message for every failure."""
    now = utcnow()
    username = username.strip().lower()
    since = now - policy.lock_for
    ip_failures = s.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ip == ip, LoginAttempt.ok.is_(False), LoginAttempt.at >= since)) or 0
    user = s.scalar(select(User).where(User.username == username))
    if user is not None:
        locked = (_aware(user.locked_until) or now) > now
    else:  # a name nobody has is "locked" after as many failures, so the answer never tells which names exist
        locked = (s.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.ok.is_(False), LoginAttempt.at >= since)) or 0) \
            >= policy.max_failures
    if ip_failures >= policy.max_ip_failures or locked:
        s.add(LoginAttempt(username=username, ip=ip, ok=False, at=now))
        raise LoginLocked(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {policy.lock_for.seconds // 60} phút.")
    ok = check_password(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    ok = ok and user.active
    s.add(LoginAttempt(username=username, ip=ip, ok=ok, at=now))
    if not ok:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= policy.max_failures:
                user.locked_until, user.failed_logins = now + policy.lock_for, 0
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.")
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def has_accounts(s: Session) -> bool:
    return s.scalar(select(User.id).limit(1)) is not None


def create_first_admin(s: Session, username: str, password: str, *, full_name: str = "",
                       office: str | None = None) -> User:
    """The installation's first account, an admin, made by whoever sits at the server on first start; refused
    once any account exists (then admins make the others)."""
    if has_accounts(s):
        raise errors.Conflict("Máy này đã có tài khoản: hãy đăng nhập, hoặc nhờ quản trị viên tạo tài khoản.",
                              code="already_set_up")
    return create_user(s, username, password, Role.ADMIN, full_name=full_name, office=office)


# -- browser sessions -----------------------------------------------------------------------------------
def start_session(s: Session, user: User, ip: str, policy: LoginPolicy) -> str:
    token = secrets.token_urlsafe(32)
    s.add(WebSession(id=sha256_hex(token), user_id=user.id, ip=ip, expires_at=utcnow() + policy.session_ttl))
    return token


def session_user(s: Session, token: str) -> User | None:
    row = s.get(WebSession, sha256_hex(token))
    if row is None or _aware(row.expires_at) <= utcnow() or not row.user.active:
        return None
    return row.user


def end_session(s: Session, token: str) -> None:
    row = s.get(WebSession, sha256_hex(token))
    if row is not None:
        s.delete(row)


def change_password(s: Session, user_id: int, current: str, new: str, *, keep_session: str | None = None) -> None:
    """Set a new password after checking the current one; every other browser session of the user ends and
    every API token is revoked (a password changed because it leaked must lock the other holder out)."""
    user = s.get(User, user_id)
    if user is None or not check_password(user.password_hash, current):
        raise WrongPassword("Mật khẩu hiện tại không đúng.")
    if len(new) < 8 or new == current:
        raise PasswordRejected("Mật khẩu mới cần ít nhất 8 ký tự và khác mật khẩu cũ.")
    user.password_hash = hash_password(new)
    keep = sha256_hex(keep_session) if keep_session else None
    for row in s.scalars(select(WebSession).where(WebSession.user_id == user_id)):
        if row.id != keep:
            s.delete(row)
    for token in s.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()


def set_active(s: Session, user_id: int, active: bool, principal: Principal) -> User:
    """Lock an account (its sessions and API tokens stop working at once: both check ``active``) or unlock it."""
    user = s.get(User, user_id)
    if user is None:
        raise NotFound(f"Không có tài khoản {user_id}.")
    if user.id == principal.user_id and not active:
        raise PasswordRejected("Không thể tự khóa tài khoản của chính mình.", code="invalid_account")
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    return user


# -- API tokens -----------------------------------------------------------------------------------------
TOKEN_PREFIX = "sohoa_"


def create_token(s: Session, user_id: int, name: str) -> tuple[ApiToken, str]:
    """The stored row and the token itself, which is never stored and cannot be shown again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name.strip()[:100] or "token", token_hash=sha256_hex(plain),
                   prefix=plain[: len(TOKEN_PREFIX) + 4])
    s.add(row)
    s.flush()
    return row, plain


def token_user(s: Session, plain: str) -> User | None:
    row = s.scalar(select(ApiToken).where(ApiToken.token_hash == sha256_hex(plain)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def revoke_token(s: Session, token_id: int, principal: Principal) -> None:
    row = s.get(ApiToken, token_id)
    if row is None or (row.user_id != principal.user_id and principal.role != Role.ADMIN):
        raise Forbidden("Không có quyền thu hồi mã truy cập này.")
    row.revoked_at = row.revoked_at or utcnow()


# -- signing --------------------------------------------------------------------------------------------
def load_secret(settings: Settings) -> bytes:
    """settings.secret_key, or one generated once and kept (0600) under SOHOA_HOME so restarts agree."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path: Path = settings.home / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def sign(secret: bytes, value: str, purpose: str) -> str:
    mac = hmac.new(secret, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign(secret: bytes, signed: str, purpose: str) -> str | None:
    value, _, mac = signed.rpartition(".")
    if not value or not hmac.compare_digest(sign(secret, value, purpose), signed):
        return None
    return value
