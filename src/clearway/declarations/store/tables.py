"""The declaration tables: headers, goods items, history events, and every declared message kept."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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


__all__ = ["declaration_events", "declaration_versions", "declarations", "goods_items"]
