"""Pages of other capabilities, when installed: paying duties (tariff) and the agencies' single window."""

from __future__ import annotations

import json
import logging
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from babel.numbers import get_currency_precision
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import controls, integrations, security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page, localizer, page
from clearway.console.security import SessionDep
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import dashboard
from clearway.declarations import service as declarations_service
from clearway.platform.deps import RuntimeDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
APP_STATUSES = ("submitted", "info_requested", "approved", "refused")


AMOUNT = re.compile(r"[0-9]{1,15}(?:\.([0-9]+))?")


def minor_units(currency: str) -> int:
    """Returns how many decimals a currency has (2 for PEN and USD, 0 for JPY, 3 for KWD)."""
    try:
        return int(get_currency_precision(currency.strip().upper()))
    except (KeyError, ValueError):
        return 2


def parse_amount(raw: str, currency: str) -> Decimal | None:
    """Reads an amount strictly: ASCII digits, one decimal point, at most the currency's minor units, > 0."""
    text = raw.strip()
    found = AMOUNT.fullmatch(text)
    if found is None or (found.group(1) is not None and len(found.group(1)) > minor_units(currency)):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def new_payment_reference() -> str:
    """Returns a fresh payment reference for the pay form (the same reference twice pays once)."""
    return "WEB-PAY-" + secrets.token_hex(5).upper()


