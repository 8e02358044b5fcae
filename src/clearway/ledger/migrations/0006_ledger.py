"""ledger: organisations, keys, transparency log, credentials, AEO registry, anchors

Revision ID: 0006_ledger
Revises: 0001_core
Create Date: 2026-11-30 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_ledger"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("ledger",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_orgs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("did", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=True),
        sa.Column("is_foreign", sa.Boolean(), nullable=False),
        sa.Column("mra_since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_orgs")),
        sa.UniqueConstraint("did", name=op.f("uq_ledger_orgs_did")),
    )
    op.create_index(op.f("ix_ledger_orgs_party_id"), "ledger_orgs", ["party_id"], unique=False)
    op.create_table(
        "ledger_keys",
        sa.Column("kid", sa.String(length=320), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["ledger_orgs.id"], name=op.f("fk_ledger_keys_org_id_ledger_orgs")),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_ledger_keys")),
    )
    op.create_index(op.f("ix_ledger_keys_org_id"), "ledger_keys", ["org_id"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("leaf_input", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("appended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_ledger_entries")),
    )
    op.create_index(op.f("ix_ledger_entries_leaf_hash"), "ledger_entries", ["leaf_hash"], unique=False)
    op.create_index(op.f("ix_ledger_entries_ref"), "ledger_entries", ["ref"], unique=False)
    op.create_table(
        "ledger_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_ledger_nodes")),
    )
    op.create_table(
        "ledger_tree_heads",
        sa.Column("tree_size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("kid", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_ledger_tree_heads")),
    )
    op.create_table(
        "ledger_credentials",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("issuer_org", sa.String(length=64), nullable=False),
        sa.Column("jwt", sa.Text(), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=True),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_org"], ["ledger_orgs.id"], name=op.f("fk_ledger_credentials_issuer_org_ledger_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_credentials")),
        sa.UniqueConstraint("issuer_org", "status_index", name="uq_ledger_credentials_status"),
    )
    op.create_index(op.f("ix_ledger_credentials_issuer_org"), "ledger_credentials", ["issuer_org"], unique=False)
    op.create_table(
        "ledger_product_refs",
        sa.Column("product_id", sa.String(length=200), nullable=False),
        sa.Column("credential_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["ledger_credentials.id"],
            name=op.f("fk_ledger_product_refs_credential_id_ledger_credentials"),
        ),
        sa.PrimaryKeyConstraint("product_id", "credential_id", name=op.f("pk_ledger_product_refs")),
    )
    op.create_table(
        "ledger_aeo",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("administration", sa.String(length=64), nullable=False),
        sa.Column("trader_id", sa.String(length=40), nullable=False),
        sa.Column("trader_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration"], ["ledger_orgs.id"], name=op.f("fk_ledger_aeo_administration_ledger_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_aeo")),
    )
    op.create_index(op.f("ix_ledger_aeo_trader_id"), "ledger_aeo", ["trader_id"], unique=False)
    op.create_table(
        "ledger_anchors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("network", sa.String(length=200), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("block_number", sa.Integer(), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_anchors")),
    )


def downgrade() -> None:
    for name in (
        "ledger_anchors",
        "ledger_aeo",
        "ledger_product_refs",
        "ledger_credentials",
        "ledger_tree_heads",
        "ledger_nodes",
        "ledger_entries",
        "ledger_keys",
        "ledger_orgs",
    ):
        op.drop_table(name)
