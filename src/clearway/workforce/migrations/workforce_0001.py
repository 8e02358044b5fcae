"""workforce: courses, education records, competency requirements, staff records, control assignments

Revision ID: workforce_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "workforce_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("workforce",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workforce_courses",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("hours", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=True),
        sa.Column("competency", sa.String(length=40), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_workforce_courses")),
    )
    op.create_table(
        "workforce_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=False),
        sa.Column("course_code", sa.String(length=40), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("hours", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("competency", sa.String(length=40), nullable=True),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=True),
        sa.Column("certificate_name", sa.String(length=200), nullable=True),
        sa.Column("certificate_media_type", sa.String(length=60), nullable=True),
        sa.Column("certificate_reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_records")),
    )
    op.create_index("ix_workforce_records_officer", "workforce_records", ["officer", "competency"], unique=False)
    op.create_table(
        "workforce_requirements",
        sa.Column("work_kind", sa.String(length=40), nullable=False),
        sa.Column("competency", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("work_kind", "competency", name=op.f("pk_workforce_requirements")),
    )
    op.create_table(
        "workforce_staff",
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("function", sa.String(length=60), nullable=False),
        sa.Column("office", sa.String(length=20), nullable=False),
        sa.Column("frontline", sa.Boolean(), nullable=False),
        sa.Column("leadership", sa.Boolean(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("promotions", sa.JSON(), nullable=False),
        sa.Column("training", sa.JSON(), nullable=False),
        sa.Column("user_name", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_workforce_staff")),
    )
    op.create_table(
        "workforce_assignments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("mrn", sa.String(length=40), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=False),
        sa.Column("work_kind", sa.String(length=40), nullable=False),
        sa.Column("required", sa.JSON(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("override_reason", sa.String(length=1000), nullable=True),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_assignments")),
    )
    op.create_index(op.f("ix_workforce_assignments_mrn"), "workforce_assignments", ["mrn"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_workforce_assignments_mrn"), table_name="workforce_assignments")
    op.drop_table("workforce_assignments")
    op.drop_table("workforce_staff")
    op.drop_table("workforce_requirements")
    op.drop_index("ix_workforce_records_officer", table_name="workforce_records")
    op.drop_table("workforce_records")
    op.drop_table("workforce_courses")
