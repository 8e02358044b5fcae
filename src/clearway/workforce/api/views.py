"""What the workforce routes share: the roles that read the catalogue and figures, the errors the routes answer,
and the API views of courses, education records, competencies, assignments and indicators."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from clearway.declarations.schemas import ErrorsOut
from clearway.workforce import assignments
from clearway.workforce.indicators import Indicators, Row
from clearway.workforce.model import Assignment, CompetencyStatus, Course, EducationRecord
from clearway.workforce.schemas import (
    AssignmentOut,
    CompetencyOut,
    CourseOut,
    IndicatorsOut,
    RateOut,
    RecordOut,
    RowOut,
    TableOut,
)

V = TypeVar("V", bound=BaseModel)

PREFIX = "/api/v1/workforce"
CUSTOMS = ("officer", "supervisor", "admin")
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    403: {"model": ErrorsOut, "description": "Your role may not do this (personal records: HR only)"},
    404: {"model": ErrorsOut, "description": "No such record, declaration or certificate visible to you"},
    409: {"model": ErrorsOut, "description": "COMPETENCY_MISSING: the officer lacks a required current competency"},
    422: {"model": ErrorsOut, "description": "Every problem with the request, with pointers"},
}


def course_out(c: Course) -> CourseOut:
    """Builds the API view of a course."""
    return _view(CourseOut, c)


def record_out(r: EducationRecord) -> RecordOut:
    """Builds the API view of an education record (the certificate's media type stays internal)."""
    return _view(RecordOut, r)


def competency_out(s: CompetencyStatus) -> CompetencyOut:
    """Builds the API view of a competency's standing."""
    return _view(CompetencyOut, s)


def assignment_out(a: Assignment) -> AssignmentOut:
    """Builds the API view of an assignment."""
    return _view(AssignmentOut, a)


def _view(schema: type[V], obj: object) -> V:
    """The API view of a domain object: each of the schema's fields from the object's attribute of that name.

    Only the schema's fields are read, so what the schema leaves out never leaves the server; a field the object
    lacks fails here, in the tests, rather than answering a partial view.
    """
    return schema.model_validate(obj, from_attributes=True)


def _row(r: Row) -> RowOut:
    return RowOut(
        key=r.key,
        women=r.counts["women"],
        men=r.counts["men"],
        other=r.counts["other"],
        total=r.total,
        share_women=r.share_women,
    )


def indicators_out(ind: Indicators) -> IndicatorsOut:
    """Builds the API view of the indicators."""
    return IndicatorsOut(
        year=ind.year,
        as_of=ind.as_of,
        min_group=ind.min_group,
        suppressed=ind.suppressed,
        tables=[
            TableOut(
                key=t.key,
                rows=[_row(r) for r in t.rows],
                total=_row(t.total) if t.total else None,
                suppressed=t.suppressed,
            )
            for t in ind.tables
        ],
        rates=[RateOut(key=r.key, women=r.women, men=r.men, ratio=r.ratio) for r in ind.rates],
    )


def missing_response(exc: assignments.CompetencyMissing) -> JSONResponse:
    """The warning a supervisor gets: what is missing, and how to proceed (a reason)."""
    return JSONResponse(
        {
            "errors": [{"code": exc.code, "message": exc.message, "pointer": "/override_reason"}],
            "officer": exc.officer,
            "work_kind": exc.work_kind,
            "missing": [competency_out(m).model_dump(mode="json") for m in exc.missing],
        },
        status_code=409,
    )
