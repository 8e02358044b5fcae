"""Workforce pages: the GEOAT dashboard and report, education records, and assigning officers to controls."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from clearway.console import security, svg
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, localizer, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import DomainError, NotFound, ValidationFailed
from clearway.declarations.model import OPEN_STATUSES, Declaration
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime
from clearway.workforce import assignments, export, labels, service, staff
from clearway.workforce.indicators import COLUMNS, Indicators

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
CUSTOMS = frozenset({"officer", "supervisor", "admin"})
Year = Annotated[int | None, Query(ge=1950, le=2100)]  # the indicators' year (None: this year)


def _customs(session: Session) -> None:
    security.require_role(session, CUSTOMS, N_("Workforce pages are for customs staff."))


def _indicators(runtime: Runtime, session: Session, year: int | None) -> Indicators:
    try:
        with runtime.uow(readonly=True) as uow:
            return staff.compute_indicators(uow, session.principal, year)
    except ValidationFailed:
        raise HTTPException(422, N_("Choose a year from 1950 to this year.")) from None


def _charts(ind: Indicators, request: Request, session: Session) -> dict[str, Any]:
    t = localizer(request, session).gettext

    def shares(table_key: str, rows: Any) -> Any:
        shown = [(labels.word(labels.ROWS, r.key, t), float(r.share_women)) for r in rows if r.share_women is not None]
        return svg.horizontal_bars(t(labels.TABLES[table_key]), shown, colour="#6b3fa0", unit=" %") if shown else None

    return {
        "chart_grade": shares("grade", ind.by_grade.rows),
        "chart_function": shares("function", ind.by_function.rows),
        "chart_leadership": shares("leadership", ind.by_leadership.rows),
        "chart_trend": shares("trend", ind.trend.rows),
        "chart_trend_leadership": shares("trend_leadership", ind.trend_leadership.rows),
    }


def _context(ind: Indicators) -> dict[str, Any]:
    return {
        "ind": ind,
        "columns": COLUMNS,
        "table_words": labels.TABLES,
        "row_words": labels.ROWS,
        "column_words": labels.COLUMNS,
        "rate_words": labels.RATES,
        "note": labels.SUPPRESSED_NOTE,
        "years": list(range(ind.as_of.year, ind.as_of.year - 10, -1)),
    }


def _indicators_page(
    request: Request, runtime: Runtime, session: Session, year: int | None, printable: bool
) -> Response:
    _customs(session)
    ind = _indicators(runtime, session, year)
    return page(
        request,
        "workforce.html",
        session,
        active="workforce",
        printable=printable,
        **_context(ind),
        **_charts(ind, request, session),
    )


@router.get("/workforce")
def dashboard(request: Request, runtime: RuntimeDep, session: SessionDep, year: Year = None) -> Response:
    """The GEOAT dashboard: share of women by grade, function and leadership, flows, rates, trend."""
    return _indicators_page(request, runtime, session, year, printable=False)


@router.get("/workforce/report")
def report(request: Request, runtime: RuntimeDep, session: SessionDep, year: Year = None) -> Response:
    """The indicators as a printable page for the annual report."""
    return _indicators_page(request, runtime, session, year, printable=True)


@router.get("/workforce/export.csv")
def export_csv(request: Request, runtime: RuntimeDep, session: SessionDep, year: Year = None) -> Response:
    """The indicators as CSV in the reader's language."""
    _customs(session)
    ind = _indicators(runtime, session, year)
    loc = localizer(request, session)
    return Response(
        export.to_csv(ind, loc.gettext),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="geoat-{ind.year}-{loc.lang}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/workforce/education")
def education(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Courses and the competencies work requires; your own records (an officer) or everyone's (HR)."""
    _customs(session)
    principal = session.principal
    with runtime.uow(readonly=True) as uow:
        courses = service.list_courses(uow, principal)
        reqs = service.requirements(uow)
        mine = service.records_of(uow, principal, principal.user) if principal.role != "admin" else []
        comps = service.competencies_of(uow, principal, principal.user) if principal.role != "admin" else []
        everyone = service.all_records(uow, principal, limit=500) if principal.role == "admin" else []
    return page(
        request,
        "workforce_education.html",
        session,
        active="workforce",
        courses=courses,
        reqs=reqs,
        mine=mine,
        comps=comps,
        everyone=everyone,
        providers=labels.PROVIDERS,
        competency_words=labels.COMPETENCIES,
        work_words=labels.WORK_KINDS,
        state_words=labels.STATES,
        result_words=labels.RESULTS,
    )


def panel(runtime: Runtime, session: Session, decl: Declaration, warn_for: str | None) -> dict[str, Any]:
    """What the declaration page shows a supervisor: who is assigned, whom to assign, and any warning."""
    if session.principal.role != "supervisor" or decl.status not in OPEN_STATUSES:
        return {}
    try:
        with runtime.uow(readonly=True) as uow:
            found = assignments.assignments(uow, session.principal, [decl.mrn]).get(decl.mrn, [])
            officers = assignments.assignable_officers(uow, session.principal)
            warning = None
            if warn_for and warn_for in officers:
                check = assignments.check(uow, session.principal, decl.mrn, warn_for)
                warning = check if check.missing else None
    except SQLAlchemyError as exc:  # the workforce tables are not migrated: show the declaration anyway
        log.warning("workforce panel unavailable for %s: %s", decl.mrn, exc)
        return {}
    return {
        "wf": {
            "current": found[-1] if found else None,
            "officers": officers,
            "warning": warning,
            "competency_words": labels.COMPETENCIES,
            "work_words": labels.WORK_KINDS,
            "state_words": labels.STATES,
        }
    }


def assigned_to(runtime: Runtime, session: Session, mrns: list[str]) -> dict[str, str] | None:
    """Returns the officer assigned to each declaration of a queue page (supervisors), or None for others."""
    if session.principal.role != "supervisor":
        return None
    try:
        with runtime.uow(readonly=True) as uow:
            found = assignments.assignments(uow, session.principal, mrns)
    except SQLAlchemyError:
        return None
    return {mrn: items[-1].officer for mrn, items in found.items()}


@router.post("/declarations/{mrn}/assign")
def assign(
    mrn: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    officer: Annotated[str, Form(max_length=80)] = "",
    override_reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Assigns an officer to the declaration's control; a missing competency needs a reason to proceed."""
    security.check_csrf(request, session, csrf_token)
    if session.principal.role != "supervisor":
        raise HTTPException(403, N_("Only a supervisor assigns officers to controls."))
    target = "".join(ch for ch in mrn.upper() if ch.isalnum())[:40]
    try:
        with runtime.uow() as uow:
            assignments.assign(uow, session.principal, target, officer.strip(), override_reason=override_reason or None)
            uow.commit()
    except assignments.CompetencyMissing:
        return RedirectResponse(
            f"/console/declarations/{target}?assign_officer={quote(officer.strip())}#assign", status_code=303
        )
    except NotFound:
        raise HTTPException(404, N_("There is no such declaration that you may see.")) from None
    except (ValidationFailed, DomainError):
        raise HTTPException(422, N_("Choose an officer from the list.")) from None
    log.info("console assignment of %s to %s by %s", officer, target, session.principal.user)
    return RedirectResponse(f"/console/declarations/{target}?done=assigned#assign", status_code=303)
