"""Officers' work queue, declaration lists and detail, and decisions with their reasons."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import integrations, security
from clearway.console.forms import errors_by_field
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_integrations import new_payment_reference
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.core.time import ensure_utc
from clearway.declarations import codec, dashboard, service
from clearway.declarations.model import OPEN_STATUSES, Decision, Declaration, Status
from clearway.declarations.schemas import DecisionIn
from clearway.platform.deps import RuntimeDep, parse_json
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
DECISION_LABELS = {
    "request_documents": "Request documents",
    "physical_check": "Order a physical check",
    "release": "Release the goods",
    "detain": "Detain the goods",
    "clear": "Clear (close the file)",
    "invalidate": "Invalidate",
}
DONE = {d: f"Decision recorded: {label.lower()}." for d, label in DECISION_LABELS.items()}
DONE["lodged"] = "Declaration lodged and accepted."
DONE["paid"] = "Payment recorded."
DONE["replayed"] = "This declaration was lodged before with the same LRN; here it is."
FINDING_KINDS = ("misclassification", "undervaluation", "origin", "quantity", "prohibited", "other")


def require_customs(session: Session) -> None:
    """Refuses pages meant for customs staff to other roles."""
    if session.principal.role not in dashboard.CUSTOMS_ROLES:
        raise HTTPException(403, "this page is for customs officers")


@router.get("/queue")
def queue(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    office: Annotated[str | None, Query(max_length=8)] = None,
    lane: Annotated[str | None, Query(pattern="^(red|yellow|green|)$")] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Shows the work queue: declarations awaiting customs, red first, oldest first."""
    require_customs(session)
    office = (session.principal.office or "") if office is None else office
    size = 50
    with runtime.uow(readonly=True) as uow:
        rows, total = dashboard.work_queue(
            uow, session.principal, office=office or None, lane=lane or None, limit=size, offset=(page_no - 1) * size
        )
        depths = dashboard.queue_depths(uow)
        offices = dashboard.offices(uow)
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
        offices=offices,
        office=office,
        lane=lane or "",
        page_no=page_no,
        pages=max(1, -(-total // size)),
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
        statuses=[(s.value, s.label) for s in Status],
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
    risk = [e for e in decl.history if e.kind == "lane_assigned"] if customs else []
    return {
        "payment_reference": new_payment_reference(),
        "decl": decl,
        "data": codec.to_json(decl.data),
        "customs": customs,
        "history": [e for e in decl.history if customs or e.kind != "lane_assigned"],
        "risk": risk,
        "controls": [e for e in decl.history if e.kind == "control_result"],
        "blockers": blockers,
        "notifications": notes,
        "assessment": assessed,
        "choices": choices(session, decl),
        "labels": DECISION_LABELS,
        "finding_kinds": FINDING_KINDS,
        "needs_findings": decl.status in {Status.PHYSICAL_CHECK, Status.DOCUMENTS_REQUIRED},
    }


def _load(runtime: Runtime, session: Session, mrn: str) -> Declaration:
    with runtime.uow(readonly=True) as uow:
        return service.get_visible(uow, mrn, session.principal)


@router.get("/declarations/{mrn}")
def detail(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
    pay_error: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """Shows a declaration: parties, items, documents, history, risk reasons, blockers and decisions."""
    try:
        decl = _load(runtime, session, mrn)
    except NotFound:
        return page(
            request,
            "error.html",
            session,
            status_code=404,
            title="Declaration not found",
            message=f"There is no declaration {mrn[:40]} that you may see.",
        )
    return page(
        request,
        "detail.html",
        session,
        active="queue",
        flash=DONE.get(done or ""),
        pay_error=pay_error,
        **_context(runtime, session, decl),
    )


def _who_acted(decl: Declaration, me: str) -> str:
    last = next((e for e in reversed(decl.history) if e.status_to is not None), None)
    if last is None:
        return "the declaration changed meanwhile; review it and decide again"
    who = "you already acted" if last.actor == me else f"another officer acted first: {last.actor}"
    what = DECISION_LABELS.get(last.kind, last.kind.replace("_", " ")).lower()
    return (
        f"{who} — {what} at {last.at:%H:%M} UTC ({last.reason}). "
        f"The declaration is now {last.status_to.label if last.status_to else decl.status.label}."
    )


def decision_body(form: dict[str, str]) -> dict[str, Any]:
    """Builds the decision message from the decision form."""
    body: dict[str, Any] = {"decision": form.get("decision", ""), "reason": form.get("reason", "").strip()}
    version = form.get("expected_version", "")
    if version.isdigit():
        body["expected_version"] = int(version)
    if form.get("result"):
        findings: dict[str, Any] = {"result": form["result"]}
        for key in ("kind", "revenue_recovered", "notes"):
            if form.get(key, "").strip():
                findings[key] = form[key].strip()
        body["findings"] = findings
    return body


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
        "decision": decision,
        "reason": reason,
        "expected_version": expected_version,
        "result": result,
        "kind": kind,
        "revenue_recovered": revenue_recovered,
        "notes": notes,
    }
    problems: list[Issue] = []
    message: str | None = None
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
            raise ValidationFailed([Issue("FINDINGS_REQUIRED", "record what the physical check found", "/result")])
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
        message = "The decision was not recorded; correct what is marked below."
    except Conflict as exc:
        status_code = 409
        current = _load(runtime, session, mrn)
        message = (
            _who_acted(current, session.principal.user)
            if exc.code in {"CONCURRENT_UPDATE", "STATUS_TRANSITION"}
            else exc.message
        )
    except NotFound:
        return page(
            request,
            "error.html",
            session,
            status_code=404,
            title="Declaration not found",
            message=f"There is no declaration {mrn[:40]} that you may see.",
        )
    except DomainError as exc:
        status_code = 403 if exc.code == "FORBIDDEN" else 422
        message = exc.message
    else:
        log.info("console decision %s on %s by %s", decision, mrn, session.principal.user)
        return RedirectResponse(f"/console/declarations/{mrn}?done={decision}", status_code=303)
    decl = _load(runtime, session, mrn)
    fields = {"decision", "reason", "result", "kind", "revenue_recovered", "notes"}
    by_field, _ = errors_by_field(
        [Issue(i.code, i.message, i.pointer.replace("/findings/", "/")) for i in problems], fields
    )
    return page(
        request,
        "detail.html",
        session,
        status_code=status_code,
        active="queue",
        error=message,
        field_errors=by_field,
        form=form,
        **_context(runtime, session, decl),
    )


def check_pending(runtime: Runtime, session: Session, mrn: str, expected_version: int | None) -> bool:
    """Tells whether the physical check the officer saw is still pending (so its findings are required)."""
    decl = _load(runtime, session, mrn)
    seen_current = expected_version is None or expected_version == decl.version
    return seen_current and decl.status is Status.PHYSICAL_CHECK
