"""Use cases: suggest HS codes for a description, in batch, and tell when a declared code disagrees.

The index is built once per nomenclature and process (a few seconds for the 5,612 subheadings of HS 2022)
and kept in the runtime's cache; a reload of the nomenclature builds a new one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from clearway.classification.model import Index, Suggestion, as_rows
from clearway.core.codes import HsEntry
from clearway.core.issues import Issue, ValidationFailed
from clearway.platform.db import UnitOfWork
from clearway.reference import service as reference

MAX_DESCRIPTION = 500
MAX_BATCH_ROWS = 100_000


def index_of(entries: Iterable[HsEntry], cache: dict[str, Any], key: object) -> Index:
    """Returns the cached index for a nomenclature, building it on first use."""
    cached: tuple[object, Index] | None = cache.get("classification.index")
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        index = Index(entries)
    except ValueError:
        raise ValidationFailed(
            [Issue("HS_NOMENCLATURE_EMPTY", "no 6-digit subheadings are loaded; run 'clearway reference load'", "")]
        ) from None
    cache["classification.index"] = (key, index)
    return index


def index(uow: UnitOfWork, cache: dict[str, Any]) -> Index:
    """Returns the index of the nomenclature loaded on the platform (the reference service's)."""
    nom = reference.nomenclature(uow, cache)
    return index_of(nom.entries.values(), cache, ("platform", id(nom)))


def suggest(uow: UnitOfWork, cache: dict[str, Any], description: str, category: str | None = None) -> Suggestion:
    """Suggests the top-5 subheadings for a description."""
    text = description.strip()
    if not text:
        raise ValidationFailed([Issue("DESCRIPTION_EMPTY", "describe the goods in words", "/description")])
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed(
            [Issue("DESCRIPTION_TOO_LONG", f"the description exceeds {MAX_DESCRIPTION} characters", "/description")]
        )
    return index(uow, cache).suggest(text, category)


def disagreement(ix: Index, description: str, declared: str) -> str | None:
    """A sentence when the declared code's heading is not among the suggestions' headings (a risk fact)."""
    suggestion = ix.suggest(description)
    if not suggestion.candidates or suggestion.abstain:
        return None
    headings = {c.hs6[:4] for c in suggestion.candidates}
    if declared[:4] in headings:
        return None
    best = suggestion.candidates[0]
    return f"declared {declared} but the description suggests {best.hs6} ({best.path[-1][1][:60]})"


def read_items(data: bytes) -> Iterator[tuple[str, str, str | None]]:
    """Reads a batch file: CSV with columns id, description and optional category."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "id" not in header or "description" not in header:
        raise ValidationFailed(
            [Issue("CSV_COLUMNS", "the file needs columns id and description (category optional)", "/0")]
        )
    reader.fieldnames = header
    for n, row in enumerate(reader, start=2):
        if n - 1 > MAX_BATCH_ROWS:
            raise ValidationFailed([Issue("CSV_TOO_LONG", f"at most {MAX_BATCH_ROWS} rows a batch", f"/{n}")])
        yield (
            (row.get("id") or "").strip(),
            (row.get("description") or "").strip()[:MAX_DESCRIPTION],
            (row.get("category") or None),
        )


def suggest_batch(
    ix: Index, items: Iterable[tuple[str, str, str | None]], progress: Callable[[], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Yields the output rows (id, rank, hs6, score, reason), five per item, for a batch."""
    for item_id, description, category in items:
        suggestion = ix.suggest(description, category) if description else Suggestion([], abstain=True)
        rows = as_rows(item_id, suggestion)
        if suggestion.abstain and rows:
            rows[0]["reason"] = f"ABSTAIN: {suggestion.question} | {rows[0]['reason']}"
        yield from rows
        if progress is not None:
            progress()
