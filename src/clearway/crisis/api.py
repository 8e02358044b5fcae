"""HTTP routes of crisis protocols under /api/v1/crisis.

Customs staff read packs, activations and the declarations handled under protocols; supervisors ask for
activation and deactivation (a second supervisor approves through ``/api/v1/approvals/{id}/approve``, or the
console); traders read the public measures in force and their own declarations under protocols.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, ValidationFailed
from clearway.crisis import lodgement, reporting, service
from clearway.crisis.model import Pack
from clearway.crisis.schemas import (
    ActivateIn,
    ActivationOut,
    ComparisonOut,
    DeactivateIn,
    EffectOut,
    EffectPageOut,
    GroupOut,
    ListOut,
    LoadOut,
    MeasureOut,
    PackOut,
    PublicProtocolOut,
)
from clearway.declarations import codec, dashboard
from clearway.declarations.api import declaration_out
from clearway.declarations.schemas import AmendmentIn, DeclarationOut, ErrorsOut
from clearway.platform.api import ChangeRequestOut
from clearway.platform.approvals import ChangeRequest
from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import PrincipalDep, ReasonDep, RuntimeDep, json_body, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service

router = APIRouter(prefix="/api/v1/crisis", tags=["crisis"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    403: {"model": ErrorsOut, "description": "Your role may not do this"},
    404: {"model": ErrorsOut, "description": "No such pack, activation or declaration visible to you"},
    409: {"model": ErrorsOut, "description": "Already active, already pending, or the pack changed"},
    422: {"model": ErrorsOut, "description": "Every problem with the request or the pack, with pointers"},
}
MAX_DAYS = 366


def activation_out(a: dict[str, Any]) -> ActivationOut:
    """Describes an activation."""
    return ActivationOut(
        **{k: a.get(k) for k in ActivationOut.model_fields if k != "active"}, active=a["deactivated_at"] is None
    )


def pack_out(pack: Pack, active: dict[str, Any] | None = None, *, lists: bool = False) -> PackOut:
    """Describes a pack (with its goods and consignee lists when asked)."""
    return PackOut(
        id=pack.id,
        version=pack.version,
        title=pack.title,
        titles=dict(pack.titles),
        legal_basis=pack.legal_basis,
        activation_reason=pack.activation_reason,
        start=pack.start,
        end=pack.end,
        sources=list(pack.sources),
        measures=[
            MeasureOut(
                id=m.id,
                kind=m.kind,
                title=m.title,
                goods=m.goods,
                consignees=m.consignees,
                lane=m.lane if m.kind == "priority_lane" else None,
                post_clearance_control=m.post_clearance_control,
                public=m.public,
                waive=list(m.waive),
                complete_within_days=m.complete_within_days or None,
                document_type=m.document_type or None,
                authority=m.authority or None,
            )
            for m in pack.measures
        ],
        goods=[ListOut(key=g.key, title=g.title, entries=dict(g.codes)) for g in pack.goods.values()] if lists else [],
        consignees=(
            [ListOut(key=c.key, title=c.title, entries=dict(c.parties)) for c in pack.consignees.values()]
            if lists
            else []
        ),
        active=activation_out(active) if active else None,
    )


def effect_out(row: dict[str, Any], today: date) -> EffectOut:
    """Describes a declaration handled under a protocol."""
    overdue = row.get("deadline") is not None and row.get("completed_at") is None and row["deadline"] < today
    return EffectOut(**{k: row.get(k) for k in EffectOut.model_fields if k != "overdue"}, overdue=overdue)


@router.get("/packs", response_model=list[PackOut], responses=_ERRORS, summary="Protocol packs (latest versions)")
def list_packs(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS_STAFF)) -> list[PackOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [pack_out(p, a) for p, a in service.packs(uow)]


@router.get("/packs/{pack_id}", response_model=PackOut, responses=_ERRORS, summary="A protocol pack and its lists")
def get_pack(
    pack_id: str,
    runtime: RuntimeDep,
    principal: Principal = require_roles(*CUSTOMS_STAFF),
    version: Annotated[str | None, Query(max_length=20)] = None,
) -> PackOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        pack = service.get_pack(uow, pack_id[:60], version)
        active = next(
            (a for a in service.activations(uow) if a["pack_id"] == pack.id and not a["deactivated_at"]), None
        )
    return pack_out(pack, active, lists=True)


@router.post(
    "/packs",
    response_model=LoadOut,
    status_code=201,
    responses=_ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": {"application/yaml": {"schema": {"type": "string"}}}}},
    summary="Load a protocol pack (YAML); checked whole, every problem at once",
)
async def post_pack(
    request: Request,
    runtime: RuntimeDep,
    reason: ReasonDep,
    principal: Principal = require_roles("supervisor", "admin"),
) -> JSONResponse:
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([Issue("ENCODING", "send the pack as UTF-8 YAML", "")]) from None
    return await run_in_threadpool(_load, runtime, text, principal, reason)


def _load(runtime: Runtime, text: str, principal: Principal, reason: str) -> JSONResponse:
    with runtime.uow() as uow:
        known, warnings = service.hs_checker(reference_service.nomenclature(uow, runtime.caches))
        loaded = service.load_pack(uow, text, principal=principal, reason=reason, known_hs=known, warnings=warnings)
        uow.commit()
    out = LoadOut(
        id=loaded.pack.id, version=loaded.pack.version, created=loaded.created, warnings=list(loaded.warnings)
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if loaded.created else 200)


@router.post(
    "/packs/{pack_id}/activate",
    status_code=202,
    responses={**_ERRORS, 202: {"description": "The activation waits for a second supervisor's approval"}},
    openapi_extra=json_body("ActivateIn"),
    summary="Ask to activate a protocol (a second supervisor approves; effective when approved)",
)
async def post_activate(
    pack_id: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("supervisor")
) -> JSONResponse:
    data = parse_json(ActivateIn, await request.body())

    def ask(uow: UnitOfWork) -> ChangeRequest:
        return service.request_activation(
            uow, pack_id[:60], principal=principal, reason=data.reason, version=data.version
        )

    return await run_in_threadpool(_ask, runtime, ask)


def _ask(runtime: Runtime, ask: Callable[[UnitOfWork], ChangeRequest]) -> JSONResponse:
    """Files a supervisor's request (activation, deactivation) that waits for a second supervisor: 202."""
    with runtime.uow() as uow:
        cr = ask(uow)
        uow.commit()
    return JSONResponse({"approval": cr.as_dict()}, status_code=202)


