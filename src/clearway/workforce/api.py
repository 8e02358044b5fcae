"""HTTP routes of the workforce capability under /api/v1/workforce."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations.schemas import ErrorsOut
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, ReasonDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.workforce import export, importer, service
from clearway.workforce.indicators import Indicators, Row
from clearway.workforce.model import Assignment, CompetencyStatus, Course, EducationRecord
from clearway.workforce.schemas import (
    AssignmentIn,
    AssignmentOut,
    CataloguePatchIn,
    CheckOut,
    CompetencyOut,
    CourseOut,
    IndicatorsOut,
    OfficerRecordsOut,
    RateOut,
    RecordOut,
    RequirementOut,
    RowOut,
    StaffImportOut,
    TableOut,
)

router = APIRouter(prefix="/api/v1/workforce", tags=["workforce"])
CUSTOMS = ("officer", "supervisor", "admin")
_ERRORS: dict[int | str, dict[str, Any]] = {
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


@router.get("/courses", response_model=list[CourseOut], responses=_ERRORS, summary="The course catalogue")
def get_courses(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS)) -> list[CourseOut]:
    with runtime.uow(readonly=True) as uow:
        return [course_out(c) for c in service.list_courses(uow, principal)]


@router.post(
    "/courses",
    response_model=list[CourseOut],
    responses=_ERRORS,
    summary="Add or replace courses, and the competencies work requires (HR)",
)
async def post_courses(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("admin")
) -> list[CourseOut]:
    payload = parse_json(CataloguePatchIn, await request.body())
    return await run_in_threadpool(_post_courses, runtime, principal, payload)


def _post_courses(runtime: Runtime, principal: Principal, payload: CataloguePatchIn) -> list[CourseOut]:
    doc: dict[str, Any] = {"courses": payload.courses}
    if payload.requirements is not None:
        doc["requirements"] = payload.requirements
    with runtime.uow() as uow:
        service.load_catalogue(uow, principal, doc, reason=payload.reason)
        out = [course_out(c) for c in service.list_courses(uow, principal)]
        uow.commit()
    return out


@router.get(
    "/requirements", response_model=list[RequirementOut], responses=_ERRORS, summary="Competencies work requires"
)
def get_requirements(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS)) -> list[RequirementOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        reqs = service.requirements(uow)
    return [
        RequirementOut(work_kind=k, competency=c, description=d) for k, items in sorted(reqs.items()) for c, d in items
    ]


def _decimal(text: str, where: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationFailed([Issue("SCORE_INVALID", "the score is a number from 0 to 100", where)]) from None
    return value


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed([Issue("DATE_INVALID", "a date written YYYY-MM-DD", where)]) from None


@router.post(
    "/records",
    status_code=201,
    response_model=RecordOut,
    responses=_ERRORS,
    summary="Record an officer's course: attendance, result, certificate (HR)",
    description="Multipart form: `officer`, `course_code`, `completed_on` (YYYY-MM-DD), `result` (passed, failed, "
    "attended), optional `score` (0-100), and the certificate: a `certificate` file (PDF, PNG or JPEG, sniffed "
    "from the bytes and stored by its SHA-256) or a `reference` (e.g. the CLiKC! certificate number).",
)
async def post_record(
    runtime: RuntimeDep,
    officer: Annotated[str, Form(max_length=80)],
    course_code: Annotated[str, Form(max_length=40)],
    completed_on: Annotated[str, Form(max_length=10)],
    result: Annotated[str, Form(max_length=20)],
    score: Annotated[str, Form(max_length=10)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
    certificate: Annotated[UploadFile | None, File(description="The certificate")] = None,
    principal: Principal = require_roles("admin"),
) -> JSONResponse:
    cert = None
    if certificate is not None and certificate.filename:
        body = await certificate.read(service.MAX_CERTIFICATE_BYTES + 1)
        cert = service.Certificate(body, certificate.filename)
    rec = await run_in_threadpool(
        _record,
        runtime,
        principal,
        officer.strip(),
        course_code.strip(),
        _day(completed_on, "/completed_on"),
        result.strip(),
        _decimal(score, "/score"),
        cert,
        reference,
        note,
    )
    return JSONResponse(record_out(rec).model_dump(mode="json"), status_code=201)


def _record(
    runtime: Runtime,
    principal: Principal,
    officer: str,
    course_code: str,
    completed_on: date,
    result: str,
    score: Decimal | None,
    cert: service.Certificate | None,
    reference: str,
    note: str,
) -> EducationRecord:
    with runtime.uow() as uow:
        rec = service.record_education(
            uow,
            principal,
            officer=officer,
            course_code=course_code,
            completed_on=completed_on,
            result=result,
            score=score,
            certificate=cert,
            reference=reference,
            note=note,
            data_dir=runtime.settings.data_dir,
        )
        uow.commit()
    return rec


@router.get(
    "/records",
    response_model=list[RecordOut],
    responses=_ERRORS,
    summary="Education records: your own, or anyone's for HR",
)
def get_records(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    officer: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[RecordOut]:
    with runtime.uow(readonly=True) as uow:
        if officer is None and principal.role == "admin":
            return [record_out(r) for r in service.all_records(uow, principal, limit=limit, offset=offset)]
        return [record_out(r) for r in service.records_of(uow, principal, officer or principal.user)]


@router.get(
    "/records/{record_id}/certificate",
    responses={**_ERRORS, 200: {"description": "The certificate file as uploaded"}},
    summary="A record's certificate file (the officer and HR)",
)
def get_certificate(record_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    with runtime.uow(readonly=True) as uow:
        rec, body = service.certificate(uow, principal, record_id[:36], runtime.settings.data_dir)
    name = (rec.certificate_name or "certificate").replace('"', "")
    return Response(
        body,
        media_type=rec.certificate_media_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/officers/{officer}/competencies",
    response_model=OfficerRecordsOut,
    responses=_ERRORS,
    summary="An officer's records and competencies (the officer and HR)",
)
def get_competencies(officer: str, runtime: RuntimeDep, principal: PrincipalDep) -> OfficerRecordsOut:
    with runtime.uow(readonly=True) as uow:
        comps = service.competencies_of(uow, principal, officer[:80])
        recs = service.records_of(uow, principal, officer[:80])
    return OfficerRecordsOut(
        officer=officer[:80], records=[record_out(r) for r in recs], competencies=[competency_out(c) for c in comps]
    )


def missing_response(exc: service.CompetencyMissing) -> JSONResponse:
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


@router.post(
    "/assignments",
    status_code=201,
    response_model=AssignmentOut,
    responses=_ERRORS,
    summary="Assign an officer to a declaration's control (supervisor), with a competency check",
    description="When the officer lacks a competency the control requires (e.g. a current physical-inspection "
    "course for a red-lane control), answers `409 COMPETENCY_MISSING` naming it; send `override_reason` "
    "(at least 10 characters) to proceed anyway. Overrides are audited.",
)
async def post_assignment(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("supervisor")
) -> Response:
    payload = parse_json(AssignmentIn, await request.body())
    return await run_in_threadpool(_assign, runtime, principal, payload)


def _assign(runtime: Runtime, principal: Principal, payload: AssignmentIn) -> Response:
    try:
        with runtime.uow() as uow:
            a = service.assign(
                uow,
                principal,
                payload.mrn,
                payload.officer,
                override_reason=payload.override_reason,
                note=payload.note,
            )
            uow.commit()
    except service.CompetencyMissing as exc:
        return missing_response(exc)
    return JSONResponse(assignment_out(a).model_dump(mode="json"), status_code=201)


@router.get(
    "/assignments/check",
    response_model=CheckOut,
    responses=_ERRORS,
    summary="What a control requires and what an officer lacks (supervisor)",
)
def get_check(
    runtime: RuntimeDep,
    mrn: Annotated[str, Query(max_length=40)],
    officer: Annotated[str, Query(max_length=80)],
    principal: Principal = require_roles("supervisor"),
) -> CheckOut:
    with runtime.uow(readonly=True) as uow:
        c = service.check(uow, principal, mrn, officer)
    return CheckOut(
        mrn=c.mrn,
        officer=c.officer,
        work_kind=c.work_kind,
        required=c.required,
        missing=[competency_out(m) for m in c.missing],
    )


@router.get(
    "/assignments", response_model=list[AssignmentOut], responses=_ERRORS, summary="A declaration's assignments"
)
def get_assignments(
    runtime: RuntimeDep,
    mrn: Annotated[str, Query(max_length=40)],
    principal: Principal = require_roles(*CUSTOMS),
) -> list[AssignmentOut]:
    with runtime.uow(readonly=True) as uow:
        found = service.assignments(uow, principal, [mrn])
    return [assignment_out(a) for items in found.values() for a in items]


@router.post(
    "/staff/import",
    response_model=StaffImportOut,
    responses=_ERRORS,
    summary="Import staff records from CSV (HR); every bad row reported at once, nothing saved then",
    description="Body: the CSV file (text/csv, UTF-8). Header: "
    + ",".join(importer.REQUIRED + importer.OPTIONAL)
    + ". Say why in the `X-Change-Reason` header.",
)
async def post_staff_import(
    request: Request, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> StaffImportOut:
    body = await request.body()
    added, updated = await run_in_threadpool(_import, runtime, principal, body, reason)
    return StaffImportOut(added=added, updated=updated)


def _import(runtime: Runtime, principal: Principal, body: bytes, reason: str) -> tuple[int, int]:
    with runtime.uow() as uow:
        out = service.import_staff(uow, principal, body, reason=reason)
        uow.commit()
    return out


@router.get("/staff", responses=_ERRORS, summary="Staff records (HR only: personal data)")
def get_staff(runtime: RuntimeDep, principal: Principal = require_roles("admin")) -> list[dict[str, Any]]:
    with runtime.uow(readonly=True) as uow:
        members = service.list_staff(uow, principal)
    return [
        {
            "staff_id": m.staff_id,
            "name": m.name,
            "gender": m.gender,
            "grade": m.grade,
            "function": m.function,
            "office": m.office,
            "frontline": m.frontline,
            "leadership": m.leadership,
            "entry_date": m.entry_date.isoformat(),
            "exit_date": m.exit_date.isoformat() if m.exit_date else None,
            "promotions": [d.isoformat() for d in m.promotions],
            "training": {str(y): str(h) for y, h in sorted(m.training.items())},
            "user": m.user,
        }
        for m in members
    ]


@router.get(
    "/indicators",
    response_model=IndicatorsOut,
    responses=_ERRORS,
    summary="Gender-equality indicators (GEOAT): aggregates only, small groups suppressed",
)
def get_indicators(
    runtime: RuntimeDep,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
    principal: Principal = require_roles(*CUSTOMS),
) -> IndicatorsOut:
    with runtime.uow(readonly=True) as uow:
        return indicators_out(service.compute_indicators(uow, principal, year))


@router.get(
    "/indicators.csv",
    responses={
        **_ERRORS,
        200: {"description": "The indicators as CSV for the annual report", "content": {"text/csv": {}}},
    },
    summary="The indicators as CSV (English; the console exports in the reader's language)",
)
def get_indicators_csv(
    runtime: RuntimeDep,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
    principal: Principal = require_roles(*CUSTOMS),
) -> Response:
    with runtime.uow(readonly=True) as uow:
        ind = service.compute_indicators(uow, principal, year)
    return Response(
        export.to_csv(ind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="geoat-{ind.year}.csv"', "Cache-Control": "no-store"},
    )
