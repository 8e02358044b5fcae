"""Permits, licences and certificates: issue within the agency's scope, draw down without overdraw."""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations.model import Declaration
from clearway.mandates import service as mandates_service
from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.db import UnitOfWork
from clearway.single_window import catalog, permit_store
from clearway.single_window.model import GoodsLine, HsSpec, Permit, RuleSet, from_milli, to_milli
from clearway.single_window.schemas import PermitGrantIn, PermitIn

_ALPHABET = string.ascii_uppercase + string.digits
OFFICIALS = frozenset(CUSTOMS_STAFF)


def new_number(agency: str, on: date) -> str:
    """Returns a fresh permit number, e.g. SENASA-26-7K2QX9."""
    return f"{agency}-{on:%y}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def _scope_issues(rules: RuleSet, agency: str, specs: Sequence[HsSpec], on: date, at: str) -> list[Issue]:
    scope = rules.scope(agency, on)
    issues = []
    for i, spec in enumerate(specs):
        if not spec.within_any(scope):
            controlled = ", ".join(sorted({str(s) for s in scope})) or "nothing"
            issues.append(
                Issue(
                    "PERMIT_OUT_OF_SCOPE",
                    f"{agency} does not control {spec}; its requirements cover {controlled}",
                    f"{at}/{i}",
                )
            )
    return issues


def _quantity_issues(quantity: Decimal | None, unit: str | None) -> list[Issue]:
    if (quantity is None) != (unit is None):
        return [Issue("PERMIT_QUANTITY", "give both quantity and unit, or neither (no quantity limit)", "/quantity")]
    return []


def issue(uow: UnitOfWork, cache: dict[str, Any], principal: Principal, data: PermitIn) -> Permit:
    """Issues a permit or standing licence to a trader, for goods the agency controls."""
    if principal.role != "agency" or not principal.agency:
        raise Forbidden("only an agency issues permits")
    rules = catalog.ruleset(uow, cache)
    agency = principal.agency
    if agency not in rules.agencies:
        raise ValidationFailed([Issue("AGENCY_UNKNOWN", f"agency '{agency}' is not in the single window", "")])
    issues: list[Issue] = []
    specs = []
    for i, text in enumerate(data.hs):
        try:
            specs.append(HsSpec.parse(text))
        except ValueError as exc:
            issues.append(Issue("HS_SPEC", str(exc), f"/hs/{i}"))
    issues.extend(_scope_issues(rules, agency, specs, uow.clock().date(), "/hs"))
    if data.valid_to < data.valid_from:
        issues.append(Issue("VALIDITY", "valid_to must not be before valid_from", "/valid_to"))
    issues.extend(_quantity_issues(data.quantity, data.unit))
    if issues:
        raise ValidationFailed(issues)
    number = data.number or new_number(agency, data.valid_from)
    if permit_store.get_permit(uow.conn, number) is not None:
        raise Conflict(f"permit number {number} is already used", code="PERMIT_NUMBER_USED")
    return _insert(
        uow,
        number=number,
        agency=agency,
        holder_id=data.holder_id,
        kind=data.kind,
        standing=data.standing,
        specs=specs,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        quantity=data.quantity,
        unit=data.unit,
        application_id=None,
        actor=principal.user,
    )


def grant(
    uow: UnitOfWork, app: dict[str, Any], grant_in: PermitGrantIn, *, actor: str
) -> tuple[Permit, list[GoodsLine]]:
    """Issues the permit an approval grants, for the application's goods; returns it and the lines."""
    issues = _quantity_issues(grant_in.quantity, grant_in.unit)
    valid_from = grant_in.valid_from or uow.clock().date()
    if grant_in.valid_to < valid_from:
        issues.append(Issue("VALIDITY", "valid_to must not be before valid_from", "/permit/valid_to"))
    if issues:
        raise ValidationFailed([Issue(i.code, i.message, "/permit" + i.pointer) for i in issues])
    lines = [line_from_json(g) for g in app["goods"]]
    specs = sorted({HsSpec.parse(line.commodity_code) for line in lines}, key=str)
    permit = _insert(
        uow,
        number=new_number(app["agency"], valid_from),
        agency=app["agency"],
        holder_id=app["importer_id"],
        kind=grant_in.kind,
        standing=False,
        specs=specs,
        valid_from=valid_from,
        valid_to=grant_in.valid_to,
        quantity=grant_in.quantity,
        unit=grant_in.unit,
        application_id=app["id"],
        actor=actor,
    )
    return permit, lines


def _insert(
    uow: UnitOfWork,
    *,
    number: str,
    agency: str,
    holder_id: str,
    kind: str,
    standing: bool,
    specs: Sequence[HsSpec],
    valid_from: date,
    valid_to: date,
    quantity: Decimal | None,
    unit: str | None,
    application_id: str | None,
    actor: str,
) -> Permit:
    milli = to_milli(quantity) if quantity is not None else None
    permit_store.insert_permit(
        uow.conn,
        {
            "number": number,
            "agency": agency,
            "holder_id": holder_id,
            "kind": kind,
            "standing": standing,
            "hs": [str(s) for s in specs],
            "valid_from": valid_from,
            "valid_to": valid_to,
            "unit": unit,
            "quantity_milli": milli,
            "remaining_milli": milli,
            "revoked": False,
            "application_id": application_id,
            "issued_at": uow.clock(),
            "issued_by": actor,
        },
    )
    permit = permit_store.get_permit(uow.conn, number)
    assert permit is not None
    return permit


