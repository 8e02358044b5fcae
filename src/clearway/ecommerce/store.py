"""E-commerce tables and queries: manifests, parcel decisions (bulk-written), rejects, recalls, brands, profiles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
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
    case,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clearway.platform.db import Money, metadata

manifests = Table(
    "ecommerce_manifests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("submitter_party", String(40), nullable=True, index=True),
    Column("submitted_by", String(100), nullable=False),
    Column("country", String(2), nullable=False),
    Column("source_name", String(200), nullable=False),
    Column("format", String(8), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("summary", JSON, nullable=False),
)

parcels = Table(
    "ecommerce_parcels",
    metadata,
    Column("manifest_id", String(36), primary_key=True),
    Column("parcel_id", String(64), primary_key=True),
    Column("submitter_party", String(40), nullable=True),
    Column("country", String(2), nullable=False),
    Column("day", Date, nullable=False),
    Column("seller_id", String(64), nullable=True),
    Column("marketplace", String(64), nullable=True),
    Column("consignee_id", String(64), nullable=True),
    Column("declared_value", Money(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("hs_code", String(12), nullable=True),
    Column("origin_country", String(2), nullable=True),
    Column("decision", String(16), nullable=False),
    Column("flags", String(200), nullable=False),
    Column("issues", String(300), nullable=False),
    Column("score", Integer, nullable=False),
    Column("reasons", Text, nullable=False),
    # the normalised title (``desc_norm``, at most 300 characters), so that an officer's verified HS code can
    # feed the classification history (``hs_history_store.verify``); null for parcels screened before 0004
    Column("desc_norm", String(300), nullable=True),
    Index("ix_ecommerce_parcels_country_day", "country", "day", "decision"),
)

rejects = Table(
    "ecommerce_rejects",
    metadata,
    Column("manifest_id", String(36), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("parcel_id", String(64), nullable=True),
    Column("codes", String(200), nullable=False),
    Column("message", Text, nullable=False),
)

recalls = Table(
    "ecommerce_recalls",
    metadata,
    Column("recall_id", String(64), primary_key=True),
    Column("product", String(200), nullable=False),
    Column("brand", String(100), nullable=False),
    Column("model", String(100), nullable=False),
    Column("hazard", String(200), nullable=False),
    Column("hs_code", String(10), nullable=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

brands = Table(
    "ecommerce_brands",
    metadata,
    Column("brand", String(100), primary_key=True),
    Column("rights_holder", String(200), nullable=False),
    Column("min_genuine_price", Money(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("hs_codes", String(200), nullable=False),
    Column("models", String(500), nullable=False, server_default=""),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

profiles = Table(
    "ecommerce_profiles",
    metadata,
    Column("kind", String(12), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("parcels", Integer, nullable=False),
    Column("flagged", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Seller history per submitting party (carrier or marketplace): a party's manifests move only the risk of
# that party's own parcels, so that fake parcels sent by one party cannot make another's parcels risky.
seller_history = Table(
    "ecommerce_seller_history",
    metadata,
    Column("party", String(40), primary_key=True),  # "" for manifests screened without a party (CLI)
    Column("seller_id", String(64), primary_key=True),
    Column("parcels", Integer, nullable=False),
    Column("flagged", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Officers' findings on parcels after a check: the only seller evidence that counts across parties.
findings = Table(
    "ecommerce_findings",
    metadata,
    Column("manifest_id", String(36), primary_key=True),
    Column("parcel_id", String(64), primary_key=True),
    Column("seller_id", String(64), nullable=True, index=True),
    Column("confirmed", Boolean, nullable=False),  # fraud confirmed (True) or the parcel was in order
    Column("officer", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# Classification history: past parcels' normalised titles and the HS6 they were declared (and accepted) under,
# counted; loaded by an administration (``hs_history_store.load_csv``), read by the HS check as evidence.
hs_history = Table(
    "ecommerce_hs_history",
    metadata,
    Column("desc_norm", String(300), primary_key=True),
    Column("hs6", String(6), primary_key=True),
    Column("parcels", Integer, nullable=False),
    Column("source", String(100), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

# What each reviewed parcel added to the classification history (an officer's verified HS6 for its title): one
# row per parcel, so that reviewing a parcel again never counts its title twice (``hs_history_store.verify``).
hs_history_reviews = Table(
    "ecommerce_hs_history_reviews",
    metadata,
    Column("manifest_id", String(36), primary_key=True),
    Column("parcel_id", String(64), primary_key=True),
    Column("desc_norm", String(300), nullable=False),
    Column("hs6", String(6), nullable=False),
    Column("officer", String(100), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

PARCEL_COLUMNS = tuple(c.name for c in parcels.columns)
REJECT_COLUMNS = tuple(c.name for c in rejects.columns)


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Inserts rows, replacing those whose key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=updates), list(rows))


def _add_counts(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    added: Sequence[str],
    replaced: Sequence[str],
) -> None:
    """Inserts rows, or, where the key exists, adds the ``added`` columns to the stored ones and replaces the
    ``replaced`` ones (SQLite and PostgreSQL)."""
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    updates: dict[str, Any] = {name: table.c[name] + stmt.excluded[name] for name in added}
    updates.update({name: stmt.excluded[name] for name in replaced})
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=updates), list(rows))


def add_profile_counts(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Adds parcel and flagged counts to seller/marketplace profiles (rows: kind, key, parcels, flagged, updated_at)."""
    _add_counts(conn, profiles, rows, ("kind", "key"), ("parcels", "flagged"), ("updated_at",))


def add_seller_history(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Adds parcel and flagged counts to (party, seller) histories (rows: party, seller_id, parcels, flagged,
    updated_at)."""
    _add_counts(conn, seller_history, rows, ("party", "seller_id"), ("parcels", "flagged"), ("updated_at",))


def add_hs_history(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Adds past parcels to (title, HS6) counts (rows: desc_norm, hs6, parcels, source, loaded_at)."""
    _add_counts(conn, hs_history, rows, ("desc_norm", "hs6"), ("parcels",), ("source", "loaded_at"))


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Writes many rows fast: COPY on PostgreSQL, executemany of tuples on SQLite; inside the open transaction."""
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    count = 0
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    cursor = conn.connection.cursor()
    marks = ", ".join("?" for _ in columns)
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 50_000:
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", batch)  # noqa: S608
            count += len(batch)
            batch = []
    if batch:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", batch)  # noqa: S608
        count += len(batch)
    cursor.close()
    return count


def day_load(conn: Connection, country: str, days: Sequence[date]) -> dict[date, tuple[int, int]]:
    """Returns, per day, the parcels already screened for a country and how many went to inspection."""
    if not days:
        return {}
    inspected = func.sum(case((parcels.c.decision == "hold_inspection", 1), else_=0))
    rows = conn.execute(
        select(parcels.c.day, func.count(), inspected)
        .where(parcels.c.country == country, parcels.c.day.in_(list(days)))
        .group_by(parcels.c.day)
    ).all()
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows}
