"""Ledger pages: verify a credential by pasting or uploading it, issue one for an organisation you sign for,
search the AEO registry, and read the transparency log's state (size, signed tree head, anchoring)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from clearway.console import installed, security, terms
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import SessionDep
from clearway.core.issues import DomainError, ValidationFailed
from clearway.ledger import api as ledger_api
from clearway.ledger import overview, service
from clearway.ledger import seed as ledger_seed
from clearway.ledger.credentials import KINDS
from clearway.ledger.schemas import CredentialIn
from clearway.platform.deps import MAX_JSON_DEPTH, RuntimeDep, issues_from_pydantic, json_too_deep
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console/ledger", include_in_schema=False, route_class=ConsoleRoute)
CUSTOMS = ("officer", "supervisor", "admin")
MAX_CREDENTIAL = 200_000  # bytes of a pasted or uploaded credential (the API's limit)
MAX_SUBJECT = 50_000
EXAMPLES: dict[str, dict[str, Any]] = {
    "certificate_of_origin": ledger_seed.origin_subject(),
    "conformity": {"assessment": {"standard": "IEC 62368-1", "result": "pass"}, "productIds": ["SN-0001"]},
    "product_passport": {
        "product": {"id": "SN-0001", "name": "Wireless earphones", "hsCode": "851830", "countryOfProduction": "CN"},
        "producedBy": {"id": "CN91310000MA1FL", "name": "Shenzhen Bright Electronics Co. Ltd"},
    },
    "traceability_event": ledger_seed.event_subject(
        "SN-0001", "CN91310000MA1FL", "PE20512345671", "2026-11-01T10:00:00Z"
    ),
}


def _installed(request: Request) -> None:
    if not installed.api_mounted(request, ledger_api.router):
        raise HTTPException(404, N_("The ledger (credentials and AEO registry) is not installed on this server."))


def _context(runtime: Runtime, session: security.Session, query: str) -> dict[str, Any]:
    with runtime.uow(readonly=True) as uow:
        orgs = overview.signable_orgs(uow, session.principal)
        registry = overview.aeo_registry(uow, query)
        status = overview.log_status(uow)
    head_at = datetime.fromtimestamp(status["head_ms"] / 1000, tz=UTC) if status["head_ms"] else None
    return {
        "orgs": orgs,
        "registry": registry,
        "query": query,
        "status": status,
        "head_at": head_at,
        "kinds": list(KINDS),
        "is_customs": session.principal.role in CUSTOMS,
    }


def _page(
    request: Request, runtime: Runtime, session: security.Session, *, query: str = "", status_code: int = 200,
    **extra: Any,
) -> Response:  # fmt: skip
    context = _context(runtime, session, query)
    extra.setdefault("issue_form", {"kind": "certificate_of_origin", "subject": _example("certificate_of_origin")})
    return page(
        request, "ledger.html", session, active="ledger", status_code=status_code, term=terms.term,
        **context, **extra,
    )  # fmt: skip


def _example(kind: str) -> str:
    return json.dumps(EXAMPLES.get(kind, {}), indent=2, ensure_ascii=False)


@router.get("")
def ledger_home(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=100)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Verify and issue credentials, search the AEO registry, read the log's state."""
    _installed(request)
    extra: dict[str, Any] = {}
    if kind in KINDS:
        extra["issue_form"] = {"kind": kind, "subject": _example(kind)}
    return _page(request, runtime, session, query=q, **extra)


def _token_of(text: str) -> str:
    """Takes a pasted or uploaded credential: a compact JWS, or a JSON object carrying one (``jwt``/``credential``)."""
    text = text.strip().lstrip("\ufeff")
    if text.startswith("{") and not json_too_deep(text.encode()):
        try:
            found = json.loads(text)
        except ValueError:
            return text
        if isinstance(found, dict):
            for key in ("jwt", "credential", "vc", "token"):
                if isinstance(found.get(key), str):
                    return str(found[key]).strip()
    return text


