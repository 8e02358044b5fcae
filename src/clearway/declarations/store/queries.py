"""Read-only look-ups over the declaration headers: lists and queues, MRN checks, internal ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select, true

from clearway.declarations.store.tables import declarations


def mrn_exists(conn: Connection, mrn: str) -> bool:
    """Tells whether an MRN was already issued."""
    return conn.execute(select(declarations.c.id).where(declarations.c.mrn == mrn)).first() is not None


def list_summaries(
    conn: Connection,
    *,
    party_id: str | None = None,
    status: str | None = None,
    lane: str | None = None,
    office: str | None = None,
    limit: int = 50,
    offset: int = 0,
    queue_order: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Lists declarations as summaries, filtered, newest first (or red-first, oldest-first for queues)."""
    cols = [
        declarations.c[n]
        for n in (
            "mrn",
            "lrn",
            "declarant_id",
            "importer_id",
            "type",
            "office",
            "status",
            "lane",
            "item_count",
            "total_amount",
            "currency",
            "lodged_at",
            "accepted_at",
            "released_at",
            "version",
        )
    ]
    conds: list[ColumnElement[bool]] = []
    if party_id is not None:
        conds.append(
            (declarations.c.declarant_id == party_id)
            | (declarations.c.importer_id == party_id)
            | (declarations.c.representative_id == party_id)
        )
    if status:
        conds.append(declarations.c.status == status)
    if lane:
        conds.append(declarations.c.lane == lane)
    if office:
        conds.append(declarations.c.office == office)
    where = and_(true(), *conds)
    total = conn.execute(select(func.count()).select_from(declarations).where(where)).scalar_one()
    query = select(*cols).where(where)
    if queue_order:
        lane_rank = case({"red": 0, "yellow": 1, "green": 2}, value=declarations.c.lane, else_=3)
        query = query.order_by(lane_rank, declarations.c.lodged_at)
    else:
        query = query.order_by(declarations.c.lodged_at.desc(), declarations.c.mrn)
    rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
    return [dict(r) for r in rows], int(total)


def declaration_id(conn: Connection, mrn: str) -> str | None:
    """Returns the internal id of a declaration by MRN."""
    return conn.execute(select(declarations.c.id).where(declarations.c.mrn == mrn)).scalar_one_or_none()


__all__ = ["declaration_id", "list_summaries", "mrn_exists"]
