"""HTTP routes of the single window under /api/v1/single-window."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.platform import approvals, audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import PrincipalDep, ReasonDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.single_window import catalog, loader, permits, report, routing, service
from clearway.single_window.model import Agency, Permit, Requirement
from clearway.single_window.schemas import (
    AgencyIn,
    AgencyOut,
    AppEventOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationsOut,
    DecisionIn,
    LoadOut,
    PermitIn,
    PermitOut,
    PermitsOut,
    ReportOut,
    RequirementOut,
    RequirementTermsIn,
    ResponseIn,
    RetireIn,
    RuleFileIn,
    WindowOut,
)

router = APIRouter(prefix="/api/v1/single-window", tags=["single window"])


def _body(model: str, *extra_media: str) -> dict[str, Any]:
    """Documents a JSON body the route parses itself (so the OpenAPI page and fuzzers know it)."""
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}
    for media in extra_media:
        content[media] = {"schema": {"type": "string"}}
    return {"requestBody": {"required": True, "content": content}}


RULE_ID = re.compile(r"[A-Za-z0-9_.\-]{2,60}")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such thing visible to you"},
    409: {"description": "Someone else acted first, or the state does not allow it"},
    422: {"description": "Every problem with the request, with pointers"},
}


def agency_out(a: Agency) -> AgencyOut:
    """Describes an agency."""
    return AgencyOut(code=a.code, name=a.name, domain=a.domain, automated_decisions=a.automated_decisions)


def requirement_out(r: Requirement) -> RequirementOut:
    """Describes a requirement version."""
    return RequirementOut(
        id=r.rule_id,
        version=r.version,
        agency=r.agency,
        hs=[str(s) for s in r.hs],
        origins=sorted(r.origins),
        procedures=list(r.procedures),
        end_uses=sorted(r.end_uses),
        needs=[{"kind": n.kind, "name": n.name} for n in r.needs],
        auto=r.auto,
        description=r.description,
        effective_from=r.effective_from,
        effective_to=r.effective_to,
    )


def application_out(
    app: dict[str, Any], agencies: dict[str, Agency], events: list[dict[str, Any]] | None = None
) -> ApplicationOut:
    """Describes an application, with its history when given."""
    agency = agencies.get(app["agency"])
    return ApplicationOut(
        **{k: app[k] for k in ApplicationOut.model_fields if k in app and k not in {"history"}},
        agency_label=agency.label if agency else app["agency"],
        history=[AppEventOut.model_validate(e) for e in events or []],
    )


def permit_out(p: Permit, draws: list[dict[str, Any]] | None = None) -> PermitOut:
    """Describes a permit."""
    return PermitOut(
        number=p.number,
        agency=p.agency,
        holder_id=p.holder_id,
        kind=p.kind,
        standing=p.standing,
        hs=[str(s) for s in p.hs],
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        unit=p.unit,
        quantity=p.quantity,
        remaining=p.remaining,
        revoked=p.revoked,
        drawdowns=draws or [],
    )


# --- agencies and requirements ----------------------------------------------------------------


@router.get("/agencies", response_model=list[AgencyOut], responses=_ERRORS, summary="Agencies in the single window")
def list_agencies(runtime: RuntimeDep, principal: PrincipalDep) -> list[AgencyOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        agencies = catalog.ruleset(uow, runtime.caches).agencies
    return [agency_out(a) for a in sorted(agencies.values(), key=lambda a: a.code)]


@router.put(
    "/agencies/{code}",
    response_model=AgencyOut,
    responses={**_ERRORS, 202: {"description": "Switching on automated decisions waits for a second approval"}},
    openapi_extra=_body("AgencyIn"),
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


def _apply_retire(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    data = RetireIn.model_validate_json(json.dumps({"effective_to": payload["effective_to"]}))
    rule_id = str(payload["rule_id"])
    req = catalog.retire_requirement(uow, caches, rule_id, data.effective_to)
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="single_window.requirement.retire",
        target=f"requirement:{rule_id}",
        before={"version": req.version, "effective_to": None},
        after={"version": req.version, "effective_to": data.effective_to},
        reason="applied on approval",
    )
    return requirement_out(req).model_dump(mode="json")


KIND_AUTOMATE = "single_window.agency.automated_decisions"
KIND_RETIRE = service.RETIRE_KIND
approvals.register(
    KIND_AUTOMATE,
    _apply_automation,
    approver_roles=("supervisor", "admin"),
    description="Let the platform decide clear cases for an agency",
)
approvals.register(
    KIND_RETIRE, _apply_retire, approver_roles=("supervisor", "admin"), description="End an agency requirement"
)


@router.get(
    "/requirements",
    response_model=list[RequirementOut],
    responses=_ERRORS,
    summary="Requirements in effect (or every version)",
)
def list_requirements(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    agency: Annotated[str | None, Query(max_length=20)] = None,
    on: Annotated[date | None, Query(description="Date the rules apply on; default today")] = None,
    history: Annotated[bool, Query(description="Every version with its dates")] = False,
) -> list[RequirementOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        found = catalog.requirements(uow, runtime.caches, agency=agency, on=on, history=history)
    return [requirement_out(r) for r in found]


@router.put(
    "/requirements/{rule_id}",
    response_model=RequirementOut,
    responses=_ERRORS,
    openapi_extra=_body("RequirementTermsIn"),
    summary="Add a requirement, or a new version of it from its effective date",
)
async def put_requirement(
    rule_id: str,
    request: Request,
    runtime: RuntimeDep,
    reason: ReasonDep,
    principal: Principal = require_roles("admin"),
) -> RequirementOut:
    data = parse_json(RequirementTermsIn, await request.body())
    if not RULE_ID.fullmatch(rule_id):
        raise ValidationFailed([Issue("RULE_ID", "a rule id has 2 to 60 letters, digits, '.', '_' or '-'", "")])
    return await run_in_threadpool(_put_requirement, runtime, rule_id, data, principal, reason)


def _put_requirement(
    runtime: Runtime, rule_id: str, data: RequirementTermsIn, principal: Principal, reason: str
) -> RequirementOut:
    with runtime.uow() as uow:
        req = catalog.put_requirement(uow, runtime.caches, rule_id, data, actor=principal.user)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="single_window.requirement.put",
            target=f"requirement:{rule_id}",
            before=None,
            after=requirement_out(req),
            reason=reason,
        )
        uow.commit()
    return requirement_out(req)


@router.post(
    "/requirements/{rule_id}/retire",
    status_code=202,
    responses=_ERRORS,
    openapi_extra=_body("RetireIn"),
    summary="Ask to end a requirement (applied once a second person approves it)",
)
async def retire_requirement(
    rule_id: str,
    request: Request,
    runtime: RuntimeDep,
    reason: ReasonDep,
    principal: Principal = require_roles("admin"),
) -> JSONResponse:
    data = parse_json(RetireIn, await request.body())
    return await run_in_threadpool(_retire, runtime, rule_id, data, principal, reason)


def _retire(runtime: Runtime, rule_id: str, data: RetireIn, principal: Principal, reason: str) -> JSONResponse:
    """Files the retirement for a second person's approval (answers 202); nothing ends until approved."""
    with runtime.uow() as uow:
        cr = service.request_retirement(uow, runtime.caches, rule_id, data.effective_to, principal, reason)
        uow.commit()
    return JSONResponse({"approval": cr.as_dict()}, status_code=202)


