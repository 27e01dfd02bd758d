"""People who use the workbench: accounts, roles, sign-in, sessions and API tokens.

Four roles: an **admin** does everything, users included; a **manager** (a community
manager) works the inbox, members and alerts; a **department** member sees and acts on
the queues of their departments only; a **viewer** reads and changes nothing. What each
role may do is one table, :data:`PERMISSIONS`, that the web layer checks on every page
and endpoint (and a test walks against every route).

Passwords are kept as argon2 hashes; session and API tokens as SHA-256 digests, so a
copy of the database lets nobody sign in. Failed sign-ins are counted per e-mail and
per address over a window, and a burst of them locks that e-mail or address out for a
while (:class:`Throttled`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, and_, delete, func, insert, select, update

from veille.store.schema import api_tokens, login_attempts, user_sessions, users

ROLES: Final = ("admin", "manager", "department", "viewer")
LOCALES: Final = ("fr", "en")

#: What each role may do; a department member's inbox rights are limited to their
#: departments' items by the web layer (:func:`sees_department`).
PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "dashboard": frozenset(ROLES),
    "inbox.read": frozenset(ROLES),
    "inbox.act": frozenset({"admin", "manager"}),
    "department.act": frozenset({"admin", "manager", "department"}),
    "members.read": frozenset({"admin", "manager", "viewer"}),
    "members.merge": frozenset({"admin", "manager"}),
    "members.export": frozenset({"admin", "manager"}),
    "members.erase": frozenset({"admin"}),
    "alerts.read": frozenset({"admin", "manager", "viewer"}),
    "alerts.act": frozenset({"admin", "manager"}),
    "settings.edit": frozenset({"admin", "manager"}),
    "watches.edit": frozenset({"admin", "manager"}),
    "users.admin": frozenset({"admin"}),
}

SESSION_DAYS: Final = 14
#: Sign-in throttling: this many failures in the window lock the e-mail (or, at
#: ADDRESS_FAILURES, the address) until the window has passed.
WINDOW: Final = timedelta(minutes=15)
EMAIL_FAILURES: Final = 5
ADDRESS_FAILURES: Final = 20
MIN_PASSWORD: Final = 10

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that a wrong e-mail costs as long as a
# wrong password and timing does not tell which accounts exist.
_DUMMY = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user that cannot be made or changed (the message says why)."""


