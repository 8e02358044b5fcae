"""A declaration's history rows (events, appended, never updated) and the kept versions of its message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from clearway.core.time import ensure_utc
from clearway.declarations.model import Declaration, HistoryEntry, Status
from clearway.declarations.store.tables import declaration_events, declaration_versions


def flush_history(conn: Connection, decl: Declaration) -> None:
    """Appends the declaration's new history entries in one insert. History rows are never updated or deleted.

    While the declaration's writes are held (``decl.hold_writes``, the lodging pipeline), nothing is written.
    """
    if decl.pending and not decl.hold_writes:
        conn.execute(
            declaration_events.insert(),
            [
                {
                    "declaration_id": decl.id,
                    "kind": e.kind,
                    "at": e.at,
                    "actor": e.actor,
                    "role": e.role,
                    "reason": e.reason,
                    "status_from": e.status_from.value if e.status_from else None,
                    "status_to": e.status_to.value if e.status_to else None,
                    "data": e.data,
                }
                for e in decl.pending
            ],
        )
        decl.pending.clear()


def entry(h: Any) -> HistoryEntry:
    """Returns a history event row as the domain's ``HistoryEntry``."""
    return HistoryEntry(
        kind=h.kind,
        at=ensure_utc(h.at),
        actor=h.actor,
        role=h.role,
        reason=h.reason,
        status_from=Status(h.status_from) if h.status_from else None,
        status_to=Status(h.status_to) if h.status_to else None,
        data=h.data or {},
    )


def history_since(conn: Connection, declaration_id: str, after_id: int = 0) -> list[tuple[int, HistoryEntry]]:
    """Returns history entries after an entry id, for notification polling."""
    rows = conn.execute(
        select(declaration_events)
        .where(and_(declaration_events.c.declaration_id == declaration_id, declaration_events.c.id > after_id))
        .order_by(declaration_events.c.id)
    ).all()
    return [(r.id, entry(r)) for r in rows]


def add_version(
    conn: Connection,
    decl: Declaration,
    *,
    kind: str,
    media_type: str,
    message: str | None,
    document: dict[str, Any],
    payload_hash: str,
    at: datetime,
    actor: str,
    reason: str,
    number: int | None = None,
) -> int:
    """Keeps one more version of the declared message; returns its number (1 for the lodged message)."""
    number = number or (
        conn.execute(
            select(func.coalesce(func.max(declaration_versions.c.number), 0)).where(
                declaration_versions.c.declaration_id == decl.id
            )
        ).scalar_one()
        + 1
    )
    conn.execute(
        declaration_versions.insert(),
        {
            "declaration_id": decl.id,
            "number": number,
            "kind": kind,
            "media_type": media_type,
            "message": message,
            "document": document,
            "payload_hash": payload_hash,
            "at": at,
            "actor": actor,
            "reason": reason,
        },
    )
    return int(number)


def versions(conn: Connection, declaration_id: str) -> list[dict[str, Any]]:
    """Returns every kept version of a declaration's message, oldest first."""
    rows = conn.execute(
        select(declaration_versions)
        .where(declaration_versions.c.declaration_id == declaration_id)
        .order_by(declaration_versions.c.number)
    ).all()
    return [
        {
            "number": r.number,
            "kind": r.kind,
            "media_type": r.media_type,
            "message": r.message,
            "document": r.document,
            "payload_hash": r.payload_hash,
            "at": ensure_utc(r.at),
            "actor": r.actor,
            "reason": r.reason,
        }
        for r in rows
    ]


__all__ = ["add_version", "entry", "flush_history", "history_since", "versions"]
