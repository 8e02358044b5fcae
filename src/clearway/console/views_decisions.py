"""Officers' decisions and control results on a declaration: the forms, their checks, and the plain redisplay."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import controls, security, vocabulary
from clearway.console.i18n import N_, Msg
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_declarations import detail_context, load, not_found
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import service
from clearway.declarations.model import Decision, Declaration, Status
from clearway.declarations.schemas import DecisionIn, FindingsIn
from clearway.platform.deps import RuntimeDep, parse_json
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)


def _who_acted(decl: Declaration, me: str) -> str | Msg:
    last = next((e for e in reversed(decl.history) if e.status_to is not None), None)
    if last is None:
        return N_("The declaration changed meanwhile; review it and decide again.")
    params: dict[str, object] = {
        "who": last.actor,
        "what": vocabulary.word("history", last.kind),
        "when": last.at.strftime("%Y-%m-%d %H:%M UTC"),
        "reason": last.reason,
        "status": vocabulary.status_label(last.status_to.value if last.status_to else decl.status.value),
    }
    if last.actor == me:
        return Msg(
            N_("You already acted: %(what)s at %(when)s (%(reason)s). The declaration is now %(status)s."), params
        )
    return Msg(
        N_(
            "Another officer acted first: %(who)s — %(what)s at %(when)s (%(reason)s). "
            "The declaration is now %(status)s."
        ),
        params,
    )


def decision_body(form: dict[str, str]) -> dict[str, Any]:
    """Builds the decision message from the decision form."""
    body: dict[str, Any] = {"decision": form.get("decision", ""), "reason": form.get("reason", "").strip()}
    version = form.get("expected_version", "")
    if version.isdigit():
        body["expected_version"] = int(version)
    if form.get("result"):
        body["findings"] = findings_body(form)
    return body


def findings_body(form: dict[str, str]) -> dict[str, Any]:
    """Builds the findings of a control from the form."""
    findings: dict[str, Any] = {"result": form.get("result", "")}
    for key in ("kind", "revenue_recovered", "notes"):
        if form.get(key, "").strip():
            findings[key] = form[key].strip()
    return findings


def _plain(issues: list[Issue]) -> list[Issue]:
    """Rewrites schema messages into sentences that name what to do."""
    out = []
    for i in issues:
        pointer = i.pointer.replace("/findings/", "/")
        message = i.message
        if pointer == "/reason":
            message = N_("Write the reason (at least 3 characters).")
        elif pointer == "/result" and i.code != "FINDINGS_REQUIRED":
            message = N_("Choose what the control found.")
        elif pointer == "/revenue_recovered":
            message = N_("Write the amount recovered with digits and at most 2 decimals, e.g. 1250.00.")
        elif pointer == "/decision":
            message = N_("Choose a decision.")
        out.append(Issue(i.code, message, pointer))
    return out


def _redisplay(
    request: Request,
    runtime: Runtime,
    session: Session,
    mrn: str,
    form: dict[str, str],
    problems: list[Issue],
    message: str | Msg,
    status_code: int,
) -> Response:
    decl = load(runtime, session, mrn)
    by_field: dict[str, list[str]] = {}
    for i in _plain(problems):
        by_field.setdefault(i.pointer.strip("/") or "decision", []).append(i.message)
    return page(
        request,
        "detail.html",
        session,
        status_code=status_code,
        active="queue",
        office=decl.data.office,
        error=message,
        field_errors=by_field,
        form=form,
        **detail_context(runtime, session, decl),
    )


@router.post("/declarations/{mrn}/decisions")
def decide(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    decision: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    expected_version: Annotated[str, Form(max_length=10)] = "",
    result: Annotated[str, Form(max_length=40)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    revenue_recovered: Annotated[str, Form(max_length=30)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Records an officer's decision; shows plainly when another officer acted first."""
    security.check_csrf(request, session, csrf_token)
    form = {
        "form": "decision",
        "decision": decision,
        "reason": reason,
        "expected_version": expected_version,
        "result": result,
        "kind": kind,
        "revenue_recovered": revenue_recovered,
        "notes": notes,
    }
    problems: list[Issue] = []
    message: str | Msg
    status_code = 422
    try:
        if not decision:
            raise ValidationFailed([Issue("REQUIRED", "choose a decision", "/decision")])
        payload = parse_json(DecisionIn, json.dumps(decision_body(form)).encode())
        if (
            payload.findings is None
            and payload.decision in {"release", "detain"}
            and check_pending(runtime, session, mrn, payload.expected_version)
        ):
            raise ValidationFailed(
                [Issue("FINDINGS_REQUIRED", N_("Record the physical check's result first."), "/result")]
            )
        with runtime.uow() as uow:
            service.decide(
                uow,
                mrn,
                Decision(payload.decision),
                principal=session.principal,
                reason=payload.reason,
                expected_version=payload.expected_version,
                findings=payload.findings.model_dump(mode="json", exclude_none=True) if payload.findings else None,
            )
            uow.commit()
    except ValidationFailed as exc:
        problems = exc.issues
        message = N_("The decision was not recorded; correct what is marked below.")
    except Conflict as exc:
        status_code = 409
        current = load(runtime, session, mrn)
        message = (
            _who_acted(current, session.principal.user)
            if exc.code in {"CONCURRENT_UPDATE", "STATUS_TRANSITION"}
            else exc.message
        )
    except NotFound:
        return not_found(request, session, mrn)
    except DomainError as exc:
        status_code = 403 if exc.code == "FORBIDDEN" else 422
        message = exc.message
    else:
        log.info("console decision %s on %s by %s", decision, mrn, session.principal.user)
        return RedirectResponse(f"/console/declarations/{mrn}?done={decision}", status_code=303)
    return _redisplay(request, runtime, session, mrn, form, problems, message, status_code)


