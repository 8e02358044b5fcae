"""The administrative audit trail: who changed what, when, from which value to which, and why.

Append-only: rows are inserted, never updated or deleted (the migration installs triggers that refuse both).
Every administrative change calls :func:`record` inside the same unit of work as the change itself, so the
change and its audit entry are committed together or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select

from clearway.core.time import ensure_utc
from clearway.platform import logging as cw_logging
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import audit_log

MAX_PAGE = 500
CLI_ROLE = "operator"  # changes made from the command line on the server, by whoever runs it


@dataclass(frozen=True, slots=True)
class Entry:
    """One audited change."""

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    before: Any
    after: Any
    reason: str
    request_id: str | None

    def as_dict(self) -> dict[str, Any]:
        """Returns the entry as JSON-ready values."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "request_id": self.request_id,
        }


def plain(value: Any) -> Any:
    """Turns a value into JSON-ready data (Decimals as strings, dates as ISO, dataclasses as dicts)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if hasattr(value, "model_dump"):
        return plain(value.model_dump(mode="json"))
    if hasattr(value, "__dataclass_fields__"):
        return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return str(value)


def cli_actor() -> str:
    """Returns the actor recorded for a command run on the server: ``cli:<operating-system user>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (KeyError, OSError):  # no passwd entry in some containers
        return "cli:unknown"


def record(
    uow: UnitOfWork,
    *,
    actor: str,
    role: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> int:
    """Appends one audit entry inside the caller's transaction and returns its id.

    ``action`` is a stable dotted name (``single_window.agency.put``), ``target`` what was changed
    (``agency:SENASA``); ``before``/``after`` are the old and new values (any JSON-ready data, dataclasses,
    Pydantic models, Decimals and dates are converted).
    """
    result = uow.conn.execute(
        audit_log.insert().values(
            at=uow.clock(),
            actor=actor[:80],
            role=role[:20],
            action=action[:80],
            target=target[:200],
            before=plain(before),
            after=plain(after),
            reason=(reason or "")[:1000],
            request_id=cw_logging.request_id.get(),
        )
    )
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def entries(
    uow: UnitOfWork,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[Entry]:
    """Lists audit entries oldest first, filtered; page with ``after_id`` (the last id seen)."""
    q = select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id)
    if actor:
        q = q.where(audit_log.c.actor == actor)
    if action:
        q = q.where(audit_log.c.action.startswith(action, autoescape=True))
    if target:
        q = q.where(audit_log.c.target == target)
    if since is not None:
        q = q.where(audit_log.c.at >= since)
    rows = uow.conn.execute(q.limit(max(1, min(limit, MAX_PAGE)))).all()
    return [
        Entry(
            int(r.id), ensure_utc(r.at), r.actor, r.role, r.action, r.target, r.before, r.after, r.reason, r.request_id
        )
        for r in rows
    ]
