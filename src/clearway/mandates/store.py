"""Mandate tables: the mandates (revocation set once, never deleted) and their append-only history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, Index, Integer, String, Table, func, or_, select, update

from clearway.core.time import ensure_utc
from clearway.mandates.model import Mandate
from clearway.platform.db import metadata

mandates = Table(
    "mandates",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("principal_id", String(40), nullable=False),
    Column("agent_id", String(40), nullable=False),
    Column("procedures", JSON, nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=True),
    Column("granted_by", String(80), nullable=False),
    Column("granted_role", String(20), nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("evidence", String(200), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(80), nullable=True),
    Column("revoke_reason", String(500), nullable=True),
    Index("ix_mandates_agent", "agent_id", "principal_id"),
    Index("ix_mandates_principal", "principal_id"),
)

mandate_events = Table(
    "mandate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mandate_id", String(36), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("data", JSON, nullable=False),
)


def _opt(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_utc(value)


def _mandate(row: Any) -> Mandate:
    return Mandate(
        id=row.id,
        principal_id=row.principal_id,
        agent_id=row.agent_id,
        procedures=tuple(row.procedures),
        valid_from=ensure_utc(row.valid_from),
        valid_to=_opt(row.valid_to),
        granted_by=row.granted_by,
        granted_role=row.granted_role,
        granted_at=ensure_utc(row.granted_at),
        reason=row.reason,
        evidence=row.evidence,
        revoked_at=_opt(row.revoked_at),
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def insert(conn: Connection, m: Mandate) -> None:
    """Stores a new mandate."""
    conn.execute(
        mandates.insert().values(
            id=m.id,
            principal_id=m.principal_id,
            agent_id=m.agent_id,
            procedures=list(m.procedures),
            valid_from=m.valid_from,
            valid_to=m.valid_to,
            granted_by=m.granted_by,
            granted_role=m.granted_role,
            granted_at=m.granted_at,
            reason=m.reason,
            evidence=m.evidence,
        )
    )


def get(conn: Connection, mandate_id: str, *, lock: bool = False) -> Mandate | None:
    """Returns a mandate by id (locked for update when asked)."""
    query = select(mandates).where(mandates.c.id == mandate_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return None if row is None else _mandate(row)


def set_revoked(conn: Connection, mandate_id: str, *, at: datetime, by: str, reason: str) -> bool:
    """Marks a mandate revoked, once: tells whether it did (False when it was already revoked)."""
    result = conn.execute(
        update(mandates)
        .where(mandates.c.id == mandate_id, mandates.c.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by, revoke_reason=reason)
    )
    return bool(result.rowcount)


def between(conn: Connection, agent_id: str, principal_id: str) -> list[Mandate]:
    """Returns every mandate (in force or not) a principal gave an agent."""
    rows = conn.execute(
        select(mandates).where(mandates.c.agent_id == agent_id, mandates.c.principal_id == principal_id)
    )
    return [_mandate(r) for r in rows]


def list_mandates(conn: Connection, *, party_id: str | None, limit: int, offset: int) -> tuple[list[Mandate], int]:
    """Lists mandates (those where a party is principal or agent, when given), newest first, with the count."""
    query = select(mandates)
    if party_id is not None:
        query = query.where(or_(mandates.c.principal_id == party_id, mandates.c.agent_id == party_id))
    total = int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = conn.execute(query.order_by(mandates.c.granted_at.desc(), mandates.c.id).limit(limit).offset(offset))
    return [_mandate(r) for r in rows], total


def add_event(
    conn: Connection, *, mandate_id: str, kind: str, actor: str, role: str, at: datetime, reason: str, data: Any
) -> None:
    """Appends an entry to a mandate's history (never updated, never deleted)."""
    conn.execute(
        mandate_events.insert().values(
            mandate_id=mandate_id, kind=kind, actor=actor, role=role, at=at, reason=reason, data=data
        )
    )


def events(conn: Connection, mandate_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Returns the history of some mandates, oldest first."""
    rows = conn.execute(
        select(mandate_events).where(mandate_events.c.mandate_id.in_(list(mandate_ids))).order_by(mandate_events.c.id)
    )
    return [
        {
            "mandate_id": r.mandate_id,
            "kind": r.kind,
            "actor": r.actor,
            "role": r.role,
            "at": ensure_utc(r.at),
            "reason": r.reason,
            "data": r.data,
        }
        for r in rows
    ]
