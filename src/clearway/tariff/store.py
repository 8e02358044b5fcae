"""Tariff tables: schedules, exchange rates, assessments, payments, guarantee accounts; and their queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    delete,
    func,
    select,
    tuple_,
    update,
)

from clearway.platform.db import Money, metadata
from clearway.tariff.model import ExchangeRate

tariff_schedules = Table(
    "tariff_schedules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(36), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    Column("loaded_by", String(80), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

tariff_exchange_rates = Table(
    "tariff_exchange_rates",
    metadata,
    Column("currency", String(3), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("rate", Numeric(18, 6), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

tariff_assessments = Table(
    "tariff_assessments",
    metadata,
    Column("declaration_id", String(36), primary_key=True),
    Column("mrn", String(18), nullable=False, unique=True),
    Column("declaration_version", Integer, nullable=False),
    Column("schedule_key", String(36), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", Money(18, 2), nullable=False),
    Column("document", JSON, nullable=False),
    Column("assessed_at", DateTime(timezone=True), nullable=False),
)

tariff_payments = Table(
    "tariff_payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(70), nullable=False, unique=True),
    Column("declaration_id", String(36), nullable=False, index=True),
    Column("mrn", String(18), nullable=False),
    Column("method", String(20), nullable=False),
    Column("amount", Money(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("account_id", String(20), nullable=True),
    Column("paid_by", String(80), nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("order_id", String(24), nullable=True),
)

tariff_accounts = Table(
    "tariff_accounts",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("party_id", String(40), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("limit_amount", Money(18, 2), nullable=False),
    Column("balance", Money(18, 2), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# What a trader asks to pay (by bank transfer, card, or a drawdown on an account); a bank order counts as paid
# only once its provider's signed notification settles it. References are unique per party, never globally.
tariff_payment_orders = Table(
    "tariff_payment_orders",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("party_id", String(40), nullable=False),
    Column("reference", String(70), nullable=False),
    Column("declaration_id", String(36), nullable=False, index=True),
    Column("mrn", String(18), nullable=False),
    Column("method", String(20), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("account_id", String(20), nullable=True),
    Column("provider", String(40), nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("settled_at", DateTime(timezone=True), nullable=True),
    Column("provider_reference", String(70), nullable=True),
    UniqueConstraint("party_id", "reference"),
)

# Every provider notification accepted (append-only): a notification id is used once per provider.
tariff_payment_notifications = Table(
    "tariff_payment_notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider", String(40), nullable=False),
    Column("notification_id", String(80), nullable=False),
    Column("order_id", String(24), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("provider", "notification_id"),
)

# The payment providers whose signed notifications settle orders, by their Ed25519 public key.
tariff_payment_providers = Table(
    "tariff_payment_providers",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("registered_by", String(80), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False),
)


def insert_schedule(
    conn: Connection,
    *,
    key: str,
    name: str,
    currency: str,
    line_count: int,
    document: dict[str, Any],
    by: str,
    at: datetime,
) -> None:
    """Stores a loaded schedule; the latest loaded is the one in force."""
    conn.execute(
        tariff_schedules.insert().values(
            key=key, name=name, currency=currency, line_count=line_count, document=document, loaded_by=by, loaded_at=at
        )
    )


def current_schedule_key(conn: Connection) -> str | None:
    """Returns the key of the schedule in force (the latest loaded), or None when none was loaded."""
    row = conn.execute(select(tariff_schedules.c.key).order_by(tariff_schedules.c.id.desc()).limit(1)).first()
    return None if row is None else str(row.key)


def schedule_row(conn: Connection, key: str) -> Any:
    """Returns a stored schedule's row."""
    return conn.execute(select(tariff_schedules).where(tariff_schedules.c.key == key)).first()


