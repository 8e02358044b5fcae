"""Paying duties: payments by reference, guarantee and deferment accounts, and release once settled."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from clearway.core.issues import Conflict, DomainError, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Declaration, Role, Status
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.tariff import store
from clearway.tariff.model import ZERO

log = logging.getLogger(__name__)
ACTOR = "tariff"
METHODS = ("bank_transfer", "card", "cash", "guarantee", "deferment")
ACCOUNT_KINDS = ("guarantee", "deferment")
_CLOSED = frozenset({Status.REJECTED, Status.INVALIDATED})


@dataclass(frozen=True)
class PaymentResult:
    """The outcome of a payment: what was recorded, what remains due, whether the goods were released."""

    payment: dict[str, Any]
    total: Decimal
    paid: Decimal
    currency: str
    released: bool
    replayed: bool

    @property
    def balance(self) -> Decimal:
        """Returns what is still due."""
        return self.total - self.paid


def _payment_dict(row: Any) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "method": row.method,
        "amount": str(Decimal(row.amount)),
        "currency": row.currency,
        "account": row.account_id,
        "paid_by": row.paid_by,
        "paid_at": row.paid_at,
    }


def payments_of(uow: UnitOfWork, declaration_id: str) -> list[dict[str, Any]]:
    """Returns the payments and guarantee drawdowns of a declaration, oldest first."""
    return [_payment_dict(r) for r in store.payments_of(uow.conn, declaration_id)]


def pay(
    uow: UnitOfWork,
    mrn: str,
    *,
    principal: Principal,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    account_id: str | None = None,
) -> PaymentResult:
    """Records a payment (or a drawdown on the caller's guarantee account) against the amount due.

    Partial payments are allowed; paying more than is due is refused. The payment reference makes
    it idempotent: the same reference again returns the first payment. When nothing remains due, a
    green-lane declaration is released at once.
    """
    decl = declarations_service.get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise Forbidden("only the declarant or importer pays a declaration's duties")
    return record_payment(
        uow,
        decl,
        payer=principal,
        amount=amount,
        currency=currency,
        method=method,
        reference=reference,
        account_id=account_id,
    )


def record_payment(
    uow: UnitOfWork,
    decl: Declaration,
    *,
    payer: Principal,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    account_id: str | None = None,
) -> PaymentResult:
    """Records a payment by a trader allowed to pay for a loaded declaration (amount, currency, reference checked)."""
    principal = payer
    existing = store.payment_by_reference(uow.conn, reference)
    if existing is not None:
        return _replay(uow, decl, existing, amount)
    row = store.assessment_head(uow.conn, decl.id, lock=True)
    if row is None:
        raise Conflict(f"declaration {decl.mrn} has no assessment: nothing to pay", code="NOT_ASSESSED")
    if decl.status in _CLOSED:
        raise Conflict(f"declaration {decl.mrn} is {decl.status.label}: nothing to pay", code="STATUS_TRANSITION")
    total, paid = Decimal(row.total), store.paid_total(uow.conn, decl.id)
    due = total - paid
    issues = []
    if currency != row.currency:
        issues.append(Issue("PAYMENT_CURRENCY", f"pay in {row.currency}, the national currency", "/currency"))
    if due <= ZERO:
        raise Conflict(f"nothing is due on {decl.mrn}: {total} {row.currency} already settled", code="NOTHING_DUE")
    if amount > due:
        issues.append(
            Issue("AMOUNT_EXCEEDS_DUE", f"the amount {amount} exceeds the {due} {row.currency} due", "/amount")
        )
    if method in ACCOUNT_KINDS and not account_id:
        issues.append(Issue("REQUIRED", f"a {method} payment names the account to draw on", "/account"))
    if issues:
        raise ValidationFailed(issues)
    now = uow.clock()
    if method in ACCOUNT_KINDS:
        assert account_id is not None
        _draw(uow, account_id, principal, method, amount, row.currency)
    savepoint = uow.conn.begin_nested()
    try:
        store.insert_payment(
            uow.conn,
            reference=reference,
            declaration_id=decl.id,
            mrn=decl.mrn,
            method=method,
            amount=amount,
            currency=row.currency,
            account_id=account_id if method in ACCOUNT_KINDS else None,
            paid_by=principal.user,
            paid_at=now,
        )
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(
            f"payment reference {reference} was used at the same moment; retry", code="PAYMENT_RACE"
        ) from None
    paid += amount
    word = "drawn on account " + str(account_id) if method in ACCOUNT_KINDS else f"paid by {method.replace('_', ' ')}"
    declarations_service.record_event(
        uow,
        decl,
        "payment",
        actor=principal.user,
        role=Role.DECLARANT,
        reason=f"{amount} {row.currency} {word} (ref {reference}); {total - paid} {row.currency} still due",
        data={"reference": reference, "method": method, "amount": str(amount), "balance": str(total - paid)},
    )
    released = False
    if total - paid <= ZERO:
        released = declarations_service.try_release(
            uow, decl, actor=ACTOR, reason="duties and taxes settled: released without control"
        )
    payment = _payment_dict(store.payment_by_reference(uow.conn, reference))
    return PaymentResult(payment, total, paid, row.currency, released, replayed=False)


def _replay(uow: UnitOfWork, decl: Declaration, existing: Any, amount: Decimal) -> PaymentResult:
    if existing.declaration_id != decl.id or Decimal(existing.amount) != amount:
        raise Conflict(
            f"payment reference {existing.reference} was already used for another payment",
            code="PAYMENT_REFERENCE_REUSED",
        )
    row = store.assessment_head(uow.conn, decl.id)
    total = Decimal(row.total) if row is not None else Decimal(existing.amount)
    paid = store.paid_total(uow.conn, decl.id)
    return PaymentResult(_payment_dict(existing), total, paid, existing.currency, released=False, replayed=True)


def _draw(uow: UnitOfWork, account_id: str, principal: Principal, kind: str, amount: Decimal, currency: str) -> None:
    account = store.account_row(uow.conn, account_id)
    if account is None or account.party_id != principal.party_id:
        raise NotFound(f"no {kind} account {account_id} of yours")
    if account.kind != kind or account.currency != currency:
        raise DomainError(
            f"account {account_id} is a {account.kind} account in {account.currency}", code="ACCOUNT_KIND"
        )
    if not store.draw_down(uow.conn, account_id, amount, uow.clock()):
        raise Conflict(
            f"account {account_id} does not cover {amount} {currency}; pay the duties or top up the account",
            code="GUARANTEE_INSUFFICIENT",
        )


def settle_after_assessment(uow: UnitOfWork, decl: Declaration, total: Decimal, currency: str) -> None:
    """Covers a new or changed assessment from the importer's or declarant's account when one suffices.

    When a reassessment lowers the amount below what guarantee drawdowns covered, the excess goes
    back to the account.
    """
    paid = store.paid_total(uow.conn, decl.id)
    due = total - paid
    count = len(store.payments_of(uow.conn, decl.id))
    if due < ZERO:
        _give_back(uow, decl, -due, currency, count)
        return
    if due == ZERO or decl.status in _CLOSED:
        return
    secure_on_account(uow, decl, due, currency, count=count)


def secure_on_account(uow: UnitOfWork, decl: Declaration, due: Decimal, currency: str, *, count: int) -> None:
    """Draws what is due from the importer's (else the declarant's) account when one covers it whole."""
    now = uow.clock()
    parties = [decl.data.importer.id, decl.data.declarant.id]
    accounts = sorted(store.accounts_of(uow.conn, parties), key=lambda a: (parties.index(a.party_id), a.id))
    for account in accounts:
        if account.currency != currency or not store.draw_down(uow.conn, account.id, due, now):
            continue
        reference = f"{decl.mrn}:{account.kind[:3].upper()}:{count + 1}"  # ":" never in a trader's reference
        store.insert_payment(
            uow.conn,
            reference=reference,
            declaration_id=decl.id,
            mrn=decl.mrn,
            method=account.kind,
            amount=due,
            currency=currency,
            account_id=account.id,
            paid_by=ACTOR,
            paid_at=now,
        )
        declarations_service.record_event(
            uow,
            decl,
            "guaranteed",
            actor=ACTOR,
            role=Role.SYSTEM,
            reason=f"{due} {currency} secured on {account.kind} account {account.id}: release without prior payment",
            data={"account": account.id, "amount": str(due), "reference": reference},
        )
        return


def _give_back(uow: UnitOfWork, decl: Declaration, excess: Decimal, currency: str, count: int) -> None:
    now = uow.clock()
    net: dict[str, Decimal] = {}  # what is still drawn on each account (drawdowns less what went back)
    for row in store.payments_of(uow.conn, decl.id):
        if row.account_id is not None:
            net[row.account_id] = net.get(row.account_id, ZERO) + Decimal(row.amount)
    for account_id, drawn in reversed(list(net.items())):
        if excess <= ZERO:
            break
        amount = min(excess, drawn)
        if amount <= ZERO:
            continue
        count += 1
        store.credit(uow.conn, account_id, amount, now)
        store.insert_payment(
            uow.conn,
            reference=f"{decl.mrn}:REL:{count}",
            declaration_id=decl.id,
            mrn=decl.mrn,
            method="release",
            amount=-amount,
            currency=currency,
            account_id=account_id,
            paid_by=ACTOR,
            paid_at=now,
        )
        excess -= amount
    if excess > ZERO:
        declarations_service.record_event(
            uow,
            decl,
            "refund_due",
            actor=ACTOR,
            role=Role.SYSTEM,
            reason=f"{excess} {currency} paid in excess of what is now due: a refund is due",
            data={"amount": str(excess), "currency": currency},
        )


def open_account(
    uow: UnitOfWork, *, account_id: str, party_id: str, kind: str, limit: Decimal, currency: str
) -> dict[str, Any]:
    """Opens a guarantee or deferment account for a trader with a limit (its balance starts full)."""
    issues = []
    if kind not in ACCOUNT_KINDS:
        issues.append(Issue("ACCOUNT_KIND", f"kind must be {' or '.join(ACCOUNT_KINDS)}", "/kind"))
    if limit <= ZERO:
        issues.append(Issue("VALUE_NOT_POSITIVE", "the limit must be greater than zero", "/limit"))
    if not account_id.strip() or len(account_id) > 20:
        issues.append(Issue("ACCOUNT_ID", "the account id has 1 to 20 characters", "/id"))
    if issues:
        raise ValidationFailed(issues)
    if store.account_row(uow.conn, account_id) is not None:
        raise Conflict(f"account {account_id} already exists", code="ACCOUNT_EXISTS")
    now = uow.clock()
    store.insert_account(
        uow.conn,
        id=account_id,
        party_id=party_id,
        kind=kind,
        currency=currency,
        limit_amount=limit,
        balance=limit,
        created_at=now,
        updated_at=now,
    )
    return account_dict(store.account_row(uow.conn, account_id))


def account_dict(row: Any) -> dict[str, Any]:
    """Describes an account."""
    return {
        "id": row.id,
        "party_id": row.party_id,
        "kind": row.kind,
        "currency": row.currency,
        "limit": str(Decimal(row.limit_amount)),
        "balance": str(Decimal(row.balance)),
    }


def accounts_visible(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the accounts the caller may see: a trader its own, officers and admins all."""
    if principal.is_trader:
        rows = store.accounts_of(uow.conn, [principal.party_id or ""])
    elif principal.is_customs:
        rows = store.all_accounts(uow.conn)
    else:
        rows = []
    return [account_dict(r) for r in rows]
