"""documents: supporting documents attached to declarations (immutable rows with hash and extracted fields)

Revision ID: documents_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "documents_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("documents",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("mrn", sa.String(length=40), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_role", sa.String(length=20), nullable=False),
        sa.Column("uploaded_party", sa.String(length=40), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_files")),
        sa.UniqueConstraint("declaration_id", "sha256", name="uq_documents_files_declaration_sha256"),
    )
    op.create_index(op.f("ix_documents_files_declaration_id"), "documents_files", ["declaration_id"], unique=False)
    op.create_index(op.f("ix_documents_files_mrn"), "documents_files", ["mrn"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_files_mrn"), table_name="documents_files")
    op.drop_index(op.f("ix_documents_files_declaration_id"), table_name="documents_files")
    op.drop_table("documents_files")
