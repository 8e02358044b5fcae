"""Runs Alembic migrations from code: ``clearway db upgrade``, app start, tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """Returns an Alembic configuration pointing at Clearway's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Brings the database schema to the latest revision of every branch."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def pending_heads(engine: Engine) -> set[str]:
    """Returns the head revisions the database has not reached (empty when it is current)."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        conn.info["write"] = False  # a read: SQLite must not take the writer lock for it
        try:
            current = set(MigrationContext.configure(conn).get_current_heads())
        finally:
            conn.info.pop("write", None)
    return set(script.get_heads()) - current
