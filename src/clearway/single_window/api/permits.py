"""Routes of permits: an agency issues one; holders and agencies see theirs with its drawdowns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.single_window import permits
from clearway.single_window.api.views import ERRORS, PREFIX, json_body, permit_out
from clearway.single_window.schemas import PermitIn, PermitOut, PermitsOut

router = APIRouter(prefix=PREFIX, tags=["single window"])


@router.post(
    "/permits",
    status_code=201,
    response_model=PermitOut,
    responses=ERRORS,
    openapi_extra=json_body("PermitIn"),
    summary="Issue a permit",
)
async def post_permit(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("agency")
) -> PermitOut:
    data = parse_json(PermitIn, await request.body())
    return await run_in_threadpool(_issue, runtime, principal, data)


def _issue(runtime: Runtime, principal: Principal, data: PermitIn) -> PermitOut:
    with runtime.uow() as uow:
        permit = permits.issue(uow, runtime.caches, principal, data)
        uow.commit()
    return permit_out(permit)


@router.get("/permits", response_model=PermitsOut, responses=ERRORS, summary="Permits you may see")
def list_permits(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PermitsOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = permits.list_visible(uow, principal, limit=limit, offset=offset)
    return PermitsOut(data=[permit_out(p) for p in rows], count=total)


@router.get("/permits/{number}", response_model=PermitOut, responses=ERRORS, summary="A permit and its drawdowns")
def get_permit(number: str, runtime: RuntimeDep, principal: PrincipalDep) -> PermitOut:
    with runtime.uow(readonly=True) as uow:
        permit, draws = permits.get_visible(uow, number, principal)
    return permit_out(permit, draws)
