"""Crisis tables: pack versions as loaded, activations (effective when approved), and the declarations affected."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    update,
)

from clearway.core.time import ensure_utc
from clearway.platform.db import metadata

crisis_packs = Table(
    "crisis_packs",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("version", String(20), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("source_text", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(80), nullable=False),
)

crisis_activations = Table(
    "crisis_activations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pack_id", String(60), nullable=False),
    Column("pack_version", String(20), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("requested_by", String(80), nullable=False),
    Column("approved_by", String(80), nullable=False),
    Column("activated_at", DateTime(timezone=True), nullable=False),
    Column("deactivated_at", DateTime(timezone=True), nullable=True),
    Column("deactivation_requested_by", String(80), nullable=True),
    Column("deactivated_by", String(80), nullable=True),
    Column("deactivation_reason", String(1000), nullable=True),
    Index("ix_crisis_activations_pack", "pack_id", "deactivated_at"),
)

crisis_effects = Table(
    "crisis_effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activation_id", String(36), nullable=False),
    Column("pack_id", String(60), nullable=False),
    Column("mrn", String(40), nullable=False),
    Column("declaration_id", String(36), nullable=False),
    Column("office", String(8), nullable=False),
    Column("importer_id", String(40), nullable=False),
    Column("declarant_id", String(40), nullable=False),
    Column("representative_id", String(40), nullable=True),
    Column("measures", JSON, nullable=False),
    Column("lane", String(10), nullable=True),
    Column("post_clearance_control", Boolean, nullable=False),
    Column("lodged_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=True),
    Column("deadline", Date, nullable=True),
    Column("waived", JSON, nullable=True),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    Index("ix_crisis_effects_mrn", "mrn", unique=True),
    Index("ix_crisis_effects_lodged", "lodged_at"),
    Index("ix_crisis_effects_importer", "importer_id"),
    Index("ix_crisis_effects_declarant", "declarant_id"),
)


def _opt(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_utc(value)


# --- packs --------------------------------------------------------------------------------------------------


def pack_row(conn: Connection, pack_id: str, version: str) -> dict[str, Any] | None:
    """Returns one stored pack version."""
    row = conn.execute(
        select(crisis_packs).where(crisis_packs.c.id == pack_id, crisis_packs.c.version == version)
    ).first()
    return None if row is None else {**row._mapping, "loaded_at": ensure_utc(row.loaded_at)}


def insert_pack(
    conn: Connection, *, pack_id: str, version: str, title: str, text: str, sha256: str, at: datetime, by: str
) -> None:
    """Stores a pack version (a version is loaded once; a change needs a new version)."""
    conn.execute(
        crisis_packs.insert().values(
            id=pack_id, version=version, title=title, source_text=text, sha256=sha256, loaded_at=at, loaded_by=by
        )
    )


def pack_rows(conn: Connection) -> list[dict[str, Any]]:
    """Returns every stored pack version, newest load first within each pack."""
    rows = conn.execute(
        select(
            crisis_packs.c.id,
            crisis_packs.c.version,
            crisis_packs.c.title,
            crisis_packs.c.sha256,
            crisis_packs.c.loaded_at,
            crisis_packs.c.loaded_by,
        ).order_by(crisis_packs.c.id, crisis_packs.c.loaded_at.desc(), crisis_packs.c.version.desc())
    )
    return [{**r._mapping, "loaded_at": ensure_utc(r.loaded_at)} for r in rows]


# --- activations --------------------------------------------------------------------------------------------


def _activation(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["activated_at"] = ensure_utc(row.activated_at)
    out["deactivated_at"] = _opt(row.deactivated_at)
    return out


def insert_activation(conn: Connection, values: dict[str, Any]) -> None:
    """Stores an approved activation."""
    conn.execute(crisis_activations.insert().values(**values))


def active(conn: Connection) -> list[dict[str, Any]]:
    """Returns the activations in force (approved and not deactivated), oldest first."""
    rows = conn.execute(
        select(crisis_activations)
        .where(crisis_activations.c.deactivated_at.is_(None))
        .order_by(crisis_activations.c.activated_at, crisis_activations.c.id)
    )
    return [_activation(r) for r in rows]


def activations(conn: Connection, *, limit: int = 200) -> list[dict[str, Any]]:
    """Returns every activation, newest first."""
    rows = conn.execute(
        select(crisis_activations)
        .order_by(crisis_activations.c.activated_at.desc(), crisis_activations.c.id)
        .limit(limit)
    )
    return [_activation(r) for r in rows]


def activation(conn: Connection, activation_id: str) -> dict[str, Any] | None:
    """Returns one activation."""
    row = conn.execute(select(crisis_activations).where(crisis_activations.c.id == activation_id)).first()
    return None if row is None else _activation(row)


def end_activation(
    conn: Connection, activation_id: str, *, at: datetime, requested_by: str, by: str, reason: str
) -> bool:
    """Ends an activation once; tells whether it did (False when it had already ended)."""
    result = conn.execute(
        update(crisis_activations)
        .where(crisis_activations.c.id == activation_id, crisis_activations.c.deactivated_at.is_(None))
        .values(
            deactivated_at=at, deactivation_requested_by=requested_by, deactivated_by=by, deactivation_reason=reason
        )
    )
    return bool(result.rowcount)


# --- declarations affected ----------------------------------------------------------------------------------


def insert_effect(conn: Connection, values: dict[str, Any]) -> None:
    """Records that a declaration was handled under a protocol."""
    conn.execute(crisis_effects.insert().values(**values))


def effect_of(conn: Connection, mrn: str) -> dict[str, Any] | None:
    """Returns what a protocol did to a declaration, if anything."""
    row = conn.execute(select(crisis_effects).where(crisis_effects.c.mrn == mrn)).first()
    return None if row is None else _effect(row)


def _effect(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    for name in ("lodged_at", "released_at", "completed_at"):
        out[name] = _opt(out[name])
    return out


def set_released(conn: Connection, mrn: str, at: datetime) -> None:
    """Notes when a declaration under a protocol was released."""
    conn.execute(
        update(crisis_effects)
        .where(crisis_effects.c.mrn == mrn, crisis_effects.c.released_at.is_(None))
        .values(released_at=at)
    )


def set_completed(conn: Connection, mrn: str, at: datetime) -> bool:
    """Notes that a provisional declaration was completed; tells whether it was still open."""
    result = conn.execute(
        update(crisis_effects)
        .where(
            crisis_effects.c.mrn == mrn,
            crisis_effects.c.deadline.is_not(None),
            crisis_effects.c.completed_at.is_(None),
        )
        .values(completed_at=at)
    )
    return bool(result.rowcount)


def effects(
    conn: Connection,
    *,
    party_id: str | None,
    pack_id: str | None = None,
    provisional: bool = False,
    overdue_on: date | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists declarations handled under protocols (a party's own only, when given), newest first, with the count."""
    conds: list[Any] = []
    if party_id is not None:
        conds.append(
            or_(
                crisis_effects.c.importer_id == party_id,
                crisis_effects.c.declarant_id == party_id,
                crisis_effects.c.representative_id == party_id,
            )
        )
    if pack_id:
        conds.append(crisis_effects.c.pack_id == pack_id)
    if provisional or overdue_on is not None:
        conds.append(crisis_effects.c.deadline.is_not(None))
    if overdue_on is not None:
        conds.extend([crisis_effects.c.completed_at.is_(None), crisis_effects.c.deadline < overdue_on])
    if start is not None:
        conds.append(crisis_effects.c.lodged_at >= start)
    if end is not None:
        conds.append(crisis_effects.c.lodged_at < end)
    where = and_(*conds) if conds else and_(True)
    total = int(conn.execute(select(func.count()).select_from(crisis_effects).where(where)).scalar_one())
    order = crisis_effects.c.deadline if overdue_on is not None else crisis_effects.c.lodged_at.desc()
    rows = conn.execute(
        select(crisis_effects).where(where).order_by(order, crisis_effects.c.id).limit(limit).offset(offset)
    )
    return [_effect(r) for r in rows], total


def effect_times(conn: Connection, *, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Returns (mrn, pack, lane, lodged, released) of every declaration under a protocol lodged in [start, end)."""
    rows = conn.execute(
        select(
            crisis_effects.c.mrn,
            crisis_effects.c.pack_id,
            crisis_effects.c.lane,
            crisis_effects.c.lodged_at,
            crisis_effects.c.released_at,
        ).where(crisis_effects.c.lodged_at >= start, crisis_effects.c.lodged_at < end)
    )
    return [
        {"mrn": r[0], "pack_id": r[1], "lane": r[2], "lodged_at": ensure_utc(r[3]), "released_at": _opt(r[4])}
        for r in rows
    ]
