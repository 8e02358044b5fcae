"""The director's dashboard (lanes per day, Time Release Study, controls, rules) and the agency queue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from babel.dates import format_date
from babel.numbers import get_territory_currencies
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from clearway.console import svg, views_crisis, vocabulary
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, localizer, page
from clearway.console.security import SessionDep
from clearway.crisis import reporting as crisis_reporting
from clearway.declarations import dashboard
from clearway.platform.deps import RuntimeDep

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
DEFAULT_DAYS = 30
MAX_DAYS = 366


STAGE_WORDS = {
    "lodgement": N_("arrival → lodgement"),
    "assessment": N_("assessment of duties"),
    "payment": N_("payment"),
    "agency": N_("partner agencies' decisions"),
    "control": N_("customs control"),
    "release": N_("release"),
}


def office_currency(office: str) -> str:
    """Returns the national currency of an office's country (PEN for PECLL), for amounts recorded without one."""
    found = get_territory_currencies(office[:2].upper() or "PE")
    return str(found[0]) if found else ""


def parse_period(today: date, start: str | None, end: str | None, office: str | None) -> tuple[dashboard.Period, str]:
    """Reads the dashboard filter; returns the period and a message when the dates given were unusable."""
    problem = ""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        last, first = today, today - timedelta(days=DEFAULT_DAYS - 1)
        problem = N_("Dates must be written YYYY-MM-DD; showing the last 30 days.")
    if first > last:
        first, last = last, first
        problem = N_("The start date was after the end date; they were swapped.")
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
        problem = N_("At most 366 days are shown at once; the period was shortened.")
    return dashboard.Period(first, last, office or None), problem


@router.get("/dashboard")
def dashboard_page(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    start: Annotated[str | None, Query(max_length=10)] = None,
    end: Annotated[str | None, Query(max_length=10)] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """Shows declarations per day and lane, release times per office, control results and rule hits."""
    if session.principal.role not in dashboard.CUSTOMS_ROLES:
        raise HTTPException(403, N_("The dashboard is for customs staff."))
    period, problem = parse_period(runtime.clock().date(), start, end, office)
    with runtime.uow(readonly=True) as uow:
        board = dashboard.build(uow, session.principal, period)
    loc = localizer(request, session, period.office)
    t = loc.gettext
    lanes = ("red", "yellow", "green", "none")
    lane_words = {**vocabulary.LANE_WORDS, "none": N_("no lane")}
    per_day = svg.stacked_columns(
        t(N_("Declarations lodged per day, by lane")),
        [format_date(d, "d MMM", locale=loc.locale) for d, _ in board.days],
        [
            svg.Series(t(lane_words[lane]), svg.LANE_COLOURS[lane], [c.get(lane, 0) for _, c in board.days])
            for lane in lanes
            if any(c.get(lane, 0) for _, c in board.days)
        ]
        or [svg.Series(t(N_("declarations")), svg.LANE_COLOURS["none"], [0 for _ in board.days])],
    )
    histogram = svg.horizontal_bars(t(N_("Time from lodgement to release")), board.histogram, colour="#1d4f91")
    kinds = svg.horizontal_bars(
        t(N_("Discrepancies found, by kind")),
        [
            (vocabulary.word("finding", k) if k != "unspecified" else t(N_("unspecified")), n)
            for k, n in board.hits_by_kind
        ],
        colour="#b3261e",
    )
    rules = svg.horizontal_bars(t(N_("Top risk rules by hits")), board.top_rules, colour="#6b3fa0", width=640)
    currency = board.currency or office_currency(period.office or (session.principal.office or "PE"))
    with runtime.uow(readonly=True) as uow:
        crisis_figures = crisis_reporting.comparison(uow, session.principal, period)
    return page(
        request,
        "dashboard.html",
        session,
        active="dashboard",
        board=board,
        problem=problem,
        per_day=per_day,
        histogram=histogram,
        currency=currency,
        stage_words=STAGE_WORDS,
        kinds=kinds,
        rules=rules,
        crisis_figures=crisis_figures,
        crisis_banner=views_crisis.banner(runtime, loc.lang),
    )
