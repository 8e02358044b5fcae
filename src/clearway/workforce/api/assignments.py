"""Routes of assignments to controls: assigning an officer with a competency check (supervisor), the check alone,
and a declaration's assignments (customs staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.workforce import assignments
from clearway.workforce.api.views import CUSTOMS, ERRORS, PREFIX, assignment_out, competency_out, missing_response
from clearway.workforce.schemas import AssignmentIn, AssignmentOut, CheckOut

router = APIRouter(prefix=PREFIX, tags=["workforce"])


@router.post(
    "/assignments",
    status_code=201,
    response_model=AssignmentOut,
    responses=ERRORS,
    summary="Assign an officer to a declaration's control (supervisor), with a competency check",
    description="When the officer lacks a competency the control requires (e.g. a current physical-inspection "
    "course for a red-lane control), answers `409 COMPETENCY_MISSING` naming it; send `override_reason` "
    "(at least 10 characters) to proceed anyway. Overrides are audited.",
)
async def post_assignment(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("supervisor")
) -> Response:
    payload = parse_json(AssignmentIn, await request.body())
    return await run_in_threadpool(_assign, runtime, principal, payload)


def _assign(runtime: Runtime, principal: Principal, payload: AssignmentIn) -> Response:
    try:
        with runtime.uow() as uow:
            a = assignments.assign(
                uow,
                principal,
                payload.mrn,
                payload.officer,
                override_reason=payload.override_reason,
                note=payload.note,
            )
            uow.commit()
    except assignments.CompetencyMissing as exc:
        return missing_response(exc)
    return JSONResponse(assignment_out(a).model_dump(mode="json"), status_code=201)


@router.get(
    "/assignments/check",
    response_model=CheckOut,
    responses=ERRORS,
    summary="What a control requires and what an officer lacks (supervisor)",
)
def get_check(
    runtime: RuntimeDep,
    mrn: Annotated[str, Query(max_length=40)],
    officer: Annotated[str, Query(max_length=80)],
    principal: Principal = require_roles("supervisor"),
) -> CheckOut:
    with runtime.uow(readonly=True) as uow:
        c = assignments.check(uow, principal, mrn, officer)
    return CheckOut(
        mrn=c.mrn,
        officer=c.officer,
        work_kind=c.work_kind,
        required=c.required,
        missing=[competency_out(m) for m in c.missing],
    )


@router.get("/assignments", response_model=list[AssignmentOut], responses=ERRORS, summary="A declaration's assignments")
def get_assignments(
    runtime: RuntimeDep,
    mrn: Annotated[str, Query(max_length=40)],
    principal: Principal = require_roles(*CUSTOMS),
) -> list[AssignmentOut]:
    with runtime.uow(readonly=True) as uow:
        found = assignments.assignments(uow, principal, [mrn])
    return [assignment_out(a) for items in found.values() for a in items]
