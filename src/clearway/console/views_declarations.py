"""A declaration's page: what the user may see of it, what happens next, and the decisions open to them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from clearway.console import controls, integrations, views_workforce, vocabulary
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_integrations import new_payment_reference
from clearway.core.issues import NotFound
from clearway.declarations import codec, dashboard, service
from clearway.declarations.model import OPEN_STATUSES, Declaration, Status
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
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
DOWNLOAD_EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif"}  # e-invoices: .xml
AMENDABLE = frozenset({Status.ACCEPTED, Status.DOCUMENTS_REQUIRED, Status.AMENDED})


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


def detail_context(runtime: Runtime, session: Session, decl: Declaration) -> dict[str, Any]:
    """What the declaration page shows: history, risk, controls, blockers, notifications, hints and choices."""
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
        "party_id_warnings": service.party_id_warning_entries(decl),
        "blockers": blockers,
        "notifications": notes,
        "assessment": assessed,
        "hints": hints,
        "attached": integrations.document_panels(runtime, decl, principal),
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


def load(runtime: Runtime, session: Session, mrn: str) -> Declaration:
    """Reads a declaration the user may see (``NotFound`` otherwise)."""
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
        decl = load(runtime, session, mrn)
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
        **detail_context(runtime, session, decl),
        **views_workforce.panel(runtime, session, decl, assign_officer),
    )


@router.get("/declarations/{mrn}/documents/{document_id}/download")
def download_document(
    mrn: str, document_id: str, request: Request, runtime: RuntimeDep, session: SessionDep
) -> Response:
    """Serves an attached document as uploaded, as a download (never inline), to whoever may see it: the
    declaration's parties and customs staff. Anyone else is told there is no such document."""
    try:
        if len(document_id) > 36:
            raise NotFound(document_id)
        doc, body = integrations.document_file(runtime, mrn, document_id, session.principal)
    except NotFound:
        return error_page(request, session, 404, N_("There is no such document on this declaration."))
    stem = "".join(c for c in str(doc.filename) if c.isascii() and (c.isalnum() or c in "._-"))[:100].strip(".")
    ext = DOWNLOAD_EXTENSIONS.get(doc.format.value, ".xml")
    if not stem.lower().endswith(ext):
        stem = f"{stem or doc.id}{ext}"
    return Response(
        body,
        media_type=doc.format.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
        },
    )
