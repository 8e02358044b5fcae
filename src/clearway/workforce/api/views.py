"""What the workforce routes share: the roles that read the catalogue and figures, the errors the routes answer,
and the API views of courses, education records, competencies, assignments and indicators."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

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
    return CourseOut(
        code=c.code,
        title=c.title,
        provider=c.provider,
        hours=c.hours,
        validity_months=c.validity_months,
        competency=c.competency,
        description=c.description,
    )


def record_out(r: EducationRecord) -> RecordOut:
    """Builds the API view of an education record."""
    return RecordOut(
        id=r.id,
        officer=r.officer,
        course_code=r.course_code,
        completed_on=r.completed_on,
        result=r.result,
        hours=r.hours,
        score=r.score,
        valid_until=r.valid_until,
        competency=r.competency,
        certificate_sha256=r.certificate_sha256,
        certificate_name=r.certificate_name,
        certificate_reference=r.certificate_reference,
        recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
        note=r.note,
    )


def competency_out(s: CompetencyStatus) -> CompetencyOut:
    """Builds the API view of a competency's standing."""
    return CompetencyOut(competency=s.competency, state=s.state, valid_until=s.valid_until, course_code=s.course_code)


def assignment_out(a: Assignment) -> AssignmentOut:
    """Builds the API view of an assignment."""
    return AssignmentOut(
        id=a.id,
        mrn=a.mrn,
        officer=a.officer,
        work_kind=a.work_kind,
        required=list(a.required),
        missing=list(a.missing),
        override_reason=a.override_reason,
        assigned_by=a.assigned_by,
        assigned_at=a.assigned_at,
        note=a.note,
    )


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
