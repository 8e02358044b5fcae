"""Paying duties: payment orders, guarantee and deferment accounts, cash receipts, and release once settled.

A trader never settles its own duties: it initiates a payment order (bank transfer or card), and the order
counts as paid only when the payment provider's signed notification settles it (``settlement``). A drawdown on a
guarantee or deferment account is secured money and counts at once, but only on an account of the caller or of
a party that mandated it (``clearway.mandates``). Cash is received by customs: an officer records the receipt.
References are the caller's own: unique per party, never compared across parties.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Declaration, Role
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.tariff import accounts, payment_store, phrases, store
from clearway.tariff.accounts import ACCOUNT_KINDS, CLOSED
from clearway.tariff.model import ZERO

log = logging.getLogger(__name__)
ACTOR = "tariff"
BANK_METHODS = ("bank_transfer", "card")
METHODS = (*BANK_METHODS, *ACCOUNT_KINDS)
CASHIERS = frozenset({"officer", "supervisor"})


@dataclass(frozen=True)
class PaymentResult:
    """The outcome of a payment request: the order, what was recorded, what remains due, whether released."""

    order: dict[str, Any] | None
    payment: dict[str, Any] | None
    total: Decimal
    paid: Decimal
    currency: str
    released: bool
    replayed: bool

    @property
    def balance(self) -> Decimal:
        """Returns what is still due."""
        return self.total - self.paid

    @property
    def pending(self) -> bool:
        """Tells whether the order waits for its provider's confirmation."""
        return self.order is not None and self.order["status"] == "pending"


def new_order_id() -> str:
    """Returns a fresh payment order id, e.g. PO-7F3A9C21D04B6E18."""
    return "PO-" + secrets.token_hex(8).upper()


def order_dict(row: Any) -> dict[str, Any]:
    """Describes a payment order."""
    return {
        "id": row.id,
        "mrn": row.mrn,
        "reference": row.reference,
        "method": row.method,
        "amount": str(Decimal(row.amount)),
        "currency": row.currency,
        "account": row.account_id,
        "provider": row.provider,
        "status": row.status,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "settled_at": row.settled_at,
    }


def _payment_dict(row: Any, references: dict[str, str]) -> dict[str, Any]:
    return {
        "reference": references.get(row.order_id or "", row.reference),
        "method": row.method,
        "amount": str(Decimal(row.amount)),
        "currency": row.currency,
        "account": row.account_id,
        "paid_by": row.paid_by,
        "paid_at": row.paid_at,
    }


def payments_of(uow: UnitOfWork, declaration_id: str) -> list[dict[str, Any]]:
    """Returns the money received on a declaration (settled orders, drawdowns, cash), oldest first."""
    references = {o.id: o.reference for o in payment_store.orders_of(uow.conn, declaration_id=declaration_id)}
    return [_payment_dict(r, references) for r in payment_store.payments_of(uow.conn, declaration_id)]


def orders_of(uow: UnitOfWork, declaration_id: str) -> list[dict[str, Any]]:
    """Returns the payment orders of a declaration (pending, settled, failed, cancelled), oldest first."""
    return [order_dict(r) for r in payment_store.orders_of(uow.conn, declaration_id=declaration_id)]


def _payment_of_order(uow: UnitOfWork, order_id: str) -> dict[str, Any] | None:
    row = payment_store.payment_by_reference(uow.conn, order_id)
    order = payment_store.order_row(uow.conn, order_id)
    return None if row is None else _payment_dict(row, {order_id: order.reference} if order else {})


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
    provider: str | None = None,
) -> PaymentResult:
    """Initiates a payment of what is due: a bank order (settled later by its provider) or an account drawdown.

    The reference is the caller's own: the same reference again returns the first order; another party's
    reference means nothing here. A drawdown that leaves nothing due releases a green-lane declaration at once.
    """
    decl = declarations_service.get_visible(uow, mrn, principal)
    if not principal.is_trader or principal.party_id is None:
        raise Forbidden("only the declarant or importer pays a declaration's duties")
    if method == "cash":
        raise ValidationFailed(
            [
                Issue(
                    "CASH_AT_CUSTOMS",
                    "cash is paid at a customs cashier, whose officer records the receipt; pay by bank transfer "
                    "or card (settled when the bank confirms it), or draw on a guarantee or deferment account",
                    "/method",
                )
            ]
        )
    existing = payment_store.order_by_reference(uow.conn, principal.party_id, reference)
    if existing is not None:
        return _replay(uow, decl, existing, amount)
    row = assessment_open(uow, decl)
    total, paid = Decimal(row.total), payment_store.paid_total(uow.conn, decl.id)
    due, pending = total - paid, payment_store.pending_total(uow.conn, decl.id)
    if due <= ZERO:
        raise Conflict(f"nothing is due on {decl.mrn}: {total} {row.currency} already settled", code="NOTHING_DUE")
    issues = []
    if method not in METHODS:
        issues.append(Issue("PAYMENT_METHOD", f"method is one of {', '.join(METHODS)}", "/method"))
    if currency != row.currency:
        issues.append(Issue("PAYMENT_CURRENCY", f"pay in {row.currency}, the national currency", "/currency"))
    if amount > due - pending:
        waiting = f" ({pending} {row.currency} in orders awaiting the bank)" if pending else ""
        issues.append(
            Issue(
                "AMOUNT_EXCEEDS_DUE",
                f"the amount {amount} exceeds the {due - pending} {row.currency} left to pay{waiting}",
                "/amount",
            )
        )
    if method in ACCOUNT_KINDS and not account_id:
        issues.append(Issue("REQUIRED", f"a {method} payment names the account to draw on", "/account"))
    if issues:
        raise ValidationFailed(issues)
    if method in BANK_METHODS:
        return _bank_order(uow, decl, principal, amount, row.currency, method, reference, provider, total, paid)
    assert account_id is not None
    return _account_draw(uow, decl, principal, amount, row.currency, method, reference, account_id, total, paid)


