"""Money received: a payment provider's signed confirmation of an order, or an officer's cash receipt.

Nothing a trader sends settles its own duties. A bank order counts as paid only when a registered provider's
notification arrives, signed with that provider's key, for exactly the order's amount and currency, once
(a notification id is accepted once per provider; an order is settled once).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from clearway.core.issues import Conflict, DomainError, Forbidden, Issue, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Role
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.tariff import accounts, payment_store, payments, phrases, store
from clearway.tariff.model import ZERO
from clearway.tariff.payments import PaymentResult
from clearway.tariff.providers import Ed25519Provider, PaymentProvider, SimulatedBank, public_key_from_text
from clearway.tariff.schemas import NotificationIn

log = logging.getLogger(__name__)
MAX_NOTIFICATION_BYTES = 8_192
# A notification sent longer ago (or later) than this is refused: its id may have been forgotten elsewhere.
FRESHNESS = timedelta(hours=24)
CASHIERS = frozenset({"officer", "supervisor"})


class NotificationUnverified(DomainError):
    """The notification is not signed by a registered, active payment provider (answered 401)."""

    code = "NOTIFICATION_UNVERIFIED"


@dataclass(frozen=True)
class SettlementResult:
    """What a provider's notification did: the order after it, and whether it was a replay or released goods."""

    order: dict[str, Any]
    outcome: str
    replayed: bool
    released: bool


def register_provider(uow: UnitOfWork, *, name: str, public_key: str, by: str, reason: str) -> dict[str, Any]:
    """Registers (or re-keys) a payment provider by its Ed25519 public key (base64 of the 32 raw bytes)."""
    issues = []
    if not name.isascii() or not name.replace("-", "").isalnum() or not 2 <= len(name) <= 40:
        issues.append(Issue("PROVIDER_NAME", "a provider name has 2 to 40 letters, digits or '-'", "/name"))
    if public_key_from_text(public_key) is None:
        issues.append(Issue("PUBLIC_KEY", "give the Ed25519 public key as base64 of its 32 bytes", "/public_key"))
    if not reason.strip():
        issues.append(Issue("REASON_REQUIRED", "say why this provider may confirm payments", "/reason"))
    if issues:
        raise ValidationFailed(issues)
    payment_store.upsert_provider(
        uow.conn,
        name=name,
        public_key=public_key.strip(),
        active=True,
        registered_by=by,
        registered_at=uow.clock(),
        reason=reason.strip(),
    )
    log.info("payment provider %s registered by %s: %s", name, by, reason.strip())
    return provider_dict(payment_store.provider_row(uow.conn, name))


def provider_dict(row: Any) -> dict[str, Any]:
    """Describes a registered provider (its public key is public)."""
    return {
        "name": row.name,
        "public_key": row.public_key,
        "active": bool(row.active),
        "registered_by": row.registered_by,
        "registered_at": row.registered_at,
        "reason": row.reason,
    }


