"""crisis: protocol packs, approved activations, declarations handled under protocols

Revision ID: crisis_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "crisis_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("crisis",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crisis_packs",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_crisis_packs")),
    )
    op.create_table(
        "crisis_activations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pack_id", sa.String(length=60), nullable=False),
        sa.Column("pack_version", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivation_requested_by", sa.String(length=80), nullable=True),
        sa.Column("deactivated_by", sa.String(length=80), nullable=True),
        sa.Column("deactivation_reason", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_activations")),
    )
    op.create_index("ix_crisis_activations_pack", "crisis_activations", ["pack_id", "deactivated_at"], unique=False)
    op.create_table(
        "crisis_effects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("activation_id", sa.String(length=36), nullable=False),
        sa.Column("pack_id", sa.String(length=60), nullable=False),
        sa.Column("mrn", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("office", sa.String(length=8), nullable=False),
        sa.Column("importer_id", sa.String(length=40), nullable=False),
        sa.Column("declarant_id", sa.String(length=40), nullable=False),
        sa.Column("representative_id", sa.String(length=40), nullable=True),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("lane", sa.String(length=10), nullable=True),
        sa.Column("post_clearance_control", sa.Boolean(), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("waived", sa.JSON(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_effects")),
    )
    op.create_index("ix_crisis_effects_mrn", "crisis_effects", ["mrn"], unique=True)
    op.create_index("ix_crisis_effects_lodged", "crisis_effects", ["lodged_at"], unique=False)
    op.create_index("ix_crisis_effects_importer", "crisis_effects", ["importer_id"], unique=False)
    op.create_index("ix_crisis_effects_declarant", "crisis_effects", ["declarant_id"], unique=False)


def downgrade() -> None:
    for name in ("ix_crisis_effects_declarant", "ix_crisis_effects_importer", "ix_crisis_effects_lodged"):
        op.drop_index(name, table_name="crisis_effects")
    op.drop_index("ix_crisis_effects_mrn", table_name="crisis_effects")
    op.drop_table("crisis_effects")
    op.drop_index("ix_crisis_activations_pack", table_name="crisis_activations")
    op.drop_table("crisis_activations")
    op.drop_table("crisis_packs")
