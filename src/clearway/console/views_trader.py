"""The trader's answers: reply to a documents request with documents, and amend with a diff before sending."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from clearway.console import controls, forms, security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page
from clearway.console.security import Session, SessionDep
from clearway.console.views_declarations import AMENDABLE, not_found
from clearway.console.views_lodge import MAX_FIELDS, _form_page
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import codec, service
from clearway.declarations.model import Declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.deps import RuntimeDep, parse_json
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
MAX_UPLOAD = controls.MAX_FILES * controls.MAX_FILE_BYTES + 64 * 1024


def _back(mrn: str, key: str, message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/console/declarations/{mrn}?{key}={quote(message[:300])}#reply", status_code=303)


@router.post("/declarations/{mrn}/reply")
async def reply(mrn: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Sends the trader's reply and documents to customs (status 06, documents required)."""
    if not session.principal.is_trader:
        raise HTTPException(403, N_("Only the trader answers a documents request."))
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD:
        raise HTTPException(413, N_("The files are too large: at most 5 files of 5 MB each."))
    submitted = await request.form(max_fields=10, max_files=controls.MAX_FILES + 1, max_part_size=MAX_UPLOAD)
    security.check_csrf(request, session, str(submitted.get(security.CSRF_FIELD, "")))
    message = str(submitted.get("message", ""))[:2000]
    uploads: list[controls.Upload] = []
    for item in submitted.getlist("file"):
        if isinstance(item, UploadFile) and item.filename:
            body = await item.read(controls.MAX_FILE_BYTES + 1)
            uploads.append(controls.Upload(item.filename, body))
    try:
        await run_in_threadpool(_reply, runtime, session, mrn, message, uploads)
    except NotFound:
        return not_found(request, session, mrn)
    except ValidationFailed as exc:
        return _back(mrn, "reply_error", "; ".join(i.message for i in exc.issues))
    except DomainError as exc:
        return _back(mrn, "reply_error", exc.message)
    log.info("console reply on %s by %s with %d file(s)", mrn, session.principal.user, len(uploads))
    return RedirectResponse(f"/console/declarations/{mrn}?done=answered#replies", status_code=303)


def _reply(runtime: Runtime, session: Session, mrn: str, message: str, uploads: list[controls.Upload]) -> None:
    with runtime.uow() as uow:
        controls.reply(uow, mrn, message, uploads, principal=session.principal, data_dir=runtime.settings.data_dir)
        uow.commit()


@router.get("/declarations/{mrn}/files/{sha256}")
def download(mrn: str, sha256: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Serves a document sent with a reply, to whoever may see the declaration."""
    try:
        with runtime.uow(readonly=True) as uow:
            decl = service.get_visible(uow, mrn, session.principal)
    except NotFound:
        return not_found(request, session, mrn)
    found = controls.stored_file(decl, sha256.lower()[:64], runtime.settings.data_dir)
    if found is None:
        return error_page(request, session, 404, N_("There is no such document on this declaration."))
    meta, body = found
    safe_name = "".join(c for c in str(meta.get("name", "document")) if c.isalnum() or c in "._-")[:100] or "document"
    return Response(
        body,
        media_type=str(meta.get("media_type", "application/octet-stream")),
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "no-store",
        },
    )


def _amendable(runtime: Runtime, session: Session, mrn: str) -> Declaration:
    if not session.principal.is_trader:
        raise HTTPException(403, N_("Only the trader amends its declaration; officers decide."))
    with runtime.uow(readonly=True) as uow:
        decl = service.get_visible(uow, mrn, session.principal)
    if decl.status not in AMENDABLE:
        raise HTTPException(409, N_("This declaration cannot be amended in its present status."))
    return decl


def changes(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """Returns the fields that differ between two flattened declarations: (field, before, after)."""
    names = sorted(set(old) | set(new), key=_field_order)
    return [(n, old.get(n, ""), new.get(n, "")) for n in names if old.get(n, "").strip() != new.get(n, "").strip()]


def _field_order(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in name.split("."))


@router.get("/declarations/{mrn}/amend")
def amend_form(mrn: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Shows the whole declaration in the form, prefilled, to amend it."""
    try:
        decl = _amendable(runtime, session, mrn)
    except NotFound:
        return not_found(request, session, mrn)
    values = forms.flatten(codec.to_json(decl.data))
    return _form_page(
        request, runtime, session, values, template="amend.html", mrn=decl.mrn, version=decl.version, review=False
    )


@router.post("/declarations/{mrn}/amend")
async def amend(mrn: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Reviews (diff) then sends an amendment; errors are shown next to their fields."""
    try:
        decl = _amendable(runtime, session, mrn)
    except NotFound:
        return not_found(request, session, mrn)
    submitted = await request.form(max_fields=MAX_FIELDS, max_files=0)
    security.check_csrf(request, session, str(submitted.get(security.CSRF_FIELD, "")))
    values = {k: v for k, v in submitted.items() if isinstance(v, str) and k != security.CSRF_FIELD}
    action = values.pop("action", "review")
    reason = values.pop("reason", "").strip()
    version = values.pop("expected_version", "")
    items, documents = forms.row_count(values, "goods_items"), forms.row_count(values, "documents")
    common: dict[str, Any] = {"template": "amend.html", "mrn": decl.mrn, "version": decl.version}
    if action == "add_item":
        values[f"goods_items.{items}.sequence"] = str(items + 1)
        return _form_page(request, runtime, session, values, items=items + 1, review=False, **common)
    if action == "add_document":
        return _form_page(request, runtime, session, values, documents=documents + 1, review=False, **common)
    doc = forms.unflatten(values)
    shown = forms.flatten(doc)
    if action == "edit":
        return _form_page(request, runtime, session, shown, review=False, **common)
    try:
        data = codec.to_domain(parse_json(DeclarationIn, json.dumps(doc).encode()))
    except ValidationFailed as exc:
        return _form_page(request, runtime, session, shown, exc.issues, status_code=422, review=False, **common)
    diff = changes(forms.flatten(codec.to_json(decl.data)), shown)
    if action != "send" or len(reason) < 3:
        reason_error = N_("Write why you amend the declaration (at least 3 characters).") if action == "send" else None
        return _form_page(
            request,
            runtime,
            session,
            shown,
            status_code=422 if reason_error else 200,
            review=True,
            changes=diff,
            reason=reason,
            reason_error=reason_error,
            **common,
        )
    try:
        await run_in_threadpool(
            _amend, runtime, session, mrn, data, reason, int(version) if version.isdigit() else None
        )
    except ValidationFailed as exc:
        issues = [Issue(i.code, i.message, i.pointer.removeprefix("/declaration")) for i in exc.issues]
        return _form_page(request, runtime, session, shown, issues, status_code=422, review=False, **common)
    except (Conflict, DomainError) as exc:
        issues = [Issue(exc.code, exc.message, "")]
        return _form_page(request, runtime, session, shown, issues, status_code=409, review=False, **common)
    log.info("console amendment of %s by %s", mrn, session.principal.user)
    return RedirectResponse(f"/console/declarations/{mrn}?done=amended", status_code=303)


def _amend(runtime: Runtime, session: Session, mrn: str, data: Any, reason: str, version: int | None) -> None:
    with runtime.uow() as uow:
        service.amend(
            uow,
            mrn,
            data,
            principal=session.principal,
            reason=reason,
            nomenclature=reference_service.nomenclature(uow, runtime.caches),
            expected_version=version,
            party_ids=runtime.settings.party_id_check_digits,
        )
        uow.commit()
