"""Officers' work queue, declaration lists and detail, decisions and control results with their reasons."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import controls, integrations, security, views_crisis, views_workforce, vocabulary
from clearway.console.i18n import N_, Msg
from clearway.console.render import ConsoleRoute, error_page, localizer, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_integrations import new_payment_reference
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.core.time import ensure_utc
from clearway.declarations import codec, dashboard, service
from clearway.declarations.model import OPEN_STATUSES, Decision, Declaration, Lane, Status
from clearway.declarations.schemas import DecisionIn, FindingsIn
from clearway.platform.deps import RuntimeDep, parse_json
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
DECISION_LABELS = vocabulary.DECISION_LABELS
DONE: dict[str, str] = dict(vocabulary.DECISION_DONE)
DONE["lodged"] = N_("Declaration lodged. Its status and what happens next are shown below.")
DONE["assigned"] = N_("Officer assigned to the control.")
FINDING_KINDS = tuple(vocabulary.FINDING_KINDS)
FIELD_LABELS = {
    "decision": N_("Decision"),
    "reason": N_("Reason"),
    "result": N_("Result"),
    "kind": N_("Kind of discrepancy"),
    "revenue_recovered": N_("Revenue recovered"),
    "notes": N_("Findings"),
}
NEXT_STEPS = {
    "01": N_(
        "Customs has accepted the declaration (DAM). It is released as soon as nothing blocks it; "
        "you are notified here of every decision."
    ),
    "02": N_("Customs has received the declaration and is validating it."),
    "03": N_("The declaration was rejected. Correct what the notifications say and lodge it again."),
    "05": N_(
        "Customs will examine the goods (physical check). Keep them available at the office; the goods are "
        "released when the check finds no discrepancy and the duties are paid."
    ),
    "06": N_(
        "Customs asks for documents. Answer below with a reply and the documents, or amend the "
        "declaration if it contains an error."
    ),
    "07": N_("The amendment was received; customs reviews the declaration again."),
    "08": N_("The goods are released (levante): you may collect them. Customs closes the file later."),
    "09": N_("The file is closed. Nothing more is needed."),
    "10": N_("The declaration was invalidated and has no effect. Lodge a new one if the goods still need clearing."),
    "52": N_(
        "The goods are detained. Read the officer's reason in the notifications; a supervisor decides "
        "what happens next."
    ),
}
AMENDABLE = frozenset({Status.ACCEPTED, Status.DOCUMENTS_REQUIRED, Status.AMENDED})


def require_customs(session: Session) -> None:
    """Refuses pages meant for customs staff to other roles."""
    security.require_role(session, dashboard.CUSTOMS_ROLES, N_("This page is for customs officers."))


def waiting_for(decl: Declaration, blockers: list[str]) -> list[str]:
    """Says what an open declaration waits for: a control result, the trader, an officer, payment, agencies."""
    out: list[str] = []
    if decl.status is Status.PHYSICAL_CHECK and controls.control_pending(decl):
        out.append(N_("the physical check's result"))
    elif decl.status is Status.DOCUMENTS_REQUIRED:
        asked = max((i for i, e in enumerate(decl.history) if e.status_to is Status.DOCUMENTS_REQUIRED), default=-1)
        replied = any(e.kind == "reply" for e in decl.history[asked + 1 :])
        out.append(N_("an officer to review the trader's reply") if replied else N_("documents from the trader"))
    elif decl.status in {Status.ACCEPTED, Status.AMENDED} and decl.lane in {Lane.YELLOW, Lane.RED}:
        out.append(N_("an officer's decision"))
    return out + blockers


@router.get("/queue")
def queue(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    office: Annotated[str | None, Query(max_length=8)] = None,
    lane: Annotated[str | None, Query(pattern="^(red|yellow|green|)$")] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Shows the work queue: declarations awaiting customs, red first, oldest first, and what each waits for."""
    require_customs(session)
    office = (session.principal.office or "") if office is None else office
    size = 50
    with runtime.uow(readonly=True) as uow:
        rows, total = dashboard.work_queue(
            uow, session.principal, office=office or None, lane=lane or None, limit=size, offset=(page_no - 1) * size
        )
        depths = dashboard.queue_depths(uow)
        offices = dashboard.offices(uow)
        # one query per capability for the whole page, not one per row (620-720 ms before, on the demo)
        decls = service.get_many(uow, [r["mrn"] for r in rows])
        blockers = service.release_blockers_many(uow, list(decls.values()))
        for r in rows:
            decl = decls[r["mrn"]]
            r["waiting_for"] = waiting_for(decl, blockers[decl.mrn])
    lanes = {"red": 0, "yellow": 0, "green": 0}
    for o, _status, ln, n in depths:
        if ln in lanes and (not office or o == office):
            lanes[ln] += n
    now = runtime.clock()
    for r in rows:
        r["age_hours"] = (now - ensure_utc(r["lodged_at"])).total_seconds() / 3600
    return page(
        request,
        "queue.html",
        session,
        active="queue",
        rows=rows,
        total=total,
        lanes=lanes,
        assigned=views_workforce.assigned_to(runtime, session, [r["mrn"] for r in rows]),
        offices=offices,
        office=office,
        lane=lane or "",
        page_no=page_no,
        pages=max(1, -(-total // size)),
        crisis_banner=views_crisis.banner(runtime, localizer(request, session).lang),
    )


@router.get("/declarations")
def declarations(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    status: Annotated[str | None, Query(max_length=2)] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Lists the declarations the user may see, newest first."""
    size = 50
    with runtime.uow(readonly=True) as uow:
        rows, total = service.list_visible(
            uow,
            session.principal,
            status=status or None,
            office=office or None,
            limit=size,
            offset=(page_no - 1) * size,
        )
    return page(
        request,
        "declarations.html",
        session,
        active="declarations",
        rows=rows,
        total=total,
        status=status or "",
        office=office or "",
        statuses=[s.value for s in Status],
        page_no=page_no,
        pages=max(1, -(-total // size)),
    )


@router.get("/go")
def go(session: SessionDep, mrn: Annotated[str, Query(max_length=40)] = "") -> Response:
    """Jumps to a declaration by MRN."""
    del session
    target = "".join(ch for ch in mrn.strip().upper() if ch.isalnum())
    return RedirectResponse(f"/console/declarations/{target}" if target else "/console/declarations", 303)


def choices(session: Session, decl: Declaration) -> list[str]:
    """Returns the decisions the user may take on the declaration in its present status."""
    role = session.principal.role
    if role not in {"officer", "supervisor"}:
        return []
    s = decl.status
    options: list[str] = []
    if s in {Status.ACCEPTED, Status.AMENDED}:
        options = ["request_documents", "physical_check", "release", "detain"]
    elif s is Status.DOCUMENTS_REQUIRED:
        options = ["physical_check", "release", "detain"]
    elif s is Status.PHYSICAL_CHECK:
        options = ["release", "detain"]
    elif s is Status.DETAINED and role == "supervisor":
        options = ["release"]
    elif s is Status.RELEASED:
        options = ["clear"]
    if role == "supervisor" and (s in OPEN_STATUSES or s is Status.DETAINED):
        options.append("invalidate")
    return options


def _context(runtime: Runtime, session: Session, decl: Declaration) -> dict[str, Any]:
    principal = session.principal
    customs = principal.role in dashboard.CUSTOMS_ROLES
    with runtime.uow(readonly=True) as uow:
        blockers = service.release_blockers(uow, decl) if decl.status in OPEN_STATUSES else []
        notes = service.notifications(uow, decl.mrn, principal) if principal.is_trader else []
    assessed = integrations.assessment(runtime, decl)
    hints = integrations.field_hints(runtime, decl, principal, customs=customs)
    risk = [e for e in decl.history if e.kind in {"lane_assigned", "lane_reviewed"}] if customs else []
    return {
        "payment_reference": new_payment_reference(),
        "decl": decl,
        "data": codec.to_json(decl.data),
        "customs": customs,
        "history": [e for e in decl.history if customs or e.kind not in {"lane_assigned", "lane_reviewed"}],
        "risk": risk,
        "protocol": [e for e in decl.history if _under_protocol(e) and (customs or e.kind != "lane_assigned")],
        "controls": [e for e in decl.history if e.kind == "control_result"],
        "replies": [e for e in decl.history if e.kind == "reply"],
        "blockers": blockers,
        "notifications": notes,
        "assessment": assessed,
        "hints": hints,
        "choices": choices(session, decl),
        "finding_kinds": FINDING_KINDS,
        "field_labels": FIELD_LABELS,
        "next_step": NEXT_STEPS.get(decl.status.value) if principal.is_trader else None,
        "can_amend": principal.is_trader and decl.status in AMENDABLE,
        "can_reply": principal.is_trader and decl.status is Status.DOCUMENTS_REQUIRED,
        "can_record_findings": principal.role in {"officer", "supervisor"} and decl.status in controls.CONTROL_STATUSES,
    }


def _under_protocol(entry: Any) -> bool:
    """Tells whether a history entry was written under a crisis protocol (its data names the protocol)."""
    data = entry.data or {}
    stamp = data.get("scores") if entry.kind == "lane_assigned" else data
    return isinstance(stamp, dict) and bool(stamp.get("protocol"))


def _load(runtime: Runtime, session: Session, mrn: str) -> Declaration:
    with runtime.uow(readonly=True) as uow:
        return service.get_visible(uow, mrn, session.principal)


def not_found(request: Request, session: Session, mrn: str) -> Response:
    """The page for a declaration that does not exist or that the user may not see (the MRN is not echoed)."""
    del mrn
    return error_page(request, session, 404, N_("There is no such declaration that you may see."))


@router.get("/declarations/{mrn}")
def detail(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
    pay_error: Annotated[str | None, Query(max_length=300)] = None,
    reply_error: Annotated[str | None, Query(max_length=300)] = None,
    assign_officer: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    """Shows a declaration: parties, items, documents, history, risk reasons, blockers and decisions."""
    try:
        decl = _load(runtime, session, mrn)
    except NotFound:
        return not_found(request, session, mrn)
    return page(
        request,
        "detail.html",
        session,
        active="declarations" if session.principal.is_trader else "queue",
        office=decl.data.office,
        flash=DONE.get(done or ""),
        pay_error=pay_error,
        reply_error=reply_error,
        **_context(runtime, session, decl),
        **views_workforce.panel(runtime, session, decl, assign_officer),
    )


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
    decl = _load(runtime, session, mrn)
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
        **_context(runtime, session, decl),
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
        current = _load(runtime, session, mrn)
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
        message = _who_acted(_load(runtime, session, mrn), session.principal.user)
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
    decl = _load(runtime, session, mrn)
    seen_current = expected_version is None or expected_version == decl.version
    return seen_current and decl.status is Status.PHYSICAL_CHECK and controls.control_pending(decl)
