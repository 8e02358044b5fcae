"""Traders lodge declarations in the console: by form, or by uploading a JSON (or WCO XML) file."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from clearway.console import forms, security, vocabulary
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, localizer, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import Conflict, DomainError, Issue, ValidationFailed
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, service
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.deps import RuntimeDep, parse_json
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
MAX_FIELDS = 2500
TRANSPORT_MODES = tuple((code, words) for code, words in vocabulary.TRANSPORT_MODES.items() if code != "9")
LRN_COOKIE = "clearway_pending_lrn"


def _require_trader(session: Session) -> None:
    if not session.principal.is_trader:
        raise HTTPException(403, N_("Only traders and customs brokers lodge declarations."))


def _new_lrn() -> str:
    return "WEB-" + secrets.token_hex(4).upper()


def pending_lrn(request: Request) -> str:
    """Returns the LRN of the form being filled in: the same one until it is lodged, so Back + resubmit replays."""
    found = request.cookies.get(LRN_COOKIE, "")
    return found if found.startswith("WEB-") and len(found) == 12 and found[4:].isalnum() else _new_lrn()


def own_party(runtime: Runtime, session: Session) -> dict[str, str]:
    """Returns the caller's own party as last declared (name, country, address), to prefill the declarant."""
    party = session.principal.party_id or ""
    if not party:
        return {}
    with runtime.uow(readonly=True) as uow:
        rows, _ = service.list_visible(uow, session.principal, status=None, office=None, limit=20, offset=0)
        for row in rows:
            decl = service.get_visible(uow, row["mrn"], session.principal)
            doc = codec.to_json(decl.data)
            for role in ("declarant", "importer", "representative"):
                p = doc.get(role) or {}
                if p.get("id") == party and p.get("name"):
                    return {k: str(p[k]) for k in forms.PARTY_FIELDS if p.get(k)}
    return {}


def blank_form(runtime: Runtime, session: Session, lrn: str, *, example: bool) -> dict[str, str]:
    """Returns the form's starting values: the example declaration, or a blank one, the declarant prefilled."""
    if example:
        values = forms.flatten(example_declaration(lrn))
    else:
        values = {"type": "IM", "additional_type": "A", "lrn": lrn, "goods_items.0.sequence": "1"}
    party = session.principal.party_id or ""
    if values.get("declarant.id") != party:
        # the caller lodges as itself; in the example it may be the importer rather than the broker
        source = "importer" if values.get("importer.id") == party else None
        for name in forms.PARTY_FIELDS:
            values[f"declarant.{name}"] = values.get(f"{source}.{name}", "") if source else ""
        values["declarant.id"] = party
    if not values.get("declarant.name"):
        for name, value in own_party(runtime, session).items():
            values[f"declarant.{name}"] = value
    return values


def _supported(runtime: Runtime) -> list[str]:
    return ["application/json", *runtime.caches.get("declarations.parsers", {})]


def _form_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    values: dict[str, str],
    issues: list[Issue] | None = None,
    *,
    status_code: int = 200,
    items: int | None = None,
    documents: int | None = None,
    upload_error: str | None = None,
    template: str = "lodge.html",
    **extra: Any,
) -> Response:
    items = items or forms.row_count(values, "goods_items")
    documents = documents or forms.row_count(values, "documents")
    by_field, elsewhere = forms.errors_by_field(issues or [], forms.form_fields(items, documents))
    return page(
        request,
        template,
        session,
        status_code=status_code,
        active="lodge" if template == "lodge.html" else "declarations",
        v=values,
        errors=by_field,
        other_errors=elsewhere,
        all_errors=[(i, forms.field_name(i.pointer)) for i in issues or []],
        items=items,
        documents=documents,
        transport_modes=TRANSPORT_MODES,
        xml=any("xml" in m for m in _supported(runtime)),
        upload_error=upload_error,
        **extra,
    )


