"""Single window use cases: see applications, decide, answer requests, gate release, show one window."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.platform import approvals
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.single_window import catalog, permits, phrases, routing, store
from clearway.single_window.model import (
    AgencyDecision,
    AppStatus,
    check_decision,
    needs_text,
)
from clearway.single_window.schemas import DecisionIn, ResponseIn

log = logging.getLogger(__name__)
RETIRE_KIND = "single_window.requirement.retire"


def can_see(principal: Principal, app: dict[str, Any]) -> bool:
    """Tells whether the caller may see an application: its agency, its trader, customs officials."""
    if principal.role in permits.OFFICIALS:
        return True
    if principal.role == "agency":
        return principal.agency == str(app["agency"])
    return principal.is_trader and principal.party_id in {app["importer_id"], app["applicant_id"]}


def get_visible(uow: UnitOfWork, app_id: str, principal: Principal) -> dict[str, Any]:
    """Loads an application the caller may see; anyone else's answers 404."""
    app = store.get_application(uow.conn, app_id)
    if app is None or not can_see(principal, app):
        raise NotFound(f"no application {app_id}")
    return app


def history(uow: UnitOfWork, app_id: str) -> list[dict[str, Any]]:
    """Returns an application's history."""
    return store.application_events(uow.conn, app_id)


