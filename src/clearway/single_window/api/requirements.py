"""Routes of agency requirements: list them, add a version, load a requirements file (JSON, YAML or CSV), and
ask to end one (applied once a second person approves it)."""

from __future__ import annotations

import json
import re
from datetime import date
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
from clearway.single_window import catalog, loader, service
from clearway.single_window.api.views import ERRORS, PREFIX, json_body, requirement_out
from clearway.single_window.schemas import LoadOut, RequirementOut, RequirementTermsIn, RetireIn, RuleFileIn

router = APIRouter(prefix=PREFIX, tags=["single window"])


RULE_ID = re.compile(r"[A-Za-z0-9_.\-]{2,60}")


@router.get(
    "/requirements",
    response_model=list[RequirementOut],
    responses=ERRORS,
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
    responses=ERRORS,
    openapi_extra=json_body("RequirementTermsIn"),
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
    responses=ERRORS,
    openapi_extra=json_body("RetireIn"),
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
    responses=ERRORS,
    openapi_extra=json_body("RuleFileIn", "application/yaml", "text/csv"),
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


KIND_RETIRE = service.RETIRE_KIND
approvals.register(
    KIND_RETIRE, _apply_retire, approver_roles=("supervisor", "admin"), description="End an agency requirement"
)
