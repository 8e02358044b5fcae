"""HTTP routes of the mandates register under /api/v1/mandates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.declarations.schemas import ErrorsOut
from clearway.mandates import service
from clearway.mandates.model import Mandate
from clearway.mandates.schemas import MandateEventOut, MandateIn, MandateOut, MandatePageOut, RevokeIn
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1/mandates", tags=["mandates"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    403: {"model": ErrorsOut, "description": "Your role may not do this, or not for that party"},
    404: {"model": ErrorsOut, "description": "No such mandate visible to you"},
    409: {"model": ErrorsOut, "description": "Already revoked"},
    422: {"model": ErrorsOut, "description": "Every problem with the request, with pointers"},
}


def mandate_out(m: Mandate, at: datetime, history: list[dict[str, Any]] | None = None) -> MandateOut:
    """Builds the API view of a mandate."""
    return MandateOut(
        id=m.id,
        principal_id=m.principal_id,
        agent_id=m.agent_id,
        procedures=list(m.procedures),
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        status=m.status(at),
        granted_by=m.granted_by,
        granted_role=m.granted_role,
        granted_at=m.granted_at,
        reason=m.reason,
        evidence=m.evidence,
        revoked_at=m.revoked_at,
        revoked_by=m.revoked_by,
        revoke_reason=m.revoke_reason,
        history=[MandateEventOut.model_validate(e, strict=False) for e in history or []],
    )


@router.post(
    "",
    response_model=MandateOut,
    status_code=201,
    responses=_ERRORS,
    summary="Grant a mandate (a trader for itself; an administrator on evidence)",
    description="The principal party lets an agent party act for it (name it as importer or declarant, draw on "
    "its guarantee accounts and permits) from `valid_from` to `valid_to`, for the procedures listed or `all`.",
)
async def post_mandate(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant", "admin")
) -> Response:
    payload = parse_json(MandateIn, await request.body())
    return await run_in_threadpool(_grant, runtime, principal, payload)


def _grant(runtime: Runtime, principal: Principal, payload: MandateIn) -> Response:
    with runtime.uow() as uow:
        mandate = service.grant(
            uow,
            principal,
            principal_party=payload.principal_id,
            agent_party=payload.agent_id,
            procedures=payload.procedures,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            reason=payload.reason,
            evidence=payload.evidence,
        )
        _, history = service.get_visible(uow, mandate.id, principal)
        now = uow.clock()
        uow.commit()
    return JSONResponse(mandate_out(mandate, now, history).model_dump(mode="json"), status_code=201)


@router.get("", response_model=MandatePageOut, responses=_ERRORS, summary="Mandates you gave or hold")
def list_mandates(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    party: Annotated[str | None, Query(max_length=40, description="Customs staff: one party's mandates")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> MandatePageOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = service.list_visible(uow, principal, party=party, limit=limit, offset=offset)
        now = uow.clock()
    return MandatePageOut(items=[mandate_out(m, now) for m in rows], total=total, limit=limit, offset=offset)


@router.get("/{mandate_id}", response_model=MandateOut, responses=_ERRORS, summary="A mandate and its history")
def get_mandate(mandate_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> MandateOut:
    with runtime.uow(readonly=True) as uow:
        mandate, history = service.get_visible(uow, mandate_id[:36], principal)
        now = uow.clock()
    return mandate_out(mandate, now, history)


@router.post(
    "/{mandate_id}/revoke",
    response_model=MandateOut,
    responses=_ERRORS,
    summary="Revoke a mandate (its principal, its agent, or an administrator)",
)
async def post_revoke(mandate_id: str, request: Request, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    payload = parse_json(RevokeIn, await request.body())
    return await run_in_threadpool(_revoke, runtime, principal, mandate_id[:36], payload)


def _revoke(runtime: Runtime, principal: Principal, mandate_id: str, payload: RevokeIn) -> Response:
    with runtime.uow() as uow:
        mandate = service.revoke(uow, principal, mandate_id, reason=payload.reason)
        _, history = service.get_visible(uow, mandate.id, principal)
        now = uow.clock()
        uow.commit()
    return JSONResponse(mandate_out(mandate, now, history).model_dump(mode="json"))
