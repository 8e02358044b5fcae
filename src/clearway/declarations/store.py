"""Declaration tables and queries. Rows in, domain objects out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    func,
    select,
    true,
    update,
)

from clearway.core.issues import Conflict
from clearway.core.time import ensure_utc
from clearway.declarations import codec
from clearway.declarations.model import Declaration, HistoryEntry, Lane, Status
from clearway.platform.db import metadata

declarations = Table(
    "declarations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("mrn", String(18), nullable=False, unique=True),
    Column("lrn", String(35), nullable=False),
    Column("declarant_id", String(40), nullable=False),
    Column("importer_id", String(40), nullable=False, index=True),
    Column("representative_id", String(40), nullable=True, index=True),
    Column("type", String(2), nullable=False),
    Column("office", String(12), nullable=False),
    Column("status", String(2), nullable=False),
    Column("lane", String(6), nullable=True),
    Column("item_count", Integer, nullable=False),
    Column("total_amount", Numeric(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("document", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("lodged_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=True),
    Column("released_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("declarant_id", "lrn", name="uq_declarations_declarant_lrn"),
    Index("ix_declarations_queue", "office", "status", "lane", "lodged_at"),
    Index("ix_declarations_lodged_at", "lodged_at"),
)

goods_items = Table(
    "goods_items",
    metadata,
    Column("declaration_id", String(36), ForeignKey("declarations.id"), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("commodity_code", String(10), nullable=False, index=True),
    Column("origin_country", String(2), nullable=False),
    Column("description", String(512), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
    Column("unit", String(3), nullable=False),
    Column("net_mass", Numeric(18, 3), nullable=False),
    Column("gross_mass", Numeric(18, 3), nullable=False),
    Column("invoice_amount", Numeric(18, 2), nullable=False),
    Column("invoice_currency", String(3), nullable=False),
    Column("procedure_code", String(4), nullable=False),
    Column("preference", String(10), nullable=True),
)

declaration_events = Table(
    "declaration_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("status_from", String(2), nullable=True),
    Column("status_to", String(2), nullable=True),
    Column("data", JSON, nullable=False),
    Index("ix_declaration_events_declaration", "declaration_id", "id"),
)

# Every message as lodged and every amendment, kept immutably (never updated or deleted): the record of what
# the trader declared, in the format it was sent (JSON or WCO DM XML), readable by officers and the owner.
declaration_versions = Table(
    "declaration_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("declaration_id", String(36), ForeignKey("declarations.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("media_type", String(60), nullable=False),
    Column("message", Text, nullable=True),
    Column("document", JSON, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("reason", String(1000), nullable=False),
    UniqueConstraint("declaration_id", "number", name="uq_declaration_versions_number"),
)

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


def flush_history(conn: Connection, decl: Declaration) -> None:
    """Appends the declaration's new history entries in one insert. History rows are never updated or deleted.

    While the declaration's writes are held (``decl.hold_writes``, the lodging pipeline), nothing is written.
    """
    if decl.pending and not decl.hold_writes:
        conn.execute(
            declaration_events.insert(),
            [
                {
                    "declaration_id": decl.id,
                    "kind": e.kind,
                    "at": e.at,
                    "actor": e.actor,
                    "role": e.role,
                    "reason": e.reason,
                    "status_from": e.status_from.value if e.status_from else None,
                    "status_to": e.status_to.value if e.status_to else None,
                    "data": e.data,
                }
                for e in decl.pending
            ],
        )
        decl.pending.clear()


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
        history=[_entry(h) for h in history],
    )


def _entry(h: Any) -> HistoryEntry:
    return HistoryEntry(
        kind=h.kind,
        at=ensure_utc(h.at),
        actor=h.actor,
        role=h.role,
        reason=h.reason,
        status_from=Status(h.status_from) if h.status_from else None,
        status_to=Status(h.status_to) if h.status_to else None,
        data=h.data or {},
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


def add_version(
    conn: Connection,
    decl: Declaration,
    *,
    kind: str,
    media_type: str,
    message: str | None,
    document: dict[str, Any],
    payload_hash: str,
    at: datetime,
    actor: str,
    reason: str,
    number: int | None = None,
) -> int:
    """Keeps one more version of the declared message; returns its number (1 for the lodged message)."""
    number = number or (
        conn.execute(
            select(func.coalesce(func.max(declaration_versions.c.number), 0)).where(
                declaration_versions.c.declaration_id == decl.id
            )
        ).scalar_one()
        + 1
    )
    conn.execute(
        declaration_versions.insert(),
        {
            "declaration_id": decl.id,
            "number": number,
            "kind": kind,
            "media_type": media_type,
            "message": message,
            "document": document,
            "payload_hash": payload_hash,
            "at": at,
            "actor": actor,
            "reason": reason,
        },
    )
    return int(number)


def versions(conn: Connection, declaration_id: str) -> list[dict[str, Any]]:
    """Returns every kept version of a declaration's message, oldest first."""
    rows = conn.execute(
        select(declaration_versions)
        .where(declaration_versions.c.declaration_id == declaration_id)
        .order_by(declaration_versions.c.number)
    ).all()
    return [
        {
            "number": r.number,
            "kind": r.kind,
            "media_type": r.media_type,
            "message": r.message,
            "document": r.document,
            "payload_hash": r.payload_hash,
            "at": ensure_utc(r.at),
            "actor": r.actor,
            "reason": r.reason,
        }
        for r in rows
    ]


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


def history_since(conn: Connection, declaration_id: str, after_id: int = 0) -> list[tuple[int, HistoryEntry]]:
    """Returns history entries after an entry id, for notification polling."""
    rows = conn.execute(
        select(declaration_events)
        .where(and_(declaration_events.c.declaration_id == declaration_id, declaration_events.c.id > after_id))
        .order_by(declaration_events.c.id)
    ).all()
    return [(r.id, _entry(r)) for r in rows]


def declaration_id(conn: Connection, mrn: str) -> str | None:
    """Returns the internal id of a declaration by MRN."""
    return conn.execute(select(declarations.c.id).where(declarations.c.mrn == mrn)).scalar_one_or_none()
