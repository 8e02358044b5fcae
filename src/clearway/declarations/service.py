"""Use cases of the clearance core: lodge, read, decide, amend, notify. Services never commit."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clearway.core.codes import Nomenclature
from clearway.core.ids import new_mrn
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import codec, store, validation
from clearway.declarations.events import (
    ControlResultRecorded,
    DeclarationAccepted,
    DeclarationAmended,
    DeclarationDecided,
    DeclarationReleased,
    LaneAssigned,
    ReleaseCheck,
)
from clearway.declarations.model import (
    Decision,
    Declaration,
    DeclarationData,
    Finding,
    Lane,
    Role,
    Status,
)
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
SYSTEM = "clearway"


@dataclass(frozen=True)
class Selectivity:
    """Random selectivity used until the risk engine assigns lanes: a share per control lane."""

    red_rate: Decimal
    yellow_rate: Decimal
    salt: str

    def lane_for(self, mrn: str) -> Lane:
        """Draws the lane for an MRN; keyed by a secret so traders cannot predict it."""
        digest = hashlib.sha256(f"{self.salt}:{mrn}".encode()).digest()
        u = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)
        if u < self.red_rate:
            return Lane.RED
        if u < self.red_rate + self.yellow_rate:
            return Lane.YELLOW
        return Lane.GREEN


@dataclass(frozen=True)
class LodgeContext:
    """What lodging needs besides the data: the nomenclature, the country issuing MRNs, selectivity."""

    nomenclature: Nomenclature
    country: str
    selectivity: Selectivity


@dataclass(frozen=True)
class LodgeResult:
    """The outcome of a lodgement: the declaration and whether it was a replay of an earlier one."""

    declaration: Declaration
    replayed: bool


def role_of(principal: Principal) -> Role:
    """Returns the principal's role as the domain knows it."""
    return Role(principal.role)


def lodge(uow: UnitOfWork, data: DeclarationData, *, principal: Principal, ctx: LodgeContext) -> LodgeResult:
    """Validates and accepts a declaration, issuing its MRN; a retry with the same LRN returns the same MRN."""
    if principal.is_trader and principal.party_id not in {
        data.declarant.id,
        data.representative.id if data.representative else None,
    }:
        raise ValidationFailed(
            [
                Issue(
                    "DECLARANT_NOT_CALLER",
                    f"you lodge for party {principal.party_id}; the declarant (or representative) must be that party",
                    "/declarant/id",
                )
            ]
        )
    checked = validation.check(data, validation.CheckContext(ctx.nomenclature, today=uow.clock().date()))
    if checked.issues or checked.data is None:
        raise ValidationFailed(checked.issues)
    data = checked.data
    document = codec.to_json(data)
    fingerprint = codec.payload_hash(document)
    existing = store.find_by_lrn(uow.conn, data.declarant.id, data.lrn)
    if existing is not None:
        return _replay(uow, existing, fingerprint)
    now = uow.clock()
    mrn = new_mrn(ctx.country, now)
    while store.mrn_exists(uow.conn, mrn):  # pragma: no cover - 36^13 space; belt and braces
        mrn = new_mrn(ctx.country, now)
    decl = Declaration(id=str(uuid.uuid4()), mrn=mrn, data=data, status=Status.RECEIVED, lodged_at=now)
    actor = principal.user
    decl.record("received", at=now, actor=actor, role=principal.role, reason="lodged electronically")
    decl.record(
        "accepted",
        at=now,
        actor=SYSTEM,
        role=Role.SYSTEM,
        reason=f"valid; MRN {mrn} issued",
        status_to=Status.ACCEPTED,
        data={"mrn": mrn, "derived": [d.as_dict() for d in checked.derived]},
    )
    raced = store.insert(uow.conn, decl, fingerprint, now, document)
    if raced is not None:
        return _replay(uow, raced, fingerprint)
    uow.publish(DeclarationAccepted(at=now, actor=actor, declaration=decl))
    if decl.lane is None:
        lane = ctx.selectivity.lane_for(mrn)
        assign_lane(
            uow,
            decl,
            lane,
            reasons=[f"random selection for the {lane.value} lane"]
            if lane is not Lane.GREEN
            else ["no risk criteria matched"],
            source="selectivity",
        )
    log.debug("lodged %s as %s lane=%s", data.lrn, mrn, decl.lane)
    return LodgeResult(decl, replayed=False)


