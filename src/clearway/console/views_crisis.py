"""Crisis protocol pages: packs and the protocol in force, activation with a reason, four-eyes approvals, the
declarations handled under protocols, and their volumes and release times against normal ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security, svg
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, localizer, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import DomainError, NotFound, ValidationFailed
from clearway.crisis import lodgement as crisis_lodgement
from clearway.crisis import reporting as crisis_reporting
from clearway.crisis import service as crisis
from clearway.declarations import dashboard
from clearway.platform import approvals
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
DONE = {
    "asked": N_("Your request is recorded; it applies once another supervisor approves it."),
    "approved": N_("Approved: the change applies from now."),
    "rejected": N_("Rejected: nothing changed."),
}
KIND_WORDS = {
    "priority_lane": N_("priority lane"),
    "provisional_declaration": N_("provisional declaration"),
    "export_licence": N_("export licence"),
    "penalty_waiver": N_("penalties for late documents waived"),
    "crisis.activate": N_("activation"),
    "crisis.deactivate": N_("deactivation"),
}


def banner(runtime: Runtime, lang: str) -> list[dict[str, Any]]:
    """Returns the protocols in force, for the banner customs pages show."""
    with runtime.uow(readonly=True) as uow:
        return [
            {"title": p.pack.title_in(lang), "id": p.pack.id, "since": p.activation["activated_at"]}
            for p in crisis_lodgement.in_force(uow)
        ]


def _back(path: str, *, done: str = "", error: str = "") -> Response:
    query = f"done={done}" if done else f"error={quote(error[:300])}"
    return RedirectResponse(f"{path}?{query}", status_code=303)


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(i.message for i in exc.issues)
    return exc.message if isinstance(exc, DomainError) else str(exc)


@router.get("/crisis")
def crisis_page(
    request: Request, runtime: RuntimeDep, session: SessionDep, done: str = "", error: str = ""
) -> Response:
    """Customs: packs, protocols in force, waiting approvals, declarations under protocols. Traders: the public
    measures in force and their own declarations under protocols."""
    principal = session.principal
    if principal.is_trader:
        with runtime.uow(readonly=True) as uow:
            public = crisis_lodgement.public_measures(uow)
            rows, total = crisis_reporting.affected(uow, principal, limit=100)
            today = uow.clock().date()
        return page(
            request,
            "crisis_trader.html",
            session,
            active="crisis",
            public=public,
            rows=rows,
            total=total,
            today=today,
            kind_words=KIND_WORDS,
        )
    if not principal.is_customs:
        raise HTTPException(403, N_("Crisis protocols are for customs staff and traders."))
    loc = localizer(request, session)
    with runtime.uow(readonly=True) as uow:
        found = crisis.packs(uow)
        waiting = crisis.pending_requests(uow)
        rows, total = crisis_reporting.affected(uow, principal, limit=50)
        overdue, n_overdue = crisis_reporting.affected(uow, principal, overdue=True, limit=50)
        today = uow.clock().date()
        period = dashboard.Period(today - timedelta(days=29), today)
        figures = crisis_reporting.comparison(uow, principal, period)
    chart = svg.horizontal_bars(
        loc.gettext(N_("Median hours from lodgement to release")),
        [
            (loc.gettext(N_("under a protocol")), round(figures.under.median_hours or 0, 1)),
            (loc.gettext(N_("normal")), round(figures.normal.median_hours or 0, 1)),
        ],
        colour="#1d4f91",
    )
    return page(
        request,
        "crisis.html",
        session,
        active="crisis",
        packs=found,
        waiting=waiting,
        rows=rows,
        total=total,
        overdue=overdue,
        n_overdue=n_overdue,
        today=today,
        figures=figures,
        chart=chart,
        kind_words=KIND_WORDS,
        can_ask=principal.role == "supervisor",
        flash=DONE.get(done),
        error=error[:300],
    )


@router.get("/crisis/packs/{pack_id}")
def pack_page(pack_id: str, request: Request, runtime: RuntimeDep, session: SessionDep, error: str = "") -> Response:
    """Shows a pack: legal basis, dates, measures, lists, and the activation (or deactivation) form."""
    _customs(session)
    try:
        with runtime.uow(readonly=True) as uow:
            pack = crisis.get_pack(uow, pack_id[:60])
            active = next((p for p in crisis_lodgement.in_force(uow) if p.pack.id == pack.id), None)
    except NotFound:
        raise HTTPException(404, N_("There is no such protocol pack.")) from None
    return page(
        request,
        "crisis_pack.html",
        session,
        active="crisis",
        pack=pack,
        in_force=active,
        kind_words=KIND_WORDS,
        can_ask=session.principal.role == "supervisor",
        error=error[:300],
    )


def _customs(session: Session) -> None:
    if not session.principal.is_customs:
        raise HTTPException(403, N_("Crisis protocols are managed by customs staff."))


def _supervisor_form(request: Request, session: Session, csrf_token: str) -> None:
    """Refuses a crisis form post without the session's CSRF token, then from anyone but a supervisor."""
    security.check_csrf(request, session, csrf_token)
    message = N_("Only a customs supervisor may ask for or approve a crisis protocol.")
    security.require_role(session, ("supervisor",), message)


@router.post("/crisis/packs/{pack_id}/activate")
def activate(
    pack_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Files a request to activate a pack (a second supervisor approves it)."""
    _supervisor_form(request, session, csrf_token)

    def ask(uow: UnitOfWork) -> None:
        crisis.request_activation(uow, pack_id[:60], principal=session.principal, reason=reason)

    return _ask(runtime, ask, refused_to=f"/console/crisis/packs/{quote(pack_id[:60])}")


@router.post("/crisis/activations/{activation_id}/deactivate")
def deactivate(
    activation_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Files a request to end an activation (a second supervisor approves it)."""
    _supervisor_form(request, session, csrf_token)

    def ask(uow: UnitOfWork) -> None:
        crisis.request_deactivation(uow, activation_id[:36], principal=session.principal, reason=reason)

    return _ask(runtime, ask, refused_to="/console/crisis")


def _ask(runtime: Runtime, ask: Callable[[UnitOfWork], None], *, refused_to: str) -> Response:
    """Files a supervisor's crisis request and goes back to the crisis page; a refusal goes to ``refused_to``."""
    try:
        with runtime.uow() as uow:
            ask(uow)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        return _back(refused_to, error=_problem(exc))
    return _back("/console/crisis", done="asked")


@router.post("/crisis/requests/{request_id}/{verdict}")
def decide(
    request_id: str,
    verdict: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Approves or rejects a crisis request (another supervisor than who asked)."""
    _supervisor_form(request, session, csrf_token)
    if verdict not in {"approve", "reject"}:
        raise HTTPException(404, N_("There is no such page."))
    try:
        with runtime.uow() as uow:
            cr = approvals.get(uow, request_id[:36])
            if cr.kind not in {crisis.KIND_ACTIVATE, crisis.KIND_DEACTIVATE}:
                raise NotFound("no such crisis request")
            why = reason.strip() or ("approved" if verdict == "approve" else "rejected")
            if verdict == "approve":
                approvals.approve(uow, cr.id, session.principal, reason=why, caches=runtime.caches)
            else:
                approvals.reject(uow, cr.id, session.principal, reason=why)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        return _back("/console/crisis", error=_problem(exc))
    return _back("/console/crisis", done="approved" if verdict == "approve" else "rejected")