def provider_for_order(uow: UnitOfWork, name: str | None) -> str:
    """Returns the provider a bank order goes through: the one named, else the first active one."""
    rows = [r for r in payment_store.all_providers(uow.conn) if r.active]
    if name is not None:
        rows = [r for r in rows if r.name == name]
    if not rows:
        raise Conflict(
            "no payment provider is registered to confirm bank payments"
            + (f" under the name {name}" if name else "")
            + "; draw on a guarantee account, or pay cash at a customs cashier",
            code="NO_PAYMENT_PROVIDER",
        )
    return str(rows[0].name)


def assessment_open(uow: UnitOfWork, decl: Declaration) -> Any:
    """Returns the (locked) assessment of an open declaration; refuses when there is nothing to pay."""
    row = store.assessment_head(uow.conn, decl.id, lock=True)
    if row is None:
        raise Conflict(f"declaration {decl.mrn} has no assessment: nothing to pay", code="NOT_ASSESSED")
    if decl.status in CLOSED:
        raise Conflict(f"declaration {decl.mrn} is {decl.status.label}: nothing to pay", code="STATUS_TRANSITION")
    return row


def _insert_order(uow: UnitOfWork, **values: Any) -> None:
    savepoint = uow.conn.begin_nested()
    try:
        payment_store.insert_order(uow.conn, **values)
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(
            f"payment reference {values['reference']} was used at the same moment; retry", code="PAYMENT_RACE"
        ) from None
    savepoint.commit()


def _new_order(
    uow: UnitOfWork,
    decl: Declaration,
    principal: Principal,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    *,
    provider: str | None = None,
    account_id: str | None = None,
) -> tuple[str, datetime]:
    """Records a new payment order of the declarant's and returns its id and time: pending through a bank
    ``provider``, or settled at once when it draws on an ``account_id``."""
    order_id, now = new_order_id(), uow.clock()
    settled = {"settled_at": now} if account_id is not None else {}
    _insert_order(
        uow,
        id=order_id,
        party_id=principal.party_id,
        reference=reference,
        declaration_id=decl.id,
        mrn=decl.mrn,
        method=method,
        amount=amount,
        currency=currency,
        account_id=account_id,
        provider=provider,
        status="settled" if account_id is not None else "pending",
        created_by=principal.user,
        created_at=now,
        **settled,
    )
    return order_id, now


def _bank_order(
    uow: UnitOfWork,
    decl: Declaration,
    principal: Principal,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    provider: str | None,
    total: Decimal,
    paid: Decimal,
) -> PaymentResult:
    chosen = provider_for_order(uow, provider)
    order_id, _now = _new_order(uow, decl, principal, amount, currency, method, reference, provider=chosen)
    declarations_service.record_event(
        uow,
        decl,
        "payment_order",
        actor=principal.user,
        role=Role.DECLARANT,
        reason=phrases.ORDERED(
            order=order_id,
            amount=amount,
            currency=currency,
            method=method.replace("_", " "),
            reference=reference,
            provider=chosen,
        ),
        data={"order": order_id, "reference": reference, "method": method, "amount": str(amount), "provider": chosen},
    )
    order = order_dict(payment_store.order_row(uow.conn, order_id))
    return PaymentResult(order, None, total, paid, currency, released=False, replayed=False)


