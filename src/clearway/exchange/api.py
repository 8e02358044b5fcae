"""HTTP routes under /api/v1/exchange: partners, the inbox partners post to, deliveries, mirror data, alerts.

Every route needs a bearer token except two that partners' machines call, on purpose:
``GET identity`` (public by nature, like a did:web document: it is what a partner pins when pairing) and
``POST inbox``, authenticated by the message's own signature against the registered partner's DID keys
(a partner has no user here); refusals are logged with their reason.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue
from clearway.exchange import alerts, mirror, service, sharing
from clearway.exchange.config import exchange_settings
from clearway.exchange.messages import Refused
from clearway.exchange.schemas import AgreementIn, AlertIn, PartnerIn, WatchlistIn
from clearway.exchange.sender import Sender
from clearway.platform.app import errors
from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime

OFFICIALS = ("officer", "supervisor", "admin")
ANALYSTS = ("supervisor", "admin")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Starts the outbox sender thread with the server (``CLEARWAY_EXCHANGE_SENDER_INTERVAL=0`` turns it off)."""
    runtime: Runtime = app.state.runtime
    sender = Sender(runtime) if exchange_settings(runtime).sender_interval > 0 else None
    if sender is not None:
        sender.start()
    try:
        yield
    finally:
        if sender is not None:
            await run_in_threadpool(sender.stop)


router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"], lifespan=lifespan)


