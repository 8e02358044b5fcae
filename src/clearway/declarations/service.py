"""Use cases of the clearance core: lodge, read, decide, amend, notify. Services never commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import codec, phrases, rules, store, validation
from clearway.declarations.events import (
    ControlResultRecorded,
    DeclarationAmended,
    DeclarationCompleted,
    DeclarationDecided,
    DeclarationReleased,
)
from clearway.declarations.model import (
    RISK_KINDS,
    Decision,
    Declaration,
    DeclarationData,
    Finding,
    HistoryEntry,
    Lane,
    Role,
    Status,
)
from clearway.declarations.ports import Assessment, BatchReleaseGate, ReleaseGate, Routing
from clearway.mandates import service as mandates_service
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
SYSTEM = "clearway"


@dataclass(frozen=True)
class LodgeResult:
    """The outcome of a lodgement: the declaration and whether it was a replay of an earlier one."""

    declaration: Declaration
    replayed: bool
    # Accepted, but to be looked at: party ids with a wrong check digit (``CLEARWAY_PARTY_ID_CHECK_DIGITS=warn``).
    warnings: tuple[Issue, ...] = ()


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


def get_many(uow: UnitOfWork, mrns: Sequence[str]) -> dict[str, Declaration]:
    """Loads several declarations with their history in two queries (the platform's own use, like ``get``)."""
    return store.get_many(uow.conn, [m.upper() for m in mrns])


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


def amend(
    uow: UnitOfWork,
    mrn: str,
    new_data: DeclarationData,
    *,
    principal: Principal,
    reason: str,
    nomenclature: Nomenclature,
    expected_version: int | None = None,
    media_type: str = "application/json",
    message: str | None = None,
    party_ids: CheckDigits = "warn",
) -> Declaration:
    """Replaces the declared data before any control, after validating it like a new lodgement.

    The previous version stays (``declaration_versions``), the history lists every changed field with its old
    and new value, and the declaration is assessed and routed again; a green one is released if nothing blocks.
    """
    decl = get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader amends its declaration; officers decide", code="FORBIDDEN")
    if expected_version is not None and expected_version != decl.version:
        raise Conflict(
            f"declaration {decl.mrn} is at version {decl.version}, not {expected_version}",
            code="CONCURRENT_UPDATE",
        )
    decl.ensure_amendable()
    new_data, warnings = _check_replacement(uow, principal, new_data, nomenclature, party_ids)
    now = uow.clock()
    old_document = codec.to_json(decl.data)
    if old_document.get("extensions") and not new_data.extensions:
        # A JSON amendment of an XML-lodged declaration keeps the data of the original message it does not cover.
        new_data = replace(new_data, extensions=decl.data.extensions)
    new_document = codec.to_json(new_data)
    changes = codec.field_changes(old_document, new_document)
    decl.amend(new_data, at=now, actor=principal.user, reason=reason, changes=changes)
    record_party_id_warnings(decl, warnings, at=now)
    store.save(uow.conn, decl, now)
    store.add_version(
        uow.conn,
        decl,
        kind="amended",
        media_type=media_type,
        message=message,
        document=new_document,
        payload_hash=codec.payload_hash(new_document),
        at=now,
        actor=principal.user,
        reason=reason,
    )
    for assessment in uow.ports.all(Assessment):
        assessment.assess(uow, decl)
    for routing in uow.ports.all(Routing):
        routing.route(uow, decl)
    store.flush_history(uow.conn, decl)
    uow.publish(DeclarationAmended.of(decl, at=now, actor=principal.user, changes=tuple(changes)))
    if decl.lane is Lane.GREEN:
        try_release(uow, decl, actor=SYSTEM, reason=phrases.AMENDED_RELEASED())
    return decl


def complete(
    uow: UnitOfWork,
    mrn: str,
    new_data: DeclarationData,
    *,
    principal: Principal,
    reason: str,
    nomenclature: Nomenclature,
    media_type: str = "application/json",
    party_ids: CheckDigits = "warn",
) -> Declaration:
    """Completes a declaration accepted provisionally, before or after release, with data that passes validation.

    The complete data is validated like a new lodgement (no relief this time), kept as a new version, assessed
    again; the history lists every changed field. An amendment before release completes it as well.
    """
    decl = get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader completes its declaration", code="FORBIDDEN")
    new_data, warnings = _check_replacement(uow, principal, new_data, nomenclature, party_ids)
    now = uow.clock()
    old_document = codec.to_json(decl.data)
    new_document = codec.to_json(new_data)
    changes = codec.field_changes(old_document, new_document)
    decl.complete(new_data, at=now, actor=principal.user, reason=reason, changes=changes)
    record_party_id_warnings(decl, warnings, at=now)
    store.save(uow.conn, decl, now)
    store.add_version(
        uow.conn,
        decl,
        kind="completed",
        media_type=media_type,
        message=None,
        document=new_document,
        payload_hash=codec.payload_hash(new_document),
        at=now,
        actor=principal.user,
        reason=reason,
    )
    for assessment in uow.ports.all(Assessment):
        assessment.assess(uow, decl)
    store.flush_history(uow.conn, decl)
    uow.publish(DeclarationCompleted.of(decl, at=now, actor=principal.user, changes=tuple(changes)))
    if decl.lane is Lane.GREEN:
        try_release(uow, decl, actor=SYSTEM, reason=phrases.COMPLETED_RELEASED())
    return decl


def _check_replacement(
    uow: UnitOfWork, principal: Principal, new_data: DeclarationData, nomenclature: Nomenclature, party_ids: CheckDigits
) -> tuple[DeclarationData, list[Issue]]:
    """Validates the new data of an amendment or completion like a lodgement (no relief), with the parties' mandates.

    Returns the checked data and its party-id warnings; any issue refuses it, located under ``/declaration``.
    """
    mandate_issues = mandates_service.check_declaration_parties(uow, principal, new_data)
    checked = validation.check(
        new_data, validation.CheckContext(nomenclature, today=uow.clock().date(), party_ids=party_ids)
    )
    issues = mandate_issues + checked.issues
    if issues or checked.data is None:
        raise ValidationFailed([Issue(i.code, i.message, "/declaration" + i.pointer) for i in issues])
    return checked.data, checked.warnings


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
