"""Guarantee and deferment account queries: open, read, and draw down or credit a balance under a row lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update

from clearway.tariff.store import tariff_accounts


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
