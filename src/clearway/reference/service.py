"""Loading and reading reference data; the nomenclature is cached per process and refreshed on reload."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path
from typing import Any

from clearway.core.codes import HsEntry, Nomenclature
from clearway.platform.db import UnitOfWork
from clearway.reference import model, store

log = logging.getLogger(__name__)
_CHECK_EVERY_SECONDS = 5.0


def load_hs_file(uow: UnitOfWork, path: Path) -> int:
    """Loads an HS nomenclature CSV file, replacing the current one; returns the number of lines."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        entries = model.parse_hs_csv(fh)
    store.replace_all(uow.conn, entries, uow.clock())
    log.info("loaded %d HS lines from %s", len(entries), path.name)
    return len(entries)


def load_hs_text(uow: UnitOfWork, text: str, *, max_issues: int = model.MAX_ISSUES) -> int:
    """Loads nomenclature CSV text (an upload), replacing the current one; raises with every bad row."""
    entries = model.parse_hs_csv(io.StringIO(text.lstrip("\ufeff"), newline=""), max_issues=max_issues)
    store.replace_all(uow.conn, entries, uow.clock())
    log.info("loaded %d HS lines from an upload", len(entries))
    return len(entries)


def search_words(uow: UnitOfWork, words: list[str], limit: int = 50) -> list[HsEntry]:
    """Finds nomenclature lines whose description holds every word."""
    return store.search_words(uow.conn, words, limit)


def chapters(uow: UnitOfWork) -> list[HsEntry]:
    """Returns the loaded chapters (2-digit lines)."""
    return store.by_level(uow.conn, 2)


def count(uow: UnitOfWork) -> int:
    """Returns how many nomenclature lines are loaded."""
    return store.stamp(uow.conn)[0]


def nomenclature(uow: UnitOfWork, cache: dict[str, Any]) -> Nomenclature:
    """Returns the loaded nomenclature, re-reading it when another process reloaded it."""
    now = time.monotonic()
    cached: tuple[float, tuple[int, object], Nomenclature] | None = cache.get("reference.nomenclature")
    if cached is not None and now - cached[0] < _CHECK_EVERY_SECONDS:
        return cached[2]
    current = store.stamp(uow.conn)
    if cached is not None and cached[1] == current:
        cache["reference.nomenclature"] = (now, current, cached[2])
        return cached[2]
    nom = Nomenclature.of(store.all_entries(uow.conn))
    cache["reference.nomenclature"] = (now, current, nom)
    return nom


def search(uow: UnitOfWork, prefix: str) -> list[HsEntry]:
    """Finds nomenclature lines by code prefix."""
    return store.search(uow.conn, prefix)