def _account_draw(
    uow: UnitOfWork,
    decl: Declaration,
    principal: Principal,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    account_id: str,
    total: Decimal,
    paid: Decimal,
) -> PaymentResult:
    accounts.draw(uow, decl, account_id, principal, method, amount, currency)
    order_id, now = _new_order(uow, decl, principal, amount, currency, method, reference, account_id=account_id)
    payment_store.insert_payment(
        uow.conn,
        reference=order_id,
        order_id=order_id,
        declaration_id=decl.id,
        mrn=decl.mrn,
        method=method,
        amount=amount,
        currency=currency,
        account_id=account_id,
        paid_by=principal.user,
        paid_at=now,
    )
    paid += amount
    declarations_service.record_event(
        uow,
        decl,
        "payment",
        actor=principal.user,
        role=Role.DECLARANT,
        reason=phrases.DRAWN(
            amount=amount,
            currency=currency,
            method=method,
            account=account_id,
            reference=reference,
            due=total - paid,
            currency2=currency,
        ),
        data={"reference": reference, "method": method, "amount": str(amount), "balance": str(total - paid)},
    )
    released = release_if_settled(uow, decl, total, paid)
    order = order_dict(payment_store.order_row(uow.conn, order_id))
    return PaymentResult(order, _payment_of_order(uow, order_id), total, paid, currency, released, replayed=False)


def release_if_settled(uow: UnitOfWork, decl: Declaration, total: Decimal, paid: Decimal) -> bool:
    """Releases a green-lane declaration (or a controlled one whose control found no discrepancy) once nothing
    remains due; tells whether it did."""
    if total - paid > ZERO:
        return False
    reason = (phrases.SETTLED_CLEARED if declarations_service.control_cleared(decl) else phrases.SETTLED)()
    return declarations_service.try_release(uow, decl, actor=ACTOR, reason=reason)


def _replay(uow: UnitOfWork, decl: Declaration, existing: Any, amount: Decimal) -> PaymentResult:
    if existing.declaration_id != decl.id or Decimal(existing.amount) != amount:
        raise Conflict(
            f"you already used payment reference {existing.reference} for another payment",
            code="PAYMENT_REFERENCE_REUSED",
        )
    row = store.assessment_head(uow.conn, decl.id)
    total = Decimal(row.total) if row is not None else Decimal(existing.amount)
    paid = payment_store.paid_total(uow.conn, decl.id)
    payment = _payment_of_order(uow, existing.id)
    return PaymentResult(order_dict(existing), payment, total, paid, existing.currency, released=False, replayed=True)


def cancel_pending_orders(uow: UnitOfWork, decl: Declaration) -> None:
    """Cancels the bank orders still waiting on a declaration (invalidated): nothing is due on them any more."""
    for order in payment_store.orders_of(uow.conn, declaration_id=decl.id):
        if order.status == "pending":
            payment_store.set_order_status(uow.conn, order.id, "cancelled")


def orders_visible(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists payment orders: a trader its own party's; customs staff every one (latest 500)."""
    if principal.is_trader:
        rows = payment_store.orders_of(uow.conn, party_id=principal.party_id or "")
    elif principal.is_customs:
        rows = payment_store.orders_of(uow.conn)
    else:
        rows = []
    return [order_dict(r) for r in rows]


def order_visible(uow: UnitOfWork, order_id: str, principal: Principal) -> dict[str, Any]:
    """Returns a payment order of the caller's party (customs staff: any); anyone else's answers 404."""
    row = payment_store.order_row(uow.conn, order_id)
    allowed = row is not None and (
        principal.role in {"officer", "supervisor", "admin"}
        or (principal.is_trader and row.party_id == principal.party_id)
    )
    if not allowed:
        raise NotFound(f"no payment order {order_id}")
    return order_dict(row)


def cancel_order(uow: UnitOfWork, order_id: str, principal: Principal) -> dict[str, Any]:
    """Cancels a pending bank order of the caller's party (so that another way of paying may cover the amount).

    Should its bank confirm it all the same, the money is counted as received, and any excess is a refund due.
    """
    visible = order_visible(uow, order_id, principal)
    if not principal.is_trader:
        raise Forbidden("only the trader that placed an order cancels it")
    row = payment_store.order_row(uow.conn, visible["id"], lock=True)
    if row.status != "pending":
        raise Conflict(
            f"payment order {row.id} is {row.status}: only a pending order is cancelled", code="ORDER_CLOSED"
        )
    payment_store.set_order_status(uow.conn, row.id, "cancelled")
    decl = declarations_service.get(uow, row.mrn)
    declarations_service.record_event(
        uow,
        decl,
        "payment_order_cancelled",
        actor=principal.user,
        role=Role.DECLARANT,
        reason=phrases.CANCELLED(order=row.id, reference=row.reference),
        data={"order": row.id, "reference": row.reference},
    )
    return order_dict(payment_store.order_row(uow.conn, row.id))
