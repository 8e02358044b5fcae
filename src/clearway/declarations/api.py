"""HTTP routes of the clearance core under /api/v1/declarations."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import codec, lodging, service, validation
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import RISK_KINDS, Decision, Declaration, DeclarationData
from clearway.declarations.ports import ValidationRelief
from clearway.declarations.schemas import (
    AmendmentIn,
    DecisionIn,
    DeclarationOut,
    ErrorsOut,
    HistoryOut,
    IssueOut,
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

router = APIRouter(prefix="/api/v1/declarations", tags=["declarations"])
Parser = Callable[[bytes], DeclarationData]
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


class Renderer(Protocol):
    """Answers a lodgement in the submitter's own format (e.g. WCO DM XML responses)."""

    def accepted(self, decl: Declaration, replayed: bool) -> Response:
        """Answers an accepted (or replayed) lodgement."""
        ...

    def rejected(self, issues: list[Issue]) -> Response:
        """Answers a rejected lodgement with every issue."""
        ...


def register_renderer(runtime: Runtime, media_type: str, renderer: Renderer) -> None:
    """Lets a capability answer lodgements made in its media type in that same format."""
    runtime.caches.setdefault("declarations.renderers", {})[media_type] = renderer


def register_parser(runtime: Runtime, media_type: str, parser: Parser) -> None:
    """Lets a capability accept declarations in another format (e.g. WCO DM XML) on the lodge endpoint."""
    runtime.caches.setdefault("declarations.parsers", {})[media_type] = parser


def lodge_context(runtime: Runtime, uow: Any) -> lodging.LodgeContext:
    """Builds what lodging needs from the runtime's settings and caches."""
    s = runtime.settings
    return lodging.LodgeContext(
        nomenclature=reference_service.nomenclature(uow, runtime.caches),
        country=s.country,
        selectivity=lodging.Selectivity(s.selectivity_red_rate, s.selectivity_yellow_rate, s.secret_key),
        party_ids=s.party_id_check_digits,
    )


def _checked(body: bytes | str | dict[str, Any], runtime: Runtime) -> DeclarationData:
    """Reads a JSON declaration (schema, data requirements, derivations); the rules run on lodging.

    When reading finds problems, the rules run too, so that the answer lists every issue at once.
    """
    today = runtime.clock().date()
    party_ids = runtime.settings.party_id_check_digits
    checked = validation.check(body, validation.CheckContext(None, today=today, party_ids=party_ids))
    if checked.issues or checked.data is None:
        with runtime.uow(readonly=True) as uow:
            nomenclature = reference_service.nomenclature(uow, runtime.caches)
        full = validation.check(body, validation.CheckContext(nomenclature, today=today, party_ids=party_ids))
        raise ValidationFailed(full.issues or checked.issues)
    return checked.data


def parse_declaration(runtime: Runtime, body: bytes, content_type: str) -> DeclarationData:
    """Parses a lodged body as JSON or through a registered parser for its media type."""
    media = content_type.split(";")[0].strip().lower()
    if media in {"", "application/json"}:
        return _checked(body, runtime)
    parser = runtime.caches.get("declarations.parsers", {}).get(media)
    if parser is None:
        raise ValidationFailed(
            [
                Issue(
                    "MEDIA_TYPE",
                    f"cannot read '{media}'; send application/json"
                    + (
                        " or " + ", ".join(runtime.caches.get("declarations.parsers", {}))
                        if runtime.caches.get("declarations.parsers")
                        else ""
                    ),
                    "",
                )
            ]
        )
    data: DeclarationData = parser(body)
    return data


def lodged_out(decl: Declaration, replayed: bool, warnings: Sequence[Issue] = ()) -> LodgedOut:
    """Describes a lodged declaration in the lodge answer, with what was accepted but should be looked at."""
    return LodgedOut(
        warnings=[IssueOut(code=w.code, message=w.message, pointer=w.pointer) for w in warnings],
        mrn=decl.mrn,
        lrn=decl.data.lrn,
        status=decl.status.value,
        status_label=decl.status.label,
        lane=decl.lane.value if decl.lane else None,
        replayed=replayed,
        links={
            "self": f"/api/v1/declarations/{decl.mrn}",
            "notifications": f"/api/v1/declarations/{decl.mrn}/notifications",
        },
    )


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
            if not _relief_may_apply(runtime, content_type):
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


def _relief_may_apply(runtime: Runtime, content_type: str) -> bool:
    """Tells whether an incomplete JSON declaration may still be accepted provisionally (a relief port exists)."""
    if content_type.split(";")[0].strip().lower() not in {"", "application/json"}:
        return False
    with runtime.uow(readonly=True) as uow:
        return bool(uow.ports.all(ValidationRelief))


def lodge_now(
    runtime: Runtime, data: DeclarationData | bytes, principal: Principal, message: lodging.Message | None = None
) -> service.LodgeResult:
    """Lodges one declaration in its own transaction."""
    with runtime.uow() as uow:
        result = lodging.lodge(uow, data, principal=principal, ctx=lodge_context(runtime, uow), message=message)
        uow.commit()
    return result


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
    return await run_in_threadpool(_lodge_many, runtime, items, principal, request.headers.get("accept-language"))


def _lodge_many(
    runtime: Runtime, items: list[Any], principal: Principal, accept_language: str | None = None
) -> Response:
    """Lodges each item on its own (a savepoint each); warnings and errors are answered in the language of
    ``Accept-Language`` as a single lodging's are (codes and pointers never change)."""

    def said(issues: Iterable[Issue]) -> list[Issue]:
        return i18n.in_language(runtime.ports, accept_language, issues)

    def rejected(index: int, issues: Iterable[Issue]) -> dict[str, Any]:
        return {"index": index, "status": "rejected", "errors": [i.as_dict() for i in said(issues)]}

    results: list[dict[str, Any]] = []
    with runtime.uow() as uow:
        ctx = lodge_context(runtime, uow)
        for index, item in enumerate(items):
            try:
                data = _checked(item if isinstance(item, dict) else _dumps(item), runtime)
            except ValidationFailed as exc:
                results.append(rejected(index, exc.issues))
                continue
            savepoint = uow.conn.begin_nested()
            try:
                result = lodging.lodge(uow, data, principal=principal, ctx=ctx)
                savepoint.commit()
            except ValidationFailed as exc:
                savepoint.rollback()
                results.append(rejected(index, exc.issues))
                continue
            except Exception as exc:
                savepoint.rollback()
                code = getattr(exc, "code", "INTERNAL")
                results.append(
                    {
                        "index": index,
                        "status": "rejected",
                        "errors": [{"code": code, "message": str(exc), "pointer": ""}],
                    }
                )
                continue
            out = lodged_out(result.declaration, result.replayed, said(result.warnings)).model_dump(mode="json")
            results.append({"index": index, **out, "status": out["status"]})
        uow.commit()
    accepted = sum(1 for r in results if "mrn" in r)
    return JSONResponse({"accepted": accepted, "rejected": len(results) - accepted, "results": results})


def _dumps(item: Any) -> str:
    return json.dumps(item)


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
