"""Assigning officers to the control of a declaration: the competencies the control requires, those the officer
lacks, and the supervisor's override with its reason (audited). Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from clearway.core.issues import Conflict, Issue, ValidationFailed
from clearway.declarations import service as declarations
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import users
from clearway.workforce import service, store
from clearway.workforce.access import ASSIGNABLE_ROLES, officer_role, require_assigner, require_customs
from clearway.workforce.model import Assignment, CompetencyStatus, missing_competencies, work_kind_for_lane

MIN_REASON = 10


class CompetencyMissing(Conflict):
    """The officer lacks a competency the work requires; the supervisor may proceed only with a reason."""

    code = "COMPETENCY_MISSING"

    def __init__(self, officer: str, work_kind: str, missing: list[CompetencyStatus]) -> None:
        words = ", ".join(f"{m.competency} ({m.state})" for m in missing)
        super().__init__(
            f"{officer} does not hold a current {words} required for {work_kind}; assign someone else, or "
            f"proceed with a reason (at least {MIN_REASON} characters), which is recorded"
        )
        self.officer = officer
        self.work_kind = work_kind
        self.missing = missing


@dataclass(frozen=True, slots=True)
class Check:
    """What assigning an officer to a declaration's control needs, and what the officer lacks."""

    mrn: str
    officer: str
    work_kind: str
    required: list[str]
    missing: list[CompetencyStatus]


def check(uow: UnitOfWork, principal: Principal, mrn: str, officer: str) -> Check:
    """Returns the competencies a declaration's control requires and those the officer lacks (supervisors)."""
    require_assigner(principal)
    decl = declarations.get_visible(uow, mrn, principal)
    issues = []
    if officer_role(uow, officer) not in ASSIGNABLE_ROLES:
        issues.append(Issue("OFFICER_UNKNOWN", f"no officer named {officer[:80]}", "/officer"))
    if issues:
        raise ValidationFailed(issues)
    kind = work_kind_for_lane(decl.lane.value if decl.lane else None)
    required = [c for c, _ in service.requirements(uow).get(kind, [])]
    missing = missing_competencies(store.records_of(uow.conn, officer), required, uow.clock().date())
    return Check(decl.mrn, officer, kind, required, missing)


def assign(
    uow: UnitOfWork,
    principal: Principal,
    mrn: str,
    officer: str,
    *,
    override_reason: str | None = None,
    note: str = "",
) -> Assignment:
    """Assigns an officer to a declaration's control (supervisors only).

    When the officer lacks a required current competency, raises :class:`CompetencyMissing` naming it,
    unless the supervisor gives a reason to proceed; the override and its reason are audited.
    """
    found = check(uow, principal, mrn, officer)
    reason = (override_reason or "").strip()
    if found.missing and len(reason) < MIN_REASON:
        raise CompetencyMissing(officer, found.work_kind, found.missing)
    a = Assignment(
        id=str(uuid.uuid4()),
        mrn=found.mrn,
        officer=officer,
        work_kind=found.work_kind,
        required=tuple(found.required),
        missing=tuple(m.competency for m in found.missing),
        override_reason=reason[:1000] if found.missing else None,
        assigned_by=principal.user,
        assigned_at=uow.clock(),
        note=note.strip()[:1000],
    )
    store.insert_assignment(uow.conn, a)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="workforce.assignment.override" if a.missing else "workforce.assignment.create",
        target=f"declaration:{a.mrn}",
        after={"officer": officer, "work_kind": a.work_kind, "required": a.required, "missing": a.missing},
        reason=reason if a.missing else (a.note or "assigned"),
    )
    return a


def assignments(uow: UnitOfWork, principal: Principal, mrns: list[str]) -> dict[str, list[Assignment]]:
    """Returns the assignments of some declarations (customs staff), oldest first; the last one counts."""
    require_customs(principal)
    out: dict[str, list[Assignment]] = {}
    for a in store.assignments_of(uow.conn, [m.upper() for m in mrns[:500]]):
        out.setdefault(a.mrn, []).append(a)
    return out


def assignable_officers(uow: UnitOfWork, principal: Principal) -> list[str]:
    """Returns the users a supervisor may assign (officers and supervisors), by name."""
    require_assigner(principal)
    rows = uow.conn.execute(select(users.c.name).where(users.c.role.in_(ASSIGNABLE_ROLES)).order_by(users.c.name))
    return [str(r.name) for r in rows]
