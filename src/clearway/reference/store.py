"""The nomenclature table."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Connection, DateTime, Integer, String, Table, and_, delete, func, select

from clearway.core.codes import HsEntry
from clearway.platform.db import metadata

hs_codes = Table(
    "hs_codes",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("description", String(1000), nullable=False),
    Column("level", Integer, nullable=False),
    Column("parent", String(10), nullable=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)


def replace_all(conn: Connection, entries: Sequence[HsEntry], loaded_at: object) -> None:
    """Replaces the loaded nomenclature with new entries."""
    conn.execute(delete(hs_codes))
    conn.execute(
        hs_codes.insert(),
        [
            {
                "code": e.code,
                "description": e.description[:1000],
                "level": e.level,
                "parent": e.parent,
                "loaded_at": loaded_at,
            }
            for e in entries
        ],
    )


def all_entries(conn: Connection) -> list[HsEntry]:
    """Returns every nomenclature line."""
    rows = conn.execute(select(hs_codes.c.code, hs_codes.c.description, hs_codes.c.level, hs_codes.c.parent))
    return [HsEntry(r.code, r.description, r.level, r.parent) for r in rows]


def stamp(conn: Connection) -> tuple[int, object]:
    """Returns (row count, last load time): changes whenever the nomenclature is reloaded."""
    row = conn.execute(select(func.count(), func.max(hs_codes.c.loaded_at)).select_from(hs_codes)).one()
    return int(row[0]), row[1]


def search(conn: Connection, prefix: str, limit: int = 50) -> list[HsEntry]:
    """Returns nomenclature lines whose code starts with a prefix."""
    rows = conn.execute(
        select(hs_codes).where(hs_codes.c.code.startswith(prefix)).order_by(hs_codes.c.code).limit(limit)
    )
    return [HsEntry(r.code, r.description, r.level, r.parent) for r in rows]


def search_words(conn: Connection, words: Sequence[str], limit: int = 50) -> list[HsEntry]:
    """Returns nomenclature lines whose description contains every word (case-insensitive), by code."""
    conds = [func.lower(hs_codes.c.description).contains(w.lower(), autoescape=True) for w in words]
    rows = conn.execute(select(hs_codes).where(and_(*conds)).order_by(hs_codes.c.code).limit(limit))
    return [HsEntry(r.code, r.description, r.level, r.parent) for r in rows]


def by_level(conn: Connection, level: int, limit: int = 200) -> list[HsEntry]:
    """Returns the nomenclature lines of one level (2: chapters), by code."""
    rows = conn.execute(select(hs_codes).where(hs_codes.c.level == level).order_by(hs_codes.c.code).limit(limit))
    return [HsEntry(r.code, r.description, r.level, r.parent) for r in rows]
