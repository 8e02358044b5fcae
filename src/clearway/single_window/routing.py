"""One submission, every agency: route a declaration (or an application ahead of shipment) and decide clear cases."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clearway.core.issues import Forbidden, Issue, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.single_window import catalog, permit_store, permits, phrases, store
from clearway.single_window.model import AppStatus, GoodsLine, Permit, Requirement, RuleSet
from clearway.single_window.schemas import ApplicationIn

AUTO_ACTOR = "clearway:auto"
END_USE_DOCUMENT = "END_USE"


@dataclass(frozen=True)
class Outcome:
    """An automated decision: the permit or licence it relied on and why."""

    permit_number: str
    why: str


def new_id() -> str:
    """Returns a fresh application id, e.g. SW7K2QX9A1B3C4."""
    return "SW" + base64.b32encode(secrets.token_bytes(10)).decode()[:12]


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


def needs_of(rules: Sequence[Requirement]) -> list[dict[str, str]]:
    """Returns what the matched rules need, without repeats."""
    out: list[dict[str, str]] = []
    for r in rules:
        for n in r.needs:
            item = {"kind": n.kind, "name": n.name}
            if item not in out:
                out.append(item)
    return out


def event_row(
    uow: UnitOfWork, app_id: str, kind: str, actor: str, role: str, message: str, **data: Any
) -> dict[str, Any]:
    """Builds an application history entry."""
    return {
        "application_id": app_id,
        "kind": kind,
        "at": uow.clock(),
        "actor": actor,
        "role": role,
        "message": message,
        "data": data,
    }


def _app_row(
    uow: UnitOfWork,
    *,
    app_id: str,
    agency: str,
    mrn: str | None,
    source: str,
    importer_id: str,
    applicant_id: str,
    rules: Sequence[Requirement],
    lines: Sequence[GoodsLine],
    note: str = "",
) -> dict[str, Any]:
    now = uow.clock()
    return {
        "id": app_id,
        "agency": agency,
        "mrn": mrn,
        "source": source,
        "importer_id": importer_id,
        "applicant_id": applicant_id,
        "status": AppStatus.SUBMITTED.value,
        "goods": [permits.line_to_json(line) for line in lines],
        "rules": [{"id": r.rule_id, "version": r.version} for r in rules],
        "needs": needs_of(rules),
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


def route_declaration(uow: UnitOfWork, cache: dict[str, Any], decl: Declaration) -> list[str]:
    """Creates one application per agency that must act on the declaration (not yet routed); returns them.

    Applications the agency lets the platform decide (a cited permit, or a standing licence of a
    pre-approved importer) are approved at once, and their record says so and how long it took.
    """
    rules = catalog.ruleset(uow, cache)
    if not rules.requirements:
        return []
    on = (decl.accepted_at or decl.lodged_at).date()
    routing = rules.route(goods_lines(decl), on)
    record = store.get_routing(uow.conn, decl.mrn)
    existing = {a["agency"] for a in store.applications_for_mrn(uow.conn, decl.mrn)} if record else set()
    new = [a for a in routing.agencies if a not in existing]
    if record is None:
        store.insert_routing(
            uow.conn,
            {
                "mrn": decl.mrn,
                "importer_id": decl.data.importer.id,
                "declarant_id": decl.declarant_id,
                "agencies": new,
                "routed_at": uow.clock(),
                "released_at": None,
            },
        )
    elif new:
        store.update_routing(uow.conn, decl.mrn, agencies=sorted(set(record["agencies"]) | set(new)))
    if not new:
        return []
    ids = {agency: new_id() for agency in new}
    cited = _cited_permits(uow, decl, {a: routing.by_agency[a][1] for a in new}, ids, on)
    licences = (
        permit_store.standing_permits(uow.conn, decl.data.importer.id) if permits.lodger_may_use(uow, decl) else []
    )
    apps: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    draws: list[dict[str, Any]] = []
    decided: list[str] = []
    for agency in new:
        started = time.perf_counter()
        reqs, lines = routing.by_agency[agency]
        app = _app_row(
            uow,
            app_id=ids[agency],
            agency=agency,
            mrn=decl.mrn,
            source="declaration",
            importer_id=decl.data.importer.id,
            applicant_id=decl.declarant_id,
            rules=reqs,
            lines=lines,
        )
        events.append(
            event_row(uow, app["id"], "submitted", declarations.SYSTEM, "system", phrases.SUBMITTED(mrn=decl.mrn))
        )
        outcome = cited[agency] if agency in cited else _standing(uow, rules, app, reqs, lines, licences, on, draws)
        if outcome is not None:
            ms = (time.perf_counter() - started) * 1000
            message = phrases.AUTOMATED(ms=f"{ms:.2f}", why=outcome.why)
            app.update(
                status=AppStatus.APPROVED.value,
                decided_at=uow.clock(),
                decided_by=AUTO_ACTOR,
                automated=True,
                decision_ms=ms,
                message=message,
                permit_number=outcome.permit_number,
            )
            events.append(event_row(uow, app["id"], "approved", AUTO_ACTOR, "system", message, automated=True))
            decided.append(agency)
        apps.append(app)
    store.insert_applications(uow.conn, apps)
    store.add_app_events(uow.conn, events)
    permit_store.add_drawdowns(uow.conn, draws)
    labels = [rules.agencies[a].label for a in new]
    declarations.record_event(
        uow,
        decl,
        "agencies_routed",
        actor="single-window",
        role="system",
        reason=phrases.ROUTED_DECIDED(agencies=labels, decided=decided) if decided else phrases.ROUTED(agencies=labels),
        data={"agencies": new, "automated": decided, "applications": ids},
    )
    return new


def _standing(
    uow: UnitOfWork,
    rules: RuleSet,
    app: dict[str, Any],
    reqs: Sequence[Requirement],
    lines: Sequence[GoodsLine],
    licences: Sequence[Permit],
    on: date,
    draws: list[dict[str, Any]],
) -> Outcome | None:
    """Approves under a standing licence when the agency and each of its rules allow it and enough is left."""
    agency = rules.agencies[app["agency"]]
    if not agency.automated_decisions or any(r.auto != "standing_licence" for r in reqs):
        return None
    for licence in licences:
        if licence.agency != agency.code or not licence.valid_on(on):
            continue
        if not all(licence.covers(line) for line in lines):
            continue
        if licence.unit is not None and any(line.quantity_in(licence.unit) is None for line in lines):
            continue
        if permits.try_draw(uow, licence, lines, mrn=app["mrn"], app_id=app["id"], actor=AUTO_ACTOR, records=draws):
            why = phrases.PRE_APPROVED(
                importer=app["importer_id"], kind=licence.kind, number=licence.number, valid_to=licence.valid_to
            )
            return Outcome(licence.number, why)
    return None


def _cited_permits(
    uow: UnitOfWork,
    decl: Declaration,
    lines_by_agency: dict[str, Sequence[GoodsLine]],
    ids: dict[str, str],
    on: date,
) -> dict[str, Outcome | None]:
    """Checks and draws the permits the declaration cites; refuses (4xx) a permit that cannot be used.

    Returns, per agency whose goods are cited, the outcome when the cited permits cover all its goods,
    None when they cover only some (the agency decides the rest by hand).
    """
    docs = list(enumerate(decl.data.documents))
    usable = permits.lodger_may_use(uow, decl)
    # Another party's permit is treated as an unknown number: it is not used and nothing about it is told.
    found = {
        p.number: p
        for p in permit_store.permits_by_numbers(uow.conn, [d.reference for _, d in docs])
        if usable and p.holder_id == decl.data.importer.id
    }
    if not found:
        return {}
    issues: list[Issue] = []
    use: list[tuple[Permit, list[GoodsLine]]] = []
    for index, doc in docs:
        permit = found.get(doc.reference)
        if permit is None or permit.agency not in lines_by_agency:
            continue
        at = f"/documents/{index}/reference"
        used = [line for line in lines_by_agency[permit.agency] if doc.item_sequence in (None, line.sequence)]
        outside = [line for line in used if not permit.covers(line)]
        if not permit.valid_on(on):
            state = " and revoked" if permit.revoked else ""
            issues.append(
                Issue(
                    "PERMIT_NOT_VALID",
                    f"permit {permit.number} is valid {permit.valid_from} to {permit.valid_to}{state}",
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
            use.append((permit, used))
    if issues:
        raise ValidationFailed(issues)
    covered: dict[str, set[int]] = {}
    numbers: dict[str, list[str]] = {}
    for permit, used in use:
        permits.draw(uow, permit, used, mrn=decl.mrn, app_id=ids[permit.agency], actor=AUTO_ACTOR)
        covered.setdefault(permit.agency, set()).update(line.sequence for line in used)
        numbers.setdefault(permit.agency, []).append(permit.number)
    return {
        agency: Outcome(
            ", ".join(numbers[agency]), f"cleared under {', '.join(numbers[agency])} cited in the declaration"
        )
        if seqs == {line.sequence for line in lines_by_agency[agency]}
        else None
        for agency, seqs in covered.items()
    }


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
    app = _app_row(
        uow,
        app_id=new_id(),
        agency=agency.code,
        mrn=None,
        source="pre_shipment",
        importer_id=data.importer_id,
        applicant_id=principal.party_id,
        rules=matched[0],
        lines=lines,
        note=data.note,
    )
    store.insert_applications(uow.conn, [app])
    message = "filed ahead of shipment" + (f": {data.note}" if data.note else "")
    store.add_app_events(uow.conn, [event_row(uow, app["id"], "submitted", principal.user, principal.role, message)])
    return app
