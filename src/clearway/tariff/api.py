"""HTTP routes of the tariff: a declaration's assessment and payments; the schedule, rates and accounts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import NotFound
from clearway.declarations import service as declarations_service
from clearway.declarations.schemas import ErrorsOut
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.deps import PrincipalDep, RuntimeDep, change_reason, parse_json, require_roles
from clearway.platform.runtime import Runtime
from clearway.tariff import accounts, codec, payments, service, settlement
from clearway.tariff.payments import PaymentResult
from clearway.tariff.providers import SIGNATURE_HEADER, SimulatedBank
from clearway.tariff.schemas import (
    AccountIn,
    AccountOut,
    AssessmentOut,
    CashReceiptIn,
    PaymentIn,
    PaymentOrderOut,
    PaymentOut,
    PaymentResultOut,
    ProviderIn,
    ProviderOut,
    RateOut,
    ScheduleOut,
    SettlementOut,
)

declarations_router = APIRouter(prefix="/api/v1/declarations", tags=["tariff"])
router = APIRouter(prefix="/api/v1/tariff", tags=["tariff"])
payments_router = APIRouter(prefix="/api/v1/payments", tags=["tariff"])
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
        order_list = payments.orders_of(uow, decl.id)
    assert due is not None
    doc = codec.assessment_as_dict(assessment)
    return AssessmentOut.model_validate(
        {**doc, "paid": due[1], "balance": due[0] - due[1], "payments": paid_list, "orders": order_list},
        strict=False,
    )


@declarations_router.post(
    "/{mrn}/payments",
    response_model=PaymentResultOut,
    status_code=202,
    responses={
        **_ERRORS,
        200: {"model": PaymentResultOut, "description": "The same reference again: nothing new"},
        201: {"model": PaymentResultOut, "description": "Drawn on an account: counted at once"},
    },
    summary="Pay duties and taxes: a bank order, or a drawdown on an account",
    description="The declarant (or importer) initiates a payment order by bank transfer or card: it counts "
    "(and releases a green-lane declaration) only when the bank's signed notification confirms it (202). A "
    "drawdown on a guarantee or deferment account of the caller, or of a party that mandated it, counts at once "
    "(201). Cash is paid at a customs cashier (an officer records it). Idempotent by your own `reference`.",
)
async def post_payment(
    mrn: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    payload = parse_json(PaymentIn, await request.body())
    return await run_in_threadpool(_pay, runtime, mrn, payload, principal)


def _result_response(mrn: str, result: PaymentResult, status: str, code: int) -> Response:
    out = PaymentResultOut(
        mrn=mrn.upper(),
        order=None if result.order is None else PaymentOrderOut.model_validate(result.order, strict=False),
        payment=None if result.payment is None else PaymentOut.model_validate(result.payment, strict=False),
        total=result.total,
        paid=result.paid,
        balance=result.balance,
        currency=result.currency,
        released=result.released,
        replayed=result.replayed,
        status=status,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=code)


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
            provider=payload.provider,
        )
        status = declarations_service.get(uow, mrn).status.value
        uow.commit()
    code = 200 if result.replayed else 202 if result.pending else 201
    return _result_response(mrn, result, status, code)


@declarations_router.post(
    "/{mrn}/cash-receipts",
    response_model=PaymentResultOut,
    status_code=201,
    responses=_ERRORS,
    summary="Record cash received at a customs cashier (officers, supervisors)",
    description="The officer who received the cash records it with the receipt number and a reason; the "
    "declaration's history keeps who, when and why.",
)
async def post_cash_receipt(
    mrn: str, request: Request, runtime: RuntimeDep, principal: Principal = require_roles("officer", "supervisor")
) -> Response:
    payload = parse_json(CashReceiptIn, await request.body())
    return await run_in_threadpool(_cash, runtime, mrn, payload, principal)


def _cash(runtime: Runtime, mrn: str, payload: CashReceiptIn, principal: Principal) -> Response:
    with runtime.uow() as uow:
        result = settlement.record_cash_receipt(
            uow,
            mrn,
            principal=principal,
            amount=payload.amount,
            currency=payload.currency.upper(),
            receipt=payload.receipt,
            reason=payload.reason,
        )
        status = declarations_service.get(uow, mrn).status.value
        uow.commit()
    return _result_response(mrn, result, status, 201)


@payments_router.post(
    "/notifications",
    response_model=SettlementOut,
    responses={
        400: {"model": ErrorsOut, "description": "Not a notification"},
        401: {"model": ErrorsOut, "description": "Not signed by a registered payment provider"},
        409: {"model": ErrorsOut, "description": "The order is already settled, or the notification id reused"},
        413: {"model": ErrorsOut, "description": "Too large"},
        422: {"model": ErrorsOut, "description": "Stale, unknown order, or amount/currency not the order's"},
    },
    summary="A payment provider's settlement notification (authenticated by its signature)",
    description=f"The provider sends the JSON notification and its Ed25519 signature over the exact body, as "
    f"base64, in the `{SIGNATURE_HEADER}` header. No bearer token: the signature is the authentication. A "
    "notification id is accepted once (the same notification again answers `replayed: true` and changes nothing).",
)
async def post_notification(request: Request, runtime: RuntimeDep) -> Response:
    body = await request.body()
    if len(body) > settlement.MAX_NOTIFICATION_BYTES:
        raise HTTPException(413, f"a notification has at most {settlement.MAX_NOTIFICATION_BYTES} bytes")
    signature = request.headers.get(SIGNATURE_HEADER)
    return await run_in_threadpool(_notify, runtime, body, signature)


def _notify(runtime: Runtime, body: bytes, signature: str | None) -> Response:
    try:
        with runtime.uow() as uow:
            result = settlement.receive_notification(uow, body, signature)
            uow.commit()
    except settlement.NotificationUnverified as exc:
        raise HTTPException(401, exc.message) from None
    return _settlement_response(result)


def _settlement_response(result: settlement.SettlementResult) -> Response:
    out = SettlementOut(
        order=PaymentOrderOut.model_validate(result.order, strict=False),
        outcome=result.outcome,
        replayed=result.replayed,
        released=result.released,
    )
    return JSONResponse(out.model_dump(mode="json"))


@payments_router.get("/orders", response_model=list[PaymentOrderOut], responses=_ERRORS, summary="Your payment orders")
def get_orders(runtime: RuntimeDep, principal: PrincipalDep) -> list[PaymentOrderOut]:
    with runtime.uow(readonly=True) as uow:
        rows = payments.orders_visible(uow, principal)
    return [PaymentOrderOut.model_validate(r, strict=False) for r in rows]


@payments_router.get("/orders/{order_id}", response_model=PaymentOrderOut, responses=_ERRORS, summary="A payment order")
def get_order(order_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> PaymentOrderOut:
    with runtime.uow(readonly=True) as uow:
        row = payments.order_visible(uow, order_id[:24], principal)
    return PaymentOrderOut.model_validate(row, strict=False)


@payments_router.post(
    "/orders/{order_id}/cancel",
    response_model=PaymentOrderOut,
    responses=_ERRORS,
    summary="Cancel one of your pending payment orders",
    description="Frees the amount for another way of paying. Should the bank confirm the order all the same, "
    "the money counts as received and any excess becomes a refund due.",
)
async def post_cancel_order(
    order_id: str, runtime: RuntimeDep, principal: Principal = require_roles("declarant")
) -> Response:
    return await run_in_threadpool(_cancel, runtime, order_id[:24], principal)


def _cancel(runtime: Runtime, order_id: str, principal: Principal) -> Response:
    with runtime.uow() as uow:
        row = payments.cancel_order(uow, order_id, principal)
        uow.commit()
    return JSONResponse(PaymentOrderOut.model_validate(row, strict=False).model_dump(mode="json"))


@payments_router.post(
    "/orders/{order_id}/simulated-bank",
    response_model=SettlementOut,
    responses=_ERRORS,
    summary="Demo: have the simulated bank confirm a pending order (not in production)",
    description="Only where the demo's simulated bank is registered and outside production: the bank signs a "
    "settlement notification with its own key and the platform checks it like any provider's.",
)
async def post_simulated_bank(
    order_id: str, runtime: RuntimeDep, principal: Principal = require_roles("declarant", "officer", "supervisor")
) -> Response:
    return await run_in_threadpool(_simulate, runtime, order_id[:24], principal)


def _simulate(runtime: Runtime, order_id: str, principal: Principal) -> Response:
    if runtime.settings.env == "production" or not SimulatedBank.exists(runtime.settings.data_dir):
        raise NotFound("there is no simulated bank here")
    bank = SimulatedBank.load_or_create(runtime.settings.data_dir)
    try:
        with runtime.uow() as uow:
            payments.order_visible(uow, order_id, principal)
            result = settlement.simulate_bank(uow, bank, order_id)
            uow.commit()
    except settlement.NotificationUnverified as exc:
        raise NotFound(f"the simulated bank is not a registered provider here ({exc.message})") from None
    return _settlement_response(result)


@payments_router.get(
    "/providers", response_model=list[ProviderOut], responses=_ERRORS, summary="Registered payment providers"
)
def get_providers(
    runtime: RuntimeDep, principal: Principal = require_roles("officer", "supervisor", "admin")
) -> list[ProviderOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        rows = settlement.providers(uow)
    return [ProviderOut.model_validate(r, strict=False) for r in rows]


@payments_router.post(
    "/providers",
    response_model=ProviderOut,
    status_code=201,
    responses=_ERRORS,
    summary="Register a payment provider by its Ed25519 public key (administrators)",
)
async def post_provider(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("admin")
) -> Response:
    payload = parse_json(ProviderIn, await request.body())
    return await run_in_threadpool(_register, runtime, payload, principal)


def _register(runtime: Runtime, payload: ProviderIn, principal: Principal) -> Response:
    with runtime.uow() as uow:
        row = settlement.register_provider(
            uow, name=payload.name, public_key=payload.public_key, by=principal.user, reason=payload.reason
        )
        uow.commit()
    return JSONResponse(ProviderOut.model_validate(row, strict=False).model_dump(mode="json"), status_code=201)


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
        rows = accounts.accounts_visible(uow, principal)
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
        row = accounts.open_account(
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