def try_draw(
    uow: UnitOfWork,
    permit: Permit,
    lines: Sequence[GoodsLine],
    *,
    mrn: str | None,
    app_id: str | None,
    actor: str,
    records: list[dict[str, Any]] | None = None,
) -> bool:
    """Draws the lines' quantity from a permit if that much is left; tells whether it did (never overdraws).

    The drawdown record is written at once, or appended to ``records`` for the caller to write in one batch.
    """
    quantity = permit.draw_for(lines)
    if quantity is None:
        return True
    milli = to_milli(quantity)
    if not permit_store.draw_down(uow.conn, permit.number, milli):
        return False
    row = {
        "permit_number": permit.number,
        "mrn": mrn,
        "application_id": app_id,
        "quantity_milli": milli,
        "at": uow.clock(),
        "actor": actor,
    }
    if records is None:
        permit_store.add_drawdowns(uow.conn, [row])
    else:
        records.append(row)
    return True


def draw(
    uow: UnitOfWork, permit: Permit, lines: Sequence[GoodsLine], *, mrn: str | None, app_id: str | None, actor: str
) -> None:
    """Draws the lines' quantity from a permit; refuses (409) rather than overdraw."""
    if not try_draw(uow, permit, lines, mrn=mrn, app_id=app_id, actor=actor):
        current = permit_store.get_permit(uow.conn, permit.number)
        left = current.remaining if current is not None else Decimal(0)
        raise Conflict(
            f"permit {permit.number} has {left} {permit.unit} left; this shipment needs "
            f"{permit.draw_for(lines)} {permit.unit}",
            code="PERMIT_EXHAUSTED",
        )


def lodger_may_use(uow: UnitOfWork, decl: Declaration) -> bool:
    """Tells whether the party that lodged a declaration may use its importer's permits and licences: the
    importer itself, or a party the importer mandated for every procedure of the goods (``clearway.mandates``)."""
    rep = decl.data.representative
    lodger = rep.id if rep is not None else decl.data.declarant.id
    procedures = sorted({item.procedure_code for item in decl.data.goods_items})
    return mandates_service.may_act_for_all(uow, lodger, decl.data.importer.id, procedures=procedures, at=uow.clock())


def can_see(principal: Principal, permit: Permit) -> bool:
    """Tells whether the caller may see a permit: its agency, its holder, or customs officials."""
    if principal.role in OFFICIALS:
        return True
    if principal.role == "agency":
        return principal.agency == permit.agency
    return principal.is_trader and principal.party_id == permit.holder_id


def get_visible(uow: UnitOfWork, number: str, principal: Principal) -> tuple[Permit, list[dict[str, Any]]]:
    """Returns a permit the caller may see, with its drawdowns; anyone else's answers 404."""
    permit = permit_store.get_permit(uow.conn, number)
    if permit is None or not can_see(principal, permit):
        raise NotFound(f"no permit {number}")
    draws = [
        {
            "mrn": d["mrn"],
            "application_id": d["application_id"],
            "quantity": str(from_milli(d["quantity_milli"])),
            "at": d["at"],
            "actor": d["actor"],
        }
        for d in permit_store.drawdowns(uow.conn, number)
    ]
    return permit, draws


def list_visible(uow: UnitOfWork, principal: Principal, *, limit: int, offset: int) -> tuple[list[Permit], int]:
    """Lists the permits the caller may see."""
    if principal.role == "agency":
        return permit_store.list_permits(uow.conn, agency=principal.agency, holder_id=None, limit=limit, offset=offset)
    if principal.is_trader:
        return permit_store.list_permits(
            uow.conn, agency=None, holder_id=principal.party_id, limit=limit, offset=offset
        )
    if principal.role in OFFICIALS:
        return permit_store.list_permits(uow.conn, agency=None, holder_id=None, limit=limit, offset=offset)
    return [], 0


def line_from_json(g: dict[str, Any]) -> GoodsLine:
    """Reads a goods line as applications store it."""
    return GoodsLine(
        sequence=int(g["sequence"]),
        commodity_code=g["commodity_code"],
        description=g["description"],
        origin_country=g["origin_country"],
        procedure_code=g["procedure_code"],
        quantity=Decimal(g["quantity"]),
        unit=g["unit"],
        net_mass=Decimal(g["net_mass"]),
        end_use=g.get("end_use"),
    )


def line_to_json(line: GoodsLine) -> dict[str, Any]:
    """Writes a goods line as applications store it."""
    return {
        "sequence": line.sequence,
        "commodity_code": line.commodity_code,
        "description": line.description,
        "origin_country": line.origin_country,
        "procedure_code": line.procedure_code,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "net_mass": str(line.net_mass),
        "end_use": line.end_use,
    }
