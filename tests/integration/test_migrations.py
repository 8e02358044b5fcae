"""The Alembic migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from clearway import bootstrap
from clearway.platform.db import metadata


def test_migrated_schema_matches_the_tables_in_code(db_url: str) -> None:
    bootstrap.import_tables()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == [], f"migrations and store.py disagree: {diff}"
