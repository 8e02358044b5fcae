"""Use cases of a crisis protocol's life: load packs, ask for and approve activation and deactivation.

Activation and deactivation are four-eyes changes (``platform.approvals``): a supervisor asks, with a reason; a
different supervisor approves; the change applies in the approving transaction, so it is effective the moment it
is approved, in every process (protocols in force are read from the database at each lodgement). Every step is
audited. Services never commit. What protocols in force do at lodgement is in ``crisis.lodgement``; the
declarations they touched and the dashboard are in ``crisis.reporting``.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.crisis import phrases, store
from clearway.crisis.lodgement import in_force as in_force  # re-exported for crisis/cli.py
from clearway.crisis.model import Pack
from clearway.crisis.pack_reader import read_pack as read_pack  # re-exported for crisis/cli.py
from clearway.crisis.pack_reader import stored_pack
from clearway.crisis.reporting import affected as affected  # re-exported for crisis/cli.py
from clearway.platform import approvals, audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
KIND_ACTIVATE = "crisis.activate"
KIND_DEACTIVATE = "crisis.deactivate"
SUPERVISORS = ("supervisor",)
PACK_LOADERS = ("supervisor", "admin")
FULL_HS = 5000  # a nomenclature with fewer six-digit subheadings is a demo one: codes are checked for format only


# --- loading packs ------------------------------------------------------------------------------------------


def hs_checker(nomenclature: Any) -> tuple[Callable[[str], bool] | None, list[str]]:
    """Returns how to check a pack's codes against a nomenclature, and a warning when it cannot be complete."""
    if nomenclature is None:
        return None, [phrases.NO_NOMENCLATURE()]
    six = sum(1 for code in nomenclature.entries if len(code) == 6)
    if six < FULL_HS:
        return None, [phrases.PARTIAL_NOMENCLATURE(count=six)]
    return (lambda code: code in nomenclature.entries), []


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading a pack: the pack, whether this version was new, and warnings."""

    pack: Pack
    created: bool
    warnings: tuple[str, ...]


def load_pack(
    uow: UnitOfWork,
    text: str,
    *,
    principal: Principal,
    reason: str,
    known_hs: Callable[[str], bool] | None,
    warnings: Sequence[str] = (),
) -> Loaded:
    """Checks a pack whole and stores this version; the same version again with the same text changes nothing."""
    if principal.role not in PACK_LOADERS:
        raise Forbidden("only supervisors and administrators load protocol packs")
    pack, issues = read_pack(text, known_hs)
    if pack is None:
        raise ValidationFailed(issues)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = store.pack_row(uow.conn, pack.id, pack.version)
    if existing is not None:
        if existing["sha256"] != digest:
            raise Conflict(
                f"version {pack.version} of {pack.id} is already loaded with other content; "
                "give the changed pack a new version",
                code="PACK_VERSION_EXISTS",
            )
        return Loaded(pack, False, tuple(warnings))
    store.insert_pack(
        uow.conn,
        pack_id=pack.id,
        version=pack.version,
        title=pack.title,
        text=text,
        sha256=digest,
        at=uow.clock(),
        by=principal.user,
    )
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="crisis.pack.load",
        target=f"crisis_pack:{pack.id}@{pack.version}",
        after={"id": pack.id, "version": pack.version, "sha256": digest, "measures": [m.id for m in pack.measures]},
        reason=reason or "protocol pack loaded",
    )
    return Loaded(pack, True, tuple(warnings))


def pack_versions(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists every loaded pack version (id, version, title, loaded at/by)."""
    return store.pack_rows(uow.conn)


def get_pack(uow: UnitOfWork, pack_id: str, version: str | None = None) -> Pack:
    """Returns a pack: a given version, else the one loaded last."""
    if version is None:
        rows = [r for r in store.pack_rows(uow.conn) if r["id"] == pack_id]
        if not rows:
            raise NotFound(f"no protocol pack '{pack_id[:60]}'")
        version = str(rows[0]["version"])
    row = store.pack_row(uow.conn, pack_id, version)
    if row is None:
        raise NotFound(f"no version {version[:20]} of protocol pack '{pack_id[:60]}'")
    return stored_pack(row)


def packs(uow: UnitOfWork) -> list[tuple[Pack, dict[str, Any] | None]]:
    """Lists the latest version of each pack with its activation in force (None when not active)."""
    in_force = {a["pack_id"]: a for a in store.active(uow.conn)}
    latest: dict[str, dict[str, Any]] = {}
    for row in store.pack_rows(uow.conn):
        latest.setdefault(row["id"], row)
    return [(get_pack(uow, pid, str(r["version"])), in_force.get(pid)) for pid, r in sorted(latest.items())]


# --- activation, four eyes ----------------------------------------------------------------------------------


def _require_supervisor(principal: Principal, what: str) -> None:
    if principal.role not in SUPERVISORS:
        raise Forbidden(f"only a customs supervisor may {what} a crisis protocol")


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < 10:
        raise ValidationFailed(
            [Issue("REASON_REQUIRED", "say why, in at least 10 characters (it is recorded and shown)", "/reason")]
        )
    return text[:1000]


def _pending(uow: UnitOfWork, kind: str, target: str) -> approvals.ChangeRequest | None:
    return next((c for c in approvals.pending(uow, limit=500) if c.kind == kind and c.target == target), None)


