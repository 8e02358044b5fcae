"""risk: rule set versions, assessments, control outcomes, promoted models

Revision ID: 0004_risk
Revises: 0001_core
Create Date: 2026-11-30 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_risk"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("risk",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_rulesets",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_risk_rulesets")),
    )
    op.create_table(
        "risk_assessments",
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("importer", sa.String(length=40), nullable=False),
        sa.Column("lane", sa.String(length=6), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("model_score", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=100), nullable=True),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.Column("random", sa.Boolean(), nullable=False),
        sa.Column("rules_hit", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mrn", name=op.f("pk_risk_assessments")),
    )
    op.create_index("ix_risk_assessments_office_day", "risk_assessments", ["office", "day"], unique=False)
    op.create_index("ix_risk_assessments_importer", "risk_assessments", ["importer"], unique=False)
    op.create_table(
        "risk_outcomes",
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=True),
        sa.Column("revenue_recovered", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mrn", name=op.f("pk_risk_outcomes")),
    )
    op.create_table(
        "risk_models",
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("mapping", sa.String(length=100), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("promoted_by", sa.String(length=100), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_risk_models")),
    )


def downgrade() -> None:
    op.drop_table("risk_models")
    op.drop_table("risk_outcomes")
    op.drop_index("ix_risk_assessments_importer", table_name="risk_assessments")
    op.drop_index("ix_risk_assessments_office_day", table_name="risk_assessments")
    op.drop_table("risk_assessments")
    op.drop_table("risk_rulesets")
