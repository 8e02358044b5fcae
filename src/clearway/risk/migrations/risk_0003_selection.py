"""risk: why each assessed declaration was or was not selected for control, and with which probability

Revision ID: risk_0003_selection
Revises: 0008_risk_ledger
Create Date: 2026-12-03 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "risk_0003_selection"
down_revision: str | Sequence[str] | None = "0008_risk_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_assessments") as batch:
        batch.add_column(sa.Column("selection_source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("inspection_probability", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments") as batch:
        batch.drop_column("inspection_probability")
        batch.drop_column("selection_source")
