"""Single window use cases: route one submission to every agency, decide, answer, gate release."""

from __future__ import annotations

import logging
import secrets
import string
import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.events import DeclarationAccepted, DeclarationAmended
from clearway.declarations.model import Declaration
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.single_window import catalog, permits, store
from clearway.single_window.model import (
    AgencyDecision,
    AppStatus,
    GoodsLine,
    Permit,
    Requirement,
    RuleSet,
    check_decision,
    needs_text,
)
from clearway.single_window.schemas import ApplicationIn, DecisionIn, ResponseIn

log = logging.getLogger(__name__)
AUTO_ACTOR = "clearway:auto"
END_USE_DOCUMENT = "END_USE"
_ALPHABET = string.ascii_uppercase + string.digits


def _new_id() -> str:
    return "SW" + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def goods_lines(decl: Declaration) -> list[GoodsLine]:
    """Returns the declaration's goods as agencies see them; end use from END_USE documents."""
    end_uses = {d.item_sequence: d.reference for d in decl.data.documents if d.type.upper() == END_USE_DOCUMENT}
    return [
        GoodsLine(
            sequence=i.sequence,
            commodity_code=i.commodity_code,
            description=i.description,
            origin_country=i.origin_country,
            procedure_code=i.procedure_code,
            quantity=i.quantity,
            unit=i.unit,
            net_mass=i.net_mass,
            end_use=end_uses.get(i.sequence, end_uses.get(None)),
        )
        for i in decl.data.goods_items
    ]