@router.get("/lodge")
def lodge_form(request: Request, runtime: RuntimeDep, session: SessionDep, example: int = 0) -> Response:
    """Shows the lodgement form, blank or filled with an example."""
    _require_trader(session)
    lrn = pending_lrn(request)
    response = _form_page(request, runtime, session, blank_form(runtime, session, lrn, example=bool(example)))
    response.set_cookie(LRN_COOKIE, lrn, max_age=86400, httponly=True, samesite="strict", path="/console")
    return response


def _lodge(runtime: Runtime, session: Session, data: Any) -> Response:
    result = declarations_api.lodge_now(runtime, data, session.principal)
    mrn = result.declaration.mrn
    log.info("console lodgement %s by %s", mrn, session.principal.user)
    done = "replayed" if result.replayed else "lodged"
    response = RedirectResponse(f"/console/declarations/{mrn}?done={done}", status_code=303)
    response.delete_cookie(LRN_COOKIE, path="/console")  # the next form gets a new reference
    return response


def _conflict_issue(exc: DomainError) -> Issue:
    return Issue(exc.code, exc.message, "/lrn" if exc.code == "LRN_REUSED" else "")


@router.post("/lodge")
async def lodge(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Lodges the form (or adds an item or document row); errors are shown next to their fields."""
    _require_trader(session)
    submitted = await request.form(max_fields=MAX_FIELDS, max_files=0)
    security.check_csrf(request, session, str(submitted.get(security.CSRF_FIELD, "")))
    values = {k: v for k, v in submitted.items() if isinstance(v, str) and k != security.CSRF_FIELD}
    action = values.pop("action", "lodge")
    items, documents = forms.row_count(values, "goods_items"), forms.row_count(values, "documents")
    if action == "add_item":
        values[f"goods_items.{items}.sequence"] = str(items + 1)
        return _form_page(request, runtime, session, values, items=min(items + 1, forms.MAX_ROWS))
    if action == "add_document":
        return _form_page(request, runtime, session, values, documents=min(documents + 1, forms.MAX_ROWS))
    doc = forms.unflatten(values)
    try:
        data = codec.to_domain(parse_json(DeclarationIn, json.dumps(doc).encode()))
        return await run_in_threadpool(_lodge, runtime, session, data)
    except ValidationFailed as exc:
        issues = exc.issues
    except (Conflict, DomainError) as exc:
        issues = [_conflict_issue(exc)]
    shown = forms.flatten(doc)
    return _form_page(request, runtime, session, shown, issues, status_code=422)


def media_type_of(filename: str, content_type: str | None, body: bytes) -> str:
    """Tells the media type of an uploaded declaration from its name, declared type or first byte."""
    name = filename.lower()
    if name.endswith(".xml") or (content_type or "").endswith("xml") or body.lstrip()[:1] == b"<":
        return "application/xml"
    return "application/json"


@router.post("/lodge/upload")
async def upload(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Lodges an uploaded file (JSON, or WCO XML when a parser is installed)."""
    _require_trader(session)
    submitted = await request.form(max_fields=10, max_files=1)
    security.check_csrf(request, session, str(submitted.get(security.CSRF_FIELD, "")))
    file = submitted.get("file")
    blank = blank_form(runtime, session, pending_lrn(request), example=False)
    if not isinstance(file, UploadFile) or not file.filename:
        return _form_page(
            request, runtime, session, blank, status_code=422, upload_error=N_("Choose a file to upload.")
        )
    body = await file.read()
    media = media_type_of(file.filename, file.content_type, body)
    try:
        data = declarations_api.parse_declaration(runtime, body, media)
        return await run_in_threadpool(_lodge, runtime, session, data)
    except ValidationFailed as exc:
        issues = exc.issues
    except (Conflict, DomainError) as exc:
        issues = [_conflict_issue(exc)]
    values = blank
    if media == "application/json":
        try:
            loaded = json.loads(body)
        except (ValueError, RecursionError):
            loaded = None
        if isinstance(loaded, dict):
            values = forms.flatten(loaded)  # let the trader fix the file's content in the form
    words = localizer(request, session).gettext(N_("%(file)s was not lodged: the problems are listed below."))
    message = words % {"file": file.filename[:120]}
    return _form_page(request, runtime, session, values, issues, status_code=422, upload_error=message)
