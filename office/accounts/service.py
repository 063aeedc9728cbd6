"""Accounts, passwords, login lockout, browser sessions and API tokens (the service; no HTTP here). Roles and
permissions are in ``office.accounts.roles``.

What people do to accounts (log in and out, set up the first admin, add, lock or unlock a user, change a
password, make or revoke an API token) goes through the functions that take ``actor=``: each makes the change
and writes its own audit entry, so ``sohoa user add`` and POST /api/v1/users leave the same trace. The functions
taking the session first (``create_user``, ``create_token``…) are their building blocks, with no audit entry.

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
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import errors
from domain.errors import NotFound, SohoaError
from domain.settings import Settings
from office.accounts.roles import Principal, Role
from office.audit.service import Actor, record
from storage.account_models import ApiToken, LoginAttempt, User, WebSession
from storage.models import utcnow


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


_hasher = PasswordHasher()
# Each Argon2 hash holds its memory cost (64 MiB) while it runs and already uses several cores (parallelism 4):
# twenty officers logging in at once in the server's threadpool held 20 × 64 MiB (1.1 GiB peak) for no gain in
# throughput. Two at a time keeps the cores busy and the memory bounded; the others wait their turn.
_hashing = threading.BoundedSemaphore(2)


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist (same cost as a real check). Made on first use, not at
    import: every CLI command imports this module and would pay for one Argon2 hash."""
    return hash_password("không có tài khoản này")


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        with _hashing:
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


def add_user(username: str, password: str, role: Role | str, *, full_name: str = "", office: str | None = None,
             personal_id: str | None = None, actor: Actor, s: Session) -> User:
    user = create_user(s, username, password, role, full_name=full_name, office=office, personal_id=personal_id)
    record(s, actor, "user_create", target=user.username, role=user.role)
    return user


def users(*, s: Session) -> list[dict]:
    return [{"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "office": u.office,
             "personal_id": u.personal_id, "active": u.active,
             "locked_until": u.locked_until.isoformat() if u.locked_until else None}
            for u in s.scalars(select(User).order_by(User.username))]


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
    ok = check_password(user.password_hash if user else _dummy_hash(), password) and user is not None
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


@dataclass(frozen=True, slots=True)
class Login:
    """A login's outcome. A refusal is handed back, not raised: its bookkeeping (the failure counted towards a
    lockout, the audit entry) must be committed with the session."""

    token: str | None = None
    principal: Principal | None = None
    refused: LoginRefused | None = None


def log_in(username: str, password: str, *, ip: str, policy: LoginPolicy, s: Session) -> Login:
    try:
        user = authenticate(s, username, password, ip, policy)
    except LoginRefused as exc:
        record(s, Actor(None, ip, username.strip().lower()[:80]), "login_failed", reason=exc.code)
        return Login(refused=exc)
    principal = Principal.of(user, "web")
    token = start_session(s, user, ip, policy)
    record(s, Actor(principal, ip), "login")
    return Login(token, principal)


def create_first_admin(username: str, password: str, *, full_name: str = "", office: str | None = None, ip: str,
                       policy: LoginPolicy, s: Session) -> tuple[str, Principal]:
    """The installation's first account, an admin, made by whoever sits at the server on first start, and signed
    in (a browser session's token); refused once any account exists (then admins make the others)."""
    if has_accounts(s):
        raise errors.Conflict("Máy này đã có tài khoản: hãy đăng nhập, hoặc nhờ quản trị viên tạo tài khoản.",
                              code="already_set_up")
    user = create_user(s, username, password, Role.ADMIN, full_name=full_name, office=office)
    principal = Principal.of(user, "web")
    record(s, Actor(principal, ip), "user_create", target=user.username, role=user.role, first_admin=True)
    return start_session(s, user, ip, policy), principal


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


def log_out(token: str | None, *, actor: Actor, s: Session) -> None:
    if token:
        end_session(s, token)
    record(s, actor, "logout")


def change_password(current: str, new: str, *, keep_session: str | None = None, actor: Actor, s: Session) -> None:
    """Set the actor's new password after checking the current one; every other browser session of the user ends
    and every API token is revoked (a password changed because it leaked must lock the other holder out)."""
    principal = actor.principal
    user_id = principal.user_id
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
    record(s, actor, "password_change", target=principal.username)


def set_active(user_id: int, active: bool, *, actor: Actor, s: Session) -> User:
    """Lock an account (its sessions and API tokens stop working at once: both check ``active``) or unlock it."""
    user = s.get(User, user_id)
    if user is None:
        raise NotFound(f"Không có tài khoản {user_id}.")
    if actor.principal is not None and user.id == actor.principal.user_id and not active:
        raise PasswordRejected("Không thể tự khóa tài khoản của chính mình.", code="invalid_account")
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    record(s, actor, "user_activate" if active else "user_deactivate", target=user.username)
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


def new_token(name: str, *, actor: Actor, s: Session) -> dict:
    """A token for the actor: its row as listed, and the token itself, shown this once."""
    row, plain = create_token(s, actor.principal.user_id, name)
    record(s, actor, "token_create", target=str(row.id))
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "token": plain}


def tokens_of(user_id: int, *, s: Session) -> list[dict]:
    """A user's API tokens, without the tokens (never stored)."""
    rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "revoked": t.revoked_at is not None} for t in rows]


def token_user(s: Session, plain: str) -> User | None:
    row = s.scalar(select(ApiToken).where(ApiToken.token_hash == sha256_hex(plain)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def revoke_token(token_id: int, *, actor: Actor, s: Session) -> None:
    principal = actor.principal
    row = s.get(ApiToken, token_id)
    if row is None or principal is None or (row.user_id != principal.user_id and principal.role != Role.ADMIN):
        raise Forbidden("Không có quyền thu hồi mã truy cập này.")
    row.revoked_at = row.revoked_at or utcnow()
    record(s, actor, "token_revoke", target=str(token_id))


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