def list_visible(
    uow: UnitOfWork, principal: Principal, *, status: str | None, agency: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Lists applications: an agency's queue, a trader's own, or all for customs officials."""
    if principal.role == "agency":
        return store.list_applications(uow.conn, agency=principal.agency, status=status, limit=limit, offset=offset)
    if principal.is_trader:
        return store.list_applications(
            uow.conn, agency=agency, party_id=principal.party_id, status=status, limit=limit, offset=offset
        )
    if principal.role in permits.OFFICIALS:
        return store.list_applications(uow.conn, agency=agency, status=status, limit=limit, offset=offset)
    return [], 0


def decide(
    uow: UnitOfWork, cache: dict[str, Any], app_id: str, principal: Principal, data: DecisionIn
) -> dict[str, Any]:
    """Records an agency user's decision; when the last agency approves, asks customs to release."""
    app = get_visible(uow, app_id, principal)
    if principal.role != "agency":
        raise Forbidden("only the agency's own users decide its applications")
    if data.expected_version is not None and data.expected_version != app["version"]:
        raise Conflict(
            f"application {app_id} is at version {app['version']}, not {data.expected_version}: reload it",
            code="CONCURRENT_UPDATE",
        )
    decision = AgencyDecision(data.decision)
    status = check_decision(AppStatus(app["status"]), decision, data.message, data.reasons)
    if data.permit is not None and decision is not AgencyDecision.APPROVE:
        raise ValidationFailed([Issue("PERMIT_WITHOUT_APPROVAL", "only an approval grants a permit", "/permit")])
    now = uow.clock()
    final = status in {AppStatus.APPROVED, AppStatus.REFUSED}
    values: dict[str, Any] = {
        "status": status.value,
        "decided_at": now if final else None,
        "decided_by": principal.user if final else None,
        "message": data.message or None,
        "conditions": [c for c in data.conditions if c.strip()],
        "reasons": [r for r in data.reasons if r.strip()],
        "updated_at": now,
    }
    if data.permit is not None:
        permit, lines = permits.grant(uow, app, data.permit, actor=principal.user)
        values["permit_number"] = permit.number
        if app["mrn"] is not None:
            permits.draw(uow, permit, lines, mrn=app["mrn"], app_id=app_id, actor=principal.user)
    if not store.save_application(uow.conn, app_id, app["version"], values):
        raise Conflict(f"application {app_id} was changed meanwhile; reload it", code="CONCURRENT_UPDATE")
    agency = catalog.get_agency(uow, cache, app["agency"])
    summary = _summary(agency.label, status, values)
    entry = routing.event_row(
        uow,
        app_id,
        status.value,
        principal.user,
        principal.role,
        summary,
        automated=False,
        conditions=values["conditions"],
        reasons=values["reasons"],
        permit=values.get("permit_number"),
    )
    store.add_app_events(uow.conn, [entry])
    if app["mrn"] is not None:
        decl = declarations.get(uow, app["mrn"])
        declarations.record_event(
            uow,
            decl,
            "agency_decision",
            actor=principal.user,
            role="agency",
            reason=summary,
            data={"agency": agency.code, "application": app_id, "status": status.value},
        )
        if status is AppStatus.APPROVED and _all_approved(uow, app["mrn"]):
            declarations.try_release(uow, decl, actor="single-window", reason=phrases.ALL_APPROVED())
    app.update(values, version=app["version"] + 1)
    return app


def _summary(label: str, status: AppStatus, values: dict[str, Any]) -> str:
    if status is AppStatus.APPROVED:
        conditions = values["conditions"]
        if conditions:
            return phrases.APPROVED_WITH(agency=label, conditions="; ".join(conditions))
        return phrases.APPROVED(agency=label)
    if status is AppStatus.REFUSED:
        return phrases.REFUSED(agency=label, reasons="; ".join(values["reasons"]))
    return phrases.REQUESTS(agency=label, message=values["message"])


def _all_approved(uow: UnitOfWork, mrn: str) -> bool:
    return all(str(a["status"]) == AppStatus.APPROVED.value for a in store.application_states(uow.conn, mrn))


def respond(uow: UnitOfWork, app_id: str, principal: Principal, data: ResponseIn) -> dict[str, Any]:
    """Records the trader's answer to a request for information and puts the application back in the queue."""
    app = get_visible(uow, app_id, principal)
    if not principal.is_trader:
        raise Forbidden("only the trader answers an agency's request")
    if app["status"] != AppStatus.INFO_REQUESTED.value:
        raise Conflict(f"application {app_id} is {app['status']}; nothing was requested", code="NO_REQUEST")
    values = {"status": AppStatus.SUBMITTED.value, "updated_at": uow.clock()}
    if not store.save_application(uow.conn, app_id, app["version"], values):
        raise Conflict(f"application {app_id} was changed meanwhile; reload it", code="CONCURRENT_UPDATE")
    docs = [d.model_dump() for d in data.documents]
    store.add_app_events(
        uow.conn,
        [routing.event_row(uow, app_id, "response", principal.user, principal.role, data.message, documents=docs)],
    )
    app.update(values, version=app["version"] + 1)
    return app


def blockers(uow: UnitOfWork, cache: dict[str, Any], decl: Declaration) -> list[str]:
    """Says precisely which agencies still block release, and what each is missing."""
    return blockers_many(uow, cache, [decl])[decl.mrn]


def blockers_many(uow: UnitOfWork, cache: dict[str, Any], decls: list[Declaration]) -> dict[str, list[str]]:
    """Says what blocks release for several declarations at once (one query for all): MRN -> blockers."""
    states = store.application_states_many(uow.conn, [d.mrn for d in decls]) if decls else {}
    rules = catalog.ruleset(uow, cache)
    out: dict[str, list[str]] = {}
    for decl in decls:
        found = []
        for app in states.get(decl.mrn, []):
            agency = rules.agencies.get(app["agency"])
            label = agency.label if agency else app["agency"]
            if app["status"] == AppStatus.SUBMITTED.value:
                found.append(phrases.NOT_APPROVED(agency=label, needs=needs_text(app["needs"])))
            elif app["status"] == AppStatus.INFO_REQUESTED.value:
                found.append(phrases.REQUESTED(agency=label, message=app["message"]))
            elif app["status"] == AppStatus.REFUSED.value:
                found.append(phrases.REFUSED(agency=label, reasons="; ".join(app["reasons"])))
        out[decl.mrn] = found
    return out


def request_retirement(
    uow: UnitOfWork, cache: dict[str, Any], rule_id: str, effective_to: date, principal: Principal, reason: str
) -> approvals.ChangeRequest:
    """Files the end of a requirement for a second person's approval; nothing ends until it is approved."""
    if not any(r.rule_id == rule_id for r in catalog.requirements(uow, cache, agency=None, on=None, history=True)):
        raise NotFound(f"no requirement '{rule_id}'")
    return approvals.request(
        uow,
        kind=RETIRE_KIND,
        target=f"requirement:{rule_id}",
        payload={"rule_id": rule_id, "effective_to": effective_to.isoformat()},
        principal=principal,
        reason=reason,
    )


def window(uow: UnitOfWork, cache: dict[str, Any], mrn: str, principal: Principal) -> dict[str, Any]:
    """Returns every agency's status for a declaration the caller may see, and what still blocks release."""
    decl = declarations.get_visible(uow, mrn, principal)
    record = store.get_routing(uow.conn, decl.mrn)
    open_status = decl.is_open
    return {
        "declaration": decl,
        "routed_at": record["routed_at"] if record else None,
        "applications": store.applications_for_mrn(uow.conn, decl.mrn),
        "blockers": declarations.release_blockers(uow, decl) if open_status else [],
        "agencies": catalog.ruleset(uow, cache).agencies,
    }


def mark_released(uow: UnitOfWork, mrn: str, at: datetime) -> None:
    """Records the release time of a routed declaration (the end of the Time Release Study clock)."""
    if store.get_routing(uow.conn, mrn) is not None:
        store.update_routing(uow.conn, mrn, released_at=at)
