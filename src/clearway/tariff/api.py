"""HTTP routes of the tariff: a declaration's assessment and payments; the schedule, rates and accounts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import NotFound
from clearway.declarations import service as declarations_service
from clearway.declarations.schemas import ErrorsOut
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, change_reason, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.tariff import codec, payments, service
from clearway.tariff.schemas import (
    AccountIn,
    AccountOut,
    AssessmentOut,
    PaymentIn,
    PaymentOut,
    PaymentResultOut,
    RateOut,
    ScheduleOut,
)

declarations_router = APIRouter(prefix="/api/v1/declarations", tags=["tariff"])
router = APIRouter(prefix="/api/v1/tariff", tags=["tariff"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorsOut, "description": "No valid bearer token"},
    403: {"model": ErrorsOut, "description": "Your role may not do this"},
    404: {"model": ErrorsOut, "description": "Nothing of that name visible to you"},
    409: {"model": ErrorsOut, "description": "Nothing due, reference reused, or the account does not cover it"},
    422: {"model": ErrorsOut, "description": "Every problem with the request, with pointers"},
}


@declarations_router.get(
    "/{mrn}/assessment",
    response_model=AssessmentOut,
    responses=_ERRORS,
    summary="The duties and taxes assessed on a declaration",
    description="Per item: customs value, each duty and tax with its base, rate and amount; totals, the "
    "exchange rate used, what was paid and what is still due. Visible to the declarant and officers.",
)
def get_assessment(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> AssessmentOut:
    with runtime.uow(readonly=True) as uow:
        decl = declarations_service.get_visible(uow, mrn, principal)
        assessment = service.get_assessment(uow, decl.mrn)
        if assessment is None:
            raise NotFound(
                f"declaration {decl.mrn} has no assessment (no tariff schedule was loaded when it was accepted, "
                "or it is not an import)"
            )
        due = service.due_on(uow, decl.id)
        paid_list = payments.payments_of(uow, decl.id)
    assert due is not None
    doc = codec.assessment_as_dict(assessment)
    return AssessmentOut.model_validate(
        {**doc, "paid": due[1], "balance": due[0] - due[1], "payments": paid_list}, strict=False
    )


@declarations_router.post(
    "/{mrn}/payments",
    response_model=PaymentResultOut,
    status_code=201,
    responses={**_ERRORS, 200: {"model": PaymentResultOut, "description": "The same reference again: no new payment"}},
    summary="Pay duties and taxes",
    description="The declarant (or importer) pays all or part of what is due, or draws on its guarantee or "
    "deferment account. Idempotent by `reference`. When nothing remains due, a green-lane declaration is "
    "released at once.",
)
async def post_payment(
    mrn: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    payload = parse_json(PaymentIn, await request.body())
    return await run_in_threadpool(_pay, runtime, mrn, payload, principal)


def _pay(runtime: Runtime, mrn: str, payload: PaymentIn, principal: Principal) -> Response:
    with runtime.uow() as uow:
        result = payments.pay(
            uow,
            mrn,
            principal=principal,
            amount=payload.amount,
            currency=payload.currency.upper(),
            method=payload.method,
            reference=payload.reference,
            account_id=payload.account,
        )
        status = declarations_service.get(uow, mrn).status.value
        uow.commit()
    out = PaymentResultOut(
        mrn=mrn.upper(),
        payment=PaymentOut.model_validate(result.payment, strict=False),
        total=result.total,
        paid=result.paid,
        balance=result.balance,
        currency=result.currency,
        released=result.released,
        replayed=result.replayed,
        status=status,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if result.replayed else 201)


@router.get("/schedule", response_model=ScheduleOut, responses=_ERRORS, summary="The tariff schedule in force")
def get_schedule(runtime: RuntimeDep, principal: PrincipalDep) -> ScheduleOut:
    del principal
    with runtime.uow(readonly=True) as uow:
        current = service.current_schedule(uow)
    if current is None:
        raise NotFound("no tariff schedule is loaded (clearway tariff load FILE)")
    s = current.schedule
    return ScheduleOut(
        key=current.key,
        name=s.name,
        currency=s.currency,
        duty_lines=len(s.duties),
        agreements=[f"{a.code} ({a.name})" for a in s.agreements.values()],
        taxes=sorted({t.code for t in s.taxes}),
        loaded_by=current.loaded_by,
        loaded_at=current.loaded_at,
    )


@router.get("/rates", response_model=list[RateOut], responses=_ERRORS, summary="Published exchange rates")
def get_rates(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    start: Annotated[date | None, Query(alias="from", description="First day (default: 30 days ago)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day (default: today)")] = None,
) -> list[RateOut]:
    del principal
    today = runtime.clock().date()
    first, last = start or today - timedelta(days=30), end or today
    if (last - first).days > 400:
        first = last - timedelta(days=400)
    with runtime.uow(readonly=True) as uow:
        rates = service.rates_between(uow, first, last)
    return [RateOut(currency=r.currency, valid_from=r.valid_from, rate=r.rate) for r in rates]


@router.get("/accounts", response_model=list[AccountOut], responses=_ERRORS, summary="Guarantee accounts")
def get_accounts(runtime: RuntimeDep, principal: PrincipalDep) -> list[AccountOut]:
    with runtime.uow(readonly=True) as uow:
        rows = payments.accounts_visible(uow, principal)
    return [AccountOut.model_validate(r, strict=False) for r in rows]


@router.post(
    "/accounts",
    response_model=AccountOut,
    status_code=201,
    responses=_ERRORS,
    summary="Open a guarantee or deferment account for a trader (administrators)",
)
async def post_account(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("admin")
) -> Response:
    payload = parse_json(AccountIn, await request.body())
    return await run_in_threadpool(_open_account, runtime, payload, principal, change_reason(request))


def _open_account(runtime: Runtime, payload: AccountIn, principal: Principal, reason: str = "") -> Response:
    with runtime.uow() as uow:
        row = payments.open_account(
            uow,
            account_id=payload.id,
            party_id=payload.party_id,
            kind=payload.kind,
            limit=payload.limit,
            currency=runtime.settings.national_currency,
        )
        out = AccountOut.model_validate(row, strict=False).model_dump(mode="json")
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="tariff.account.open",
            target=f"account:{payload.id}",
            after=out,
            reason=reason,
        )
        uow.commit()
    return JSONResponse(out, status_code=201)
