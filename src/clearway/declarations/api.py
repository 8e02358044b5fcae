"""HTTP routes of the clearance core under /api/v1/declarations.

What lodging over HTTP needs besides its routes (formats, the lodge context, the lodge answer) lives in
``api_lodging``; this module re-exports it, so callers keep ``declarations.api``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import codec, lodging, service
from clearway.declarations.api_lodging import (
    Parser,
    Renderer,
    lodge_context,
    lodge_many,
    lodge_now,
    lodged_out,
    parse_declaration,
    register_parser,
    register_renderer,
    relief_may_apply,
)
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import RISK_KINDS, Decision, Declaration, DeclarationData
from clearway.declarations.schemas import (
    AmendmentIn,
    DecisionIn,
    DeclarationOut,
    ErrorsOut,
    HistoryOut,
    LodgedOut,
    NotificationOut,
    PageOut,
    SummaryOut,
)
from clearway.platform import i18n
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, json_too_deep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service

__all__ = [
    "Parser",
    "Renderer",
    "declaration_out",
    "get_declaration",
    "get_notifications",
    "get_versions",
    "list_declarations",
    "lodge",
    "lodge_batch",
    "lodge_context",
    "lodge_now",
    "lodged_out",
    "parse_declaration",
    "post_amendment",
    "post_decision",
    "register_parser",
    "register_renderer",
    "router",
]

router = APIRouter(prefix="/api/v1/declarations", tags=["declarations"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    404: {"model": ErrorsOut, "description": "No such declaration visible to you"},
    409: {"model": ErrorsOut, "description": "Someone else acted first, or the status does not allow it"},
    422: {"model": ErrorsOut, "description": "Every problem with the submission, with pointers"},
}
_LODGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/DeclarationIn"},
                "examples": {
                    "import": {
                        "summary": "Import of electronics and garments at Callao",
                        "value": example_declaration(),
                    }
                },
            },
            "application/xml": {"schema": {"type": "string", "description": "WCO DM 3.6 declaration (DMS)"}},
        },
    }
}


def declaration_out(
    decl: Declaration, principal: Principal, blockers: list[str], *, read: Callable[[str | None], str] | None = None
) -> DeclarationOut:
    """Describes a declaration in full, hiding risk reasons from traders; with ``read``, its stored reasons (the
    history's, the lanes', the blockers) and status label in the reader's language."""
    history = [
        HistoryOut(
            kind=e.kind,
            at=e.at,
            actor=e.actor,
            role=e.role,
            reason=read(e.reason) if read else e.reason,
            status_from=e.status_from.value if e.status_from else None,
            status_to=e.status_to.value if e.status_to else None,
            data=_read_data(e.data, read) if read else e.data,
        )
        for e in decl.history
        if not (principal.is_trader and e.kind in RISK_KINDS)
    ]
    return DeclarationOut(
        mrn=decl.mrn,
        status=decl.status.value,
        status_label=read(decl.status.label) if read else decl.status.label,
        lane=decl.lane.value if decl.lane and not principal.is_trader else None,
        version=decl.version,
        lodged_at=decl.lodged_at,
        accepted_at=decl.accepted_at,
        released_at=decl.released_at,
        declaration=codec.to_json(decl.data),
        history=history,
        release_blockers=[read(b) for b in blockers] if read else blockers,
    )


def _read_data(data: dict[str, Any], read: Callable[[str | None], str]) -> dict[str, Any]:
    """Returns an event's data with its stored reasons (a lane's ``reasons``) read; the rest as stored."""
    reasons = data.get("reasons")
    if not isinstance(reasons, list):
        return data
    return {**data, "reasons": [read(r) if isinstance(r, str) else r for r in reasons]}


@router.post(
    "",
    status_code=201,
    response_model=LodgedOut,
    responses=_ERRORS,
    openapi_extra=_LODGE_BODY,
    summary="Lodge a declaration",
    description="Validates the declaration, issues its MRN and assigns its lane. A retry with the same "
    "declarant and LRN returns the same MRN (200, `replayed: true`), never a duplicate.",
)
async def lodge(request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")) -> Response:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    renderer: Renderer | None = runtime.caches.get("declarations.renderers", {}).get(
        content_type.split(";")[0].strip().lower()
    )
    try:
        try:
            data: DeclarationData | bytes = parse_declaration(runtime, body, content_type)
        except ValidationFailed:
            if not relief_may_apply(runtime, content_type):
                raise
            data = body  # incomplete JSON: the pipeline reads it again and may accept it provisionally (crisis)
        media = content_type.split(";")[0].strip().lower() or "application/json"
        kept = body.decode("utf-8", errors="replace") if media != "application/json" else None
        message = lodging.Message(media, kept)
        result = await run_in_threadpool(lodge_now, runtime, data, principal, message)
    except ValidationFailed as exc:
        if renderer is not None:
            return renderer.rejected(exc.issues)
        raise
    if renderer is not None:
        return renderer.accepted(result.declaration, result.replayed)
    warnings = i18n.in_language(runtime.ports, request.headers.get("accept-language"), result.warnings)
    out = lodged_out(result.declaration, result.replayed, warnings)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=200 if result.replayed else 201,
        headers={"Location": out.links["self"]},
    )


