"""Routes of staff records (HR only: personal data) and of the gender-equality indicators (GEOAT) computed from
them, as JSON and as CSV (customs staff; small groups suppressed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import Principal
from clearway.platform.deps import ReasonDep, RuntimeDep, require_roles
from clearway.platform.runtime import Runtime
from clearway.workforce import export, importer, staff
from clearway.workforce.api.views import CUSTOMS, ERRORS, PREFIX, indicators_out
from clearway.workforce.schemas import IndicatorsOut, StaffImportOut

router = APIRouter(prefix=PREFIX, tags=["workforce"])


@router.post(
    "/staff/import",
    response_model=StaffImportOut,
    responses=ERRORS,
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
        out = staff.import_staff(uow, principal, body, reason=reason)
        uow.commit()
    return out


@router.get("/staff", responses=ERRORS, summary="Staff records (HR only: personal data)")
def get_staff(runtime: RuntimeDep, principal: Principal = require_roles("admin")) -> list[dict[str, Any]]:
    with runtime.uow(readonly=True) as uow:
        members = staff.list_staff(uow, principal)
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
    responses=ERRORS,
    summary="Gender-equality indicators (GEOAT): aggregates only, small groups suppressed",
)
def get_indicators(
    runtime: RuntimeDep,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
    principal: Principal = require_roles(*CUSTOMS),
) -> IndicatorsOut:
    with runtime.uow(readonly=True) as uow:
        return indicators_out(staff.compute_indicators(uow, principal, year))


@router.get(
    "/indicators.csv",
    responses={
        **ERRORS,
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
        ind = staff.compute_indicators(uow, principal, year)
    return Response(
        export.to_csv(ind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="geoat-{ind.year}.csv"', "Cache-Control": "no-store"},
    )
