"""ecommerce: classification history (past parcels' titles and declared HS6, counted) for the HS check

Revision ID: ecommerce_0003
Revises: ecommerce_money_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ecommerce_0003"
down_revision: str | Sequence[str] | None = "ecommerce_money_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ecommerce_hs_history",
        sa.Column("desc_norm", sa.String(length=300), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("desc_norm", "hs6"),
    )


def downgrade() -> None:
    op.drop_table("ecommerce_hs_history")