def request_activation(
    uow: UnitOfWork, pack_id: str, *, principal: Principal, reason: str, version: str | None = None
) -> approvals.ChangeRequest:
    """Asks for a pack to be activated; nothing applies until a different supervisor approves."""
    _require_supervisor(principal, "activate")
    why = _reason(reason)
    pack = get_pack(uow, pack_id, version)
    if any(a["pack_id"] == pack.id for a in store.active(uow.conn)):
        raise Conflict(f"protocol {pack.id} is already active", code="CRISIS_ALREADY_ACTIVE")
    if not pack.in_force_on(uow.clock().date()):
        raise Conflict(
            f"protocol {pack.id} {pack.version} may apply from {pack.start} to {pack.end or 'no end date'}, not today",
            code="CRISIS_OUT_OF_DATES",
        )
    target = f"crisis_pack:{pack.id}"
    if _pending(uow, KIND_ACTIVATE, target) is not None:
        raise Conflict(f"an activation of {pack.id} already waits for approval", code="CRISIS_PENDING")
    return approvals.request(
        uow,
        kind=KIND_ACTIVATE,
        target=target,
        payload={"pack_id": pack.id, "version": pack.version, "reason": why, "requested_by": principal.user},
        principal=principal,
        reason=why,
    )


def request_deactivation(
    uow: UnitOfWork, activation_id: str, *, principal: Principal, reason: str
) -> approvals.ChangeRequest:
    """Asks for an active protocol to be deactivated; it stays in force until a different supervisor approves."""
    _require_supervisor(principal, "deactivate")
    why = _reason(reason)
    found = store.activation(uow.conn, activation_id)
    if found is None:
        raise NotFound(f"no activation '{activation_id[:36]}'")
    if found["deactivated_at"] is not None:
        raise Conflict("this activation has already ended", code="CRISIS_NOT_ACTIVE")
    target = f"crisis_activation:{activation_id}"
    if _pending(uow, KIND_DEACTIVATE, target) is not None:
        raise Conflict("a deactivation already waits for approval", code="CRISIS_PENDING")
    return approvals.request(
        uow,
        kind=KIND_DEACTIVATE,
        target=target,
        payload={
            "activation_id": activation_id,
            "pack_id": found["pack_id"],
            "reason": why,
            "requested_by": principal.user,
        },
        principal=principal,
        reason=why,
    )


def _apply_activate(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    """Applies an approved activation: the protocol is in force from now."""
    del caches
    # The version asked for, exactly: a loaded version never changes (a changed pack is a new version).
    pack = get_pack(uow, str(payload["pack_id"]), str(payload["version"]))
    if any(a["pack_id"] == pack.id for a in store.active(uow.conn)):
        raise Conflict(f"protocol {pack.id} is already active", code="CRISIS_ALREADY_ACTIVE")
    now = uow.clock()
    values = {
        "id": str(uuid.uuid4()),
        "pack_id": pack.id,
        "pack_version": pack.version,
        "reason": str(payload["reason"])[:1000],
        "requested_by": str(payload.get("requested_by") or ""),
        "approved_by": approver.user,
        "activated_at": now,
    }
    store.insert_activation(uow.conn, values)
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="crisis.activate",
        target=f"crisis_activation:{values['id']}",
        before=None,
        after={k: v for k, v in values.items() if k != "activated_at"} | {"activated_at": now},
        reason=str(payload["reason"]),
    )
    log.warning("crisis protocol %s %s activated by %s", pack.id, pack.version, approver.user)
    return {"activation_id": values["id"], "pack_id": pack.id, "version": pack.version, "activated_at": now}


def _apply_deactivate(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    """Applies an approved deactivation: normal selection from now."""
    del caches
    activation_id = str(payload["activation_id"])
    now = uow.clock()
    requested_by = str(payload.get("requested_by") or "")
    reason = str(payload["reason"])[:1000]
    if not store.end_activation(
        uow.conn, activation_id, at=now, requested_by=requested_by, by=approver.user, reason=reason
    ):
        raise Conflict("this activation has already ended", code="CRISIS_NOT_ACTIVE")
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="crisis.deactivate",
        target=f"crisis_activation:{activation_id}",
        before={"active": True},
        after={"active": False, "deactivated_at": now, "requested_by": requested_by},
        reason=reason,
    )
    log.warning("crisis protocol %s deactivated by %s", payload.get("pack_id"), approver.user)
    return {"activation_id": activation_id, "deactivated_at": now}


approvals.register(KIND_ACTIVATE, _apply_activate, approver_roles=SUPERVISORS, description="Activate a crisis protocol")
approvals.register(
    KIND_DEACTIVATE, _apply_deactivate, approver_roles=SUPERVISORS, description="Deactivate a crisis protocol"
)


def pending_requests(uow: UnitOfWork) -> list[approvals.ChangeRequest]:
    """Lists the crisis activations and deactivations waiting for a second supervisor."""
    return [c for c in approvals.pending(uow, limit=500) if c.kind in {KIND_ACTIVATE, KIND_DEACTIVATE}]


def activations(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists every activation, newest first."""
    return store.activations(uow.conn)


def get_activation(uow: UnitOfWork, activation_id: str) -> dict[str, Any]:
    """Returns one activation, or 404."""
    found = store.activation(uow.conn, activation_id)
    if found is None:
        raise NotFound(f"no activation '{activation_id[:36]}'")
    return found
