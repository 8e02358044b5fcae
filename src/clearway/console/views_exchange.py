"""Regional cooperation in the console: partner administrations, alerts and seizures, mirror analysis, deliveries.

Officials (officers, supervisors, admins) see partners, alerts and the mirror lists; analysts (supervisors,
admins) turn an alert into a risk watchlist; admins register partners and read the delivery log. Everything goes
through the exchange's service functions; traders and agencies are refused.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from clearway.console import security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page, localizer, page
from clearway.console.security import SessionDep
from clearway.core.issues import DomainError
from clearway.exchange import alerts, mirror, service
from clearway.exchange.schemas import AlertIn, PartnerIn
from clearway.platform.deps import RuntimeDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
OFFICIALS = frozenset({"officer", "supervisor", "admin"})
ANALYSTS = frozenset({"supervisor", "admin"})
MAX_PARTY_LINES = 20


def _fields(exc: ValidationError) -> str:
    """Names every field of a form that failed validation, once each."""
    return ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")}))


def _back(key: str, message: str, anchor: str) -> Response:
    return RedirectResponse(f"/console/exchange?{key}={quote(message[:300])}#{anchor}", status_code=303)


@router.get("/exchange")
def exchange_page(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    done: Annotated[str | None, Query(max_length=300)] = None,
    error: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """Shows partners, alerts, the mirror lists and (admins) the delivery log."""
    security.require_role(session, OFFICIALS, N_("Regional cooperation is for customs staff."))
    role = session.principal.role
    try:
        with runtime.uow(readonly=True) as uow:
            partners = service.partners(uow)
            found = alerts.search(uow, q=q, limit=30)
            unmatched = mirror.unmatched(uow, limit=30)
            log_ = service.deliveries(uow, limit=20) if role == "admin" else None
            aggregates = {p["country"]: mirror.monthly_aggregates(uow, p["country"])[-6:] for p in partners}
    except SQLAlchemyError as exc:  # the exchange is not installed on this server (its tables are absent)
        log.warning("regional cooperation unavailable: %s", exc)
        return error_page(request, session, 404, N_("Regional cooperation is not installed on this server."))
    return page(
        request,
        "exchange.html",
        session,
        active="exchange",
        partners=partners,
        alerts=found,
        q=q or "",
        unmatched=unmatched,
        deliveries=log_,
        aggregates=aggregates,
        country=runtime.settings.country.upper(),
        can_watch=role in ANALYSTS,
        is_admin=role == "admin",
        done=done,
        error=error,
    )


@router.post("/exchange/partners")
def add_partner(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    country: Annotated[str, Form(max_length=2)] = "",
    url: Annotated[str, Form(max_length=500)] = "",
    did: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Registers a partner administration from its URL and DID (its DID document is fetched and must match)."""
    security.check_csrf(request, session, csrf_token)
    security.require_role(session, frozenset({"admin"}), N_("Only administrators register partner administrations."))
    words = localizer(request, session).gettext
    try:
        body = PartnerIn.model_validate(
            {"country": country.strip().upper(), "url": url.strip(), "did": did.strip(), "name": name.strip() or None}
        )
    except ValidationError as exc:
        return _back("error", words(N_("Check these fields: %(fields)s.")) % {"fields": _fields(exc)}, "partners")
    try:
        document = service.fetch_did_document(body.url, body.did)
        ctx = service.context(runtime)
        with runtime.uow() as uow:
            service.add_partner(
                uow,
                ctx,
                country=body.country,
                url=body.url,
                did=body.did,
                did_document=document,
                name=body.name,
                kinds=tuple(body.kinds),
                actor=session.principal.user,
            )
            uow.commit()
    except DomainError as exc:
        return _back("error", exc.message, "partners")
    log.info("console: partner %s registered by %s", body.country, session.principal.user)
    return _back("done", words(N_("Partner %(country)s registered.")) % {"country": body.country}, "partners")


def _parties(text: str) -> list[dict[str, str]]:
    """Reads one party a line: the identifier, then (optionally) the name."""
    out = []
    for line in text.splitlines()[:MAX_PARTY_LINES]:
        ident, _, name = line.strip().partition(" ")
        if ident:
            out.append({"id": ident[:40], **({"name": name.strip()[:200]} if name.strip() else {})})
    return out


@router.post("/exchange/alerts")
def publish_alert(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    kind: Annotated[str, Form(max_length=10)] = "",
    what: Annotated[str, Form(max_length=500)] = "",
    hs_code: Annotated[str, Form(max_length=10)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    date: Annotated[str, Form(max_length=30)] = "",
    concealment: Annotated[str, Form(max_length=200)] = "",
    detection: Annotated[str, Form(max_length=200)] = "",
    route: Annotated[str, Form(max_length=200)] = "",
    parties: Annotated[str, Form(max_length=5000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Publishes an alert or seizure to every partner that shares alerts."""
    security.check_csrf(request, session, csrf_token)
    security.require_role(session, OFFICIALS, N_("Regional cooperation is for customs staff."))
    words = localizer(request, session).gettext
    raw: dict[str, Any] = {"kind": kind, "what": what.strip(), "parties": _parties(parties)}
    for key, value in (
        ("hs_code", hs_code),
        ("place", place),
        ("date", date),
        ("concealment", concealment),
        ("detection", detection),
        ("route", route),
    ):
        if value.strip():
            raw[key] = value.strip()
    try:
        record = AlertIn.model_validate(raw).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        return _back("error", words(N_("Check these fields: %(fields)s.")) % {"fields": _fields(exc)}, "publish")
    try:
        with runtime.uow() as uow:
            alert_id, sent = alerts.publish(
                uow, country=runtime.settings.country.upper(), record=record, by=session.principal.user
            )
            uow.commit()
    except DomainError as exc:
        return _back("error", exc.message, "publish")
    message = words(N_("Alert %(id)s published to %(num)s partner(s).")) % {"id": alert_id[:8], "num": len(sent)}
    return _back("done", message, "alerts")


@router.post("/exchange/alerts/{alert_id}/watchlist")
def watch_alert(
    alert_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Turns an alert's parties into a watchlist of the risk criteria (a new rule set version)."""
    security.check_csrf(request, session, csrf_token)
    security.require_role(session, ANALYSTS, N_("Only risk analysts (supervisors) turn alerts into watchlists."))
    words = localizer(request, session).gettext
    try:
        with runtime.uow() as uow:
            result = alerts.to_watchlist(uow, alert_id[:64], severity="high", by=session.principal.user)
            uow.commit()
    except DomainError as exc:
        return _back("error", exc.message, "alerts")
    message = words(N_("Watchlist '%(name)s' is in force.")) % {"name": result.get("watchlist", "")}
    return _back("done", message, "alerts")
