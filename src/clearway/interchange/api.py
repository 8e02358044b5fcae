"""HTTP: WCO DM XML answers to XML lodgements, notifications as WCO DM responses, and a mapping preview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import codec
from clearway.declarations.model import Declaration
from clearway.declarations.schemas import ErrorsOut
from clearway.interchange import mapping, service, xmlsafe
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, require_roles
from clearway.platform.runtime import Runtime

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
