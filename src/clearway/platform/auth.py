"""Identities, roles and bearer tokens. Only a token's SHA-256 is stored; the token is shown once.

Users (created, listed, disabled, their passwords set, signed in) are here; the principal and roles are in
:mod:`clearway.platform.principal`, password hashing and the sign-in throttle in :mod:`clearway.platform.passwords`,
tokens in :mod:`clearway.platform.tokens`. Every public name of those stays importable from here.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from clearway.core.issues import Conflict, DomainError
from clearway.core.time import ensure_utc
from clearway.platform import logging as cw_logging
from clearway.platform.db import UnitOfWork
from clearway.platform.passwords import THROTTLE, LoginThrottled, check_password, hash_password
from clearway.platform.principal import CUSTOMS_STAFF, ROLES, Principal
from clearway.platform.tables import api_tokens, users
from clearway.platform.tokens import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    TOKEN_CACHE,
    TOKEN_PREFIX,
    TokenInfo,
    csrf_for,
    get_token_info,
    hash_token,
    list_tokens,
    resolve_token,
    revoke_token,
    revoke_token_id,
    revoke_tokens,
)

__all__ = [
    "CUSTOMS_STAFF",
    "DEFAULT_TOKEN_DAYS",
    "MAX_TOKEN_DAYS",
    "ROLES",
    "THROTTLE",
    "TOKEN_CACHE",
    "TOKEN_PREFIX",
    "LoginThrottled",
    "Principal",
    "TokenInfo",
    "UserInfo",
    "authenticate_password",
    "check_password",
    "create_token",
    "csrf_for",
    "disable_user",
    "ensure_user",
    "get_token_info",
    "hash_password",
    "hash_token",
    "list_tokens",
    "list_users",
    "principal_for_user",
    "resolve_token",
    "revoke_token",
    "revoke_token_id",
    "revoke_tokens",
    "set_password",
    "user_exists",
]


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
