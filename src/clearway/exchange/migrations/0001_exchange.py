"""exchange: partners, agreements, outbox, inbox, refusals, mirror data, alerts, shared tree heads

Revision ID: exchange_0001
Revises: 0001_core
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "exchange_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("exchange",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_aeo_shared",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("country", "entry_hash", name=op.f("pk_exchange_aeo_shared")),
    )
    op.create_table(
        "exchange_agreements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_agreements")),
        sa.UniqueConstraint("country", "kind", "since", name="uq_exchange_agreements_country_kind_since"),
    )
    op.create_index(op.f("ix_exchange_agreements_country"), "exchange_agreements", ["country"], unique=False)
    op.create_table(
        "exchange_alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("watchlist", sa.String(length=120), nullable=True),
        sa.Column("watchlisted_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_alerts")),
    )
    op.create_index(op.f("ix_exchange_alerts_country"), "exchange_alerts", ["country"], unique=False)
    op.create_index(op.f("ix_exchange_alerts_hs_code"), "exchange_alerts", ["hs_code"], unique=False)
    op.create_table(
        "exchange_exports",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("mrn", sa.String(length=40), nullable=False),
        sa.Column("ucr", sa.String(length=70), nullable=True),
        sa.Column("transport_document", sa.String(length=70), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_mrn", sa.String(length=40), nullable=True),
        sa.Column("basis", sa.String(length=24), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_exchange_exports")),
    )
    op.create_index(op.f("ix_exchange_exports_country"), "exchange_exports", ["country"], unique=False)
    op.create_index(op.f("ix_exchange_exports_import_mrn"), "exchange_exports", ["import_mrn"], unique=False)
    op.create_index(
        op.f("ix_exchange_exports_transport_document"), "exchange_exports", ["transport_document"], unique=False
    )
    op.create_index(op.f("ix_exchange_exports_ucr"), "exchange_exports", ["ucr"], unique=False)
    op.create_table(
        "exchange_heads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("kid", sa.String(length=320), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=True),
        sa.Column("contract", sa.String(length=64), nullable=True),
        sa.Column("tx_hash", sa.String(length=80), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consistent", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_heads")),
    )
    op.create_index(op.f("ix_exchange_heads_country"), "exchange_heads", ["country"], unique=False)
    op.create_table(
        "exchange_imports",
        sa.Column("mrn", sa.String(length=40), nullable=False),
        sa.Column("origin_country", sa.String(length=2), nullable=False),
        sa.Column("ucr", sa.String(length=70), nullable=True),
        sa.Column("transport_document", sa.String(length=70), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("matched_export", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("mrn", name=op.f("pk_exchange_imports")),
    )
    op.create_index(op.f("ix_exchange_imports_origin_country"), "exchange_imports", ["origin_country"], unique=False)
    op.create_index(
        op.f("ix_exchange_imports_transport_document"), "exchange_imports", ["transport_document"], unique=False
    )
    op.create_index(op.f("ix_exchange_imports_ucr"), "exchange_imports", ["ucr"], unique=False)
    op.create_table(
        "exchange_inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_inbox")),
        sa.UniqueConstraint("country", "message_id", name="uq_exchange_inbox_country_message_id"),
    )
    op.create_table(
        "exchange_outbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_outbox")),
    )
    op.create_index(op.f("ix_exchange_outbox_next_attempt_at"), "exchange_outbox", ["next_attempt_at"], unique=False)
    op.create_index(op.f("ix_exchange_outbox_status"), "exchange_outbox", ["status"], unique=False)
    op.create_table(
        "exchange_partners",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("did", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("country", name=op.f("pk_exchange_partners")),
        sa.UniqueConstraint("did", name=op.f("uq_exchange_partners_did")),
    )
    op.create_table(
        "exchange_refusals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("remote", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_refusals")),
    )
    op.create_index(op.f("ix_exchange_refusals_received_at"), "exchange_refusals", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_exchange_refusals_received_at"), table_name="exchange_refusals")
    op.drop_table("exchange_refusals")
    op.drop_table("exchange_partners")
    op.drop_index(op.f("ix_exchange_outbox_status"), table_name="exchange_outbox")
    op.drop_index(op.f("ix_exchange_outbox_next_attempt_at"), table_name="exchange_outbox")
    op.drop_table("exchange_outbox")
    op.drop_table("exchange_inbox")
    op.drop_index(op.f("ix_exchange_imports_ucr"), table_name="exchange_imports")
    op.drop_index(op.f("ix_exchange_imports_transport_document"), table_name="exchange_imports")
    op.drop_index(op.f("ix_exchange_imports_origin_country"), table_name="exchange_imports")
    op.drop_table("exchange_imports")
    op.drop_index(op.f("ix_exchange_heads_country"), table_name="exchange_heads")
    op.drop_table("exchange_heads")
    op.drop_index(op.f("ix_exchange_exports_ucr"), table_name="exchange_exports")
    op.drop_index(op.f("ix_exchange_exports_transport_document"), table_name="exchange_exports")
    op.drop_index(op.f("ix_exchange_exports_import_mrn"), table_name="exchange_exports")
    op.drop_index(op.f("ix_exchange_exports_country"), table_name="exchange_exports")
    op.drop_table("exchange_exports")
    op.drop_index(op.f("ix_exchange_alerts_hs_code"), table_name="exchange_alerts")
    op.drop_index(op.f("ix_exchange_alerts_country"), table_name="exchange_alerts")
    op.drop_table("exchange_alerts")
    op.drop_index(op.f("ix_exchange_agreements_country"), table_name="exchange_agreements")
    op.drop_table("exchange_agreements")
    op.drop_table("exchange_aeo_shared")
