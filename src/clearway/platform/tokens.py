"""Bearer tokens: issued once (only their SHA-256 is stored), listed, resolved to a principal (cached a few
seconds), revoked; and the CSRF token bound to a console session."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from clearway.core.issues import Conflict
from clearway.core.time import ensure_utc
from clearway.platform.db import UnitOfWork
from clearway.platform.principal import Principal
from clearway.platform.tables import api_tokens, users

TOKEN_PREFIX = "cw_"  # noqa: S105 - a prefix, not a secret
# Every token expires: 90 days unless asked for less (a token stored without an expiry, from before this rule,
# lapses 90 days after it was created).
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 90


def hash_token(token: str) -> str:
    """Returns the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_tokens(uow: UnitOfWork, *, user: str) -> int:
    """Revokes every token of a user; returns how many."""
    row = uow.conn.execute(select(users.c.id).where(users.c.name == user)).first()
    if row is None:
        raise Conflict(f"no user '{user}'", code="USER_UNKNOWN")
    result = uow.conn.execute(update(api_tokens).where(api_tokens.c.user_id == row.id).values(revoked=True))
    TOKEN_CACHE.clear()
    return int(result.rowcount)


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
