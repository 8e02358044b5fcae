"""tariff: schedules, exchange rates, assessments, payments, guarantee accounts

Revision ID: 0002_tariff
Revises: 0001_core
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_tariff"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("tariff",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tariff_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("loaded_by", sa.String(length=80), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_schedules")),
        sa.UniqueConstraint("key", name=op.f("uq_tariff_schedules_key")),
    )
    op.create_table(
        "tariff_exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("currency", "valid_from", name=op.f("pk_tariff_exchange_rates")),
    )
    op.create_table(
        "tariff_assessments",
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("declaration_version", sa.Integer(), nullable=False),
        sa.Column("schedule_key", sa.String(length=36), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_tariff_assessments")),
        sa.UniqueConstraint("mrn", name=op.f("uq_tariff_assessments_mrn")),
    )
    op.create_table(
        "tariff_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("account_id", sa.String(length=20), nullable=True),
        sa.Column("paid_by", sa.String(length=80), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_tariff_payments_reference")),
    )
    op.create_index(op.f("ix_tariff_payments_declaration_id"), "tariff_payments", ["declaration_id"], unique=False)
    op.create_table(
        "tariff_accounts",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("limit_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("balance", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_accounts")),
    )
    op.create_index(op.f("ix_tariff_accounts_party_id"), "tariff_accounts", ["party_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tariff_accounts_party_id"), table_name="tariff_accounts")
    op.drop_table("tariff_accounts")
    op.drop_index(op.f("ix_tariff_payments_declaration_id"), table_name="tariff_payments")
    op.drop_table("tariff_payments")
    op.drop_table("tariff_assessments")
    op.drop_table("tariff_exchange_rates")
    op.drop_table("tariff_schedules")
