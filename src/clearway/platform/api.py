"""The platform's own routes: the admin audit log, four-eyes approvals, and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from clearway.platform import approvals, audit, auth
from clearway.platform.auth import Principal
from clearway.platform.deps import MAX_INT, PrincipalDep, ReasonDep, RuntimeDep, json_body, parse_json, require_roles
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1", tags=["administration"])
AUDITORS = ("supervisor", "admin")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such thing visible to you"},
    409: {"description": "Already decided, or the state does not allow it"},
    422: {"description": "Every problem with the request, with pointers"},
}


class AuditEntryOut(BaseModel):
    """One administrative change."""

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    before: Any
    after: Any
    reason: str
    request_id: str | None


class AuditPageOut(BaseModel):
    """A page of the audit log, oldest first; ask for the next with ``after=next_after``."""

    entries: list[AuditEntryOut]
    next_after: int | None


class DecisionIn(BaseModel):
    """Why a change request is approved or rejected."""

    model_config = ConfigDict(strict=True, extra="forbid")
    reason: str = Field(min_length=3, max_length=1000)


class ChangeRequestOut(BaseModel):
    """A change that waits for (or got) a second person's decision."""

    id: str
    kind: str
    target: str
    payload: dict[str, Any]
    requested_by: str
    requested_role: str
    reason: str
    status: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class DecidedOut(BaseModel):
    """A decided change request and, when approved, what applying it produced."""

    request: ChangeRequestOut
    result: Any = None


class TokenOut(BaseModel):
    """An API token as listed (never the token itself)."""

    id: int
    user: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked: bool


def _cr_out(cr: approvals.ChangeRequest) -> ChangeRequestOut:
    return ChangeRequestOut(**cr.as_dict())


@router.get("/audit", response_model=AuditPageOut, responses=_ERRORS, summary="The admin audit log")
def get_audit(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*AUDITORS),
    actor: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=80, description="An action or its prefix")] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="Entries at or after this time")] = None,
    after: Annotated[int, Query(ge=0, le=MAX_INT, description="The last id seen (paging)")] = 0,
    limit: Annotated[int, Query(ge=1, le=audit.MAX_PAGE)] = 100,
) -> AuditPageOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        found = audit.entries(uow, actor=actor, action=action, target=target, since=since, after_id=after, limit=limit)
    return AuditPageOut(
        entries=[AuditEntryOut(**e.as_dict()) for e in found],
        next_after=found[-1].id if len(found) == limit else None,
    )


@router.get("/approvals", response_model=list[ChangeRequestOut], responses=_ERRORS, summary="Change requests")
def list_approvals(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*AUDITORS),
    status: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = "pending",
    limit: Annotated[int, Query(ge=1, le=approvals.MAX_PAGE)] = 100,
) -> list[ChangeRequestOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [_cr_out(cr) for cr in approvals.pending(uow, status=status, limit=limit)]


@router.get("/approvals/{request_id}", response_model=ChangeRequestOut, responses=_ERRORS, summary="One change request")
def get_approval(
    request_id: Annotated[str, Path(max_length=36)],
    runtime: RuntimeDep,
    principal: Principal = require_roles(*AUDITORS),
) -> ChangeRequestOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        return _cr_out(approvals.get(uow, request_id))


_DECISION_BODY = json_body("DecisionIn")


@router.post(
    "/approvals/{request_id}/approve",
    response_model=DecidedOut,
    responses=_ERRORS,
    openapi_extra=_DECISION_BODY,
    summary="Approve a change request (someone other than who asked) and apply it",
)
async def post_approve(
    request_id: Annotated[str, Path(max_length=36)],
    request: Request,
    runtime: RuntimeDep,
    principal: Principal = require_roles(*AUDITORS),
) -> DecidedOut:
    data = parse_json(DecisionIn, await request.body())
    return await run_in_threadpool(_approve, runtime, request_id, principal, data.reason)


def _approve(runtime: Runtime, request_id: str, principal: Principal, reason: str) -> DecidedOut:
    with runtime.uow() as uow:
        cr, result = approvals.approve(uow, request_id, principal, reason=reason, caches=runtime.caches)
        uow.commit()
    return DecidedOut(request=_cr_out(cr), result=audit.plain(result))


@router.post(
    "/approvals/{request_id}/reject",
    response_model=DecidedOut,
    responses=_ERRORS,
    openapi_extra=_DECISION_BODY,
    summary="Reject a change request; nothing changes",
)
async def post_reject(
    request_id: Annotated[str, Path(max_length=36)],
    request: Request,
    runtime: RuntimeDep,
    principal: Principal = require_roles(*AUDITORS),
) -> DecidedOut:
    data = parse_json(DecisionIn, await request.body())
    return await run_in_threadpool(_reject, runtime, request_id, principal, data.reason)


def _reject(runtime: Runtime, request_id: str, principal: Principal, reason: str) -> DecidedOut:
    with runtime.uow() as uow:
        cr = approvals.reject(uow, request_id, principal, reason=reason)
        uow.commit()
    return DecidedOut(request=_cr_out(cr))


@router.get("/tokens", response_model=list[TokenOut], responses=_ERRORS, summary="API tokens (yours; all for admins)")
def list_tokens(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    user: Annotated[str | None, Query(max_length=80, description="Admins: one user's tokens")] = None,
) -> list[TokenOut]:
    if principal.role != "admin":
        user = principal.user
    with runtime.uow(readonly=True) as uow:
        return [TokenOut(**vars_of(t)) for t in auth.list_tokens(uow, user=user)]


def vars_of(t: auth.TokenInfo) -> dict[str, Any]:
    """Returns a token listing's fields."""
    return {name: getattr(t, name) for name in t.__dataclass_fields__}


@router.delete("/tokens/{token_id}", status_code=204, responses=_ERRORS, summary="Revoke a token (admin, or its owner)")
def delete_token(
    token_id: Annotated[int, Path(ge=1, le=MAX_INT)], runtime: RuntimeDep, principal: PrincipalDep, reason: ReasonDep
) -> Response:
    with runtime.uow() as uow:
        info = auth.get_token_info(uow, token_id)
        if info is None or (principal.role != "admin" and info.user != principal.user):
            raise HTTPException(404, f"no token {token_id} of yours")
        revoked = auth.revoke_token_id(uow, token_id)
        if revoked:
            audit.record(
                uow,
                actor=principal.user,
                role=principal.role,
                action="platform.token.revoke",
                target=f"token:{token_id}",
                before={"user": info.user, "label": info.label, "revoked": False},
                after={"revoked": True},
                reason=reason,
            )
        uow.commit()
    return Response(status_code=204)
