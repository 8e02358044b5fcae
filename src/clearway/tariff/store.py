"""Tariff tables (schedules, exchange rates, assessments, payments, guarantee accounts, payment orders and
providers) and the queries on schedules, rates and assessments; accounts are queried in ``account_store``,
payments and payment orders in ``payment_store``."""

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