def upsert_rates(conn: Connection, rates: Sequence[ExchangeRate], at: datetime) -> None:
    """Stores exchange rates, replacing any already published for the same currency and day."""
    if not rates:
        return
    keys = [(r.currency, r.valid_from) for r in rates]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        conn.execute(
            delete(tariff_exchange_rates).where(
                tuple_(tariff_exchange_rates.c.currency, tariff_exchange_rates.c.valid_from).in_(chunk)
            )
        )
    conn.execute(
        tariff_exchange_rates.insert(),
        [{"currency": r.currency, "valid_from": r.valid_from, "rate": r.rate, "loaded_at": at} for r in rates],
    )


def latest_rate(conn: Connection, currency: str, on: date) -> ExchangeRate | None:
    """Returns the latest rate of a currency published on or before a day."""
    row = conn.execute(
        select(tariff_exchange_rates)
        .where(tariff_exchange_rates.c.currency == currency, tariff_exchange_rates.c.valid_from <= on)
        .order_by(tariff_exchange_rates.c.valid_from.desc())
        .limit(1)
    ).first()
    return None if row is None else ExchangeRate(row.currency, row.valid_from, Decimal(row.rate))


def rates_between(conn: Connection, start: date, end: date) -> list[ExchangeRate]:
    """Returns the rates published between two days, oldest first."""
    rows = conn.execute(
        select(tariff_exchange_rates)
        .where(tariff_exchange_rates.c.valid_from.between(start, end))
        .order_by(tariff_exchange_rates.c.valid_from, tariff_exchange_rates.c.currency)
    )
    return [ExchangeRate(r.currency, r.valid_from, Decimal(r.rate)) for r in rows]


def save_assessment(
    conn: Connection,
    *,
    declaration_id: str,
    mrn: str,
    version: int,
    schedule_key: str,
    currency: str,
    total: Decimal,
    document: dict[str, Any],
    at: datetime,
    replace: bool,
) -> None:
    """Stores the assessment of a declaration, or replaces the one it had."""
    values = {
        "mrn": mrn,
        "declaration_version": version,
        "schedule_key": schedule_key,
        "currency": currency,
        "total": total,
        "document": document,
        "assessed_at": at,
    }
    if replace:
        conn.execute(
            update(tariff_assessments).where(tariff_assessments.c.declaration_id == declaration_id).values(**values)
        )
    else:
        conn.execute(tariff_assessments.insert().values(declaration_id=declaration_id, **values))


def set_total(conn: Connection, declaration_id: str, total: Decimal) -> None:
    """Sets what a declaration owes (zero once it is invalidated)."""
    conn.execute(
        update(tariff_assessments).where(tariff_assessments.c.declaration_id == declaration_id).values(total=total)
    )


def assessment_head(conn: Connection, declaration_id: str, *, lock: bool = False) -> Any:
    """Returns what a declaration owes (total, currency, schedule) without the document; locks it when asked."""
    query = select(tariff_assessments.c.total, tariff_assessments.c.currency, tariff_assessments.c.schedule_key).where(
        tariff_assessments.c.declaration_id == declaration_id
    )
    return conn.execute(query.with_for_update() if lock else query).first()


def amounts_due(conn: Connection, declaration_id: str) -> Any:
    """Returns (total, currency, paid) of a declaration's assessment in one query, or None if not assessed."""
    paid = (
        select(func.coalesce(func.sum(tariff_payments.c.amount), 0))
        .where(tariff_payments.c.declaration_id == declaration_id)
        .scalar_subquery()
    )
    return conn.execute(
        select(tariff_assessments.c.total, tariff_assessments.c.currency, paid.label("paid")).where(
            tariff_assessments.c.declaration_id == declaration_id
        )
    ).first()


