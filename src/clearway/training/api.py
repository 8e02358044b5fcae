"""HTTP routes of the risk-training simulator under /api/v1/training (customs officers and supervisors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.declarations.schemas import ErrorsOut
from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, json_body, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.training import access, case_banks, progress, service
from clearway.training.model import Answer
from clearway.training.schemas import (
    AnswersIn,
    BankOut,
    CourseOut,
    ExerciseOut,
    ExercisePageOut,
    ExerciseSummaryOut,
    ProgressOut,
    StartIn,
    TraineeOut,
)

router = APIRouter(prefix="/api/v1/training", tags=["training"])
STAFF = ("officer", "supervisor", "admin")
TRAINEES = access.TRAINEES
OVERSEERS = access.OVERSEERS
ExerciseId = Annotated[str, Path(min_length=1, max_length=36)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    403: {"model": ErrorsOut, "description": "Your role may not do this, or the exercise is another trainee's"},
    404: {"model": ErrorsOut, "description": "No such course, bank or exercise"},
    409: {"model": ErrorsOut, "description": "Already answered, or not answered yet"},
    422: {"model": ErrorsOut, "description": "Every problem with the answers, with pointers"},
}


@router.get("/courses", response_model=list[CourseOut], responses=_ERRORS, summary="Courses and where they draw from")
def get_courses(runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> list[CourseOut]:
    with runtime.uow(readonly=True) as uow:
        return [CourseOut.model_validate(c, strict=False) for c in service.courses(uow, principal)]


@router.get("/banks", response_model=list[BankOut], responses=_ERRORS, summary="Banks of anonymised past cases")
def get_banks(runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> list[BankOut]:
    with runtime.uow(readonly=True) as uow:
        return [BankOut.model_validate(b, strict=False) for b in case_banks.banks(uow, principal)]


def _json(view: dict[str, Any], status: int = 200) -> Response:
    return JSONResponse(ExerciseOut.model_validate(view, strict=False).model_dump(mode="json"), status_code=status)


def _start(runtime: Runtime, principal: Principal, payload: StartIn) -> Response:
    with runtime.uow() as uow:
        view = service.start(uow, principal, payload.course, bank_id=payload.bank)
        uow.commit()
    return _json(view, 201)


@router.post(
    "/exercises",
    response_model=ExerciseOut,
    status_code=201,
    responses=_ERRORS,
    summary="Start an exercise of a course",
    description="Draws the course's declarations from a case bank. The answer shows declared data, anonymised "
    "parties and trader history only: outcomes and the model's view come with the result. Body: `StartIn`.",
    openapi_extra=json_body("StartIn"),
)
async def post_exercise(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles(*TRAINEES)
) -> Response:
    payload = parse_json(StartIn, await request.body())
    return await run_in_threadpool(_start, runtime, principal, payload)


@router.get(
    "/exercises", response_model=ExercisePageOut, responses=_ERRORS, summary="Your exercises (supervisors: all)"
)
def list_exercises(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*STAFF),
    trainee: Annotated[str | None, Query(max_length=80, description="Supervisors: one trainee's")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ExercisePageOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = progress.list_exercises(uow, principal, trainee=trainee, limit=limit, offset=offset)
    return ExercisePageOut(items=[ExerciseSummaryOut.model_validate(r, strict=False) for r in rows], total=total)


@router.get("/exercises/{exercise_id}", response_model=ExerciseOut, responses=_ERRORS, summary="An exercise")
def get_exercise(
    exercise_id: ExerciseId, runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)
) -> Response:
    with runtime.uow(readonly=True) as uow:
        return _json(service.exercise(uow, principal, exercise_id))


def _answer(runtime: Runtime, principal: Principal, exercise_id: str, payload: AnswersIn) -> Response:
    answers = [Answer(a.case, a.lane, a.reason, tuple(a.signals)) for a in payload.answers]
    with runtime.uow() as uow:
        view = service.answer(uow, principal, exercise_id, answers)
        uow.commit()
    return _json(view)


@router.post(
    "/exercises/{exercise_id}/answers",
    response_model=ExerciseOut,
    responses=_ERRORS,
    summary="Answer an exercise (once) and get the score and debrief",
    description="Every declaration of the exercise with its lane; a reason for each red; within the budget. "
    "Body: `AnswersIn`.",
    openapi_extra=json_body("AnswersIn"),
)
async def post_answers(
    exercise_id: ExerciseId, request: Request, runtime: RuntimeDep, principal: Principal = require_roles(*TRAINEES)
) -> Response:
    payload = parse_json(AnswersIn, await request.body())
    return await run_in_threadpool(_answer, runtime, principal, exercise_id, payload)


@router.get(
    "/exercises/{exercise_id}/score",
    response_model=ExerciseOut,
    responses=_ERRORS,
    summary="The score and debrief of an answered exercise",
)
def get_score(exercise_id: ExerciseId, runtime: RuntimeDep, principal: Principal = require_roles(*STAFF)) -> Response:
    with runtime.uow(readonly=True) as uow:
        return _json(service.scored(uow, principal, exercise_id))


@router.get("/progress", response_model=ProgressOut, responses=_ERRORS, summary="Scores over time and per course")
def get_progress(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*STAFF),
    trainee: Annotated[str | None, Query(max_length=80, description="Supervisors: another trainee's")] = None,
) -> ProgressOut:
    with runtime.uow(readonly=True) as uow:
        return ProgressOut.model_validate(progress.progress(uow, principal, trainee=trainee), strict=False)


@router.get("/trainees", response_model=list[TraineeOut], responses=_ERRORS, summary="Everyone's progress")
def get_trainees(runtime: RuntimeDep, principal: Principal = require_roles(*OVERSEERS)) -> list[TraineeOut]:
    with runtime.uow(readonly=True) as uow:
        return [TraineeOut.model_validate(r, strict=False) for r in progress.overview(uow, principal)]
