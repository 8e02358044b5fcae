"""Permit queries: read permits, draw them down with a conditional update, record drawdowns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, func, select, true, update

from clearway.single_window.model import HsSpec, Permit, from_milli
from clearway.single_window.store import sw_drawdowns, sw_permits


def _permit(row: Any) -> Permit:
    return Permit(
        number=row.number,
        agency=row.agency,
        holder_id=row.holder_id,
        kind=row.kind,
        standing=bool(row.standing),
        hs=tuple(HsSpec.parse(s) for s in row.hs),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        unit=row.unit,
        quantity=from_milli(row.quantity_milli) if row.quantity_milli is not None else None,
        remaining=from_milli(row.remaining_milli) if row.remaining_milli is not None else None,
        revoked=bool(row.revoked),
    )


def insert_permit(conn: Connection, values: dict[str, Any]) -> None:
    """Stores a new permit."""
    conn.execute(sw_permits.insert().values(**values))


def get_permit(conn: Connection, number: str) -> Permit | None:
    """Returns a permit by number."""
    row = conn.execute(select(sw_permits).where(sw_permits.c.number == number)).first()
    return _permit(row) if row else None


def permits_by_numbers(conn: Connection, numbers: Sequence[str]) -> list[Permit]:
    """Returns the permits among the given numbers."""
    if not numbers:
        return []
    rows = conn.execute(select(sw_permits).where(sw_permits.c.number.in_(list(numbers)))).all()
    return [_permit(r) for r in rows]


def standing_permits(conn: Connection, holder_id: str) -> list[Permit]:
    """Returns the standing licences a trader holds, from every agency, soonest expiry first."""
    rows = conn.execute(
        select(sw_permits)
        .where(
            and_(
                sw_permits.c.holder_id == holder_id,
                sw_permits.c.standing.is_(True),
                sw_permits.c.revoked.is_(False),
            )
        )
        .order_by(sw_permits.c.valid_to, sw_permits.c.number)
    ).all()
    return [_permit(r) for r in rows]


def list_permits(
    conn: Connection, *, agency: str | None, holder_id: str | None, limit: int, offset: int
) -> tuple[list[Permit], int]:
    """Lists permits, newest validity first."""
    conds: list[ColumnElement[bool]] = []
    if agency is not None:
        conds.append(sw_permits.c.agency == agency)
    if holder_id is not None:
        conds.append(sw_permits.c.holder_id == holder_id)
    where = and_(true(), *conds)
    total = conn.execute(select(func.count()).select_from(sw_permits).where(where)).scalar_one()
    rows = conn.execute(
        select(sw_permits)
        .where(where)
        .order_by(sw_permits.c.valid_to.desc(), sw_permits.c.number)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_permit(r) for r in rows], int(total)


_DRAW = (
    update(sw_permits)
    .where(
        and_(
            sw_permits.c.number == bindparam("p_number"),
            sw_permits.c.revoked.is_(False),
            sw_permits.c.remaining_milli >= bindparam("p_quantity"),
        )
    )
    .values(remaining_milli=sw_permits.c.remaining_milli - bindparam("p_quantity"))
)


def draw_down(conn: Connection, number: str, quantity_milli: int) -> bool:
    """Takes a quantity from a permit only if that much remains; tells whether it did.

    The condition sits in the UPDATE itself, so two transactions racing for the last tonnes cannot
    both succeed: the database re-checks ``remaining >= q`` on the locked row.
    """
    result = conn.execute(_DRAW, {"p_number": number, "p_quantity": quantity_milli})
    return bool(result.rowcount == 1)


def add_drawdowns(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Records drawdowns against permits."""
    if rows:
        conn.execute(sw_drawdowns.insert(), list(rows))


def drawdowns(conn: Connection, number: str) -> list[dict[str, Any]]:
    """Returns the drawdowns of a permit, oldest first."""
    rows = conn.execute(
        select(sw_drawdowns).where(sw_drawdowns.c.permit_number == number).order_by(sw_drawdowns.c.id)
    ).mappings()
    return [dict(r) for r in rows]
