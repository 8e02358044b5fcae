"""ecommerce: money as exact scaled integers on SQLite (no DDL change; PostgreSQL keeps NUMERIC)

Revision ID: ecommerce_money_0001
Revises: 0007_ecommerce
Create Date: 2026-12-02 18:40:00
"""

from collections.abc import Sequence

from clearway.platform.db import scale_money_columns_on_sqlite

revision: str = "ecommerce_money_0001"
down_revision: str | Sequence[str] | None = "ecommerce_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    scale_money_columns_on_sqlite("ecommerce_parcels", {"declared_value": 2})
    scale_money_columns_on_sqlite("ecommerce_brands", {"min_genuine_price": 2})


def downgrade() -> None:
    raise NotImplementedError("money stays exact; restore a backup to go back")