def _replay(uow: UnitOfWork, existing: tuple[str, str, str], fingerprint: str) -> LodgeResult:
    mrn, _status, stored_hash = existing
    if stored_hash != fingerprint:
        raise Conflict(
            f"LRN already used for declaration {mrn} with different content; use a new LRN or amend {mrn}",
            code="LRN_REUSED",
        )
    decl = store.get_by_mrn(uow.conn, mrn)
    assert decl is not None
    return LodgeResult(decl, replayed=True)


def assign_lane(
    uow: UnitOfWork,
    decl: Declaration,
    lane: Lane,
    *,
    reasons: list[str],
    source: str,
    scores: dict[str, Any] | None = None,
) -> None:
    """Sets the declaration's lane with its reasons, then routes it: green releases, others go to control."""
    now = uow.clock()
    decl.lane = lane
    decl.record(
        "lane_assigned",
        at=now,
        actor=source,
        role=Role.SYSTEM,
        reason="; ".join(reasons) or lane.value,
        data={"lane": lane.value, "reasons": reasons, "source": source, "scores": scores or {}},
    )
    store.save(uow.conn, decl, now)
    uow.publish(LaneAssigned(at=now, actor=source, declaration=decl))
    if lane is Lane.RED:
        _decide(
            uow,
            decl,
            Decision.PHYSICAL_CHECK,
            role=Role.SYSTEM,
            actor=source,
            reason="red lane: physical inspection of the goods",
        )
    elif lane is Lane.YELLOW:
        _decide(
            uow,
            decl,
            Decision.REQUEST_DOCUMENTS,
            role=Role.SYSTEM,
            actor=source,
            reason="yellow lane: documentary check",
        )
    else:
        try_release(uow, decl, actor=SYSTEM, reason="green lane: released without control")


def release_blockers(uow: UnitOfWork, decl: Declaration) -> list[str]:
    """Returns what still blocks release (unpaid duties, missing agency approvals…); empty when none."""
    check = ReleaseCheck(at=uow.clock(), actor=SYSTEM, declaration=decl)
    uow.publish(check)
    return list(check.blockers)


def try_release(uow: UnitOfWork, decl: Declaration, *, actor: str, reason: str) -> bool:
    """Releases a green-lane (or controlled) declaration if nothing blocks it; tells whether it did."""
    if decl.status not in {Status.ACCEPTED, Status.AMENDED}:
        return False
    if decl.lane is not Lane.GREEN:
        return False
    if release_blockers(uow, decl):
        return False
    _decide(uow, decl, Decision.RELEASE, role=Role.SYSTEM, actor=actor, reason=reason)
    return True


def _decide(
    uow: UnitOfWork,
    decl: Declaration,
    decision: Decision,
    *,
    role: Role,
    actor: str,
    reason: str,
    data: dict[str, Any] | None = None,
) -> None:
    now = uow.clock()
    decl.decide(decision, role=role, at=now, actor=actor, reason=reason, data=data)
    store.save(uow.conn, decl, now)
    uow.publish(DeclarationDecided(at=now, actor=actor, declaration=decl, decision=decision.value))
    if decision is Decision.RELEASE:
        uow.publish(DeclarationReleased(at=now, actor=actor, declaration=decl))


def get_visible(uow: UnitOfWork, mrn: str, principal: Principal) -> Declaration:
    """Loads a declaration the caller may see; anyone else's answers 'not found'."""
    decl = store.get_by_mrn(uow.conn, mrn.upper())
    if decl is None or not can_see(principal, decl):
        raise NotFound(f"no declaration {mrn}")
    return decl


