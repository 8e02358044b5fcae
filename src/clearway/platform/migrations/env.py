"""Alembic environment: uses the connection Clearway hands it, or the configured URL."""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import create_engine

from clearway.platform.db import metadata

# Import every capability's tables so autogenerate sees the whole schema.
importlib.import_module("clearway.bootstrap").import_tables()

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