@router.post(
    "/requirements/load",
    response_model=LoadOut,
    responses=_ERRORS,
    openapi_extra=_body("RuleFileIn", "application/yaml", "text/csv"),
    summary="Load a requirements file (JSON, YAML or CSV body)",
    description="Send `application/json`, `application/yaml` or `text/csv`; changed rules get a new version.",
)
async def load_requirements(
    request: Request, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> LoadOut:
    body = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in {"", "application/json"}:
        doc = parse_json(RuleFileIn, body)
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed([Issue("ENCODING", "send the file as UTF-8", "")]) from None
        if media in {"application/yaml", "application/x-yaml", "text/yaml"}:
            doc = loader.parse_yaml(text)
        elif media == "text/csv":
            doc = loader.parse_csv(text)
        else:
            raise ValidationFailed([Issue("MEDIA_TYPE", f"cannot read '{media}'; send JSON, YAML or CSV", "")])
    return await run_in_threadpool(_load, runtime, doc, principal, reason)


def _load(runtime: Runtime, doc: RuleFileIn, principal: Principal, reason: str) -> LoadOut:
    with runtime.uow() as uow:
        known = catalog.ruleset(uow, runtime.caches).agencies
        automating = [
            Issue(
                "NEEDS_APPROVAL",
                f"switching agency {a.code} to automated decisions needs a second person's approval: "
                f"use PUT /api/v1/single-window/agencies/{a.code}",
                f"/agencies/{i}/automated_decisions",
            )
            for i, a in enumerate(doc.agencies)
            if a.automated_decisions and a.code in known and not known[a.code].automated_decisions
        ]
        if automating:
            raise ValidationFailed(automating)
        changed, added, unchanged = catalog.load(uow, runtime.caches, doc, actor=principal.user)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="single_window.requirements.load",
            target="requirements",
            before=None,
            after={
                "agencies": [a.code for a in doc.agencies],
                "requirements": [r.id for r in doc.requirements],
                "agencies_changed": changed,
                "versions_added": added,
            },
            reason=reason,
        )
        uow.commit()
    return LoadOut(agencies_changed=changed, requirements_added=added, requirements_unchanged=unchanged)