@router.post("/verify")
async def verify(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    jwt: Annotated[str, Form(max_length=MAX_CREDENTIAL)] = "",
    credential: UploadFile | None = None,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Verifies a pasted or uploaded credential and says plainly whether it is valid, and why not."""
    security.check_csrf(request, session, csrf_token)
    _installed(request)
    text, problem = jwt, None
    if credential is not None and credential.filename:
        raw = await credential.read(MAX_CREDENTIAL + 1)
        if len(raw) > MAX_CREDENTIAL:
            problem = N_("The file is larger than a credential can be (200 kB).")
        elif b"\x00" in raw:
            problem = N_("This file is not a credential: upload the .jwt or .json file you received.")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                problem = N_("This file is not a credential: upload the .jwt or .json file you received.")
    if problem is None and not text.strip():
        problem = N_("Paste the credential or choose its file.")
    if problem is not None:
        return _page(request, runtime, session, status_code=422, verify_error=problem)
    token = _token_of(text)
    ctx = service.context(runtime)

    def run() -> service.Verification:
        with runtime.uow(readonly=True) as uow:
            return service.verify(uow, ctx, token)

    result = await run_in_threadpool(run)
    report = result.report
    checks = [(name, getattr(report, name)) for name in ("format", "integrity", "issuer", "status", "validity")]
    subject = (report.credential or {}).get("credentialSubject") if report.credential else None
    return _page(
        request, runtime, session, verified=report.verified, checks=checks, reasons=report.reasons,
        credential=report.credential, subject=json.dumps(subject, indent=2, ensure_ascii=False) if subject else None,
        log_index=result.log_index, tree_size=result.tree_size, kid=report.kid,
    )  # fmt: skip


@router.post("/credentials")
async def issue(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    org: Annotated[str, Form(max_length=64)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    subject: Annotated[str, Form(max_length=MAX_SUBJECT)] = "",
    valid_until: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Issues a credential signed by an organisation the user signs for."""
    security.check_csrf(request, session, csrf_token)
    _installed(request)
    form = {"org": org, "kind": kind, "subject": subject, "valid_until": valid_until}
    errors: list[str] = []
    body: dict[str, Any] = {"org": org, "kind": kind}
    if json_too_deep(subject.encode()):
        errors.append(f"subject: nests deeper than {MAX_JSON_DEPTH} levels")
    else:
        try:
            body["subject"] = json.loads(subject)
        except ValueError as exc:
            errors.append(f"subject: not valid JSON ({exc})")
    if valid_until:
        try:
            body["valid_until"] = datetime.combine(datetime.fromisoformat(valid_until).date(), time(23, 59, 59), UTC)
        except ValueError:
            errors.append("valid_until: give a date as YYYY-MM-DD")
    payload: CredentialIn | None = None
    if not errors:
        try:
            payload = CredentialIn.model_validate(body, strict=False)
        except ValidationError as exc:
            errors = [f"{i.pointer.lstrip('/') or '/'}: {i.message}" for i in issues_from_pydantic(exc)]
    if payload is None:
        return _page(request, runtime, session, status_code=422, issue_form=form, issue_errors=errors)
    ctx = service.context(runtime)
    checked = payload

    def run() -> service.Issued:
        with runtime.uow() as uow:
            if not overview.can_issue(uow, session.principal, checked.org):
                raise PermissionError
            issued = service.issue(
                uow, ctx, org_id=checked.org, kind=checked.kind, subject=checked.subject,
                valid_until=checked.valid_until,
            )  # fmt: skip
            uow.commit()
            return issued

    try:
        issued = await run_in_threadpool(run)
    except PermissionError:
        raise HTTPException(403, N_("You do not sign for this organisation.")) from None
    except ValidationFailed as exc:
        errors = [f"{i.pointer.lstrip('/') or '/'}: {i.message}" for i in exc.issues]
        return _page(request, runtime, session, status_code=422, issue_form=form, issue_errors=errors)
    except DomainError as exc:
        return _page(request, runtime, session, status_code=422, issue_form=form, issue_errors=[exc.message])
    log.info("credential %s (%s) issued for %s by %s", issued.id, issued.kind, checked.org, session.principal.user)
    return _page(request, runtime, session, issued=issued, issue_form=form)
