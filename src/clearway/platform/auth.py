"""Identities, roles and bearer tokens. Only a token's SHA-256 is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException
from sqlalchemy import func, or_, select, update

from clearway.core.issues import Conflict, DomainError
from clearway.core.time import ensure_utc
from clearway.platform import logging as cw_logging
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import api_tokens, users

ROLES = ("declarant", "officer", "supervisor", "agency", "admin")
# Customs staff: they see every declaration and act on the administration's behalf.
CUSTOMS_STAFF = ("officer", "supervisor", "admin")
TOKEN_PREFIX = "cw_"  # noqa: S105 - a prefix, not a secret
# Every token expires: 90 days unless asked for less (a token stored without an expiry, from before this rule,
# lapses 90 days after it was created).
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 90


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user with one role, scoped to a trader party or an agency where relevant."""

    user: str
    role: str
    party_id: str | None = None
    agency: str | None = None
    office: str | None = None

    @property
    def is_customs(self) -> bool:
        """Tells whether the caller is customs staff (officer, supervisor, admin)."""
        return self.role in CUSTOMS_STAFF

    @property
    def is_trader(self) -> bool:
        """Tells whether the caller is a declarant who sees only its own party's data."""
        return self.role == "declarant"


def hash_token(token: str) -> str:
    """Returns the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """Hashes a password with scrypt and a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


# A hash of a random password: checked against when the user is unknown or has no password, so that the
# answer takes as long as for a known user and does not reveal which names exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_password(password: str, stored: str | None) -> bool:
    """Tells whether the password matches the stored scrypt hash (same cost when there is none)."""
    real = bool(stored) and str(stored).startswith("scrypt$") and str(stored).count("$") == 2
    _, salt_hex, digest_hex = (str(stored) if real else _DUMMY_HASH).split("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        salt, real = b"\0" * 16, False
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex) and real


def ensure_user(
    uow: UnitOfWork,
    *,
    name: str,
    role: str,
    party_id: str | None = None,
    agency: str | None = None,
    office: str | None = None,
    password: str | None = None,
) -> int:
    """Creates the user if it does not exist (or updates its role and scope) and returns its id."""
    if role not in ROLES:
        raise DomainError(f"unknown role '{role}'; roles are {', '.join(ROLES)}", code="ROLE_UNKNOWN")
    if role == "declarant" and not party_id:
        raise DomainError("a declarant needs --party: the trader it lodges for", code="PARTY_REQUIRED")
    if role == "agency" and not agency:
        raise DomainError("an agency user needs --agency: the agency it works for", code="AGENCY_REQUIRED")
    conn = uow.conn
    row = conn.execute(select(users.c.id, users.c.role).where(users.c.name == name)).first()
    values = {"role": role, "party_id": party_id, "agency": agency, "office": office}
    if password is not None:
        values["password_hash"] = hash_password(password)
    if row is not None:
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
        return int(row.id)
    result = conn.execute(users.insert().values(name=name, created_at=uow.clock(), **values))
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def create_token(
    uow: UnitOfWork,
    *,
    user: str,
    role: str,
    party_id: str | None = None,
    agency: str | None = None,
    office: str | None = None,
    label: str | None = None,
    valid_days: int | None = None,
    valid_hours: int | None = None,
    max_days: int = MAX_TOKEN_DAYS,
) -> str:
    """Creates (or updates) the user and issues a new bearer token for it; returns the token once.

    Every token expires: after ``valid_hours`` or ``valid_days`` (default 90 days), never later than ``max_days``.
    """
    lifetime = timedelta(hours=valid_hours) if valid_hours else timedelta(days=valid_days or DEFAULT_TOKEN_DAYS)
    if lifetime <= timedelta(0) or lifetime > timedelta(days=max_days):
        raise DomainError(f"a token is valid for at most {max_days} days", code="TOKEN_LIFETIME")
    user_id = ensure_user(uow, name=user, role=role, party_id=party_id, agency=agency, office=office)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = uow.clock()
    uow.conn.execute(
        api_tokens.insert().values(
            token_hash=hash_token(token),
            user_id=user_id,
            label=label,
            created_at=now,
            expires_at=now + lifetime,
            revoked=False,
        )
    )
    return token


