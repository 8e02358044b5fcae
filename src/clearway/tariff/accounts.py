"""Guarantee and deferment accounts: open them, draw on them (the holder or its mandated agents only), give back.

An account is usable for a declaration only by its holder, or by a party the holder mandated
(``clearway.mandates``), and only when the holder is that declaration's importer or declarant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Declaration, Role, Status
from clearway.mandates import service as mandates_service
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.tariff import account_store, payment_store, phrases
from clearway.tariff.model import ZERO

ACTOR = "tariff"
ACCOUNT_KINDS = ("guarantee", "deferment")
CLOSED = frozenset({Status.REJECTED, Status.INVALIDATED})


def may_use_account(uow: UnitOfWork, decl: Declaration, holder: str, agent: str | None) -> bool:
    """Tells whether an agent may draw on a party's account for a declaration: the holder itself, or a party
    the holder mandated, and only when the holder is the declaration's importer or declarant."""
    if holder not in {decl.data.importer.id, decl.data.declarant.id}:
        return False
    procedures = sorted({item.procedure_code for item in decl.data.goods_items})
    return mandates_service.may_act_for_all(uow, agent, holder, procedures=procedures, at=uow.clock())


def draw(
    uow: UnitOfWork,
    decl: Declaration,
    account_id: str,
    principal: Principal,
    kind: str,
    amount: Decimal,
    currency: str,
) -> None:
    account = account_store.account_row(uow.conn, account_id)
    if account is None or not (
        account.party_id == principal.party_id or may_use_account(uow, decl, account.party_id, principal.party_id)
    ):
        raise NotFound(f"no {kind} account {account_id} of yours")
    if account.kind != kind or account.currency != currency:
        raise DomainError(
            f"account {account_id} is a {account.kind} account in {account.currency}", code="ACCOUNT_KIND"
        )
    if not account_store.draw_down(uow.conn, account_id, amount, uow.clock()):
        raise Conflict(
            f"account {account_id} does not cover {amount} {currency}; pay the duties or top up the account",
            code="GUARANTEE_INSUFFICIENT",
        )


def settle_after_assessment(uow: UnitOfWork, decl: Declaration, total: Decimal, currency: str) -> None:
    """Covers a new or changed assessment from the importer's or declarant's account when one suffices.

    When a reassessment lowers the amount below what was received (drawdowns first go back to their accounts),
    the rest is a refund due. Only money actually received counts: orders awaiting their bank never do.
    """
    paid = payment_store.paid_total(uow.conn, decl.id)
    due = total - paid
    count = len(payment_store.payments_of(uow.conn, decl.id))
    if due < ZERO:
        give_back(uow, decl, -due, currency, count)
        return
    if due == ZERO or decl.status in CLOSED:
        return
    secure_on_account(uow, decl, due, currency, count=count)


def secure_on_account(uow: UnitOfWork, decl: Declaration, due: Decimal, currency: str, *, count: int) -> None:
    """Draws what is due from the importer's (else the declarant's) account when one covers it whole.

    Only an account the lodging party may use: its own, or one of a party that mandated it.
    """
    now = uow.clock()
    rep = decl.data.representative
    lodger = rep.id if rep is not None else decl.data.declarant.id
    parties = [decl.data.importer.id, decl.data.declarant.id]
    accounts = sorted(account_store.accounts_of(uow.conn, parties), key=lambda a: (parties.index(a.party_id), a.id))
    for account in accounts:
        if account.currency != currency or not may_use_account(uow, decl, account.party_id, lodger):
            continue
        if not account_store.draw_down(uow.conn, account.id, due, now):
            continue
        reference = f"{decl.mrn}:{account.kind[:3].upper()}:{count + 1}"  # ":" never in a trader's reference
        payment_store.insert_payment(
            uow.conn,
            reference=reference,
            order_id=None,
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
            reason=phrases.GUARANTEED(amount=due, currency=currency, kind=account.kind, account=account.id),
            data={"account": account.id, "amount": str(due), "reference": reference},
        )
        return


def give_back(uow: UnitOfWork, decl: Declaration, excess: Decimal, currency: str, count: int) -> None:
    """Gives money received beyond what is due back: drawdowns to their accounts, the rest as a refund due."""
    now = uow.clock()
    net: dict[str, Decimal] = {}  # what is still drawn on each account (drawdowns less what went back)
    for row in payment_store.payments_of(uow.conn, decl.id):
        if row.account_id is not None:
            net[row.account_id] = net.get(row.account_id, ZERO) + Decimal(row.amount)
    for account_id, drawn in reversed(list(net.items())):
        if excess <= ZERO:
            break
        amount = min(excess, drawn)
        if amount <= ZERO:
            continue
        count += 1
        account_store.credit(uow.conn, account_id, amount, now)
        payment_store.insert_payment(
            uow.conn,
            reference=f"{decl.mrn}:REL:{count}",
            order_id=None,
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
            reason=phrases.REFUND_DUE(amount=excess, currency=currency),
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
    if account_store.account_row(uow.conn, account_id) is not None:
        raise Conflict(f"account {account_id} already exists", code="ACCOUNT_EXISTS")
    now = uow.clock()
    account_store.insert_account(
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
    return account_dict(account_store.account_row(uow.conn, account_id))


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
        rows = account_store.accounts_of(uow.conn, [principal.party_id or ""])
    elif principal.role in {"officer", "supervisor", "admin"}:
        rows = account_store.all_accounts(uow.conn)
    else:
        rows = []
    return [account_dict(r) for r in rows]
