"""Ledger tables: organisations and keys, the append-only log with its subtree hashes and tree heads,
credentials, the AEO registry and anchors. Queries take a Connection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)

from clearway.core.time import ensure_utc
from clearway.ledger.keys import KeyRecord
from clearway.platform.db import metadata

orgs = Table(
    "ledger_orgs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("did", String(300), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("party_id", String(40), nullable=True, index=True),
    Column("is_foreign", Boolean, nullable=False),
    Column("mra_since", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

keys = Table(
    "ledger_keys",
    metadata,
    Column("kid", String(320), primary_key=True),
    Column("org_id", String(64), ForeignKey("ledger_orgs.id"), nullable=False, index=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("private_key", LargeBinary, nullable=True),  # AES-GCM under a key derived from the platform secret
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revocation_reason", String(500), nullable=True),
)

entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(30), nullable=False),
    Column("ref", String(200), nullable=False, index=True),
    Column("leaf_input", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary, nullable=False, index=True),
    Column("appended_at", DateTime(timezone=True), nullable=False),
)

nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)

tree_heads = Table(
    "ledger_tree_heads",
    metadata,
    Column("tree_size", Integer, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary, nullable=False),
    Column("timestamp_ms", BigInteger, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("kid", String(320), nullable=False),
)

credentials = Table(
    "ledger_credentials",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("issuer_org", String(64), ForeignKey("ledger_orgs.id"), nullable=False, index=True),
    Column("jwt", Text, nullable=False),
    Column("subject", JSON, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=True),
    Column("status_index", Integer, nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revocation_reason", String(500), nullable=True),
    Column("log_index", Integer, nullable=False),
    UniqueConstraint("issuer_org", "status_index", name="uq_ledger_credentials_status"),
)

product_refs = Table(
    "ledger_product_refs",
    metadata,
    Column("product_id", String(200), primary_key=True),
    Column("credential_id", String(80), ForeignKey("ledger_credentials.id"), primary_key=True),
)

aeo = Table(
    "ledger_aeo",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("administration", String(64), ForeignKey("ledger_orgs.id"), nullable=False),
    Column("trader_id", String(40), nullable=False, index=True),
    Column("trader_name", String(200), nullable=False),
    Column("status", String(12), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("jws", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("log_index", Integer, nullable=False),
)

anchors = Table(
    "ledger_anchors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", Integer, nullable=False),
    Column("root_hash", LargeBinary, nullable=False),
    Column("network", String(200), nullable=False),
    Column("chain_id", BigInteger, nullable=False),
    Column("contract", String(42), nullable=False),
    Column("tx_hash", String(66), nullable=False),
    Column("block_number", Integer, nullable=False),
    Column("anchored_at", DateTime(timezone=True), nullable=False),
)


def lock_log(conn: Connection) -> None:
    """Serialises appends: SQLite already writes one at a time; PostgreSQL takes a transaction advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7390021)"))


def tree_size(conn: Connection) -> int:
    """Returns the number of entries in the log."""
    last = conn.execute(select(func.max(entries.c.idx))).scalar()  # the primary key index answers this at once
    return 0 if last is None else int(last) + 1


def node(conn: Connection, level: int, idx: int) -> bytes | None:
    """Returns a stored complete subtree hash."""
    value = conn.execute(select(nodes.c.hash).where(nodes.c.level == level, nodes.c.idx == idx)).scalar()
    return bytes(value) if value is not None else None


def iter_entries(conn: Connection, start: int = 0, end: int | None = None, batch: int = 2000) -> Iterator[Any]:
    """Yields the log's entries in order, in batches."""
    pos = start
    while end is None or pos < end:
        stop = pos + batch if end is None else min(pos + batch, end)
        rows = conn.execute(
            select(entries).where(entries.c.idx >= pos, entries.c.idx < stop).order_by(entries.c.idx)
        ).all()
        if not rows:
            return
        yield from rows
        pos = stop


def key_record(row: Any) -> KeyRecord:
    """Turns a key row into a key record."""
    return KeyRecord(
        kid=row.kid,
        org_id=row.org_id,
        public_key=bytes(row.public_key),
        valid_from=ensure_utc(row.valid_from),
        valid_until=ensure_utc(row.valid_until) if row.valid_until else None,
        revoked_at=ensure_utc(row.revoked_at) if row.revoked_at else None,
        revocation_reason=row.revocation_reason,
    )


def get_key(conn: Connection, kid: str) -> KeyRecord | None:
    """Returns a key by its id."""
    row = conn.execute(select(keys).where(keys.c.kid == kid)).first()
    return key_record(row) if row is not None else None


def org_keys(conn: Connection, org_id: str) -> list[KeyRecord]:
    """Returns every key of an organisation, oldest first."""
    rows = conn.execute(select(keys).where(keys.c.org_id == org_id).order_by(keys.c.valid_from)).all()
    return [key_record(r) for r in rows]


def get_org(conn: Connection, org_id: str) -> Any:
    """Returns an organisation row."""
    return conn.execute(select(orgs).where(orgs.c.id == org_id)).first()


def org_by_did(conn: Connection, did: str) -> Any:
    """Returns an organisation row by DID."""
    return conn.execute(select(orgs).where(orgs.c.did == did)).first()


def as_utc(value: datetime | None) -> datetime | None:
    """Returns a stored time as aware UTC."""
    return ensure_utc(value) if value is not None else None
