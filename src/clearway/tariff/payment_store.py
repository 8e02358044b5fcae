"""Payment queries: payments and guarantee drawdowns recorded on a declaration, bank payment orders, the
providers' notifications and the registered payment providers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select, update

from clearway.tariff.store import (
    tariff_payment_notifications,
    tariff_payment_orders,
    tariff_payment_providers,
    tariff_payments,
)


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
