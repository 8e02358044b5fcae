"""What the declaration use cases share (``service``, ``decisions``, ``amendments``): the system actor, the caller's
role and the declarations it may see, and history entries written without a change of status. Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from clearway.core.issues import Issue, NotFound
from clearway.declarations import phrases, rules, store
from clearway.declarations.model import Declaration, HistoryEntry, Role
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

SYSTEM = "clearway"
PARTY_ID_WARNING = "party_id_warning"


def record_party_id_warnings(decl: Declaration, warnings: Sequence[Issue], *, at: datetime) -> None:
    """Writes each party-id warning into the history, where the trader and the officers both see it."""
    for found in warnings:
        role = found.pointer.strip("/").partition("/")[0]
        params = dict(getattr(found, "params", ()))
        decl.record(
            PARTY_ID_WARNING,
            at=at,
            actor=SYSTEM,
            role=Role.SYSTEM,
            reason=phrases.PARTY_ID_CHECK_DIGIT(role=role, id=params.get("value", ""), scheme=params.get("scheme", "")),
            data={"code": found.code, "pointer": found.pointer, "id": params.get("value", "")},
        )


def party_id_warning_entries(decl: Declaration) -> list[HistoryEntry]:
    """The party-id warnings of the data as it stands: recorded since it was lodged, amended or completed last."""
    since = max((i for i, e in enumerate(decl.history) if e.kind in {"received", "amended", "completed"}), default=0)
    return [e for e in decl.history[since:] if e.kind == PARTY_ID_WARNING]


def party_id_warnings(decl: Declaration) -> tuple[Issue, ...]:
    """The party-id warnings of the declaration as lodged or last amended, as issues (for a replayed answer)."""
    recorded = {str(e.data.get("pointer")) for e in party_id_warning_entries(decl)}
    return tuple(w for w in rules.party_id_check_digits(decl.data) if w.pointer in recorded)


def role_of(principal: Principal) -> Role:
    """Returns the principal's role as the domain knows it."""
    return Role(principal.role)


def get_visible(uow: UnitOfWork, mrn: str, principal: Principal) -> Declaration:
    """Loads a declaration the caller may see; anyone else's answers 'not found'."""
    decl = store.get_by_mrn(uow.conn, mrn.upper())
    if decl is None or not can_see(principal, decl):
        raise NotFound(f"no declaration {mrn}")
    return decl


def can_see(principal: Principal, decl: Declaration) -> bool:
    """Tells whether the caller may see the declaration."""
    if principal.is_customs:
        return True
    if principal.is_trader:
        return decl.visible_to_party(principal.party_id)
    return False


def record_event(
    uow: UnitOfWork,
    decl: Declaration,
    kind: str,
    *,
    actor: str,
    role: Role | str,
    reason: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Appends an entry to a declaration's history without changing its status (assessed, paid, routed…)."""
    decl.record(kind, at=uow.clock(), actor=actor, role=role, reason=reason, data=data)
    store.flush_history(uow.conn, decl)
