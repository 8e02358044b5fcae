"""Declarations in and out: a new one stored whole, a changed one saved (optimistic version), loaded by MRN."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from clearway.core.issues import Conflict
from clearway.core.time import ensure_utc
from clearway.declarations import codec
from clearway.declarations.model import Declaration, Lane, Status
from clearway.declarations.store.history import entry, flush_history
from clearway.declarations.store.tables import declaration_events, declarations, goods_items

_INSERT = declarations.insert()
_UPDATE_STATUS = (
    update(declarations)
    .where(and_(declarations.c.id == bindparam("_id"), declarations.c.version == bindparam("_version")))
    .values(
        status=bindparam("status"),
        lane=bindparam("lane"),
        version=bindparam("new_version"),
        accepted_at=bindparam("accepted_at"),
        released_at=bindparam("released_at"),
        updated_at=bindparam("updated_at"),
    )
)


def insert(conn: Connection, decl: Declaration, payload_hash: str, now: datetime, document: dict[str, Any]) -> None:
    """Stores a new declaration as it stands — header, items and its whole history — in three statements.

    The unique constraint on (declarant, LRN) decides between concurrent retries: the loser gets the
    ``IntegrityError`` (the lodging use case runs inside a savepoint and returns the winner's declaration).
    """
    _insert_header(conn, decl, payload_hash, now, document)
    _write_items(conn, decl)
    flush_history(conn, decl)


def _insert_header(
    conn: Connection, decl: Declaration, payload_hash: str, now: datetime, document: dict[str, Any]
) -> None:
    conn.execute(
        _INSERT,
        {
            **_header_row(decl),
            "document": document,
            "payload_hash": payload_hash,
            "version": decl.version,
            "lodged_at": decl.lodged_at,
            "updated_at": now,
        },
    )


def save(conn: Connection, decl: Declaration, now: datetime) -> None:
    """Saves a changed declaration if nobody else changed it first (optimistic version check)."""
    amended = any(e.kind in {"amended", "completed"} for e in decl.pending)  # the declared data changed
    if amended:
        result = conn.execute(
            update(declarations)
            .where(and_(declarations.c.id == decl.id, declarations.c.version == decl.version))
            .values(**_header_row(decl), document=codec.to_json(decl.data), version=decl.version + 1, updated_at=now)
        )
    else:
        result = conn.execute(
            _UPDATE_STATUS,
            {
                "_id": decl.id,
                "_version": decl.version,
                "status": decl.status.value,
                "lane": decl.lane.value if decl.lane else None,
                "new_version": decl.version + 1,
                "accepted_at": decl.accepted_at,
                "released_at": decl.released_at,
                "updated_at": now,
            },
        )
    if result.rowcount != 1:
        raise Conflict(
            f"declaration {decl.mrn} was changed by someone else meanwhile; reload it and decide again",
            code="CONCURRENT_UPDATE",
        )
    decl.version += 1
    if amended:
        conn.execute(goods_items.delete().where(goods_items.c.declaration_id == decl.id))
        _write_items(conn, decl)
    flush_history(conn, decl)


def _header_row(decl: Declaration) -> dict[str, Any]:
    d = decl.data
    return {
        "id": decl.id,
        "mrn": decl.mrn,
        "lrn": d.lrn,
        "declarant_id": d.declarant.id,
        "importer_id": d.importer.id,
        "representative_id": d.representative.id if d.representative else None,
        "type": d.type,
        "office": d.office,
        "status": decl.status.value,
        "lane": decl.lane.value if decl.lane else None,
        "item_count": d.item_count,
        "total_amount": d.invoice.total_amount,
        "currency": d.invoice.currency,
        "accepted_at": decl.accepted_at,
        "released_at": decl.released_at,
    }


def _write_items(conn: Connection, decl: Declaration) -> None:
    conn.execute(
        goods_items.insert(),
        [
            {
                "declaration_id": decl.id,
                "sequence": i.sequence,
                "commodity_code": i.commodity_code,
                "origin_country": i.origin_country,
                "description": i.description[:512],
                "quantity": i.quantity,
                "unit": i.unit,
                "net_mass": i.net_mass,
                "gross_mass": i.gross_mass,
                "invoice_amount": i.invoice_amount,
                "invoice_currency": i.invoice_currency,
                "procedure_code": i.procedure_code,
                "preference": i.preference,
            }
            for i in decl.data.goods_items
        ],
    )


def _to_domain(row: Any, history: Sequence[Any] = ()) -> Declaration:
    return Declaration(
        id=row.id,
        mrn=row.mrn,
        data=codec.from_json(row.document),
        status=Status(row.status),
        lodged_at=ensure_utc(row.lodged_at),
        version=row.version,
        lane=Lane(row.lane) if row.lane else None,
        accepted_at=ensure_utc(row.accepted_at) if row.accepted_at else None,
        released_at=ensure_utc(row.released_at) if row.released_at else None,
        history=[entry(h) for h in history],
    )


def get_by_mrn(
    conn: Connection, mrn: str, *, with_history: bool = True, for_update: bool = False
) -> Declaration | None:
    """Loads a declaration by MRN, with its history."""
    query = select(declarations).where(declarations.c.mrn == mrn)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        return None
    history = (
        conn.execute(
            select(declaration_events)
            .where(declaration_events.c.declaration_id == row.id)
            .order_by(declaration_events.c.id)
        ).all()
        if with_history
        else []
    )
    return _to_domain(row, history)


def get_many(conn: Connection, mrns: Sequence[str]) -> dict[str, Declaration]:
    """Loads several declarations by MRN with their histories, in two queries: MRN -> declaration."""
    out: dict[str, Declaration] = {}
    for start in range(0, len(mrns), 500):
        rows = conn.execute(select(declarations).where(declarations.c.mrn.in_(mrns[start : start + 500]))).all()
        by_id: dict[str, list[Any]] = {r.id: [] for r in rows}
        if by_id:
            for h in conn.execute(
                select(declaration_events)
                .where(declaration_events.c.declaration_id.in_(list(by_id)))
                .order_by(declaration_events.c.id)
            ):
                by_id[h.declaration_id].append(h)
        for r in rows:
            out[r.mrn] = _to_domain(r, by_id[r.id])
    return out


def find_by_lrn(conn: Connection, declarant_id: str, lrn: str) -> tuple[str, str, str] | None:
    """Returns (mrn, status, payload hash) of the declaration lodged by a declarant under an LRN."""
    row = conn.execute(
        select(declarations.c.mrn, declarations.c.status, declarations.c.payload_hash).where(
            and_(declarations.c.declarant_id == declarant_id, declarations.c.lrn == lrn)
        )
    ).first()
    return (row.mrn, row.status, row.payload_hash) if row else None


__all__ = ["find_by_lrn", "get_by_mrn", "get_many", "insert", "save"]
