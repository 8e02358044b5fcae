"""ecommerce: manifests, parcel decisions, rejects, recall list, brand register, risk profiles

Revision ID: 0007_ecommerce
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_ecommerce"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("ecommerce",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ecommerce_manifests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submitter_party", sa.String(length=40), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecommerce_manifests")),
    )
    op.create_index(
        op.f("ix_ecommerce_manifests_submitter_party"), "ecommerce_manifests", ["submitter_party"], unique=False
    )
    op.create_table(
        "ecommerce_parcels",
        sa.Column("manifest_id", sa.String(length=36), nullable=False),
        sa.Column("parcel_id", sa.String(length=64), nullable=False),
        sa.Column("submitter_party", sa.String(length=40), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=True),
        sa.Column("marketplace", sa.String(length=64), nullable=True),
        sa.Column("consignee_id", sa.String(length=64), nullable=True),
        sa.Column("declared_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("hs_code", sa.String(length=12), nullable=True),
        sa.Column("origin_country", sa.String(length=2), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("flags", sa.String(length=200), nullable=False),
        sa.Column("issues", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("manifest_id", "parcel_id", name=op.f("pk_ecommerce_parcels")),
    )
    op.create_index(
        "ix_ecommerce_parcels_country_day", "ecommerce_parcels", ["country", "day", "decision"], unique=False
    )
    op.create_table(
        "ecommerce_rejects",
        sa.Column("manifest_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.String(length=64), nullable=True),
        sa.Column("codes", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("manifest_id", "line", name=op.f("pk_ecommerce_rejects")),
    )
    op.create_table(
        "ecommerce_recalls",
        sa.Column("recall_id", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("hazard", sa.String(length=200), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("recall_id", name=op.f("pk_ecommerce_recalls")),
    )
    op.create_table(
        "ecommerce_brands",
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("rights_holder", sa.String(length=200), nullable=False),
        sa.Column("min_genuine_price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("hs_codes", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("brand", name=op.f("pk_ecommerce_brands")),
    )
    op.create_table(
        "ecommerce_profiles",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_ecommerce_profiles")),
    )


def downgrade() -> None:
    op.drop_table("ecommerce_profiles")
    op.drop_table("ecommerce_brands")
    op.drop_table("ecommerce_recalls")
    op.drop_table("ecommerce_rejects")
    op.drop_index("ix_ecommerce_parcels_country_day", table_name="ecommerce_parcels")
    op.drop_table("ecommerce_parcels")
    op.drop_index(op.f("ix_ecommerce_manifests_submitter_party"), table_name="ecommerce_manifests")
    op.drop_table("ecommerce_manifests")