def providers(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists the registered payment providers."""
    return [provider_dict(r) for r in payment_store.all_providers(uow.conn)]


def provider(uow: UnitOfWork, name: str) -> PaymentProvider | None:
    """Returns an active registered provider by name, or None."""
    row = payment_store.provider_row(uow.conn, name)
    key = None if row is None or not row.active else public_key_from_text(row.public_key)
    return None if key is None else Ed25519Provider(row.name, key)


def receive_notification(uow: UnitOfWork, body: bytes, signature: str | None) -> SettlementResult:
    """Verifies a provider's notification and settles (or fails) the order it names; idempotent per notification.

    Refuses, recording nothing: a body not signed by a registered provider (401), a stale notification, an
    order unknown to that provider, an amount or currency other than the order's, an order already settled.
    """
    if len(body) > MAX_NOTIFICATION_BYTES:
        raise ValidationFailed(
            [Issue("BODY_TOO_LARGE", f"a notification has at most {MAX_NOTIFICATION_BYTES} bytes", "")]
        )
    try:
        doc = NotificationIn.model_validate_json(body)
    except PydanticValidationError:
        raise NotificationUnverified("the notification is not a signed settlement notification") from None
    prov = provider(uow, doc.provider)
    if prov is None or not signature or not prov.verify(body, signature):
        log.warning("payment notification refused: bad or missing signature (provider %r)", doc.provider[:40])
        raise NotificationUnverified("the notification is not signed by a registered payment provider")
    now = uow.clock()
    if abs(now - doc.sent_at) > FRESHNESS:
        raise ValidationFailed([Issue("NOTIFICATION_STALE", f"sent at {doc.sent_at.isoformat()}: too old", "/sent_at")])
    seen = payment_store.notification_seen(uow.conn, prov.name, doc.notification_id)
    if seen is not None:
        if seen.order_id != doc.order_id or seen.body_sha256 != hashlib.sha256(body).hexdigest():
            raise Conflict(f"notification {doc.notification_id} was already used", code="NOTIFICATION_REUSED")
        order = payment_store.order_row(uow.conn, seen.order_id)
        return SettlementResult(payments.order_dict(order), str(seen.outcome), replayed=True, released=False)
    order = payment_store.order_row(uow.conn, doc.order_id, lock=True)
    if order is None or order.provider != prov.name:
        raise ValidationFailed(
            [Issue("ORDER_UNKNOWN", f"no payment order {doc.order_id} awaits {prov.name}", "/order_id")]
        )
    if doc.currency != order.currency or doc.amount != Decimal(order.amount):
        raise ValidationFailed(
            [
                Issue(
                    "NOTIFICATION_AMOUNT",
                    f"the notification is for {doc.amount} {doc.currency}; order {order.id} is for "
                    f"{Decimal(order.amount)} {order.currency}: nothing settled",
                    "/amount",
                )
            ]
        )
    if order.status in {"settled", "failed"}:
        raise Conflict(f"payment order {order.id} is already {order.status}", code="ORDER_CLOSED")
    released = False
    if doc.status == "settled":
        released = settle_order(uow, order, provider=prov.name, provider_reference=doc.bank_reference)
    else:
        payment_store.set_order_status(uow.conn, order.id, "failed", provider_reference=doc.bank_reference)
        decl = declarations_service.get(uow, order.mrn)
        declarations_service.record_event(
            uow,
            decl,
            "payment_failed",
            actor=prov.name,
            role=Role.SYSTEM,
            reason=phrases.NOT_PAID(provider=prov.name, order=order.id, reference=order.reference, status=doc.status),
            data={"order": order.id, "reference": order.reference},
        )
    payment_store.insert_notification(
        uow.conn,
        provider=prov.name,
        notification_id=doc.notification_id,
        order_id=order.id,
        outcome=doc.status,
        body_sha256=hashlib.sha256(body).hexdigest(),
        received_at=now,
    )
    current = payment_store.order_row(uow.conn, order.id)
    return SettlementResult(payments.order_dict(current), doc.status, replayed=False, released=released)


def settle_order(uow: UnitOfWork, order: Any, *, provider: str, provider_reference: str) -> bool:
    """Counts a bank order as paid, on its provider's verified confirmation; tells whether it released the goods.

    The provider confirms money was received: when the declaration was invalidated meanwhile, or the order is
    more than is now due (the assessment was lowered), the excess becomes a refund due.
    """
    decl = declarations_service.get(uow, order.mrn)
    now = uow.clock()
    amount = Decimal(order.amount)
    payment_store.set_order_status(uow.conn, order.id, "settled", settled_at=now, provider_reference=provider_reference)
    payment_store.insert_payment(
        uow.conn,
        reference=order.id,
        order_id=order.id,
        declaration_id=decl.id,
        mrn=decl.mrn,
        method=order.method,
        amount=amount,
        currency=order.currency,
        account_id=None,
        paid_by=f"{provider} for {order.created_by}"[:80],
        paid_at=now,
    )
    head = store.assessment_head(uow.conn, decl.id, lock=True)
    total, paid = (Decimal(head.total) if head else ZERO), payment_store.paid_total(uow.conn, decl.id)
    declarations_service.record_event(
        uow,
        decl,
        "payment",
        actor=provider,
        role=Role.SYSTEM,
        reason=phrases.CONFIRMED(
            amount=amount,
            currency=order.currency,
            provider=provider,
            order=order.id,
            reference=order.reference,
            bank_reference=provider_reference,
            due=max(total - paid, ZERO),
            currency2=order.currency,
        ),
        data={"order": order.id, "reference": order.reference, "method": order.method, "amount": str(amount)},
    )
    if paid > total:
        accounts.give_back(uow, decl, paid - total, order.currency, len(payment_store.payments_of(uow.conn, decl.id)))
        return False
    return decl.status not in accounts.CLOSED and payments.release_if_settled(uow, decl, total, paid)


def simulate_bank(uow: UnitOfWork, bank: SimulatedBank, order_id: str, *, status: str = "settled") -> SettlementResult:
    """Has the simulated bank confirm an order: it signs a notification, which goes through the same checks."""
    order = payment_store.order_row(uow.conn, order_id)
    if order is None or order.provider != bank.name:
        raise ValidationFailed([Issue("ORDER_UNKNOWN", f"no payment order {order_id} awaits {bank.name}", "")])
    body, signature = bank.notification(
        order_id=order.id, amount=Decimal(order.amount), currency=order.currency, at=uow.clock(), status=status
    )
    return receive_notification(uow, body, signature)


def pending_orders(uow: UnitOfWork, provider_name: str) -> list[str]:
    """Returns the ids of the orders waiting for a provider's confirmation."""
    return [o.id for o in payment_store.orders_waiting(uow.conn, provider_name)]


def record_cash_receipt(
    uow: UnitOfWork,
    mrn: str,
    *,
    principal: Principal,
    amount: Decimal,
    currency: str,
    receipt: str,
    reason: str,
) -> PaymentResult:
    """Records cash received at a customs cashier (officers and supervisors), with the receipt and a reason."""
    if principal.role not in CASHIERS:
        raise Forbidden("only a customs officer or supervisor records a cash receipt")
    decl = declarations_service.get_visible(uow, mrn, principal)
    row = payments.assessment_open(uow, decl)
    total, paid = Decimal(row.total), payment_store.paid_total(uow.conn, decl.id)
    if total - paid <= ZERO:
        raise Conflict(f"nothing is due on {decl.mrn}", code="NOTHING_DUE")
    issues = []
    if not reason.strip():
        issues.append(Issue("REASON_REQUIRED", "say who paid and why in cash", "/reason"))
    if currency != row.currency:
        issues.append(Issue("PAYMENT_CURRENCY", f"cash is received in {row.currency}", "/currency"))
    if amount > total - paid:
        issues.append(Issue("AMOUNT_EXCEEDS_DUE", f"only {total - paid} {row.currency} is due", "/amount"))
    if issues:
        raise ValidationFailed(issues)
    key = f"CASH:{receipt}"
    if payment_store.payment_by_reference(uow.conn, key) is not None:
        raise Conflict(f"cash receipt {receipt} is already recorded", code="CASH_RECEIPT_USED")
    payment_store.insert_payment(
        uow.conn,
        reference=key,
        order_id=None,
        declaration_id=decl.id,
        mrn=decl.mrn,
        method="cash",
        amount=amount,
        currency=row.currency,
        account_id=None,
        paid_by=principal.user,
        paid_at=uow.clock(),
    )
    paid += amount
    # The declaration's history is the audit record of a cash receipt (actor, role, time, reason).
    declarations_service.record_event(
        uow,
        decl,
        "payment",
        actor=principal.user,
        role=principal.role,
        reason=phrases.CASH(
            amount=amount,
            currency=row.currency,
            receipt=receipt,
            note=reason.strip(),
            due=total - paid,
            currency2=row.currency,
        ),
        data={"reference": key, "method": "cash", "amount": str(amount), "balance": str(total - paid)},
    )
    released = payments.release_if_settled(uow, decl, total, paid)
    payment = payments.payments_of(uow, decl.id)[-1]
    return PaymentResult(None, payment, total, paid, row.currency, released, replayed=False)
