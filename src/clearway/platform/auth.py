"""Identities, roles and bearer tokens. Only a token's SHA-256 is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from clearway.core.issues import Conflict, DomainError
from clearway.core.time import ensure_utc
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import api_tokens, users

ROLES = ("declarant", "officer", "supervisor", "agency", "admin")
# Customs staff: they see every declaration and act on the administration's behalf.
CUSTOMS_STAFF = ("officer", "supervisor", "admin")
TOKEN_PREFIX = "cw_"  # noqa: S105 - a prefix, not a secret


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


def check_password(password: str, stored: str | None) -> bool:
    """Tells whether the password matches the stored scrypt hash."""
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_hex, digest_hex = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


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
) -> str:
    """Creates (or updates) the user and issues a new bearer token for it; returns the token once."""
    user_id = ensure_user(uow, name=user, role=role, party_id=party_id, agency=agency, office=office)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = uow.clock()
    uow.conn.execute(
        api_tokens.insert().values(
            token_hash=hash_token(token),
            user_id=user_id,
            label=label,
            created_at=now,
            expires_at=now + timedelta(days=valid_days) if valid_days else None,
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


def authenticate_password(uow: UnitOfWork, name: str, password: str) -> Principal | None:
    """Returns the principal when the name and password match."""
    row = uow.conn.execute(select(users).where(users.c.name == name)).first()
    if row is None or not check_password(password, row.password_hash):
        return None
    return Principal(row.name, row.role, row.party_id, row.agency, row.office)


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
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked:
        return None
    if row.expires_at is not None and ensure_utc(row.expires_at) <= now:
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
