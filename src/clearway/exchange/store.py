"""Exchange tables: partners and agreements, the outbox and inbox, refusals, mirror data, alerts, shared heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from clearway.core.time import ensure_utc
from clearway.platform.db import metadata

partners = Table(
    "exchange_partners",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("did", String(300), nullable=False, unique=True),
    Column("url", String(500), nullable=False),
    Column("org_id", String(64), nullable=False),  # the partner's organisation in the ledger (keys, AEO registry)
    Column("name", String(200), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
)

agreements = Table(
    "exchange_agreements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(2), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    UniqueConstraint("country", "kind", "since", name="uq_exchange_agreements_country_kind_since"),
)

outbox = Table(
    "exchange_outbox",
    metadata,
    Column("id", String(36), primary_key=True),  # the message id the receiver deduplicates on
    Column("country", String(2), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False, index=True),  # pending, sent, refused
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_error", String(500), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
)

inbox = Table(
    "exchange_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(36), nullable=False),
    Column("country", String(2), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("body", JSON, nullable=False),
    Column("jws", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(500), nullable=False),
    UniqueConstraint("country", "message_id", name="uq_exchange_inbox_country_message_id"),
)

refusals = Table(
    "exchange_refusals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("country", String(2), nullable=True),
    Column("message_id", String(64), nullable=True),
    Column("code", String(24), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("remote", String(64), nullable=True),
)

imports = Table(
    "exchange_imports",
    metadata,
    Column("mrn", String(40), primary_key=True),
    Column("origin_country", String(2), nullable=False, index=True),
    Column("ucr", String(70), nullable=True, index=True),
    Column("transport_document", String(70), nullable=True, index=True),
    Column("day", Date, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("matched_export", String(36), nullable=True),
)

exports = Table(
    "exchange_exports",
    metadata,
    Column("message_id", String(36), primary_key=True),
    Column("country", String(2), nullable=False, index=True),
    Column("mrn", String(40), nullable=False),
    Column("ucr", String(70), nullable=True, index=True),
    Column("transport_document", String(70), nullable=True, index=True),
    Column("day", Date, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("import_mrn", String(40), nullable=True, index=True),
    Column("basis", String(24), nullable=True),
    Column("facts", JSON, nullable=True),
)

alerts = Table(
    "exchange_alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("country", String(2), nullable=False, index=True),  # the administration that issued it
    Column("kind", String(12), nullable=False),
    Column("record", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("hs_code", String(10), nullable=True, index=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("received", Boolean, nullable=False),
    Column("watchlist", String(120), nullable=True),
    Column("watchlisted_by", String(100), nullable=True),
)

aeo_shared = Table(
    "exchange_aeo_shared",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("entry_hash", String(64), primary_key=True),
    Column("shared_at", DateTime(timezone=True), nullable=False),
)

heads = Table(
    "exchange_heads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(2), nullable=False, index=True),
    Column("tree_size", BigInteger, nullable=False),
    Column("root_hash", String(64), nullable=False),  # base64
    Column("timestamp_ms", BigInteger, nullable=False),
    Column("signature", String(128), nullable=False),
    Column("kid", String(320), nullable=False),
    Column("chain_id", BigInteger, nullable=True),
    Column("contract", String(64), nullable=True),
    Column("tx_hash", String(80), nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("consistent", Boolean, nullable=False),
    Column("problem", String(500), nullable=True),
)


def as_utc(value: datetime | None) -> datetime | None:
    """Returns a stored time as aware UTC (SQLite drops the zone)."""
    return None if value is None else ensure_utc(value)
