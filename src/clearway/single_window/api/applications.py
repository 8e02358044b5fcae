"""Routes of applications to agencies: filing one, an agency's queue, decisions and responses, every agency's
status for a declaration in one place."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import PrincipalDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.single_window import catalog, routing, service
from clearway.single_window.api.views import ERRORS, PREFIX, application_out, json_body
from clearway.single_window.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationsOut,
    DecisionIn,
    ResponseIn,
    WindowOut,
)

router = APIRouter(prefix=PREFIX, tags=["single window"])


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses=ERRORS,
    openapi_extra=json_body("ApplicationIn"),
    summary="File an application with one agency ahead of shipment",
)
async def post_application(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> ApplicationOut:
    data = parse_json(ApplicationIn, await request.body())
    return await run_in_threadpool(_apply, runtime, principal, data)


def _apply(runtime: Runtime, principal: Principal, data: ApplicationIn) -> ApplicationOut:
    with runtime.uow() as uow:
        app = routing.apply(uow, runtime.caches, principal, data)
        uow.commit()
        return _out(uow, runtime, app)


@router.get("/applications", response_model=ApplicationsOut, responses=ERRORS, summary="Your queue or applications")
def list_applications(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(pattern="^(submitted|info_requested|approved|refused)$")] = None,
    agency: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ApplicationsOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = service.list_visible(uow, principal, status=status, agency=agency, limit=limit, offset=offset)
        agencies = catalog.ruleset(uow, runtime.caches).agencies
    return ApplicationsOut(data=[application_out(r, agencies) for r in rows], count=total)


def _out(uow: UnitOfWork, runtime: Runtime, app: dict[str, Any]) -> ApplicationOut:
    """Renders an application with its agency's name and its history."""
    return application_out(app, catalog.ruleset(uow, runtime.caches).agencies, service.history(uow, app["id"]))


@router.get("/applications/{app_id}", response_model=ApplicationOut, responses=ERRORS, summary="An application")
def get_application(app_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> ApplicationOut:
    with runtime.uow(readonly=True) as uow:
        return _out(uow, runtime, service.get_visible(uow, app_id, principal))


@router.post(
    "/applications/{app_id}/decisions",
    response_model=ApplicationOut,
    responses=ERRORS,
    openapi_extra=json_body("DecisionIn"),
    summary="Decide: request information, approve (with conditions, a permit) or refuse (with reasons)",
)
async def post_decision(
    app_id: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("agency")
) -> ApplicationOut:
    data = parse_json(DecisionIn, await request.body())
    return await run_in_threadpool(_decide, runtime, app_id, principal, data)


def _decide(runtime: Runtime, app_id: str, principal: Principal, data: DecisionIn) -> ApplicationOut:
    with runtime.uow() as uow:
        app = service.decide(uow, runtime.caches, app_id, principal, data)
        uow.commit()
        return _out(uow, runtime, app)


@router.post(
    "/applications/{app_id}/responses",
    response_model=ApplicationOut,
    responses=ERRORS,
    openapi_extra=json_body("ResponseIn"),
    summary="Answer an agency's request for information",
)
async def post_response(
    app_id: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> ApplicationOut:
    data = parse_json(ResponseIn, await request.body())
    return await run_in_threadpool(_respond, runtime, app_id, principal, data)


def _respond(runtime: Runtime, app_id: str, principal: Principal, data: ResponseIn) -> ApplicationOut:
    with runtime.uow() as uow:
        app = service.respond(uow, app_id, principal, data)
        uow.commit()
        return _out(uow, runtime, app)


@router.get(
    "/declarations/{mrn}",
    response_model=WindowOut,
    responses=ERRORS,
    summary="Every agency's status for a declaration, in one place",
)
def get_window(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> WindowOut:
    with runtime.uow(readonly=True) as uow:
        view = service.window(uow, runtime.caches, mrn, principal)
    decl = view["declaration"]
    return WindowOut(
        mrn=decl.mrn,
        declaration_status=decl.status.value,
        declaration_status_label=decl.status.label,
        routed_at=view["routed_at"],
        released_at=decl.released_at,
        applications=[application_out(a, view["agencies"]) for a in view["applications"]],
        release_blockers=view["blockers"],
    )
