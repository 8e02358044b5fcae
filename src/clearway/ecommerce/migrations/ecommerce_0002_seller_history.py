"""ecommerce: seller history per submitting party, officers' findings, brand model names

Revision ID: ecommerce_0002
Revises: 0007_ecommerce
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ecommerce_0002"
down_revision: str | Sequence[str] | None = "0007_ecommerce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ecommerce_seller_history",
        sa.Column("party", sa.String(length=40), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("party", "seller_id"),
    )
    op.create_table(
        "ecommerce_findings",
        sa.Column("manifest_id", sa.String(length=36), nullable=False),
        sa.Column("parcel_id", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("manifest_id", "parcel_id"),
    )
    op.create_index("ix_ecommerce_findings_seller_id", "ecommerce_findings", ["seller_id"])
    op.add_column("ecommerce_brands", sa.Column("models", sa.String(length=500), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("ecommerce_brands", "models")
    op.drop_index("ix_ecommerce_findings_seller_id", table_name="ecommerce_findings")
    op.drop_table("ecommerce_findings")
    op.drop_table("ecommerce_seller_history")
