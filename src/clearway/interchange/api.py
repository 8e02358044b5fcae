"""HTTP: WCO DM XML answers to XML lodgements, notifications as WCO DM responses, and a mapping preview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Conflict, Forbidden, Issue, ValidationFailed
from clearway.declarations import codec
from clearway.declarations.model import Declaration
from clearway.declarations.schemas import ErrorsOut
from clearway.interchange import amend, mapping, service, xmlsafe
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, require_roles
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service

XML = "application/xml"
router = APIRouter(prefix="/api/v1/interchange", tags=["interchange"])
alias_router = APIRouter(tags=["interchange"])
_XML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XML: {"schema": {"type": "string", "description": "WCO DM 3.6 RES (DMS) MetaData"}}}},
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    404: {"model": ErrorsOut, "description": "No such declaration visible to you"},
}


class XmlRenderer:
    """Answers XML lodgements with WCO DM responses: 01 accepted with the MRN, or 03 rejected with errors."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def accepted(self, decl: Declaration, replayed: bool) -> Response:
        """Answers an accepted (or replayed) lodgement with the acceptance notification."""
        body = service.accepted_xml(decl, country=self.runtime.settings.country)
        return Response(
            body,
            status_code=200 if replayed else 201,
            media_type=XML,
            headers={"Location": f"/api/v1/declarations/{decl.mrn}"},
        )

    def rejected(self, issues: list[Issue]) -> Response:
        """Answers a rejected lodgement: 400 for an unreadable or unsafe document, 422 for invalid content."""
        located = service.xml_issues(issues)
        body = service.rejected_xml(located, at=self.runtime.clock(), country=self.runtime.settings.country)
        status = 400 if any(i.code in xmlsafe.BAD_REQUEST_CODES for i in located) else 422
        return Response(body, status_code=status, media_type=XML)


@router.post(
    "/amendments",
    responses={
        200: {"content": {XML: {"schema": {"type": "string"}}}, "description": "07 amended or 10 invalidated"},
        404: {"model": ErrorsOut, "description": "No such declaration visible to you"},
        422: {"content": {XML: {"schema": {"type": "string"}}}, "description": "03 rejected, with every error"},
    },
    summary="Amend or cancel a declaration lodged as WCO DM XML",
    description="Send a WCO DM amendment (FunctionCode 13, TypeCode COR, Declaration/ID = MRN) carrying the "
    "changed data elements, or a cancellation request (TypeCode INV). The changes are laid over the original "
    "XML, mapped and validated like a new lodgement. Answers 07 (amended) or 10 (invalidated), or 03 with errors.",
    openapi_extra={"requestBody": {"required": True, "content": {XML: {"schema": {"type": "string"}}}}},
)
async def post_amendment(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    body = await request.body()
    return await run_in_threadpool(_amend, runtime, body, principal)


def _amend(runtime: Runtime, body: bytes, principal: Principal) -> Response:
    country = runtime.settings.country
    try:
        with runtime.uow() as uow:
            decl, kind, reason = amend.apply(
                uow,
                body,
                principal=principal,
                nomenclature=reference_service.nomenclature(uow, runtime.caches),
                party_ids=runtime.settings.party_id_check_digits,
            )
            uow.commit()
    except ValidationFailed as exc:
        status = 400 if any(i.code in xmlsafe.BAD_REQUEST_CODES for i in exc.issues) else 422
        return Response(service.rejected_xml(exc.issues, at=runtime.clock(), country=country), status, media_type=XML)
    except (Conflict, Forbidden) as exc:
        issue = Issue(exc.code, exc.message, "/Declaration/ID")
        body = service.rejected_xml([issue], at=runtime.clock(), country=country)
        return Response(body, 409 if isinstance(exc, Conflict) else 403, media_type=XML)
    return Response(service.amended_xml(decl, kind, reason, at=runtime.clock(), country=country), media_type=XML)


def _notifications(runtime: Runtime, mrn: str, principal: Principal) -> Response:
    with runtime.uow(readonly=True) as uow:
        body = service.notifications_xml(uow, mrn, principal, country=runtime.settings.country)
    return Response(body, media_type=XML)


@router.get(
    "/declarations/{mrn}/notifications",
    responses=_XML_RESPONSE,
    response_class=Response,
    summary="Notifications as WCO DM responses",
    description="Every notification of the declaration (received, accepted, tax calculation, documents required, "
    "control, released, cleared, invalidated) as one WCO DM 3.6 RES document, oldest first.",
)
def get_notifications_xml(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    return _notifications(runtime, mrn, principal)


@alias_router.get(
    "/api/v1/declarations/{mrn}/notifications.xml",
    responses=_XML_RESPONSE,
    response_class=Response,
    summary="Notifications as WCO DM responses (alias)",
)
def get_notifications_xml_alias(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    return _notifications(runtime, mrn, principal)


@router.post(
    "/declarations/preview",
    responses={422: {"model": ErrorsOut, "description": "Every problem, with WCO class/tag paths"}},
    summary="Map a WCO DM declaration without lodging it",
    description="Send a WCO DM 3.6 declaration (application/xml). Answers the declaration as Clearway reads it "
    "and, for every field not in the message, how it was derived; or every problem with its XML path.",
    openapi_extra={"requestBody": {"required": True, "content": {XML: {"schema": {"type": "string"}}}}},
)
async def preview(request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")) -> Response:
    del principal
    body = await request.body()
    try:
        data, derived = service.preview(body, today=runtime.clock().date())
    except ValidationFailed as exc:
        status = 400 if any(i.code in xmlsafe.BAD_REQUEST_CODES for i in exc.issues) else 422
        return JSONResponse({"errors": [i.as_dict() for i in exc.issues]}, status_code=status)
    doc = codec.to_json(data)
    wco_ext = dict(doc.get("extensions", {}).get(mapping.EXTENSION_KEY, {}))
    wco_ext.pop("xml", None)
    doc["extensions"] = {mapping.EXTENSION_KEY: wco_ext}
    return JSONResponse({"declaration": doc, "derived": derived})
