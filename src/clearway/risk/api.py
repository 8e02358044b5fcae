"""Risk routes: publish and read selectivity criteria, read assessments and rule hit rates (customs staff only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.deps import RuntimeDep, json_body, parse_json, require_roles
from clearway.risk import service
from clearway.risk.schemas import AssessmentOut, HitRateOut, PreviewOut, RuleSetIn, RuleSetOut, VersionOut

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


Mode = Annotated[
    Literal["replace", "merge"],
    Query(
        description="`replace`: the body is the whole criteria; `merge`: add or replace its rules and "
        "watchlists by name and keep the others"
    ),
]


def _publish(
    runtime: RuntimeDep, payload: RuleSetIn, principal: Principal, mode: str, confirm: bool, expected: int | None
) -> RuleSetOut:
    with runtime.uow() as uow:
        ruleset = service.publish_ruleset(
            uow,
            payload.document(only_given_settings=mode == "merge"),
            note=payload.note,
            by=principal.user,
            role=principal.role,
            mode=mode,
            allow_removals=confirm,
            expected_version=expected,
        )
        uow.commit()
        version, document = service.ruleset_document(uow, ruleset.version)
    return RuleSetOut(version=version, document=document)


_BODY = json_body("RuleSetIn")


@router.put(
    "/ruleset",
    response_model=RuleSetOut,
    status_code=201,
    summary="Publish a new version of the criteria",
    description="Publishes a new version; it applies to the next declaration accepted. Body: `RuleSetIn`. "
    "With `mode=replace` (the default) a body that leaves out rules or watchlists in force is refused with "
    "409 `RULES_REMOVED` naming them, unless `confirm_removals=true`; `mode=merge` keeps them. "
    "`POST /ruleset/preview` shows the differences first.",
    openapi_extra=_BODY,
    responses={409: {"description": "Criteria would be removed, or another version was published meanwhile"}},
)
async def put_ruleset(
    request: Request,
    runtime: RuntimeDep,
    mode: Mode = "replace",
    confirm_removals: Annotated[bool, Query(description="Remove the criteria the body leaves out")] = False,
    expected_version: Annotated[
        int | None, Query(ge=0, le=2**31 - 1, description="Refuse if the version in force is another")
    ] = None,
    principal: Principal = require_roles(*ANALYSTS),
) -> RuleSetOut:
    payload = parse_json(RuleSetIn, await request.body())
    return await run_in_threadpool(_publish, runtime, payload, principal, mode, confirm_removals, expected_version)


def _preview(runtime: RuntimeDep, payload: RuleSetIn, mode: str) -> PreviewOut:
    with runtime.uow(readonly=True) as uow:
        document, changes = service.preview(uow, payload.document(only_given_settings=mode == "merge"), mode=mode)
    return PreviewOut(mode=mode, diff=changes.as_dict(), document=document)


@router.post(
    "/ruleset/preview",
    response_model=PreviewOut,
    summary="What publishing these criteria would add, change and remove",
    description="Validates the body (`RuleSetIn`, every problem at once) and compares the resulting criteria "
    "with the version in force, by rule and watchlist name. Publishes nothing.",
    openapi_extra=_BODY,
)
async def preview_ruleset(
    request: Request, runtime: RuntimeDep, mode: Mode = "replace", principal: Principal = require_roles(*ANALYSTS)
) -> PreviewOut:
    del principal
    payload = parse_json(RuleSetIn, await request.body())
    return await run_in_threadpool(_preview, runtime, payload, mode)


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