def _needs(rules: Sequence[Requirement]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for r in rules:
        for n in r.needs:
            item = {"kind": n.kind, "name": n.name}
            if item not in out:
                out.append(item)
    return out


def _new_app(
    uow: UnitOfWork,
    *,
    agency: str,
    mrn: str | None,
    source: str,
    importer_id: str,
    applicant_id: str,
    rules: Sequence[Requirement],
    lines: Sequence[GoodsLine],
    actor: str,
    role: str,
    note: str = "",
) -> dict[str, Any]:
    now = uow.clock()
    values: dict[str, Any] = {
        "id": _new_id(),
        "agency": agency,
        "mrn": mrn,
        "source": source,
        "importer_id": importer_id,
        "applicant_id": applicant_id,
        "status": AppStatus.SUBMITTED.value,
        "goods": [permits.line_to_json(line) for line in lines],
        "rules": [{"id": r.rule_id, "version": r.version} for r in rules],
        "needs": _needs(rules),
        "submitted_at": now,
        "decided_at": None,
        "decided_by": None,
        "automated": False,
        "decision_ms": None,
        "message": note or None,
        "conditions": [],
        "reasons": [],
        "permit_number": None,
        "version": 1,
        "updated_at": now,
    }
    store.insert_application(uow.conn, values)
    what = f"declaration {mrn}" if mrn else "application filed ahead of shipment"
    _event(uow, values["id"], "submitted", actor, role, f"{what}: items {_seqs(lines)}")
    return values


def _seqs(lines: Sequence[GoodsLine]) -> str:
    return ", ".join(str(line.sequence) for line in lines)


def _event(uow: UnitOfWork, app_id: str, kind: str, actor: str, role: str, message: str, **data: Any) -> None:
    store.add_app_event(uow.conn, app_id, kind=kind, at=uow.clock(), actor=actor, role=role, message=message, data=data)


def route_declaration(uow: UnitOfWork, cache: dict[str, Any], decl: Declaration) -> list[str]:
    """Creates one application per agency that must act on the declaration (not yet routed); returns them."""
    rules = catalog.ruleset(uow, cache)
    if not rules.requirements:
        return []
    started = time.perf_counter()
    on = (decl.accepted_at or decl.lodged_at).date()
    lines = goods_lines(decl)
    routing = rules.route(lines, on)
    existing = {a["agency"] for a in store.applications_for_mrn(uow.conn, decl.mrn)}
    new = [a for a in routing.agencies if a not in existing]
    record = store.get_routing(uow.conn, decl.mrn)
    if record is None:
        store.insert_routing(
            uow.conn,
            {
                "mrn": decl.mrn,
                "importer_id": decl.data.importer.id,
                "declarant_id": decl.declarant_id,
                "agencies": sorted(existing | set(new)),
                "routed_at": uow.clock(),
                "released_at": None,
            },
        )
    elif new:
        store.update_routing(uow.conn, decl.mrn, agencies=sorted(set(record["agencies"]) | set(new)))
    if not new:
        return []
    decided = []
    for agency in new:
        reqs, agency_lines = routing.by_agency[agency]
        app = _new_app(
            uow,
            agency=agency,
            mrn=decl.mrn,
            source="declaration",
            importer_id=decl.data.importer.id,
            applicant_id=decl.declarant_id,
            rules=reqs,
            lines=agency_lines,
            actor=declarations.SYSTEM,
            role="system",
        )
        if _decide_automatically(uow, rules, app, decl, reqs, agency_lines, on, started):
            decided.append(agency)
    labels = ", ".join(rules.agencies[a].label for a in new)
    declarations.record_event(
        uow,
        decl,
        "agencies_routed",
        actor="single-window",
        role="system",
        reason=f"routed to {labels}" + (f"; decided automatically: {', '.join(decided)}" if decided else ""),
        data={"agencies": new, "automated": decided},
    )
    return new


def _decide_automatically(
    uow: UnitOfWork,
    rules: RuleSet,
    app: dict[str, Any],
    decl: Declaration,
    reqs: Sequence[Requirement],
    lines: Sequence[GoodsLine],
    on: date,
    started: float,
) -> bool:
    """Clears an application under a permit the declaration cites, or a standing licence the agency accepts."""
    agency = rules.agencies[app["agency"]]
    cited = _cited_permits(uow, decl, app, lines, on)
    if cited:
        covered = {line.sequence for _, used in cited for line in used}
        if covered != {line.sequence for line in lines}:
            _event(uow, app["id"], "permit_drawn", AUTO_ACTOR, "system", f"permits cited for items {sorted(covered)}")
            return False
        numbers = ", ".join(p.number for p, _ in cited)
        _approve_auto(uow, app, started, f"cleared under {numbers} cited in the declaration", numbers)
        return True
    if not agency.automated_decisions or any(r.auto != "standing_licence" for r in reqs):
        return False
    for licence in store.standing_permits(uow.conn, app["importer_id"], agency.code):
        if not licence.valid_on(on) or not all(licence.covers(line) for line in lines):
            continue
        if any(line.quantity_in(licence.unit) is None for line in lines if licence.unit is not None):
            continue
        if not permits.try_draw(uow, licence, lines, mrn=decl.mrn, app_id=app["id"], actor=AUTO_ACTOR):
            continue
        _approve_auto(
            uow,
            app,
            started,
            f"importer {app['importer_id']} is pre-approved: standing {licence.kind} {licence.number} "
            f"valid to {licence.valid_to}",
            licence.number,
        )
        return True
    return False


def _cited_permits(
    uow: UnitOfWork, decl: Declaration, app: dict[str, Any], lines: Sequence[GoodsLine], on: date
) -> list[tuple[Permit, list[GoodsLine]]]:
    docs = list(enumerate(decl.data.documents))
    found = {p.number: p for p in store.permits_by_numbers(uow.conn, [d.reference for _, d in docs])}
    out = []
    issues: list[Issue] = []
    for index, doc in docs:
        permit = found.get(doc.reference)
        if permit is None or permit.agency != app["agency"]:
            continue
        at = f"/documents/{index}/reference"
        used = [line for line in lines if doc.item_sequence in (None, line.sequence)]
        outside = [line for line in used if not permit.covers(line)]
        if permit.holder_id != decl.data.importer.id:
            issues.append(Issue("PERMIT_HOLDER", f"permit {permit.number} was issued to {permit.holder_id}", at))
        elif not permit.valid_on(on):
            issues.append(
                Issue(
                    "PERMIT_NOT_VALID",
                    f"permit {permit.number} is valid {permit.valid_from}–{permit.valid_to}"
                    + (" and revoked" if permit.revoked else ""),
                    at,
                )
            )
        elif outside:
            issues.append(
                Issue(
                    "PERMIT_OUT_OF_SCOPE",
                    f"permit {permit.number} covers {', '.join(str(s) for s in permit.hs)}, not item(s) "
                    + ", ".join(f"{line.sequence} ({line.commodity_code})" for line in outside),
                    at,
                )
            )
        else:
            out.append((permit, used))
    if issues:
        raise ValidationFailed(issues)
    for permit, used in out:
        permits.draw(uow, permit, used, mrn=decl.mrn, app_id=app["id"], actor=AUTO_ACTOR)
    return out


def _approve_auto(uow: UnitOfWork, app: dict[str, Any], started: float, why: str, permit_number: str) -> None:
    ms = (time.perf_counter() - started) * 1000
    message = f"decided automatically in {ms:.2f} ms: {why}"
    values = {
        "status": AppStatus.APPROVED.value,
        "decided_at": uow.clock(),
        "decided_by": AUTO_ACTOR,
        "automated": True,
        "decision_ms": ms,
        "message": message,
        "permit_number": permit_number,
        "updated_at": uow.clock(),
    }
    store.save_application(uow.conn, app["id"], app["version"], values)
    app.update(values, version=app["version"] + 1)
    _event(uow, app["id"], "approved", AUTO_ACTOR, "system", message, automated=True, ms=round(ms, 3))


def apply(uow: UnitOfWork, cache: dict[str, Any], principal: Principal, data: ApplicationIn) -> dict[str, Any]:
    """Files an application to one agency ahead of shipment; refuses unknown agencies and goods it does not control."""
    if not principal.is_trader or principal.party_id is None:
        raise Forbidden("only a trader files applications")
    rules = catalog.ruleset(uow, cache)
    agency = rules.agencies.get(data.agency)
    if agency is None:
        known = ", ".join(sorted(rules.agencies)) or "none loaded"
        raise ValidationFailed([Issue("AGENCY_UNKNOWN", f"no agency '{data.agency}'; agencies: {known}", "/agency")])
    lines = [
        GoodsLine(
            g.sequence,
            g.commodity_code,
            g.description,
            g.origin_country.upper(),
            g.procedure_code,
            g.quantity,
            g.unit.upper(),
            g.net_mass,
            g.end_use,
        )
        for g in data.goods
    ]
    today = uow.clock().date()
    matched = rules.route(lines, today, only_agency=agency.code).by_agency.get(agency.code)
    hit = {line.sequence for line in matched[1]} if matched else set()
    issues = []
    for i, line in enumerate(lines):
        if line.sequence not in hit:
            others = rules.route([line], today).agencies
            hint = f"; it is controlled by {', '.join(others)}" if others else "; no agency controls it"
            issues.append(
                Issue(
                    "GOODS_OUT_OF_SCOPE",
                    f"{agency.code} does not control {line.commodity_code}{hint}",
                    f"/goods/{i}/commodity_code",
                )
            )
    if len({line.sequence for line in lines}) != len(lines):
        issues.append(Issue("SEQUENCE_DUPLICATE", "goods sequences must be unique", "/goods"))
    if issues or matched is None:
        raise ValidationFailed(issues)
    return _new_app(
        uow,
        agency=agency.code,
        mrn=None,
        source="pre_shipment",
        importer_id=data.importer_id,
        applicant_id=principal.party_id,
        rules=matched[0],
        lines=lines,
        actor=principal.user,
        role=principal.role,
        note=data.note,
    )


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
    _event(
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
            declarations.try_release(uow, decl, actor="single-window", reason="every agency has approved")
    app.update(values, version=app["version"] + 1)
    return app


def _summary(label: str, status: AppStatus, values: dict[str, Any]) -> str:
    if status is AppStatus.APPROVED:
        conditions = values["conditions"]
        return f"{label} approved" + (f" with conditions: {'; '.join(conditions)}" if conditions else "")
    if status is AppStatus.REFUSED:
        return f"{label} refused: {'; '.join(values['reasons'])}"
    return f"{label} requests information: {values['message']}"


def _all_approved(uow: UnitOfWork, mrn: str) -> bool:
    return all(str(a["status"]) == AppStatus.APPROVED.value for a in store.applications_for_mrn(uow.conn, mrn))


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
    _event(uow, app_id, "response", principal.user, principal.role, data.message, documents=docs)
    app.update(values, version=app["version"] + 1)
    return app


def blockers(uow: UnitOfWork, cache: dict[str, Any], decl: Declaration) -> list[str]:
    """Says precisely which agencies still block release, and what each is missing."""
    apps = store.applications_for_mrn(uow.conn, decl.mrn)
    rules = catalog.ruleset(uow, cache)
    if not apps and not rules.requirements:
        return []
    out = []
    for app in apps:
        agency = rules.agencies.get(app["agency"])
        label = agency.label if agency else app["agency"]
        if app["status"] == AppStatus.SUBMITTED.value:
            out.append(f"{label} has not approved: {needs_text(app['needs'])}")
        elif app["status"] == AppStatus.INFO_REQUESTED.value:
            out.append(f"{label} has requested information: {app['message']}")
        elif app["status"] == AppStatus.REFUSED.value:
            out.append(f"{label} refused: {'; '.join(app['reasons'])}")
    if _routing_pending(uow, decl):
        routing = rules.route(goods_lines(decl), (decl.accepted_at or decl.lodged_at).date())
        routed = {a["agency"] for a in apps}
        for code in routing.agencies:
            if code not in routed:
                reqs, _ = routing.by_agency[code]
                out.append(f"{rules.agencies[code].label} has not approved: {needs_text(_needs(reqs))}")
    return out


def _routing_pending(uow: UnitOfWork, decl: Declaration) -> bool:
    """Tells whether this transaction accepted or amended the declaration and routing has not run yet."""
    submitted = any(
        isinstance(e, (DeclarationAccepted, DeclarationAmended)) and e.declaration.mrn == decl.mrn for e in uow.events
    )
    if not submitted:
        return False
    record = store.get_routing(uow.conn, decl.mrn)
    return record is None or any(isinstance(e, DeclarationAmended) for e in uow.events)


def window(uow: UnitOfWork, cache: dict[str, Any], mrn: str, principal: Principal) -> dict[str, Any]:
    """Returns every agency's status for a declaration the caller may see, and what still blocks release."""
    decl = declarations.get_visible(uow, mrn, principal)
    record = store.get_routing(uow.conn, decl.mrn)
    open_status = decl.status.value in {"01", "05", "06", "07"}
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
