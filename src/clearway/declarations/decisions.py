"""Decisions on declarations: an officer's decision, a control's result, and release once nothing blocks it.
Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearway.core.issues import Conflict, DomainError
from clearway.declarations import phrases, store
from clearway.declarations.common import get_visible, record_event, role_of
from clearway.declarations.events import ControlResultRecorded, DeclarationDecided, DeclarationReleased
from clearway.declarations.model import Decision, Declaration, Finding, Lane, Role, Status
from clearway.declarations.ports import BatchReleaseGate, ReleaseGate
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork


def release_blockers(uow: UnitOfWork, decl: Declaration) -> list[str]:
    """Returns what still blocks release (unpaid duties, missing agency approvals…); empty when none.

    Every release gate (``ports.ReleaseGate``: tariff, single window, …) is asked, in the bootstrap's order.
    """
    return [blocker for gate in uow.ports.all(ReleaseGate) for blocker in gate.blockers(uow, decl)]


def release_blockers_many(uow: UnitOfWork, decls: Sequence[Declaration]) -> dict[str, list[str]]:
    """Returns what blocks release for each of several declarations (MRN -> blockers), one query per gate
    where the gate answers in batch (``ports.BatchReleaseGate``), else declaration by declaration."""
    out: dict[str, list[str]] = {d.mrn: [] for d in decls}
    for gate in uow.ports.all(ReleaseGate):
        if isinstance(gate, BatchReleaseGate):
            found = gate.blockers_many(uow, decls)
            for d in decls:
                out[d.mrn].extend(found.get(d.mrn, []))
        else:
            for d in decls:
                out[d.mrn].extend(gate.blockers(uow, d))
    return out


def control_cleared(decl: Declaration) -> bool:
    """Tells whether a declaration under control (05, 06) has its result recorded since the control began, and
    the result found no discrepancy: then only release blockers (duties, agencies) still hold the goods."""
    controls = {Status.PHYSICAL_CHECK, Status.DOCUMENTS_REQUIRED}
    if decl.status not in controls:
        return False
    started = max((i for i, e in enumerate(decl.history) if e.status_to in controls), default=-1)
    results = [e for e in decl.history[started + 1 :] if e.kind == "control_result"]
    return bool(results) and results[-1].data.get("result") == "no_discrepancy"


def try_release(uow: UnitOfWork, decl: Declaration, *, actor: str, reason: str) -> bool:
    """Releases a green-lane declaration, or a controlled one whose control found no discrepancy, once nothing
    blocks it (whatever cleared the last blocker: the bank's settlement, an agency's approval); tells whether
    it did."""
    if decl.status in {Status.ACCEPTED, Status.AMENDED}:
        if decl.lane is not Lane.GREEN:
            return False
    elif not control_cleared(decl):
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
    uow.publish(DeclarationDecided.of(decl, at=now, actor=actor, decision=decision.value))
    if decision is Decision.RELEASE:
        uow.publish(DeclarationReleased.of(decl, at=now, actor=actor))


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
            reason=(
                phrases.NO_DISCREPANCY if Finding(findings["result"]) is Finding.NO_DISCREPANCY else phrases.DISCREPANCY
            )(),
            data=findings,
        )
        store.flush_history(uow.conn, decl)
        uow.publish(ControlResultRecorded.of(decl, at=uow.clock(), actor=principal.user, findings=findings))
    return decl


def record_control_result(
    uow: UnitOfWork,
    mrn: str,
    findings: dict[str, Any],
    *,
    principal: Principal,
    reason: str,
    expected_version: int | None = None,
) -> tuple[Declaration, bool]:
    """Records what a documentary or physical control found, on its own.

    With no discrepancy and nothing blocking release, the goods are released at once; otherwise the declaration
    stays under control with the result recorded (an officer decides next). Returns (declaration, released).
    """
    decl = get_visible(uow, mrn, principal)
    if principal.role not in {"officer", "supervisor"}:
        raise DomainError("only customs officers record control results", code="FORBIDDEN")
    if expected_version is not None and expected_version != decl.version:
        raise Conflict(
            f"declaration {decl.mrn} is at version {decl.version}, not {expected_version}", code="CONCURRENT_UPDATE"
        )
    if decl.status not in {Status.PHYSICAL_CHECK, Status.DOCUMENTS_REQUIRED}:
        raise DomainError(
            "findings are recorded only during a documentary or physical check", code="FINDINGS_WITHOUT_CONTROL"
        )
    if findings.get("result") == "no_discrepancy" and not release_blockers(uow, decl):
        released = decide(
            uow,
            mrn,
            Decision.RELEASE,
            principal=principal,
            reason=reason,
            expected_version=expected_version,
            findings=findings,
        )
        return released, True
    record_event(
        uow, decl, "control_result", actor=principal.user, role=role_of(principal), reason=reason, data=findings
    )
    uow.publish(ControlResultRecorded.of(decl, at=uow.clock(), actor=principal.user, findings=findings))
    return decl, False