def can_see(principal: Principal, decl: Declaration) -> bool:
    """Tells whether the caller may see the declaration."""
    if principal.role in {"officer", "supervisor", "admin"}:
        return True
    if principal.is_trader:
        return decl.visible_to_party(principal.party_id)
    return False


def decide(
    uow: UnitOfWork,
    mrn: str,
    decision: Decision,
    *,
    principal: Principal,
    reason: str,
    expected_version: int | None = None,
    findings: dict[str, Any] | None = None,
) -> Declaration:
    """Applies an officer's decision; refuses if someone else decided first or release is blocked."""
    decl = get_visible(uow, mrn, principal)
    if expected_version is not None and expected_version != decl.version:
        raise Conflict(
            f"declaration {decl.mrn} is at version {decl.version}, not {expected_version}: "
            "someone else acted first; reload it",
            code="CONCURRENT_UPDATE",
        )
    role = role_of(principal)
    if decision is Decision.RELEASE and decl.status is not Status.DETAINED:
        blockers = release_blockers(uow, decl)
        if blockers:
            raise Conflict("release is blocked: " + "; ".join(blockers), code="RELEASE_BLOCKED")
    data: dict[str, Any] = {}
    if findings is not None:
        if decl.status not in {Status.PHYSICAL_CHECK, Status.DOCUMENTS_REQUIRED}:
            raise DomainError(
                "findings are recorded only after a documentary or physical check",
                code="FINDINGS_WITHOUT_CONTROL",
            )
        data["findings"] = findings
    _decide(uow, decl, decision, role=role, actor=principal.user, reason=reason, data=data)
    if findings is not None:
        decl.record(
            "control_result",
            at=uow.clock(),
            actor=principal.user,
            role=role,
            reason=f"control result: {Finding(findings['result']).value.replace('_', ' ')}",
            data=findings,
        )
        store.flush_history(uow.conn, decl)
        uow.publish(ControlResultRecorded(at=uow.clock(), actor=principal.user, declaration=decl, findings=findings))
    return decl


def amend(
    uow: UnitOfWork,
    mrn: str,
    new_data: DeclarationData,
    *,
    principal: Principal,
    reason: str,
    nomenclature: Nomenclature,
    expected_version: int | None = None,
) -> Declaration:
    """Replaces the declared data before release, after validating it like a new lodgement."""
    decl = get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader amends its declaration; officers decide", code="FORBIDDEN")
    if expected_version is not None and expected_version != decl.version:
        raise Conflict(
            f"declaration {decl.mrn} is at version {decl.version}, not {expected_version}",
            code="CONCURRENT_UPDATE",
        )
    checked = validation.check(new_data, validation.CheckContext(nomenclature, today=uow.clock().date()))
    if checked.issues or checked.data is None:
        raise ValidationFailed([Issue(i.code, i.message, "/declaration" + i.pointer) for i in checked.issues])
    new_data = checked.data
    now = uow.clock()
    decl.amend(new_data, at=now, actor=principal.user, reason=reason)
    store.save(uow.conn, decl, now)
    uow.publish(DeclarationAmended(at=now, actor=principal.user, declaration=decl))
    if decl.lane is Lane.GREEN:
        try_release(uow, decl, actor=SYSTEM, reason="amended green-lane declaration released")
    return decl


def notifications(uow: UnitOfWork, mrn: str, principal: Principal, after: int = 0) -> list[dict[str, Any]]:
    """Returns the declaration's history as notifications the trader reads, after a given id."""
    decl = get_visible(uow, mrn, principal)
    out = []
    for entry_id, e in store.history_since(uow.conn, decl.id, after):
        if e.kind == "lane_assigned" and principal.is_trader:
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
    if principal.role not in {"declarant", "officer", "supervisor", "admin"}:
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
