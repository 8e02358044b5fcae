"""The Time Release Study route: median and p90 hours from submission to each agency's decision and to release."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, require_roles
from clearway.single_window import report
from clearway.single_window.api.views import ERRORS, PREFIX
from clearway.single_window.schemas import ReportOut

router = APIRouter(prefix=PREFIX, tags=["single window"])


@router.get(
    "/report",
    response_model=ReportOut,
    responses=ERRORS,
    summary="Time Release Study: median and p90 hours from submission to each agency's decision and to release",
)
def get_report(
    runtime: RuntimeDep,
    principal: Principal = require_roles("officer", "supervisor", "admin", "agency"),
    days: Annotated[int | None, Query(ge=1, le=3660, description="Only submissions of the last N days")] = None,
) -> ReportOut:
    since = runtime.clock().astimezone(UTC) - timedelta(days=days) if days else None
    with runtime.uow(readonly=True) as uow:
        return ReportOut.model_validate(report.time_report(uow, runtime.caches, since=since, principal=principal))
