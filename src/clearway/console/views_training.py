"""Console pages of the risk-training simulator: courses, an exercise to answer, its debrief, progress."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security, training_charts
from clearway.console.i18n import N_, Localizer
from clearway.console.render import ConsoleRoute, localizer, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import Conflict, DomainError, Forbidden, Issue, NotFound, ValidationFailed
from clearway.platform.deps import RuntimeDep
from clearway.training import access, service
from clearway.training import progress as training_progress
from clearway.training.model import LANES, Answer

router = APIRouter(prefix="/console/training", include_in_schema=False, route_class=ConsoleRoute)
STAFF = ("officer", "supervisor", "admin")
MAX_FORM_FIELDS = 200

ISSUE_WORDS = {
    "CASE_NOT_IN_EXERCISE": N_("A declaration named in the answers is not in this exercise."),
    "DUPLICATE_CASE": N_("A declaration was answered twice."),
    "REASON_REQUIRED": N_("Give a reason for every red lane: what you would inspect, and why."),
    "REASON_TOO_LONG": N_("A reason has at most 500 characters."),
    "BUDGET_EXCEEDED": N_("You chose more controls than the budget allows."),
    "ANSWER_MISSING": N_("Every declaration needs a lane."),
    "LANE_UNKNOWN": N_("The lane is green, yellow or red."),
    "ALREADY_ANSWERED": N_("This exercise has already been answered; start another to practise again."),
    "NOT_YOURS": N_("This exercise belongs to another trainee."),
    "TRAINING_TOO_FEW_CASES": N_("No case bank has enough declarations for this course yet."),
    "TRAINING_NO_BANK": N_("No training cases yet: a supervisor imports them first."),
}
VERDICT_WORDS = {
    "hit": N_("fraud found"),
    "false_alarm": N_("false alarm"),
    "missed": N_("fraud missed"),
    "cleared": N_("rightly released"),
}
KIND_WORDS = {
    "rate": N_("past fraud rate — %(who)s"),
    "n": N_("inspected declarations — %(who)s"),
    "uv_ratio": N_("unit value against the median — %(who)s"),
    "price_ratio": N_("declared value against the median — %(who)s"),
}
GROUP_WORDS = {
    "importer": N_("importer"),
    "declarant": N_("declarant"),
    "seller": N_("seller"),
    "courier": N_("courier"),
    "office": N_("customs office"),
    "origin": N_("country of origin"),
    "departure": N_("country of departure"),
    "hs2": N_("HS chapter"),
    "hs4": N_("HS heading"),
    "hs6": N_("HS subheading"),
    "hs6_origin": N_("HS subheading × origin"),
    "importer_declarant": N_("importer × declarant"),
    "importer_seller": N_("importer × seller"),
    "declarant_hs6": N_("declarant × HS subheading"),
}
BASIC_WORDS = {
    "log_value": N_("declared value"),
    "log_mass": N_("net mass"),
    "log_unit_value": N_("unit value (per kg)"),
    "tax_rate": N_("duty rate"),
    "log_tax": N_("duty at stake"),
    "origin_is_departure": N_("goods leave from their country of origin"),
    "has_courier": N_("sent by courier"),
    "has_seller": N_("seller named"),
    "weekday": N_("day of the week"),
    "month": N_("month of the year"),
    "days_since_importer_seen": N_("days since the importer's last declaration"),
}


def feature_words(loc: Localizer, feature: str) -> str:
    """Returns a model feature's name in the page's language."""
    kind, _, group = feature.partition("__")
    if kind in KIND_WORDS and group in GROUP_WORDS:
        return loc.gettext(KIND_WORDS[kind]) % {"who": loc.gettext(GROUP_WORDS[group])}
    if kind == "cat":
        return loc.gettext(N_("declared %(field)s")) % {"field": group.replace("_", " ")}
    if feature in BASIC_WORDS:
        return loc.gettext(BASIC_WORDS[feature])
    return feature.replace("_", " ")


def feature_value(loc: Localizer, feature: str, value: float | None) -> str:
    """Returns a feature's value as an officer reads it: a rate in %, a ratio to the median, a count."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    kind = feature.partition("__")[0]
    if kind == "rate":
        return f"{loc.number(round(value * 100, 1))} %"
    if kind in ("uv_ratio", "price_ratio"):
        return loc.gettext(N_("%(pct)s of the median")) % {"pct": f"{loc.number(round(math.exp(value) * 100))} %"}
    if kind == "n" or feature in ("weekday", "month", "days_since_importer_seen"):
        return loc.number(round(value))
    if feature.startswith("log_"):
        return loc.number(round(math.expm1(value), 2))
    if feature in ("origin_is_departure", "has_courier", "has_seller"):
        return loc.gettext(N_("yes")) if value >= 0.5 else loc.gettext(N_("no"))
    return loc.number(round(value, 3))