def amounts_due_many(conn: Connection, declaration_ids: list[str]) -> dict[str, tuple[Any, Any, str]]:
    """Returns (total, paid, currency) of several declarations' assessments in two queries: id -> amounts."""
    out: dict[str, tuple[Any, Any, str]] = {}
    for start in range(0, len(declaration_ids), 500):
        ids = declaration_ids[start : start + 500]
        paid = dict(
            conn.execute(
                select(tariff_payments.c.declaration_id, func.sum(tariff_payments.c.amount))
                .where(tariff_payments.c.declaration_id.in_(ids))
                .group_by(tariff_payments.c.declaration_id)
            ).all()
        )
        for r in conn.execute(
            select(
                tariff_assessments.c.declaration_id, tariff_assessments.c.total, tariff_assessments.c.currency
            ).where(tariff_assessments.c.declaration_id.in_(ids))
        ):
            out[r.declaration_id] = (r.total, paid.get(r.declaration_id) or 0, str(r.currency))
    return out


def assessment_row(
    conn: Connection, *, mrn: str | None = None, declaration_id: str | None = None, lock: bool = False
) -> Any:
    """Returns an assessment row by MRN or declaration id; locks it for update when asked."""
    query = select(tariff_assessments)
    if mrn is not None:
        query = query.where(tariff_assessments.c.mrn == mrn)
    if declaration_id is not None:
        query = query.where(tariff_assessments.c.declaration_id == declaration_id)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def paid_total(conn: Connection, declaration_id: str) -> Decimal:
    """Returns what has been paid or guaranteed on a declaration."""
    value = conn.execute(
        select(func.coalesce(func.sum(tariff_payments.c.amount), 0)).where(
            tariff_payments.c.declaration_id == declaration_id
        )
    ).scalar_one()
    return Decimal(value)


def payment_by_reference(conn: Connection, reference: str) -> Any:
    """Returns the payment with a reference, if any."""
    return conn.execute(select(tariff_payments).where(tariff_payments.c.reference == reference)).first()


def payments_of(conn: Connection, declaration_id: str) -> list[Any]:
    """Returns the payments of a declaration, oldest first."""
    return list(
        conn.execute(
            select(tariff_payments)
            .where(tariff_payments.c.declaration_id == declaration_id)
            .order_by(tariff_payments.c.id)
        )
    )


def insert_payment(conn: Connection, **values: Any) -> None:
    """Records a payment or a guarantee drawdown."""
    conn.execute(tariff_payments.insert().values(**values))


def insert_account(conn: Connection, **values: Any) -> None:
    """Opens a guarantee or deferment account."""
    conn.execute(tariff_accounts.insert().values(**values))


def account_row(conn: Connection, account_id: str) -> Any:
    """Returns an account row."""
    return conn.execute(select(tariff_accounts).where(tariff_accounts.c.id == account_id)).first()


def accounts_of(conn: Connection, party_ids: Sequence[str]) -> list[Any]:
    """Returns the accounts held by any of the parties."""
    return list(
        conn.execute(
            select(tariff_accounts).where(tariff_accounts.c.party_id.in_(party_ids)).order_by(tariff_accounts.c.id)
        )
    )


def all_accounts(conn: Connection) -> list[Any]:
    """Returns every account."""
    return list(conn.execute(select(tariff_accounts).order_by(tariff_accounts.c.id)))


def _locked_balance(conn: Connection, account_id: str) -> Decimal | None:
    row = conn.execute(
        select(tariff_accounts.c.balance).where(tariff_accounts.c.id == account_id).with_for_update()
    ).first()
    return None if row is None else Decimal(row.balance)


def draw_down(conn: Connection, account_id: str, amount: Decimal, at: datetime) -> bool:
    """Takes an amount from an account's balance only if the balance covers it; tells whether it did.

    The row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite runs writers one at a time), so two
    concurrent drawdowns see each other's result and can never both pass the check. The arithmetic is
    done on Decimal, not in SQL, so that SQLite's floating point never creeps into a balance.
    """
    balance = _locked_balance(conn, account_id)
    if balance is None or balance < amount:
        return False
    conn.execute(
        update(tariff_accounts)
        .where(tariff_accounts.c.id == account_id)
        .values(balance=balance - amount, updated_at=at)
    )
    return True


