"""ecommerce: parcels keep their normalised title; officers' verified HS codes per reviewed parcel (history feed)

Revision ID: ecommerce_0004
Revises: ecommerce_0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ecommerce_0004"
down_revision: str | Sequence[str] | None = "ecommerce_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ecommerce_parcels", sa.Column("desc_norm", sa.String(length=300), nullable=True))
    op.create_table(
        "ecommerce_hs_history_reviews",
        sa.Column("manifest_id", sa.String(length=36), nullable=False),
        sa.Column("parcel_id", sa.String(length=64), nullable=False),
        sa.Column("desc_norm", sa.String(length=300), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("manifest_id", "parcel_id"),
    )


def downgrade() -> None:
    op.drop_table("ecommerce_hs_history_reviews")
    with op.batch_alter_table("ecommerce_parcels") as batch:
        batch.drop_column("desc_norm")