@router.post(
    "/batch",
    responses=_ERRORS,
    summary="Lodge many declarations in one request",
    description='Body: `{"declarations": [ ... ]}`. Each is accepted or rejected on its own; the answer '
    "lists, in order, either the MRN or the errors of each.",
)
async def lodge_batch(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    body = await request.body()
    if json_too_deep(body):
        raise ValidationFailed([Issue("JSON_INVALID", "the body is nested too deeply", "")])
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise ValidationFailed([Issue("JSON_INVALID", "the body is not valid JSON", "")]) from None
    items = doc.get("declarations") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise ValidationFailed([Issue("REQUIRED", 'send {"declarations": [ ... ]} with at least one', "/declarations")])
    if len(items) > runtime.settings.max_batch_declarations:
        raise ValidationFailed(
            [
                Issue(
                    "BATCH_TOO_LARGE",
                    f"at most {runtime.settings.max_batch_declarations} declarations per batch",
                    "/declarations",
                )
            ]
        )
    return await run_in_threadpool(lodge_many, runtime, items, principal, request.headers.get("accept-language"))


@router.get("", response_model=PageOut, responses=_ERRORS, summary="List declarations you may see")
def list_declarations(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(max_length=2, description="Status code, e.g. 05")] = None,
    lane: Annotated[str | None, Query(pattern="^(green|yellow|red)$")] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
    queue: Annotated[bool, Query(description="Work-queue order: red first, oldest first")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = service.list_visible(
            uow, principal, status=status, lane=lane, office=office, queue=queue, limit=limit, offset=offset
        )
    return PageOut(data=[SummaryOut.model_validate(r) for r in rows], count=total)


@router.get(
    "/{mrn}",
    response_model=DeclarationOut,
    responses=_ERRORS,
    summary="Get a declaration and its history",
    description="The history's reasons, the lane reasons, the release blockers and `status_label` are in the "
    "language of `Accept-Language` (es, pt, fr; as stored, in English, otherwise); codes and what people wrote "
    "never change.",
)
def get_declaration(
    mrn: str, request: Request, response: Response, runtime: RuntimeDep, principal: PrincipalDep
) -> DeclarationOut:
    with runtime.uow(readonly=True) as uow:
        decl = service.get_visible(uow, mrn, principal)
        blockers = service.release_blockers(uow, decl) if decl.is_open else []
    read = i18n.reader_for(runtime.ports, request.headers.get("accept-language"))
    response.headers.update(i18n.language_headers(read))
    return declaration_out(decl, principal, blockers, read=i18n.translator(read))


@router.get(
    "/{mrn}/notifications",
    response_model=list[NotificationOut],
    responses=_ERRORS,
    summary="Notifications about a declaration",
    description="Every status change and message, oldest first; poll with `after` = the last id seen. `message` "
    "and `status_label` are in the language of `Accept-Language` (es, pt, fr; English otherwise); codes never change.",
)
def get_notifications(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    after: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    with runtime.uow(readonly=True) as uow:
        items = service.notifications(uow, mrn, principal, after)
    read = i18n.reader_for(runtime.ports, request.headers.get("accept-language"))
    for n in items:
        n["message"], n["status_label"] = read(n["message"]), read(n["status_label"]) if n["status_label"] else None
    body = [NotificationOut.model_validate(n).model_dump(mode="json") for n in items]
    return JSONResponse(body, headers=i18n.language_headers(read))


@router.get(
    "/{mrn}/versions",
    responses=_ERRORS,
    summary="Every version of the declared message",
    description="The message as lodged (verbatim, JSON or WCO DM XML) and each amendment, oldest first; kept "
    "immutably. For the owner and customs staff.",
)
def get_versions(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    with runtime.uow(readonly=True) as uow:
        return service.versions(uow, mrn, principal)


@router.post(
    "/{mrn}/decisions",
    response_model=DeclarationOut,
    responses=_ERRORS,
    summary="Decide on a declaration",
    description="Officers request documents, order a physical check, release, detain or clear; a "
    "supervisor or the declarant invalidates. Send `expected_version` to be refused (409) if someone "
    "else acted since you looked.",
)
async def post_decision(mrn: str, request: Request, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    payload = parse_json(DecisionIn, await request.body())
    return await run_in_threadpool(_decide, runtime, mrn, payload, principal)


def _decide(runtime: Runtime, mrn: str, payload: DecisionIn, principal: Principal) -> Response:
    with runtime.uow() as uow:
        decl = service.decide(
            uow,
            mrn,
            Decision(payload.decision),
            principal=principal,
            reason=payload.reason,
            expected_version=payload.expected_version,
            findings=payload.findings.model_dump(mode="json") if payload.findings else None,
        )
        uow.commit()
    return JSONResponse(declaration_out(decl, principal, []).model_dump(mode="json"))


@router.post(
    "/{mrn}/amendments",
    response_model=DeclarationOut,
    responses=_ERRORS,
    summary="Amend a declaration before release",
    description="Send the whole corrected declaration and the reason; it is validated like a new one.",
)
async def post_amendment(
    mrn: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    payload = parse_json(AmendmentIn, await request.body())
    return await run_in_threadpool(_amend, runtime, mrn, payload, principal)


def _amend(runtime: Runtime, mrn: str, payload: AmendmentIn, principal: Principal) -> Response:
    with runtime.uow() as uow:
        decl = service.amend(
            uow,
            mrn,
            codec.to_domain(payload.declaration),
            principal=principal,
            reason=payload.reason,
            nomenclature=reference_service.nomenclature(uow, runtime.caches),
            expected_version=payload.expected_version,
            party_ids=runtime.settings.party_id_check_digits,
        )
        uow.commit()
    return JSONResponse(declaration_out(decl, principal, []).model_dump(mode="json"))
