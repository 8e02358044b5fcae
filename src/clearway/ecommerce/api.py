"""HTTP routes under /api/v1/ecommerce: submit a manifest, fetch decisions in bulk, officers' aggregates."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.ecommerce import hs_history_store, queries, review, service
from clearway.ecommerce.schemas import (
    AggregatesOut,
    DecisionOut,
    DecisionPageOut,
    FindingIn,
    FindingOut,
    HistoryIssueOut,
    HistoryLoadOut,
    ManifestOut,
    ManifestPageOut,
    ReviewIn,
    ReviewOut,
)
from clearway.platform import i18n
from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.deps import RuntimeDep, require_roles
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1/ecommerce", tags=["ecommerce"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    404: {"description": "No such manifest visible to you"},
    413: {"description": "The manifest is larger than the upload limit"},
    422: {"description": "The manifest cannot be read (every problem listed)"},
}
_MEDIA = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/json": "jsonl"}
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}
OFFICERS = CUSTOMS_STAFF
READERS = ("declarant", *OFFICERS)
REASON_SEPARATOR = " | "  # between a parcel's stored reasons


def _manifest_out(row: dict[str, Any]) -> ManifestOut:
    links = {
        "self": f"/api/v1/ecommerce/manifests/{row['id']}",
        "decisions": f"/api/v1/ecommerce/manifests/{row['id']}/decisions",
    }
    return ManifestOut.model_validate({**row, "links": links})


@router.post(
    "/manifests",
    status_code=201,
    response_model=ManifestOut,
    responses=_ERRORS,
    openapi_extra=_UPLOAD,
    summary="Submit a parcel manifest for screening",
    description="Body: the manifest as CSV (`text/csv`, header row) or JSON lines (`application/x-ndjson`). "
    "Every row is screened or rejected with its reasons; the answer is the manifest's report.",
)
async def submit_manifest(
    request: Request,
    runtime: RuntimeDep,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$", description="Destination country")] = None,
    principal: Principal = require_roles("declarant"),
) -> JSONResponse:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _MEDIA:
        raise ValidationFailed(
            [
                Issue(
                    "MEDIA_TYPE",
                    f"cannot read '{media or 'no content type'}'; send text/csv or application/x-ndjson",
                    "",
                )
            ]
        )
    body = await request.body()
    if not body.strip():
        raise ValidationFailed([Issue("BODY_EMPTY", "the manifest is empty", "")])
    out = await run_in_threadpool(
        _screen, runtime, body, _MEDIA[media], (country or runtime.settings.country), principal
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers={"Location": out.links["self"]})


def _screen(runtime: Runtime, body: bytes, fmt: str, country: str, principal: Principal) -> ManifestOut:
    with runtime.uow() as uow:
        report = service.screen_manifest(
            uow,
            io.BytesIO(body),
            source_name="upload",
            fmt=fmt,
            country=country.upper(),
            submitted_by=principal.user,
            submitter_party=principal.party_id,
            caches=runtime.caches,
        )
        uow.commit()
        row = queries.get_manifest(uow, report.manifest_id, principal)
    return _manifest_out(row)


@router.get("/manifests", response_model=ManifestPageOut, responses=_ERRORS, summary="List manifests you may see")
def list_manifests(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*READERS),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ManifestPageOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = queries.list_manifests(uow, principal, limit, offset)
    return ManifestPageOut(data=[_manifest_out(r) for r in rows], count=total)


@router.get("/manifests/{manifest_id}", response_model=ManifestOut, responses=_ERRORS, summary="A manifest's report")
def get_manifest(manifest_id: str, runtime: RuntimeDep, principal: Principal = require_roles(*READERS)) -> ManifestOut:
    with runtime.uow(readonly=True) as uow:
        return _manifest_out(queries.get_manifest(uow, manifest_id, principal))


@router.get(
    "/manifests/{manifest_id}/decisions",
    response_model=DecisionPageOut,
    responses=_ERRORS,
    summary="Fetch a manifest's decisions in bulk",
    description="Pages of up to 10,000 parcels in parcel-id order; pass `next_after` as `after` for the next. "
    "`reasons` are in the language of `Accept-Language` (es, pt, fr; as stored, in English, otherwise); brands, "
    "models and words quoted from the manifest stay as written.",
)
def get_decisions(
    manifest_id: str,
    request: Request,
    response: Response,
    runtime: RuntimeDep,
    principal: Principal = require_roles(*READERS),
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    decision: Annotated[str | None, Query(pattern="^(release|hold_documents|hold_inspection|refuse)$")] = None,
    flag: Annotated[
        str | None,
        Query(
            pattern="^(data_quality|split_shipment|undervaluation|recalled_product|ip_infringement|"
            "over_de_minimis|risky_seller|hs_implausible)$"
        ),
    ] = None,
) -> DecisionPageOut:
    with runtime.uow(readonly=True) as uow:
        rows = queries.decisions(uow, manifest_id, principal, after=after, limit=limit, decision=decision, flag=flag)
    reader = i18n.reader_for(runtime.ports, request.headers.get("accept-language"))
    response.headers.update(i18n.language_headers(reader))
    read = i18n.translator(reader)
    data = [
        DecisionOut(
            parcel_id=r["parcel_id"],
            decision=r["decision"],
            flags=[f for f in r["flags"].split(";") if f],
            issues=[i for i in r["issues"].split(";") if i],
            reasons=_read_reasons(r["reasons"], read) if read else r["reasons"],
            score=r["score"],
            day=r["day"],
        )
        for r in rows
    ]
    return DecisionPageOut(data=data, next_after=data[-1].parcel_id if len(data) == limit else None)


def _read_reasons(reasons: str, read: Callable[[str | None], str]) -> str:
    """Returns a parcel's stored reasons (joined by `` | ``) each in the reader's language."""
    return REASON_SEPARATOR.join(read(r) for r in reasons.split(REASON_SEPARATOR))


@router.post(
    "/manifests/{manifest_id}/parcels/{parcel_id}/finding",
    status_code=201,
    response_model=FindingOut,
    responses=_ERRORS,
    summary="Record what a check of a parcel found",
    description="Officers only. A confirmed finding is the only seller evidence that weighs on every party's "
    "later parcels of the seller, those of the same HS heading (first 4 digits of the declared codes); a party's "
    "own manifests weigh only on its own parcels.",
)
def post_finding(
    manifest_id: Annotated[str, Path(max_length=36)],
    parcel_id: Annotated[str, Path(max_length=64)],
    body: FindingIn,
    runtime: RuntimeDep,
    principal: Principal = require_roles("officer", "supervisor"),
) -> FindingOut:
    with runtime.uow() as uow:
        found = service.record_finding(
            uow, manifest_id, parcel_id, confirmed=body.confirmed, officer=principal.user, reason=body.reason
        )
        uow.commit()
    return FindingOut.model_validate(found)


@router.post(
    "/manifests/{manifest_id}/parcels/{parcel_id}/review",
    status_code=201,
    response_model=ReviewOut,
    responses=_ERRORS,
    summary="Release a held parcel or keep it on hold after a check",
    description="Officers, supervisors and administrators; held parcels only (422 `PARCEL_NOT_HELD`). The "
    "decision is recorded as the parcel's finding and audited. An optional `verified_hs` (6 digits, a "
    "subheading of the loaded nomenclature: 422 `HS_INVALID` / `HS_UNKNOWN` otherwise, and nothing is recorded) "
    "adds the parcel's title under that code to the classification history when "
    "`CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS` is on, once per parcel (a later review with another code moves "
    "the parcel to it); `history` says what it did.",
)
def post_review(
    manifest_id: Annotated[str, Path(max_length=36)],
    parcel_id: Annotated[str, Path(max_length=64)],
    body: ReviewIn,
    runtime: RuntimeDep,
    principal: Principal = require_roles(*review.OFFICERS),
) -> ReviewOut:
    with runtime.uow() as uow:
        found = review.decide(
            uow,
            manifest_id,
            parcel_id,
            release=body.release,
            principal=principal,
            reason=body.reason,
            verified_hs=body.verified_hs,
        )
        uow.commit()
    return ReviewOut.model_validate(found)


@router.post(
    "/hs-history",
    status_code=201,
    response_model=HistoryLoadOut,
    responses=_ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
    summary="Add past parcels to the classification history",
    description="Supervisors and administrators. Body: CSV with `title` (or `description`), `hs_code` and optionally "
    "`parcels`. The HS check then weighs which headings past parcels with similar titles were declared under. Bad "
    "rows are refused and listed, the rest kept; the load is audited.",
)
async def post_hs_history(
    request: Request,
    runtime: RuntimeDep,
    source: Annotated[str, Query(max_length=100, description="Where the parcels come from")] = "upload",
    reason: Annotated[str, Query(max_length=1000, description="Why (recorded in the audit log)")] = "",
    principal: Principal = require_roles("supervisor", "admin"),
) -> JSONResponse:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "text/csv":
        raise ValidationFailed([Issue("MEDIA_TYPE", f"cannot read '{media or 'no content type'}'; send text/csv", "")])
    body = await request.body()
    out = await run_in_threadpool(_load_history, runtime, body, source, reason, principal)
    return JSONResponse(out.model_dump(mode="json"), status_code=201)


def _load_history(runtime: Runtime, body: bytes, source: str, reason: str, principal: Principal) -> HistoryLoadOut:
    with runtime.uow() as uow:
        report = hs_history_store.load_stream(
            uow, io.BytesIO(body), actor=principal.user, role=principal.role, source=source, reason=reason
        )
        uow.commit()
    return HistoryLoadOut(
        rows=report.rows,
        loaded=report.loaded,
        pairs=report.pairs,
        rejected=report.rejected,
        total_parcels=report.total_parcels,
        issues=[HistoryIssueOut(code=i.code, message=i.message) for i in report.issues],
    )


@router.get("/aggregates", response_model=AggregatesOut, responses=_ERRORS, summary="Officers' aggregates")
def get_aggregates(
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    _officer: Principal = require_roles(*OFFICERS),
) -> AggregatesOut:
    with runtime.uow(readonly=True) as uow:
        data = queries.aggregates(uow, days=days, top=top, today=runtime.clock().date())
    return AggregatesOut.model_validate(data)
