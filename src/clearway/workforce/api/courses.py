"""Routes of the course catalogue and of the competencies work requires (read by customs staff, changed by HR)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.workforce import service
from clearway.workforce.api.views import CUSTOMS, ERRORS, PREFIX, course_out
from clearway.workforce.schemas import CataloguePatchIn, CourseOut, RequirementOut

router = APIRouter(prefix=PREFIX, tags=["workforce"])


@router.get("/courses", response_model=list[CourseOut], responses=ERRORS, summary="The course catalogue")
def get_courses(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS)) -> list[CourseOut]:
    with runtime.uow(readonly=True) as uow:
        return [course_out(c) for c in service.list_courses(uow, principal)]


@router.post(
    "/courses",
    response_model=list[CourseOut],
    responses=ERRORS,
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
    "/requirements", response_model=list[RequirementOut], responses=ERRORS, summary="Competencies work requires"
)
def get_requirements(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS)) -> list[RequirementOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        reqs = service.requirements(uow)
    return [
        RequirementOut(work_kind=k, competency=c, description=d) for k, items in sorted(reqs.items()) for c, d in items
    ]
