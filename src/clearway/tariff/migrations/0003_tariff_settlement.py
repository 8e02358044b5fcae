"""tariff: payment orders settled only by a provider's signed notification; providers; order of a payment

Revision ID: tariff_0003
Revises: 0002_tariff
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "tariff_0003"
down_revision: str | Sequence[str] | None = "0002_tariff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tariff_payment_orders",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=70), nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("account_id", sa.String(length=20), nullable=True),
        sa.Column("provider", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_reference", sa.String(length=70), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_payment_orders")),
        sa.UniqueConstraint("party_id", "reference", name=op.f("uq_tariff_payment_orders_party_id")),
    )
    op.create_index(
        op.f("ix_tariff_payment_orders_declaration_id"), "tariff_payment_orders", ["declaration_id"], unique=False
    )
    op.create_table(
        "tariff_payment_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("notification_id", sa.String(length=80), nullable=False),
        sa.Column("order_id", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_payment_notifications")),
        sa.UniqueConstraint("provider", "notification_id", name=op.f("uq_tariff_payment_notifications_provider")),
    )
    op.create_index(
        op.f("ix_tariff_payment_notifications_order_id"), "tariff_payment_notifications", ["order_id"], unique=False
    )
    op.create_table(
        "tariff_payment_providers",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered_by", sa.String(length=80), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tariff_payment_providers")),
    )
    op.add_column("tariff_payments", sa.Column("order_id", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tariff_payments") as batch:
        batch.drop_column("order_id")
    op.drop_table("tariff_payment_providers")
    op.drop_index(op.f("ix_tariff_payment_notifications_order_id"), table_name="tariff_payment_notifications")
    op.drop_table("tariff_payment_notifications")
    op.drop_index(op.f("ix_tariff_payment_orders_declaration_id"), table_name="tariff_payment_orders")
    op.drop_table("tariff_payment_orders")
