"""The console's own table: each user's preferred language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Connection, DateTime, String, Table, insert, select, update

from clearway.platform.db import metadata

preferences = Table(
    "console_preferences",
    metadata,
    Column("user_name", String(100), primary_key=True),
    Column("language", String(8), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def language_of(conn: Connection, user: str) -> str | None:
    """Returns the language a user chose, or None."""
    row = conn.execute(select(preferences.c.language).where(preferences.c.user_name == user)).first()
    return str(row[0]) if row else None


def set_language(conn: Connection, user: str, language: str, at: datetime) -> None:
    """Stores a user's language."""
    found = conn.execute(
        update(preferences).where(preferences.c.user_name == user).values(language=language, updated_at=at)
    )
    if not found.rowcount:
        conn.execute(insert(preferences).values(user_name=user, language=language, updated_at=at))