def credit(conn: Connection, account_id: str, amount: Decimal, at: datetime) -> None:
    """Gives an amount back to an account (a released guarantee, a reduced assessment)."""
    balance = _locked_balance(conn, account_id)
    if balance is not None:
        conn.execute(
            update(tariff_accounts)
            .where(tariff_accounts.c.id == account_id)
            .values(balance=balance + amount, updated_at=at)
        )


def insert_order(conn: Connection, **values: Any) -> None:
    """Records a payment order."""
    conn.execute(tariff_payment_orders.insert().values(**values))


def order_row(conn: Connection, order_id: str, *, lock: bool = False) -> Any:
    """Returns a payment order by id (locked for update when asked)."""
    query = select(tariff_payment_orders).where(tariff_payment_orders.c.id == order_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def order_by_reference(conn: Connection, party_id: str, reference: str) -> Any:
    """Returns a party's payment order with a reference (another party's never)."""
    return conn.execute(
        select(tariff_payment_orders).where(
            tariff_payment_orders.c.party_id == party_id, tariff_payment_orders.c.reference == reference
        )
    ).first()


def orders_of(conn: Connection, *, declaration_id: str | None = None, party_id: str | None = None) -> list[Any]:
    """Returns payment orders of a declaration and/or a party, oldest first."""
    query = select(tariff_payment_orders)
    if declaration_id is not None:
        query = query.where(tariff_payment_orders.c.declaration_id == declaration_id)
    if party_id is not None:
        query = query.where(tariff_payment_orders.c.party_id == party_id)
    return list(conn.execute(query.order_by(tariff_payment_orders.c.created_at, tariff_payment_orders.c.id).limit(500)))


def pending_total(conn: Connection, declaration_id: str) -> Decimal:
    """Returns what bank orders not yet settled would pay on a declaration."""
    rows = conn.execute(
        select(tariff_payment_orders.c.amount).where(
            tariff_payment_orders.c.declaration_id == declaration_id, tariff_payment_orders.c.status == "pending"
        )
    )
    return sum((Decimal(r.amount) for r in rows), Decimal(0))


def set_order_status(conn: Connection, order_id: str, status: str, **values: Any) -> None:
    """Moves a payment order to a status (settled, failed, cancelled)."""
    conn.execute(
        update(tariff_payment_orders).where(tariff_payment_orders.c.id == order_id).values(status=status, **values)
    )


def notification_seen(conn: Connection, provider: str, notification_id: str) -> Any:
    """Returns the notification already accepted with this id from this provider, if any."""
    return conn.execute(
        select(tariff_payment_notifications).where(
            tariff_payment_notifications.c.provider == provider,
            tariff_payment_notifications.c.notification_id == notification_id,
        )
    ).first()


def insert_notification(conn: Connection, **values: Any) -> None:
    """Records an accepted notification."""
    conn.execute(tariff_payment_notifications.insert().values(**values))


def provider_row(conn: Connection, name: str) -> Any:
    """Returns a registered payment provider."""
    return conn.execute(select(tariff_payment_providers).where(tariff_payment_providers.c.name == name)).first()


def all_providers(conn: Connection) -> list[Any]:
    """Returns every registered payment provider."""
    return list(conn.execute(select(tariff_payment_providers).order_by(tariff_payment_providers.c.name)))


def upsert_provider(conn: Connection, **values: Any) -> None:
    """Registers a provider, or replaces its key and state."""
    if provider_row(conn, values["name"]) is None:
        conn.execute(tariff_payment_providers.insert().values(**values))
    else:
        name = values.pop("name")
        conn.execute(update(tariff_payment_providers).where(tariff_payment_providers.c.name == name).values(**values))


def orders_waiting(conn: Connection, provider: str) -> list[Any]:
    """Returns the orders waiting for a provider's confirmation, oldest first."""
    return list(
        conn.execute(
            select(tariff_payment_orders)
            .where(tariff_payment_orders.c.provider == provider, tariff_payment_orders.c.status == "pending")
            .order_by(tariff_payment_orders.c.created_at, tariff_payment_orders.c.id)
        )
    )
