"""Use cases of the clearance core: lodge, read, decide, amend, notify. Services never commit.

Decisions and release live in ``decisions``, amendments and completions in ``amendments``, what they share in
``common``; this module reads declarations and re-exports them all, so callers keep ``declarations.service``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearway.core.issues import Issue, NotFound
from clearway.declarations import store
from clearway.declarations.amendments import amend, complete
from clearway.declarations.common import (
    PARTY_ID_WARNING,
    SYSTEM,
    can_see,
    get_visible,
    party_id_warning_entries,
    party_id_warnings,
    record_event,
    record_party_id_warnings,
    role_of,
)
from clearway.declarations.decisions import (
    control_cleared,
    decide,
    record_control_result,
    release_blockers,
    release_blockers_many,
    try_release,
)
from clearway.declarations.model import RISK_KINDS, Declaration
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

__all__ = [
    "PARTY_ID_WARNING",
    "SYSTEM",
    "LodgeResult",
    "amend",
    "can_see",
    "complete",
    "control_cleared",
    "decide",
    "get",
    "get_many",
    "get_visible",
    "list_visible",
    "notifications",
    "party_id_warning_entries",
    "party_id_warnings",
    "record_control_result",
    "record_event",
    "record_party_id_warnings",
    "release_blockers",
    "release_blockers_many",
    "role_of",
    "try_release",
    "versions",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LodgeResult:
    """The outcome of a lodgement: the declaration and whether it was a replay of an earlier one."""

    declaration: Declaration
    replayed: bool
    # Accepted, but to be looked at: party ids with a wrong check digit (``CLEARWAY_PARTY_ID_CHECK_DIGITS=warn``).
    warnings: tuple[Issue, ...] = ()


def get_many(uow: UnitOfWork, mrns: Sequence[str]) -> dict[str, Declaration]:
    """Loads several declarations with their history in two queries (the platform's own use, like ``get``)."""
    return store.get_many(uow.conn, [m.upper() for m in mrns])


def versions(uow: UnitOfWork, mrn: str, principal: Principal) -> list[dict[str, Any]]:
    """Returns every version of the declared message (as lodged, then each amendment) to its owner or officers."""
    decl = get_visible(uow, mrn, principal)
    return store.versions(uow.conn, decl.id)


def notifications(uow: UnitOfWork, mrn: str, principal: Principal, after: int = 0) -> list[dict[str, Any]]:
    """Returns the declaration's history as notifications the trader reads, after a given id."""
    decl = get_visible(uow, mrn, principal)
    out = []
    for entry_id, e in store.history_since(uow.conn, decl.id, after):
        if e.kind in RISK_KINDS and principal.is_trader:
            continue  # traders learn the control, not the risk reasons behind it
        out.append(
            {
                "id": entry_id,
                "mrn": decl.mrn,
                "kind": e.kind,
                "at": e.at,
                "status": e.status_to.value if e.status_to else None,
                "status_label": e.status_to.label if e.status_to else None,
                "message": e.reason,
                "data": {} if principal.is_trader and e.kind == "received" else e.data,
            }
        )
    return out


def list_visible(
    uow: UnitOfWork,
    principal: Principal,
    *,
    status: str | None = None,
    lane: str | None = None,
    office: str | None = None,
    queue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists the declarations the caller may see as summaries (traders: their own, without lanes)."""
    if not (principal.is_trader or principal.is_customs):
        return [], 0
    rows, total = store.list_summaries(
        uow.conn,
        party_id=principal.party_id if principal.is_trader else None,
        status=status,
        lane=None if principal.is_trader else lane,
        office=office,
        limit=limit,
        offset=offset,
        queue_order=queue,
    )
    if principal.is_trader:
        for r in rows:
            r["lane"] = None
    return rows, total


def get(uow: UnitOfWork, mrn: str) -> Declaration:
    """Loads a declaration by MRN for the platform's own use (subscribers, jobs); not for callers' requests."""
    decl = store.get_by_mrn(uow.conn, mrn.upper())
    if decl is None:
        raise NotFound(f"no declaration {mrn}")
    return decl
