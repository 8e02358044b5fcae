"""mandates: the register and its append-only history

Revision ID: mandates_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "mandates_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("mandates",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mandates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=40), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("granted_role", sa.String(length=20), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
    )
    op.create_index("ix_mandates_agent", "mandates", ["agent_id", "principal_id"], unique=False)
    op.create_index("ix_mandates_principal", "mandates", ["principal_id"], unique=False)
    op.create_table(
        "mandate_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mandate_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandate_events")),
    )
    op.create_index(op.f("ix_mandate_events_mandate_id"), "mandate_events", ["mandate_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mandate_events_mandate_id"), table_name="mandate_events")
    op.drop_table("mandate_events")
    op.drop_index("ix_mandates_principal", table_name="mandates")
    op.drop_index("ix_mandates_agent", table_name="mandates")
    op.drop_table("mandates")