@router.post("/declarations/{mrn}/payments")
def pay(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    amount: Annotated[str, Form(max_length=30)] = "",
    currency: Annotated[str, Form(max_length=3)] = "",
    method: Annotated[str, Form(max_length=20)] = "",
    reference: Annotated[str, Form(max_length=60)] = "",
    account_id: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Pays (part of) the duties and taxes due on a declaration."""
    security.check_csrf(request, session, csrf_token)
    if not session.principal.is_trader:
        raise HTTPException(403, N_("Only the declarant or the importer pays duties."))
    value = parse_amount(amount, currency)
    if value is None:
        digits = minor_units(currency)
        message = N_("Enter the amount with digits 0-9 and at most %(digits)s decimals, e.g. %(example)s.")
        example = "1250" if digits == 0 else "1250." + "0" * digits
        words = localizer(request, session).gettext(message) % {"digits": digits, "example": example}
        return _back(mrn, "pay_error", words)
    try:
        integrations.pay(
            runtime,
            mrn,
            session.principal,
            amount=value,
            currency=currency.strip().upper(),
            method=method,
            reference=reference.strip() or new_payment_reference(),
            account_id=account_id.strip() or None,
        )
    except ValidationFailed as exc:
        return _back(mrn, "pay_error", "; ".join(i.message for i in exc.issues))
    except (Conflict, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise HTTPException(404, exc.message) from None
        return _back(mrn, "pay_error", exc.message)
    except LookupError:
        raise HTTPException(404, "payments need the tariff capability, which is not installed") from None
    with runtime.uow() as uow:
        released = controls.release_if_control_cleared(uow, mrn)
        uow.commit()
    if released:
        log.info("released %s after payment: its control found no discrepancy", mrn)
    log.info("console payment of %s %s on %s by %s", value, currency, mrn, session.principal.user)
    return RedirectResponse(f"/console/declarations/{mrn}?done=paid", status_code=303)


def _back(mrn: str, key: str, message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/console/declarations/{mrn}?{key}={quote(message[:300])}#pay", status_code=303)


def _require_agency_or_customs(session: security.Session) -> None:
    message = N_("The single window queue is for partner agencies and customs.")
    security.require_role(session, {"agency", *dashboard.CUSTOMS_ROLES}, message)


@router.get("/agency")
def agency(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Shows the agency's single-window queue, or says the single window is not installed."""
    _require_agency_or_customs(session)
    if status is None:
        status = "submitted"  # the work waiting for a decision
    wanted = None if status == "all" else status
    found = integrations.agency_queue(runtime, session.principal, wanted)
    rows, total = found if found is not None else (None, 0)
    return page(
        request,
        "agency.html",
        session,
        active="agency",
        rows=rows,
        total=total,
        status=status,
        statuses=APP_STATUSES,
    )


@router.get("/agency/{app_id}")
def agency_application(
    app_id: str, request: Request, runtime: RuntimeDep, session: SessionDep, done: str | None = None
) -> Response:
    """Shows one application with its history and, for the agency, the decision form."""
    _require_agency_or_customs(session)
    try:
        app, history = integrations.application(runtime, app_id, session.principal)
    except (NotFound, LookupError):
        return error_page(request, session, 404, N_("There is no such application that you may see."))
    return page(
        request,
        "agency_app.html",
        session,
        active="agency",
        app=app,
        history=history,
        flash=N_("Decision recorded.") if done else None,
        **agency_context(runtime, app),
    )


def agency_body(form: dict[str, str]) -> dict[str, Any]:
    """Builds the single window's decision message from the agency's form (one condition or reason a line)."""
    lines = {k: [x.strip() for x in form.get(k, "").splitlines() if x.strip()] for k in ("conditions", "reasons")}
    body: dict[str, Any] = {"decision": form.get("decision", ""), "message": form.get("message", "").strip(), **lines}
    if form.get("expected_version", "").isdigit():
        body["expected_version"] = int(form["expected_version"])
    return body


@router.post("/agency/{app_id}/decisions")
def agency_decide(
    app_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    decision: Annotated[str, Form(max_length=20)] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
    conditions: Annotated[str, Form(max_length=5000)] = "",
    reasons: Annotated[str, Form(max_length=5000)] = "",
    expected_version: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Records the agency's decision: approve, request information, or refuse with reasons."""
    security.check_csrf(request, session, csrf_token)
    form = {
        "decision": decision,
        "message": message,
        "conditions": conditions,
        "reasons": reasons,
        "expected_version": expected_version,
    }
    error: str | None = None
    status_code = 422
    try:
        integrations.agency_decide(runtime, app_id, session.principal, json.dumps(agency_body(form)).encode())
    except ValidationFailed as exc:
        error = "; ".join(i.message for i in exc.issues)
    except Conflict as exc:
        status_code, error = (
            409,
            (
                "another agency officer acted first; the application now shows their decision"
                if exc.code == "CONCURRENT_UPDATE"
                else exc.message
            ),
        )
    except NotFound:
        raise HTTPException(404, f"no application {app_id[:40]}") from None
    except DomainError as exc:
        status_code, error = (403 if exc.code == "FORBIDDEN" else 422), exc.message
    except LookupError:
        raise HTTPException(404, "the single window is not installed") from None
    else:
        log.info("console agency decision %s on %s by %s", decision, app_id, session.principal.user)
        return RedirectResponse(f"/console/agency/{app_id}?done=1", status_code=303)
    app, history = integrations.application(runtime, app_id, session.principal)
    return page(
        request,
        "agency_app.html",
        session,
        status_code=status_code,
        active="agency",
        app=app,
        history=history,
        error=error,
        form=form,
        issues=[Issue("", error or "", "")],
        **agency_context(runtime, app),
    )


NEED_KINDS = {
    "document": N_("document"),
    "certificate": N_("certificate"),
    "licence": N_("licence"),
    "permit": N_("permit"),
    "inspection": N_("inspection"),
}
GOODS_COLUMNS = (
    ("sequence", N_("Item")),
    ("commodity_code", N_("HS code")),
    ("description", N_("Description")),
    ("origin_country", N_("Origin")),
    ("quantity", N_("Quantity")),
    ("unit", N_("Unit")),
    ("net_mass", N_("Net mass (kg)")),
    ("end_use", N_("End use")),
)


def agency_context(runtime: Any, app: dict[str, Any]) -> dict[str, Any]:
    """What the application page shows besides the application: the importer's name, goods columns, need words."""
    importer_name = ""
    if app.get("mrn"):
        try:
            with runtime.uow(readonly=True) as uow:
                decl = declarations_service.get(uow, str(app["mrn"]))
            if decl.data.importer.id == app.get("importer_id") or not app.get("importer_id"):
                importer_name = decl.data.importer.name
        except NotFound:
            importer_name = ""
    goods = app.get("goods") or []
    present = {k for g in goods if isinstance(g, dict) for k, v in g.items() if v not in (None, "")}
    columns = [(k, label) for k, label in GOODS_COLUMNS if k in present]
    return {"importer_name": importer_name, "goods_columns": columns, "need_kinds": NEED_KINDS}