class Throttled(UserError):
    """Too many failed sign-ins for this e-mail or address; try again later."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    role: str
    departments: tuple[str, ...]
    locale: str
    active: bool = True

    def can(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS[permission]

    def sees_department(self, department: str | None) -> bool:
        """Whether the user sees items of ``department`` (a department member: only
        their own departments', and never an unrouted item)."""
        if self.role != "department":
            return True
        return department is not None and department in self.departments


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    csrf: str
    user: User
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(
        id=int(m["id"]),
        email=m["email"],
        role=m["role"],
        departments=tuple(orjson.loads(m["departments"])),
        locale=m["locale"],
        active=bool(m["active"]),
    )


def _check(role: str, departments: tuple[str, ...], locale: str) -> None:
    if role not in ROLES:
        raise UserError(f"no role {role!r} (known: {', '.join(ROLES)})")
    if locale not in LOCALES:
        raise UserError(f"no locale {locale!r} (known: {', '.join(LOCALES)})")
    if role == "department" and not departments:
        raise UserError("a department member needs at least one department")


def add(
    engine: Engine,
    email: str,
    password: str,
    role: str,
    *,
    departments: tuple[str, ...] = (),
    locale: str = "en",
) -> User:
    """A new account; the e-mail is its name (kept lower-case)."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    _check(role, departments, locale)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.email == email)).first():
            raise UserError(f"{email}: there is already a user by that e-mail")
        new_id = conn.execute(
            insert(users)
            .values(
                email=email,
                role=role,
                departments=orjson.dumps(sorted(set(departments))).decode(),
                locale=locale,
                password_hash=_hasher.hash(password),
                active=True,
                created_at=_now(),
            )
            .returning(users.c.id)
        ).scalar_one()
    return get(engine, int(new_id))


def get(engine: Engine, user_id: int) -> User:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise UserError(f"no user {user_id}")
    return _user(row)


def by_email(engine: Engine, email: str) -> User:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    if row is None:
        raise UserError(f"no user {email!r}")
    return _user(row)


def listing(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.email))]


def set_active(engine: Engine, email: str, active: bool) -> None:
    """Disable (or enable again) an account; disabling ends its sessions."""
    user = by_email(engine, email)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(active=active))
        if not active:
            conn.execute(delete(user_sessions).where(user_sessions.c.user_id == user.id))


# -- signing in -----------------------------------------------------------------------
def _failures(engine: Engine, email: str, address: str, now: datetime) -> tuple[int, int]:
    since = now - WINDOW
    la = login_attempts.c
    with engine.connect() as conn:
        by_email_ = conn.execute(
            select(func.count()).where(and_(la.email == email, la.at > since, la.ok.is_(False)))
        ).scalar_one()
        by_address = conn.execute(
            select(func.count()).where(
                and_(la.address == address, la.at > since, la.ok.is_(False))
            )
        ).scalar_one()
    return int(by_email_), int(by_address)


def sign_in(
    engine: Engine, email: str, password: str, address: str, now: datetime | None = None
) -> Session:
    """Check the password and open a session; :class:`Throttled` after too many
    failures, :class:`UserError` (saying nothing of which part was wrong) otherwise."""
    now = now or _now()
    email = email.strip().lower()[:200]
    address = address[:64]
    failed_email, failed_address = _failures(engine, email, address, now)
    if failed_email >= EMAIL_FAILURES or failed_address >= ADDRESS_FAILURES:
        raise Throttled("too many failed sign-ins; wait a quarter of an hour and try again")
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.email == email)).first()
    ok = False
    try:
        ok = _hasher.verify(row.password_hash if row is not None else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None and bool(row.active)
    with engine.begin() as conn:
        # Attempts older than the window count for nothing: this e-mail's are dropped.
        conn.execute(delete(login_attempts).where(
            and_(login_attempts.c.email == email, login_attempts.c.at < now - WINDOW)))  # fmt: skip
        conn.execute(insert(login_attempts).values(email=email, address=address, ok=ok, at=now))
        if ok and row is not None and _hasher.check_needs_rehash(row.password_hash):
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(password_hash=_hasher.hash(password))
            )
    if not ok or row is None:
        raise UserError("wrong e-mail or password")
    return open_session(engine, _user(row), now)


def open_session(engine: Engine, user: User, now: datetime | None = None) -> Session:
    now = now or _now()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    with engine.begin() as conn:
        conn.execute(delete(user_sessions).where(
            and_(user_sessions.c.user_id == user.id, user_sessions.c.expires_at < now)))  # fmt: skip
        conn.execute(
            insert(user_sessions).values(
                token_hash=_digest(token), user_id=user.id, csrf=csrf, created_at=now,
                expires_at=expires,
            )  # fmt: skip
        )
    return Session(token, csrf, user, expires)


def session(engine: Engine, token: str, now: datetime | None = None) -> Session | None:
    """The live session of a cookie's token (None: unknown, expired or disabled)."""
    now = now or _now()
    with engine.connect() as conn:
        row = conn.execute(
            select(users, user_sessions.c.csrf, user_sessions.c.expires_at)
            .join(user_sessions, user_sessions.c.user_id == users.c.id)
            .where(user_sessions.c.token_hash == _digest(token))
        ).first()
    if row is None or row.expires_at <= now or not row.active:
        return None
    return Session(token, row.csrf, _user(row), row.expires_at)


def sign_out(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(user_sessions).where(user_sessions.c.token_hash == _digest(token)))


# -- API tokens -----------------------------------------------------------------------
def new_token(engine: Engine, email: str, name: str = "api") -> str:
    """A bearer token for scripts acting as this user: returned once, kept hashed."""
    user = by_email(engine, email)
    token = "veille_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            insert(api_tokens).values(
                user_id=user.id, token_hash=_digest(token), name=name, created_at=_now()
            )
        )
    return token


def token_user(engine: Engine, token: str) -> User | None:
    """The user a bearer token acts as (None: unknown token or disabled user)."""
    digest = _digest(token)
    with engine.begin() as conn:
        row = conn.execute(
            select(users)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == digest)
        ).first()
        if row is None or not row.active:
            return None
        conn.execute(
            update(api_tokens).where(api_tokens.c.token_hash == digest).values(last_used_at=_now())
        )
    return _user(row)
