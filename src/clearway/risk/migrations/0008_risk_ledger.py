"""risk: per office and day red slot counter (atomic red capacity)

Revision ID: 0008_risk_ledger
Revises: 0004_risk
Create Date: 2026-11-30 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_risk_ledger"
down_revision: str | Sequence[str] | None = "0004_risk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_red_slots",
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("office", "day", name=op.f("pk_risk_red_slots")),
    )


def downgrade() -> None:
    op.drop_table("risk_red_slots")
