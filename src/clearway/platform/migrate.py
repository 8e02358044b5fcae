"""Runs Alembic migrations from code: ``clearway db upgrade``, app start, tests."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def migration_locations() -> list[Path]:
    """Returns the folders of Alembic revisions: the core's, then each package's own ``migrations/``.

    Every capability owns its schema: its revisions live in ``clearway/<capability>/migrations/`` on a branch
    of its own off ``0001_core``. The platform knows only this convention, not the capabilities.
    """
    found = sorted(
        p
        for p in PACKAGE_ROOT.glob("*/migrations")
        if p.is_dir() and p != MIGRATIONS and any(f.name != "__init__.py" for f in p.glob("*.py"))
    )
    return [MIGRATIONS / "versions", *found]


def alembic_config(engine: Engine | None = None) -> Config:
    """Returns an Alembic configuration pointing at Clearway's migrations (core and every capability)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in migration_locations()))
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
