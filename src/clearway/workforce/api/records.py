"""Routes of officers' education records: recording a course with its certificate (HR), reading records, a
record's certificate file and an officer's competencies (the officer and HR)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, require_roles
from clearway.platform.runtime import Runtime
from clearway.workforce import service
from clearway.workforce.api.views import ERRORS, PREFIX, competency_out, record_out
from clearway.workforce.model import EducationRecord
from clearway.workforce.schemas import OfficerRecordsOut, RecordOut

router = APIRouter(prefix=PREFIX, tags=["workforce"])


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
    responses=ERRORS,
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
    responses=ERRORS,
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
    responses={**ERRORS, 200: {"description": "The certificate file as uploaded"}},
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
    responses=ERRORS,
    summary="An officer's records and competencies (the officer and HR)",
)
def get_competencies(officer: str, runtime: RuntimeDep, principal: PrincipalDep) -> OfficerRecordsOut:
    with runtime.uow(readonly=True) as uow:
        comps = service.competencies_of(uow, principal, officer[:80])
        recs = service.records_of(uow, principal, officer[:80])
    return OfficerRecordsOut(
        officer=officer[:80], records=[record_out(r) for r in recs], competencies=[competency_out(c) for c in comps]
    )