def revoke_tokens(uow: UnitOfWork, *, user: str) -> int:
    """Revokes every token of a user; returns how many."""
    row = uow.conn.execute(select(users.c.id).where(users.c.name == user)).first()
    if row is None:
        raise Conflict(f"no user '{user}'", code="USER_UNKNOWN")
    result = uow.conn.execute(update(api_tokens).where(api_tokens.c.user_id == row.id).values(revoked=True))
    TOKEN_CACHE.clear()
    return int(result.rowcount)


def principal_for_user(uow: UnitOfWork, name: str) -> Principal | None:
    """Returns the principal of a user by name."""
    row = uow.conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    return Principal(row.name, row.role, row.party_id, row.agency, row.office)


def authenticate_password(uow: UnitOfWork, name: str, password: str, *, client: str | None = None) -> Principal | None:
    """Returns the principal when the name and password match.

    Throttled per account and per client address (:class:`LoginThrottled` once too many attempts failed);
    an unknown name costs the same scrypt as a known one.
    """
    now = time.monotonic()
    client = client or cw_logging.client_address.get()
    keys = [f"user:{name.casefold()}"] + ([f"addr:{client}"] if client else [])
    THROTTLE.check(keys, now)
    row = uow.conn.execute(select(users).where(users.c.name == name)).first()
    ok = check_password(password, row.password_hash if row is not None else None)
    if row is None or not ok:
        THROTTLE.fail(keys, now)
        return None
    THROTTLE.succeed(keys[0])
    return Principal(row.name, row.role, row.party_id, row.agency, row.office)


class LoginThrottled(HTTPException):
    """Too many failed sign-ins for this account or from this address: 429 with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            f"Too many failed sign-in attempts: sign-in is locked for {retry_after} seconds. "
            "Try again later, or ask an administrator to reset your password.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class _Throttle:
    """Failed sign-ins per key in a sliding window; past the limit the key is locked for a while.

    Kept in this process's memory: several processes behind a load balancer each count on their own.
    """

    def __init__(self, *, max_failures: int = 5, window_s: float = 900.0, lock_s: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lock_s = lock_s
        self._fails: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._lock = threading.Lock()

    def limit_for(self, key: str) -> int:
        # An address may carry many users (a broker's office behind one NAT): allow it more attempts.
        return self.max_failures * 4 if key.startswith("addr:") else self.max_failures

    def check(self, keys: list[str], now: float) -> None:
        with self._lock:
            until = max((self._locked.get(k, 0.0) for k in keys), default=0.0)
        if until > now:
            raise LoginThrottled(int(until - now) + 1)

    def fail(self, keys: list[str], now: float) -> None:
        with self._lock:
            if len(self._fails) > 100_000:
                self._fails.clear()
            for key in keys:
                recent = [t for t in self._fails.get(key, []) if t > now - self.window_s]
                recent.append(now)
                self._fails[key] = recent
                if len(recent) >= self.limit_for(key):
                    self._locked[key] = now + self.lock_s
                    self._fails[key] = []

    def succeed(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._fails.clear()
            self._locked.clear()


THROTTLE = _Throttle()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    id: int
    user: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked: bool


def list_tokens(uow: UnitOfWork, *, user: str | None = None, limit: int = 200) -> list[TokenInfo]:
    """Lists tokens (of one user, or all), newest first."""
    q = (
        select(api_tokens, users.c.name)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    if user is not None:
        q = q.where(users.c.name == user)
    return [
        TokenInfo(
            int(r.id),
            r.name,
            r.label,
            ensure_utc(r.created_at),
            ensure_utc(r.expires_at) if r.expires_at else None,
            bool(r.revoked),
        )
        for r in uow.conn.execute(q).all()
    ]


def get_token_info(uow: UnitOfWork, token_id: int) -> TokenInfo | None:
    """Returns one token's listing, or None."""
    row = uow.conn.execute(
        select(api_tokens, users.c.name)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.id == token_id)
    ).first()
    if row is None:
        return None
    return TokenInfo(
        int(row.id),
        row.name,
        row.label,
        ensure_utc(row.created_at),
        ensure_utc(row.expires_at) if row.expires_at else None,
        bool(row.revoked),
    )


def revoke_token_id(uow: UnitOfWork, token_id: int) -> bool:
    """Revokes one token by its id; tells whether it was active."""
    result = uow.conn.execute(
        update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked.is_(False)).values(revoked=True)
    )
    TOKEN_CACHE.clear()
    return bool(result.rowcount)


