"""The director's dashboard (lanes per day, Time Release Study, controls, rules) and the agency queue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from clearway.console import svg
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import SessionDep
from clearway.declarations import dashboard
from clearway.platform.deps import RuntimeDep

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
DEFAULT_DAYS = 30
MAX_DAYS = 366


def parse_period(today: date, start: str | None, end: str | None, office: str | None) -> tuple[dashboard.Period, str]:
    """Reads the dashboard filter; returns the period and a message when the dates given were unusable."""
    problem = ""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        last, first = today, today - timedelta(days=DEFAULT_DAYS - 1)
        problem = "Dates must be written YYYY-MM-DD; showing the last 30 days."
    if first > last:
        first, last = last, first
        problem = "The start date was after the end date; they were swapped."
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
        problem = f"At most {MAX_DAYS} days are shown at once; the period was shortened."
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
        raise HTTPException(403, "the dashboard is for customs staff")
    period, problem = parse_period(runtime.clock().date(), start, end, office)
    with runtime.uow(readonly=True) as uow:
        board = dashboard.build(uow, session.principal, period)
    lanes = ("red", "yellow", "green", "none")
    per_day = svg.stacked_columns(
        "Declarations lodged per day, by lane",
        [d.strftime("%d %b") for d, _ in board.days],
        [
            svg.Series(
                lane if lane != "none" else "no lane", svg.LANE_COLOURS[lane], [c.get(lane, 0) for _, c in board.days]
            )
            for lane in lanes
            if any(c.get(lane, 0) for _, c in board.days)
        ]
        or [svg.Series("declarations", svg.LANE_COLOURS["none"], [0 for _ in board.days])],
    )
    histogram = svg.horizontal_bars("Time from lodgement to release", board.histogram, colour="#1d4f91")
    medians = svg.horizontal_bars(
        "Median hours from lodgement to release, per office",
        [(t.office, round(t.median_hours, 1)) for t in board.times],
        colour="#3d6fb6",
        unit=" h",
    )
    kinds = svg.horizontal_bars("Discrepancies found, by kind", board.hits_by_kind, colour="#b3261e")
    rules = svg.horizontal_bars("Top risk rules by hits", board.top_rules, colour="#6b3fa0", width=640)
    return page(
        request,
        "dashboard.html",
        session,
        active="dashboard",
        board=board,
        problem=problem,
        per_day=per_day,
        histogram=histogram,
        medians=medians,
        kinds=kinds,
        rules=rules,
    )