def _require_staff(session: Session) -> None:
    security.require_role(session, STAFF, N_("Risk training is for customs officers and supervisors."))


def _problem(loc: Localizer, exc: DomainError) -> str:
    words = ISSUE_WORDS.get(exc.code)
    return loc.gettext(words) if words else exc.message


@router.get("")
def courses_page(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Lists the courses, where each can draw from, and the trainee's recent exercises."""
    _require_staff(session)
    with runtime.uow(readonly=True) as uow:
        courses = service.courses(uow, session.principal)
        mine, _ = training_progress.list_exercises(uow, session.principal, trainee=session.principal.user, limit=10)
    return page(
        request,
        "training_courses.html",
        session,
        active="training",
        courses=courses,
        mine=mine,
        can_train=session.principal.role in access.TRAINEES,
        problem=request.query_params.get("problem", "")[:200],
    )


@router.post("/start")
def start_exercise(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    course: Annotated[str, Form(max_length=40)] = "",
    bank: Annotated[str, Form(max_length=36)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Starts an exercise of a course and opens it."""
    security.check_csrf(request, session, csrf_token)
    _require_staff(session)
    loc = localizer(request, session)
    try:
        with runtime.uow() as uow:
            view = service.start(uow, session.principal, course, bank_id=bank or None)
            uow.commit()
    except Forbidden as exc:
        raise HTTPException(403, _problem(loc, exc)) from None
    except DomainError as exc:
        with runtime.uow(readonly=True) as uow:
            courses = service.courses(uow, session.principal)
            mine, _ = training_progress.list_exercises(uow, session.principal, trainee=session.principal.user, limit=10)
        return page(
            request,
            "training_courses.html",
            session,
            status_code=404 if isinstance(exc, NotFound) else 422,
            active="training",
            courses=courses,
            mine=mine,
            can_train=True,
            problem=_problem(loc, exc),
        )
    return RedirectResponse(f"/console/training/exercises/{view['id']}", status_code=303)


def _exercise_page(
    request: Request,
    session: Session,
    view: dict[str, Any],
    *,
    form: dict[str, str] | None = None,
    problems: list[Issue] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response:
    loc = localizer(request, session)
    t = loc.gettext
    chart = None
    result = view.get("result")
    if result:
        rows = [
            (t(N_("You")), result["trainee"]["precision"], result["trainee"]["revenue_share"]),
            (t(N_("Risk engine")), result["engine"]["precision"], result["engine"]["revenue_share"]),
            (t(N_("Random selection")), result["random"]["precision"], result["random"]["revenue_share"]),
            (t(N_("Best possible")), result["best"]["precision"], result["best"]["revenue_share"]),
        ]
        chart = training_charts.comparison(
            t(N_("Precision and revenue caught with the same budget")),
            (t(N_("precision")), t(N_("revenue caught"))),
            rows,
        )
    cases = {c["id"]: c for c in view["cases"]}
    return page(
        request,
        "training_exercise.html",
        session,
        status_code=status_code,
        active="training",
        view=view,
        cases=cases,
        result=result,
        chart=chart,
        lanes=LANES,
        form=form or {},
        problems=[(i, t(ISSUE_WORDS[i.code]) if i.code in ISSUE_WORDS else i.message) for i in problems or []],
        message=message,
        words=lambda f: feature_words(loc, f),
        value_of=lambda f, v: feature_value(loc, f, v),
        verdict_words=VERDICT_WORDS,
        own=view["trainee"] == session.principal.user,
    )


@router.get("/exercises/{exercise_id}")
def exercise_page(exercise_id: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Shows an exercise to answer, or its scored debrief once answered."""
    _require_staff(session)
    loc = localizer(request, session)
    try:
        with runtime.uow(readonly=True) as uow:
            view = service.exercise(uow, session.principal, exercise_id[:36])
    except Forbidden as exc:
        raise HTTPException(403, _problem(loc, exc)) from None
    except NotFound:
        raise HTTPException(404, N_("There is no such exercise.")) from None
    return _exercise_page(request, session, view)


@router.post("/exercises/{exercise_id}")
async def answer_exercise(exercise_id: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Takes the trainee's lanes and reasons, scores them once, and shows the debrief."""
    async with request.form(max_fields=MAX_FORM_FIELDS, max_files=0) as raw:
        form = {k: str(v)[:600] for k, v in raw.items() if isinstance(v, str)}
    security.check_csrf(request, session, form.get("csrf_token"))
    _require_staff(session)
    loc = localizer(request, session)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_answer, request, runtime, session, exercise_id[:36], form, loc)


def _answer(
    request: Request, runtime: Any, session: Session, exercise_id: str, form: dict[str, str], loc: Localizer
) -> Response:
    try:
        with runtime.uow(readonly=True) as uow:
            view = service.exercise(uow, session.principal, exercise_id)
    except Forbidden as exc:
        raise HTTPException(403, _problem(loc, exc)) from None
    except NotFound:
        raise HTTPException(404, N_("There is no such exercise.")) from None
    answers = [
        Answer(c["id"], form.get(f"lane__{c['id']}", "green"), form.get(f"reason__{c['id']}", "").strip())
        for c in view["cases"]
    ]
    try:
        with runtime.uow() as uow:
            service.answer(uow, session.principal, exercise_id, answers)
            uow.commit()
    except ValidationFailed as exc:
        message = loc.gettext(N_("The answers were not scored; correct what is marked below."))
        return _exercise_page(request, session, view, form=form, problems=exc.issues, message=message, status_code=422)
    except Conflict as exc:
        return _exercise_page(request, session, view, message=_problem(loc, exc), status_code=409)
    except Forbidden as exc:
        raise HTTPException(403, _problem(loc, exc)) from None
    return RedirectResponse(f"/console/training/exercises/{exercise_id}#debrief", status_code=303)


@router.get("/progress")
def progress_page(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    trainee: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    """Shows a trainee's scores over time and per course; supervisors also see everyone's."""
    _require_staff(session)
    loc = localizer(request, session)
    t = loc.gettext
    try:
        with runtime.uow(readonly=True) as uow:
            progress = training_progress.progress(uow, session.principal, trainee=trainee or None)
            overseer = session.principal.role in access.OVERSEERS
            everyone = training_progress.overview(uow, session.principal) if overseer else None
    except Forbidden as exc:
        raise HTTPException(403, _problem(loc, exc)) from None
    points = [
        (loc.format_date(h["at"].date()), float(h["points"] or 0), float(h["engine_points"] or 0))
        for h in progress["history"]
    ]
    chart = (
        training_charts.scores_over_time(
            t(N_("Score per exercise, against the risk engine's")), (t(N_("your score")), t(N_("risk engine"))), points
        )
        if points
        else None
    )
    return page(
        request,
        "training_progress.html",
        session,
        active="training",
        progress=progress,
        everyone=everyone,
        chart=chart,
    )