def csrf_for(secret_key: str, session_token: str) -> str:
    """Returns the CSRF token bound to a console session (the console's forms and ``X-CSRF-Token`` carry it)."""
    return hmac.new(secret_key.encode(), b"csrf|" + session_token.encode(), hashlib.sha256).hexdigest()[:40]


def resolve_token(uow: UnitOfWork, token: str, now: datetime) -> Principal | None:
    """Returns the principal a bearer token stands for, or None if it is unknown, revoked or expired."""
    cached = TOKEN_CACHE.get(token)
    if cached is not None:
        return cached
    row = uow.conn.execute(
        select(
            users.c.name,
            users.c.role,
            users.c.party_id,
            users.c.agency,
            users.c.office,
            api_tokens.c.revoked,
            api_tokens.c.expires_at,
            api_tokens.c.created_at,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked:
        return None
    expires = (
        ensure_utc(row.expires_at)
        if row.expires_at is not None
        else ensure_utc(row.created_at) + timedelta(days=MAX_TOKEN_DAYS)
    )
    if expires <= now:
        return None
    principal = Principal(row.name, row.role, row.party_id, row.agency, row.office)
    TOKEN_CACHE.put(token, principal)
    return principal


class _TokenCache:
    """Remembers resolved tokens for a few seconds so each request need not query the database."""

    def __init__(self, ttl_seconds: float = 10.0, max_size: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_size
        self._items: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        key = hash_token(token)
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            return item[1]

    def put(self, token: str, principal: Principal) -> None:
        with self._lock:
            if len(self._items) >= self._max:
                self._items.clear()
            self._items[hash_token(token)] = (time.monotonic() + self._ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


TOKEN_CACHE = _TokenCache()


def revoke_token(uow: UnitOfWork, token: str, *, label: str) -> bool:
    """Revokes one token issued with the given label (a console session on sign-out); tells whether it did."""
    result = uow.conn.execute(
        update(api_tokens)
        .where(api_tokens.c.token_hash == hash_token(token), api_tokens.c.label == label)
        .values(revoked=True)
    )
    TOKEN_CACHE.clear()
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as an administrator lists it: role, scope, whether it may sign in, how many tokens are active."""

    name: str
    role: str
    party_id: str | None
    agency: str | None
    office: str | None
    has_password: bool
    active_tokens: int
    created_at: datetime


def list_users(uow: UnitOfWork, now: datetime) -> list[UserInfo]:
    """Lists every user by role and name, with its sign-in password set or not and its tokens still valid."""
    active = (
        select(api_tokens.c.user_id, func.count().label("n"))
        .where(
            api_tokens.c.revoked.is_(False),
            or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
        )
        .group_by(api_tokens.c.user_id)
        .subquery()
    )
    rows = uow.conn.execute(
        select(users, func.coalesce(active.c.n, 0).label("active"))
        .outerjoin(active, active.c.user_id == users.c.id)
        .order_by(users.c.role, users.c.name)
    ).all()
    return [
        UserInfo(
            r.name,
            r.role,
            r.party_id,
            r.agency,
            r.office,
            bool(r.password_hash),
            int(r.active),
            ensure_utc(r.created_at),
        )
        for r in rows
    ]


def user_exists(uow: UnitOfWork, name: str) -> bool:
    """Tells whether a user of that name exists."""
    return uow.conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None


def disable_user(uow: UnitOfWork, name: str) -> int:
    """Disables a user: its password is removed (no sign-in) and every token revoked; returns tokens revoked.

    The user stays (history and audit entries name it); an administrator enables it again by setting a password.
    """
    row = uow.conn.execute(select(users.c.id).where(users.c.name == name)).first()
    if row is None:
        raise Conflict(f"no user '{name}'", code="USER_UNKNOWN")
    uow.conn.execute(update(users).where(users.c.id == row.id).values(password_hash=None))
    return revoke_tokens(uow, user=name)


def set_password(uow: UnitOfWork, name: str, password: str) -> None:
    """Sets a user's sign-in password (enabling a disabled user)."""
    row = uow.conn.execute(select(users.c.id).where(users.c.name == name)).first()
    if row is None:
        raise Conflict(f"no user '{name}'", code="USER_UNKNOWN")
    uow.conn.execute(update(users).where(users.c.id == row.id).values(password_hash=hash_password(password)))
