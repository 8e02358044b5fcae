"""HTTP route: POST /api/v1/hs/suggest."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from clearway.classification import service
from clearway.classification.schemas import SuggestIn, SuggestOut
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, parse_json
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1/hs", tags=["classification"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    422: {"description": "The description is missing, empty or too long"},
}


@router.post(
    "/suggest",
    response_model=SuggestOut,
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": SuggestIn.model_json_schema()}}}
    },
    summary="Suggest HS subheadings for a description of goods",
    description="Top-5 6-digit codes of the loaded nomenclature, each with its path, matched words and signals; "
    "`abstain` with a `question` when the first candidates are too close to choose.",
)
async def suggest(request: Request, runtime: RuntimeDep, principal: PrincipalDep) -> SuggestOut:
    body = parse_json(SuggestIn, await request.body())
    return await run_in_threadpool(_suggest, runtime, body, principal)


def _suggest(runtime: Runtime, body: SuggestIn, _principal: Principal) -> SuggestOut:
    runtime.caches.setdefault(service.DATA_DIR, runtime.settings.data_dir)
    with runtime.uow(readonly=True) as uow:
        return SuggestOut.of(service.suggest(uow, runtime.caches, body.description, body.category))
