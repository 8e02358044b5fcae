"""Routes of the agencies in the single window; switching an agency to automated decisions waits for a second
person's approval (a four-eyes change applied here once approved)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.platform import approvals, audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import PrincipalDep, ReasonDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.single_window import catalog
from clearway.single_window.api.views import ERRORS, PREFIX, agency_out, json_body
from clearway.single_window.schemas import AgencyIn, AgencyOut

router = APIRouter(prefix=PREFIX, tags=["single window"])


@router.get("/agencies", response_model=list[AgencyOut], responses=ERRORS, summary="Agencies in the single window")
def list_agencies(runtime: RuntimeDep, principal: PrincipalDep) -> list[AgencyOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        agencies = catalog.ruleset(uow, runtime.caches).agencies
    return [agency_out(a) for a in sorted(agencies.values(), key=lambda a: a.code)]


@router.put(
    "/agencies/{code}",
    response_model=AgencyOut,
    responses={**ERRORS, 202: {"description": "Switching on automated decisions waits for a second approval"}},
    openapi_extra=json_body("AgencyIn"),
    summary="Create or update an agency",
)
async def put_agency(
    code: str, request: Request, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> Any:
    data = parse_json(AgencyIn, await request.body())
    if data.code != code:
        raise ValidationFailed([Issue("CODE_MISMATCH", f"the body's code is {data.code}, the path's {code}", "/code")])
    return await run_in_threadpool(_put_agency, runtime, data, principal, reason)


def _put_agency(runtime: Runtime, data: AgencyIn, principal: Principal, reason: str) -> Any:
    with runtime.uow() as uow:
        before = catalog.ruleset(uow, runtime.caches).agencies.get(data.code)
        if data.automated_decisions and not (before is not None and before.automated_decisions):
            # Letting the platform decide for an agency weakens a control: a second person must approve it.
            cr = approvals.request(
                uow,
                kind=KIND_AUTOMATE,
                target=f"agency:{data.code}",
                payload=data.model_dump(mode="json"),
                principal=principal,
                reason=reason,
            )
            uow.commit()
            return JSONResponse({"approval": cr.as_dict()}, status_code=202)
        agency = catalog.put_agency(uow, runtime.caches, data)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="single_window.agency.put",
            target=f"agency:{data.code}",
            before=before,
            after=agency,
            reason=reason,
        )
        uow.commit()
    return agency_out(agency)


def _apply_automation(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    data = AgencyIn.model_validate_json(json.dumps(payload))
    before = catalog.ruleset(uow, caches).agencies.get(data.code)
    agency = catalog.put_agency(uow, caches, data)
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="single_window.agency.put",
        target=f"agency:{data.code}",
        before=before,
        after=agency,
        reason="applied on approval",
    )
    return agency_out(agency).model_dump(mode="json")


KIND_AUTOMATE = "single_window.agency.automated_decisions"
approvals.register(
    KIND_AUTOMATE,
    _apply_automation,
    approver_roles=("supervisor", "admin"),
    description="Let the platform decide clear cases for an agency",
)