@router.post("/declarations/{mrn}/findings")
def record_findings(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    expected_version: Annotated[str, Form(max_length=10)] = "",
    result: Annotated[str, Form(max_length=40)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    revenue_recovered: Annotated[str, Form(max_length=30)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Records what a control found, without a decision; releases when nothing else blocks."""
    security.check_csrf(request, session, csrf_token)
    form = {
        "form": "findings",
        "reason": reason,
        "expected_version": expected_version,
        "result": result,
        "kind": kind,
        "revenue_recovered": revenue_recovered,
        "notes": notes,
    }
    if session.principal.role not in {"officer", "supervisor"}:
        raise HTTPException(403, N_("Only customs officers record control results."))
    problems: list[Issue] = []
    message: str | Msg
    status_code = 422
    try:
        issues = []
        if len(reason.strip()) < 3:
            issues.append(Issue("REQUIRED", "reason", "/reason"))
        try:
            findings = parse_json(FindingsIn, json.dumps(findings_body(form)).encode())
        except ValidationFailed as exc:
            issues.extend(exc.issues)
            findings = None
        if issues or findings is None:
            raise ValidationFailed(issues)
        with runtime.uow() as uow:
            _decl, released = service.record_control_result(
                uow,
                mrn,
                findings.model_dump(mode="json", exclude_none=True),
                principal=session.principal,
                reason=reason.strip(),
                expected_version=int(expected_version) if expected_version.isdigit() else None,
            )
            uow.commit()
    except ValidationFailed as exc:
        problems = exc.issues
        message = N_("The result was not recorded; correct what is marked below.")
    except Conflict as exc:
        status_code = 409
        message = _who_acted(load(runtime, session, mrn), session.principal.user)
        del exc
    except NotFound:
        return not_found(request, session, mrn)
    except DomainError as exc:
        status_code = 403 if exc.code == "FORBIDDEN" else 422
        message = exc.message
    else:
        log.info("console control result on %s by %s", mrn, session.principal.user)
        done = "findings_released" if released else "findings"
        return RedirectResponse(f"/console/declarations/{mrn}?done={done}#controls", status_code=303)
    return _redisplay(request, runtime, session, mrn, form, problems, message, status_code)


def check_pending(runtime: Runtime, session: Session, mrn: str, expected_version: int | None) -> bool:
    """Tells whether the physical check the officer saw still awaits its result (so release needs findings)."""
    decl = load(runtime, session, mrn)
    seen_current = expected_version is None or expected_version == decl.version
    return seen_current and decl.status is Status.PHYSICAL_CHECK and controls.control_pending(decl)
