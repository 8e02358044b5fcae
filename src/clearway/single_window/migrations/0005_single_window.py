"""single window: agencies, requirement versions, applications, permits, drawdowns

Revision ID: 0005_single_window
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_single_window"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("single_window",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sw_agencies",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("automated_decisions", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sw_agencies")),
    )
    op.create_table(
        "sw_routings",
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("importer_id", sa.String(length=40), nullable=False),
        sa.Column("declarant_id", sa.String(length=40), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("mrn", name=op.f("pk_sw_routings")),
    )
    op.create_table(
        "sw_applications",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("importer_id", sa.String(length=40), nullable=False),
        sa.Column("applicant_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("goods", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("decision_ms", sa.Float(), nullable=True),
        sa.Column("message", sa.String(length=2000), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("permit_number", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency"], ["sw_agencies.code"], name=op.f("fk_sw_applications_agency_sw_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sw_applications")),
    )
    with op.batch_alter_table("sw_applications", schema=None) as batch_op:
        batch_op.create_index("ix_sw_applications_importer", ["importer_id"], unique=False)
        batch_op.create_index("ix_sw_applications_mrn", ["mrn"], unique=False)
        batch_op.create_index("ix_sw_applications_queue", ["agency", "status", "submitted_at"], unique=False)

    op.create_table(
        "sw_permits",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("standing", sa.Boolean(), nullable=False),
        sa.Column("hs", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=True),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=True),
        sa.Column("remaining_milli", sa.BigInteger(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("application_id", sa.String(length=20), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["agency"], ["sw_agencies.code"], name=op.f("fk_sw_permits_agency_sw_agencies")),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sw_permits")),
    )
    with op.batch_alter_table("sw_permits", schema=None) as batch_op:
        batch_op.create_index("ix_sw_permits_holder", ["holder_id", "agency"], unique=False)

    op.create_table(
        "sw_requirements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["agency"], ["sw_agencies.code"], name=op.f("fk_sw_requirements_agency_sw_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sw_requirements")),
        sa.UniqueConstraint("rule_id", "version", name="uq_sw_requirements_rule_version"),
    )
    with op.batch_alter_table("sw_requirements", schema=None) as batch_op:
        batch_op.create_index("ix_sw_requirements_agency", ["agency"], unique=False)

    op.create_table(
        "sw_application_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["sw_applications.id"],
            name=op.f("fk_sw_application_events_application_id_sw_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sw_application_events")),
    )
    with op.batch_alter_table("sw_application_events", schema=None) as batch_op:
        batch_op.create_index("ix_sw_application_events_app", ["application_id", "id"], unique=False)

    op.create_table(
        "sw_drawdowns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("permit_number", sa.String(length=40), nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=True),
        sa.Column("application_id", sa.String(length=20), nullable=True),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["permit_number"], ["sw_permits.number"], name=op.f("fk_sw_drawdowns_permit_number_sw_permits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sw_drawdowns")),
    )
    with op.batch_alter_table("sw_drawdowns", schema=None) as batch_op:
        batch_op.create_index("ix_sw_drawdowns_permit", ["permit_number"], unique=False)


def downgrade() -> None:
    op.drop_table("sw_drawdowns")
    op.drop_table("sw_application_events")
    op.drop_table("sw_requirements")
    op.drop_table("sw_permits")
    op.drop_table("sw_applications")
    op.drop_table("sw_routings")
    op.drop_table("sw_agencies")