@router.get("/activations", response_model=list[ActivationOut], responses=_ERRORS, summary="Activations, newest first")
def list_activations(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS_STAFF)) -> list[ActivationOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [activation_out(a) for a in service.activations(uow)]


@router.post(
    "/activations/{activation_id}/deactivate",
    status_code=202,
    responses={**_ERRORS, 202: {"description": "The deactivation waits for a second supervisor's approval"}},
    openapi_extra=json_body("DeactivateIn"),
    summary="Ask to deactivate a protocol (a second supervisor approves; normal selection from then)",
)
async def post_deactivate(
    activation_id: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("supervisor")
) -> JSONResponse:
    data = parse_json(DeactivateIn, await request.body())

    def ask(uow: UnitOfWork) -> ChangeRequest:
        return service.request_deactivation(uow, activation_id[:36], principal=principal, reason=data.reason)

    return await run_in_threadpool(_ask, runtime, ask)


@router.get(
    "/requests", response_model=list[ChangeRequestOut], responses=_ERRORS, summary="Activations waiting for approval"
)
def list_requests(runtime: RuntimeDep, principal: Principal = require_roles(*CUSTOMS_STAFF)) -> list[ChangeRequestOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [ChangeRequestOut(**c.as_dict()) for c in service.pending_requests(uow)]


@router.get(
    "/active",
    response_model=list[PublicProtocolOut],
    responses=_ERRORS,
    summary="Protocols in force and their public measures (for everyone signed in)",
)
def list_active(runtime: RuntimeDep, principal: PrincipalDep) -> list[PublicProtocolOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [PublicProtocolOut.model_validate(p, strict=False) for p in lodgement.public_measures(uow)]


@router.get(
    "/declarations",
    response_model=EffectPageOut,
    responses=_ERRORS,
    summary="Declarations handled under protocols (customs: all; a trader: its own)",
)
def list_declarations(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    pack: Annotated[str | None, Query(max_length=60)] = None,
    provisional: Annotated[bool, Query(description="Only provisional declarations")] = False,
    overdue: Annotated[bool, Query(description="Only provisional declarations past their deadline")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EffectPageOut:
    with runtime.uow(readonly=True) as uow:
        rows, total = reporting.affected(
            uow, principal, pack_id=pack, provisional=provisional, overdue=overdue, limit=limit, offset=offset
        )
        today = uow.clock().date()
    return EffectPageOut(items=[effect_out(r, today) for r in rows], total=total, limit=limit, offset=offset)


@router.post(
    "/declarations/{mrn}/completion",
    response_model=DeclarationOut,
    responses=_ERRORS,
    openapi_extra=json_body("AmendmentIn"),
    summary="Complete a provisional declaration (before or after release), validated like a new one",
)
async def post_completion(
    mrn: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> JSONResponse:
    payload = parse_json(AmendmentIn, await request.body())
    return await run_in_threadpool(_complete, runtime, mrn[:40], payload, principal)


def _complete(runtime: Runtime, mrn: str, payload: AmendmentIn, principal: Principal) -> JSONResponse:
    from clearway.declarations import service as declarations_service

    with runtime.uow() as uow:
        decl = declarations_service.complete(
            uow,
            mrn,
            codec.to_domain(payload.declaration),
            principal=principal,
            reason=payload.reason,
            nomenclature=reference_service.nomenclature(uow, runtime.caches),
            party_ids=runtime.settings.party_id_check_digits,
        )
        uow.commit()
    return JSONResponse(declaration_out(decl, principal, []).model_dump(mode="json"))


@router.get(
    "/dashboard",
    response_model=ComparisonOut,
    responses=_ERRORS,
    summary="Volumes and release times under protocols against normal, over a period",
)
def get_dashboard(
    runtime: RuntimeDep,
    principal: Principal = require_roles(*CUSTOMS_STAFF),
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
) -> ComparisonOut:
    last = end or runtime.clock().date()
    first = start or last - timedelta(days=29)
    if first > last or (last - first).days >= MAX_DAYS:
        raise ValidationFailed([Issue("PERIOD", f"start must be on or before end, at most {MAX_DAYS} days", "/start")])
    with runtime.uow(readonly=True) as uow:
        found = reporting.comparison(uow, principal, dashboard.Period(first, last, office or None))

    return ComparisonOut(
        start=first,
        end=last,
        protocols=[GroupOut(**_fields(g)) for g in found.protocols],
        under_protocols=GroupOut(**_fields(found.under)),
        normal=GroupOut(**_fields(found.normal)),
    )


def _fields(g: reporting.Group) -> dict[str, Any]:
    return {
        "key": g.key,
        "lodged": g.lodged,
        "released": g.released,
        "median_hours": g.median_hours,
        "p90_hours": g.p90_hours,
        "lanes": g.lanes,
    }
