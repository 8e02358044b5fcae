"""Four-eyes approvals: a change that weakens a control waits until a different person approves it.

A capability registers each kind of change it guards (:func:`register`) with the function that applies it and
the roles that may approve it. Its route then calls :func:`request` instead of making the change; the change
is applied by :func:`approve`, called by another person with one of those roles, in the same transaction that
marks the request approved. Requests, approvals, rejections and the applied change are all audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from clearway.core.issues import Conflict, Forbidden, NotFound
from clearway.core.time import ensure_utc
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import change_requests

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
MAX_PAGE = 500

# Applies an approved change: (unit of work, payload, approver, the runtime's caches) -> what it produced.
Applier = Callable[[UnitOfWork, dict[str, Any], Principal, dict[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of guarded change: how to apply it and who may approve it."""

    name: str
    apply: Applier
    approver_roles: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """A change waiting for (or decided by) a second person."""

    id: str
    kind: str
    target: str
    payload: dict[str, Any]
    requested_by: str
    requested_role: str
    reason: str
    status: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        """Returns the request as JSON-ready values."""
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "payload": self.payload,
            "requested_by": self.requested_by,
            "requested_role": self.requested_role,
            "reason": self.reason,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision_reason": self.decision_reason,
        }


_KINDS: dict[str, Kind] = {}


def register(
    name: str, apply: Applier, *, approver_roles: tuple[str, ...] = ("supervisor", "admin"), description: str = ""
) -> None:
    """Registers a kind of guarded change (at import time of the capability that owns it)."""
    _KINDS[name] = Kind(name, apply, approver_roles, description)


def kinds() -> dict[str, Kind]:
    """Returns the registered kinds."""
    return dict(_KINDS)


def _row(r: Any) -> ChangeRequest:
    return ChangeRequest(
        r.id,
        r.kind,
        r.target,
        dict(r.payload),
        r.requested_by,
        r.requested_role,
        r.reason,
        r.status,
        ensure_utc(r.created_at),
        r.decided_by,
        ensure_utc(r.decided_at) if r.decided_at else None,
        r.decision_reason,
    )


def request(
    uow: UnitOfWork, *, kind: str, target: str, payload: dict[str, Any], principal: Principal, reason: str
) -> ChangeRequest:
    """Files a change request; nothing changes until a different person approves it."""
    if kind not in _KINDS:
        raise Conflict(f"no change of kind '{kind}' can be requested here", code="APPROVAL_KIND_UNKNOWN")
    payload = audit.plain(payload)
    now = uow.clock()
    cid = str(uuid.uuid4())
    uow.conn.execute(
        change_requests.insert().values(
            id=cid,
            kind=kind,
            target=target[:200],
            payload=payload,
            requested_by=principal.user,
            requested_role=principal.role,
            reason=reason[:1000],
            status=PENDING,
            created_at=now,
        )
    )
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="approvals.request",
        target=f"change_request:{cid}",
        before=None,
        after={"kind": kind, "target": target, "payload": payload},
        reason=reason,
    )
    return get(uow, cid)


def get(uow: UnitOfWork, request_id: str) -> ChangeRequest:
    """Returns a change request, or 404."""
    row = uow.conn.execute(select(change_requests).where(change_requests.c.id == request_id)).first()
    if row is None:
        raise NotFound(f"no change request '{request_id}'")
    return _row(row)


def pending(uow: UnitOfWork, *, status: str | None = PENDING, limit: int = 100) -> list[ChangeRequest]:
    """Lists change requests (pending by default), oldest first."""
    q = select(change_requests).order_by(change_requests.c.created_at, change_requests.c.id)
    if status:
        q = q.where(change_requests.c.status == status)
    rows = uow.conn.execute(q.limit(max(1, min(limit, MAX_PAGE)))).all()
    return [_row(r) for r in rows]


def _decidable(uow: UnitOfWork, request_id: str, principal: Principal) -> tuple[ChangeRequest, Kind]:
    cr = get(uow, request_id)
    kind = _KINDS.get(cr.kind)
    if kind is None:
        raise Conflict(f"changes of kind '{cr.kind}' are not available in this process", code="APPROVAL_KIND_UNKNOWN")
    if principal.role not in kind.approver_roles:
        raise Forbidden(
            f"role '{principal.role}' may not decide a '{cr.kind}' change; needs {' or '.join(kind.approver_roles)}"
        )
    if cr.status != PENDING:
        raise Conflict(f"the change request is already {cr.status}", code="APPROVAL_DECIDED")
    if principal.user == cr.requested_by:
        raise Forbidden(
            "four eyes: the person who requested a change may not decide it; ask another supervisor or admin",
            code="APPROVAL_SAME_PERSON",
        )
    return cr, kind


def _decide(uow: UnitOfWork, cr: ChangeRequest, principal: Principal, status: str, reason: str) -> None:
    result = uow.conn.execute(
        update(change_requests)
        .where(change_requests.c.id == cr.id, change_requests.c.status == PENDING)
        .values(status=status, decided_by=principal.user, decided_at=uow.clock(), decision_reason=reason[:1000])
    )
    if result.rowcount != 1:
        raise Conflict("someone else decided the change request first", code="APPROVAL_DECIDED")


def approve(
    uow: UnitOfWork, request_id: str, principal: Principal, *, reason: str, caches: dict[str, Any] | None = None
) -> tuple[ChangeRequest, Any]:
    """Approves a change request by a different person and applies the change; returns it and its result."""
    cr, kind = _decidable(uow, request_id, principal)
    _decide(uow, cr, principal, APPROVED, reason)
    result = kind.apply(uow, cr.payload, principal, caches if caches is not None else {})
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="approvals.approve",
        target=f"change_request:{cr.id}",
        before={"status": PENDING},
        after={"status": APPROVED, "kind": cr.kind, "target": cr.target, "requested_by": cr.requested_by},
        reason=reason,
    )
    return get(uow, request_id), result


def reject(uow: UnitOfWork, request_id: str, principal: Principal, *, reason: str) -> ChangeRequest:
    """Rejects a change request (a different person with an approver role); nothing is changed."""
    cr, _ = _decidable(uow, request_id, principal)
    _decide(uow, cr, principal, REJECTED, reason)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="approvals.reject",
        target=f"change_request:{cr.id}",
        before={"status": PENDING},
        after={"status": REJECTED, "kind": cr.kind, "target": cr.target},
        reason=reason,
    )
    return get(uow, request_id)
