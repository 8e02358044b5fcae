"""training: case banks, anonymised cases with their hidden outcomes, exercises and scores

Revision ID: training_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "training_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("training",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_banks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("frauds", sa.Integer(), nullable=False),
        sa.Column("knows_kinds", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_training_banks_digest", "training_banks", ["digest"])
    op.create_table(
        "training_cases",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("bank_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("importer", sa.String(length=20), nullable=False),
        sa.Column("declarant", sa.String(length=20), nullable=False),
        sa.Column("seller", sa.String(length=20), nullable=False),
        sa.Column("courier", sa.String(length=20), nullable=False),
        sa.Column("hs", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=3), nullable=False),
        sa.Column("departure", sa.String(length=3), nullable=False),
        sa.Column("incoterm", sa.String(length=3), nullable=True),
        sa.Column("transport", sa.String(length=20), nullable=True),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("net_mass", sa.Numeric(18, 3), nullable=False),
        sa.Column("tax_rate", sa.Numeric(9, 4), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("uv_ratio", sa.Float(), nullable=True),
        sa.Column("fraud", sa.Boolean(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("revenue", sa.Numeric(18, 2), nullable=False),
        sa.Column("model_score", sa.Float(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", "bank_id"),
    )
    op.create_index("ix_training_cases_bank_fraud", "training_cases", ["bank_id", "fraud"])
    op.create_table(
        "training_exercises",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trainee", sa.String(length=80), nullable=False),
        sa.Column("course", sa.String(length=40), nullable=False),
        sa.Column("course_version", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("budget_red", sa.Integer(), nullable=False),
        sa.Column("budget_yellow", sa.Integer(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("revenue_share", sa.Float(), nullable=True),
        sa.Column("engine_points", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_training_exercises_trainee", "training_exercises", ["trainee", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_training_exercises_trainee", table_name="training_exercises")
    op.drop_table("training_exercises")
    op.drop_index("ix_training_cases_bank_fraud", table_name="training_cases")
    op.drop_table("training_cases")
    op.drop_index("ix_training_banks_digest", table_name="training_banks")
    op.drop_table("training_banks")
