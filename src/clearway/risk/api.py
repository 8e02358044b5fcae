"""Risk routes: publish and read selectivity criteria, read assessments and rule hit rates (customs staff only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.deps import RuntimeDep, parse_json, require_roles
from clearway.risk import service
from clearway.risk.schemas import AssessmentOut, HitRateOut, RuleSetIn, RuleSetOut, VersionOut

router = APIRouter(prefix="/api/v1/risk", tags=["risk"])
STAFF = CUSTOMS_STAFF
ANALYSTS = ("supervisor", "admin")


@router.get("/ruleset", response_model=RuleSetOut, summary="The criteria in force")
def get_ruleset(runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> RuleSetOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        version, document = service.ruleset_document(uow)
    return RuleSetOut(version=version, document=document)


@router.get("/ruleset/versions", response_model=list[VersionOut], summary="Every published version")
def list_versions(runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> list[VersionOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [VersionOut(**v) for v in service.versions(uow)]


@router.get("/ruleset/versions/{version}", response_model=RuleSetOut, summary="One published version")
def get_version(
    runtime: RuntimeDep,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
    principal: Principal = require_roles(*STAFF),
) -> RuleSetOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        v, document = service.ruleset_document(uow, version)
    return RuleSetOut(version=v, document=document)


def _publish(runtime: RuntimeDep, payload: RuleSetIn, principal: Principal) -> RuleSetOut:
    with runtime.uow() as uow:
        ruleset = service.publish_ruleset(uow, payload.document(), note=payload.note, by=principal.user)
        uow.commit()
    return RuleSetOut(version=ruleset.version, document=payload.document())


@router.put(
    "/ruleset",
    response_model=RuleSetOut,
    status_code=201,
    summary="Publish a new version of the criteria",
    description="Replaces the criteria in force with a new version; it applies to the next declaration accepted. "
    "Body: `RuleSetIn`.",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RuleSetIn"}}},
            "required": True,
        }
    },
)
async def put_ruleset(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles(*ANALYSTS)
) -> RuleSetOut:
    payload = parse_json(RuleSetIn, await request.body())
    return await run_in_threadpool(_publish, runtime, payload, principal)


@router.get("/assessments/{mrn}", response_model=AssessmentOut, summary="Why a declaration got its lane")
def get_assessment(
    runtime: RuntimeDep,
    mrn: Annotated[str, Path(min_length=1, max_length=18)],
    principal: Principal = require_roles(*STAFF),
) -> AssessmentOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        return AssessmentOut(**service.assessment(uow, mrn))


@router.get("/hit-rates", response_model=list[HitRateOut], summary="Hit rate of each rule from control outcomes")
def get_hit_rates(runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> list[HitRateOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [HitRateOut(**r) for r in service.hit_rates(uow)]