# --- applications ----------------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses=_ERRORS,
    openapi_extra=_body("ApplicationIn"),
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
        agencies = catalog.ruleset(uow, runtime.caches).agencies
        return application_out(app, agencies, service.history(uow, app["id"]))


@router.get("/applications", response_model=ApplicationsOut, responses=_ERRORS, summary="Your queue or applications")
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


@router.get("/applications/{app_id}", response_model=ApplicationOut, responses=_ERRORS, summary="An application")
def get_application(app_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> ApplicationOut:
    with runtime.uow(readonly=True) as uow:
        return _out(uow, runtime, service.get_visible(uow, app_id, principal))


@router.post(
    "/applications/{app_id}/decisions",
    response_model=ApplicationOut,
    responses=_ERRORS,
    openapi_extra=_body("DecisionIn"),
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
    responses=_ERRORS,
    openapi_extra=_body("ResponseIn"),
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
    responses=_ERRORS,
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


# --- permits and the time report --------------------------------------------------------------


@router.post(
    "/permits",
    status_code=201,
    response_model=PermitOut,
    responses=_ERRORS,
    openapi_extra=_body("PermitIn"),
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


@router.get("/permits", response_model=PermitsOut, responses=_ERRORS, summary="Permits you may see")
def list_permits(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PermitsOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = permits.list_visible(uow, principal, limit=limit, offset=offset)
    return PermitsOut(data=[permit_out(p) for p in rows], count=total)


@router.get("/permits/{number}", response_model=PermitOut, responses=_ERRORS, summary="A permit and its drawdowns")
def get_permit(number: str, runtime: RuntimeDep, principal: PrincipalDep) -> PermitOut:
    with runtime.uow(readonly=True) as uow:
        permit, draws = permits.get_visible(uow, number, principal)
    return permit_out(permit, draws)


@router.get(
    "/report",
    response_model=ReportOut,
    responses=_ERRORS,
    summary="Time Release Study: median and p90 hours from submission to each agency's decision and to release",
)
def get_report(
    runtime: RuntimeDep,
    principal: Principal = require_roles("officer", "supervisor", "admin", "agency"),
    days: Annotated[int | None, Query(ge=1, le=3660, description="Only submissions of the last N days")] = None,
) -> ReportOut:
    since = runtime.clock().astimezone(UTC) - timedelta(days=days) if days else None
    with runtime.uow(readonly=True) as uow:
        return ReportOut.model_validate(report.time_report(uow, runtime.caches, since=since, principal=principal))
