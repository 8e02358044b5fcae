"""Declaration tables and queries. Rows in, domain objects out.

One concern a module: ``tables`` (the table definitions), ``rows`` (store, save and load a declaration),
``history`` (history events and the kept versions of the declared message), ``queries`` (lists and look-ups).
Callers import every name from here, as before (``from clearway.declarations import store``).
"""

from __future__ import annotations

from clearway.declarations.store.history import add_version, flush_history, history_since, versions
from clearway.declarations.store.queries import declaration_id, list_summaries, mrn_exists
from clearway.declarations.store.rows import find_by_lrn, get_by_mrn, get_many, insert, save
from clearway.declarations.store.tables import declaration_events, declaration_versions, declarations, goods_items

__all__ = [
    "add_version",
    "declaration_events",
    "declaration_id",
    "declaration_versions",
    "declarations",
    "find_by_lrn",
    "flush_history",
    "get_by_mrn",
    "get_many",
    "goods_items",
    "history_since",
    "insert",
    "list_summaries",
    "mrn_exists",
    "save",
    "versions",
]
