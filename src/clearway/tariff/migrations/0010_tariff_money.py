"""tariff: money as exact scaled integers on SQLite (no DDL change; PostgreSQL keeps NUMERIC)

Revision ID: tariff_money_0001
Revises: 0002_tariff
Create Date: 2026-12-02 18:40:00
"""

from collections.abc import Sequence

from clearway.platform.db import scale_money_columns_on_sqlite

revision: str = "tariff_money_0001"
down_revision: str | Sequence[str] | None = "tariff_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    scale_money_columns_on_sqlite("tariff_assessments", {"total": 2})
    scale_money_columns_on_sqlite("tariff_payments", {"amount": 2})
    scale_money_columns_on_sqlite("tariff_accounts", {"limit_amount": 2, "balance": 2})


def downgrade() -> None:
    raise NotImplementedError("money stays exact; restore a backup to go back")
