"""The platform's own tables: users, their API tokens, the admin audit log and four-eyes change requests."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table

from clearway.platform.db import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("party_id", String(40), nullable=True),
    Column("agency", String(40), nullable=True),
    Column("office", String(12), nullable=True),
    Column("password_hash", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(80), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
)

# The administrative audit trail: append-only (the migration adds triggers refusing UPDATE and DELETE).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(80), nullable=False),
    Column("target", String(200), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("reason", String(1000), nullable=False),
    Column("request_id", String(64), nullable=True),
    Index("ix_audit_log_action_at", "action", "at"),
    Index("ix_audit_log_target", "target"),
    Index("ix_audit_log_actor", "actor"),
)

# Changes that weaken a control wait here for a second person's approval (four eyes).
change_requests = Table(
    "change_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(80), nullable=False),
    Column("target", String(200), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("requested_by", String(80), nullable=False),
    Column("requested_role", String(20), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(80), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decision_reason", String(1000), nullable=True),
    Index("ix_change_requests_status", "status", "created_at"),
)