def _read(runtime: Runtime, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    with runtime.uow(readonly=True) as uow:
        return fn(uow, *args, **kw)


def _write(runtime: Runtime, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    with runtime.uow() as uow:
        result = fn(uow, *args, **kw)
        uow.commit()
    return result


@router.get("/identity", summary="What a partner needs to register this administration (public)")
def get_identity(runtime: RuntimeDep) -> dict[str, Any]:
    ctx = service.context(runtime)
    url = exchange_settings(runtime).public_url
    result: dict[str, Any] = _write(runtime, lambda uow: service.our_identity(uow, ctx, public_url=url))
    return result


@router.post(
    "/inbox",
    status_code=202,
    summary="Receive a partner's signed message (compact JWS; authenticated by its signature)",
    responses={403: {"description": "unknown partner, bad signature"}, 409: {"description": "replayed"}},
)
async def post_inbox(request: Request, runtime: RuntimeDep) -> JSONResponse:
    raw = (await request.body()).decode("utf-8", "replace").strip()
    if raw.startswith("{"):
        try:
            raw = str(json.loads(raw).get("jws", ""))
        except (ValueError, AttributeError):
            raw = ""
    ctx = service.context(runtime)
    window = timedelta(seconds=exchange_settings(runtime).window_seconds)
    remote = request.client.host if request.client else None

    def run() -> JSONResponse:
        try:
            result = _write(runtime, lambda uow: service.receive(uow, ctx, raw, window=window))
        except Refused as exc:
            refused = exc
            _write(runtime, lambda uow: service.log_refusal(uow, refused, remote=remote))
            r = refused.refusal
            return errors(r.status, [Issue(r.code, r.reason, "")])
        return JSONResponse(result, status_code=202)

    return await run_in_threadpool(run)


@router.get("/partners", summary="Partner administrations, their agreements and outbox backlog")
def get_partners(runtime: RuntimeDep, _: Principal = require_roles(*OFFICIALS)) -> dict[str, Any]:
    return {"partners": _read(runtime, service.partners)}


@router.post("/partners", status_code=201, summary="Register a partner administration (admins)")
async def post_partner(request: Request, runtime: RuntimeDep, who: Principal = require_roles("admin")) -> Any:
    body = parse_json(PartnerIn, await request.body())
    doc = body.did_document
    if doc is None:
        doc = await run_in_threadpool(service.fetch_did_document, body.url, body.did)
    ctx = service.context(runtime)
    return await run_in_threadpool(
        _write,
        runtime,
        lambda uow: service.add_partner(
            uow,
            ctx,
            country=body.country,
            url=body.url,
            did=body.did,
            did_document=doc,
            name=body.name,
            kinds=tuple(body.kinds),
            since=body.since,
            mra_since=body.mra_since,
            actor=who.user,
        ),
    )


@router.post("/partners/{country}/agreements", summary="Share a kind of message with a partner from a date")
async def post_agreement(
    country: str, request: Request, runtime: RuntimeDep, who: Principal = require_roles("admin")
) -> Any:
    body = parse_json(AgreementIn, await request.body())

    def run(uow: Any) -> Any:
        service.partner(uow, country)
        service.set_agreement(
            uow, country=country.upper(), kind=body.kind, since=body.since, until=body.until, actor=who.user
        )
        return service.partner(uow, country)

    return await run_in_threadpool(_write, runtime, run)


@router.get("/deliveries", summary="Delivery log: received, refused (with reasons), outbox (admins)")
def get_deliveries(
    runtime: RuntimeDep,
    _: Principal = require_roles("admin"),
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    result: dict[str, Any] = _read(runtime, service.deliveries, limit=limit)
    return result


@router.get("/mirror/unmatched", summary="Partners' exports and our imports without a mirror")
def get_unmatched(
    runtime: RuntimeDep,
    _: Principal = require_roles(*OFFICIALS),
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> dict[str, Any]:
    result: dict[str, Any] = _read(runtime, mirror.unmatched, country=country)
    return result


@router.get("/mirror/aggregates/{country}", summary="Monthly HS6 aggregates: partner's exports vs our imports")
def get_aggregates(country: str, runtime: RuntimeDep, _: Principal = require_roles(*OFFICIALS)) -> dict[str, Any]:
    return {"country": country.upper(), "months": _read(runtime, mirror.monthly_aggregates, country)}


@router.get("/mirror/{mrn}", summary="Mirror gaps of an import declaration against the partner's export")
def get_mirror(mrn: str, runtime: RuntimeDep, _: Principal = require_roles(*OFFICIALS)) -> dict[str, Any]:
    facts = _read(runtime, service.mirror_facts, mrn)
    return {"mrn": mrn.upper(), "facts": [f.as_dict() for f in facts]}


@router.post("/alerts", status_code=201, summary="Publish an alert or seizure to partners (CEN simplified form)")
async def post_alert(request: Request, runtime: RuntimeDep, who: Principal = require_roles(*OFFICIALS)) -> Any:
    body = parse_json(AlertIn, await request.body())
    record = body.model_dump(mode="json", exclude_none=True)
    country = runtime.settings.country.upper()
    alert_id, sent = await run_in_threadpool(
        _write, runtime, lambda uow: alerts.publish(uow, country=country, record=record, by=who.user)
    )
    return {"id": alert_id, "messages": sent}


@router.get("/alerts", summary="Search alerts and seizures (ours and partners')")
def get_alerts(
    runtime: RuntimeDep,
    _: Principal = require_roles(*OFFICIALS),
    q: Annotated[str | None, Query(max_length=200)] = None,
    hs: Annotated[str | None, Query(pattern=r"^\d{2,10}$")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    kind: Annotated[str | None, Query(pattern=r"^(alert|seizure)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    found = _read(runtime, alerts.search, q=q, hs=hs, country=country, kind=kind, limit=limit)
    return {"alerts": found}


@router.get("/alerts/{alert_id}", summary="One alert or seizure")
def get_alert(alert_id: str, runtime: RuntimeDep, _: Principal = require_roles(*OFFICIALS)) -> dict[str, Any]:
    result: dict[str, Any] = _read(runtime, alerts.get, alert_id)
    return result


@router.post("/alerts/{alert_id}/watchlist", summary="Turn an alert into a risk watchlist entry (analysts)")
async def post_watchlist(
    alert_id: str, request: Request, runtime: RuntimeDep, who: Principal = require_roles(*ANALYSTS)
) -> Any:
    raw = await request.body()
    body = parse_json(WatchlistIn, raw) if raw.strip() else WatchlistIn()
    return await run_in_threadpool(
        _write,
        runtime,
        lambda uow: alerts.to_watchlist(uow, alert_id, severity=body.severity, by=who.user, note=body.note),
    )


@router.get("/heads", summary="Partners' signed tree heads received, with the consistency verdict")
def get_heads(
    runtime: RuntimeDep,
    _: Principal = require_roles(*OFFICIALS),
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> dict[str, Any]:
    return {"heads": _read(runtime, sharing.heads_received, country=country)}
