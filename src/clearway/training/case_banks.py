"""Training case banks: importing past controlled declarations (KCS files or the platform's history), scored by
the risk model and anonymised, and the per-process view of a bank's cases that exercises are drawn from.
Never commits."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clearway.core.issues import Conflict, DomainError
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.training import packs, store
from clearway.training.access import IMPORTERS, TRAINEES, require
from clearway.training.anonymise import Pseudonymiser

log = logging.getLogger(__name__)


def import_bank(
    uow: UnitOfWork,
    principal: Principal,
    *,
    source: str,
    secret: str,
    paths: Sequence[Path] = (),
    name: str = "",
    method: str = "auto",
    case_share: float = 0.2,
    trees: int = 150,
    folds: int = 5,
    reason: str = "",
    step: Any = None,
) -> dict[str, Any]:
    """Reads past controlled declarations (KCS files or the platform's history), scores and anonymises them."""
    from clearway.training import bank, sources

    require(principal, IMPORTERS, "import training cases")
    say = step or (lambda _m, _d, _t: None)
    say("reading the history", 0, 4)
    if source == "kcs":
        history = sources.read_kcs(list(paths))
    elif source == "platform":
        history = sources.read_platform(uow)
    else:
        raise DomainError("the source is kcs (files) or platform (this platform's history)", code="TRAINING_SOURCE")
    same = store.bank_with_digest(uow.conn, history.digest)
    if same is not None:
        raise Conflict(
            f"this history is already imported as bank '{same['name']}' ({same['id']}) on "
            f"{same['imported_at']:%Y-%m-%d}; nothing was imported",
            code="TRAINING_ALREADY_IMPORTED",
        )
    say(f"{len(history.frame)} declarations read; the risk model learns and scores", 1, 4)
    scored = bank.score_cases(history.frame, method=method, case_share=case_share, trees=trees, folds=folds, step=say)
    bank_id = str(uuid.uuid4())
    say(f"anonymising {len(scored.rows)} cases", 3, 4)
    rows = sources.case_rows(history, scored, Pseudonymiser(secret), bank_id)
    if not rows:
        raise DomainError("the history holds no controlled declaration to practise on", code="TRAINING_NO_CASES")
    import numpy as np

    fraud = np.array([r["fraud"] for r in rows], dtype=float)
    meta = {
        **scored.model,
        "window": history.window,
        "engine_precision_at_10pct": round(bank.precision_at(scored.scores, fraud, 0.10), 4),
        "fraud_rate_of_cases": round(float(fraud.mean()), 4),
    }
    record = {
        "id": bank_id,
        "name": (name or f"{history.source.upper()} {history.window.get('from', '')} – {history.window.get('to', '')}")[
            :120
        ],
        "source": history.source,
        "digest": history.digest,
        "imported_at": uow.clock(),
        "imported_by": principal.user[:80],
        "cases": len(rows),
        "frauds": int(fraud.sum()),
        "knows_kinds": any(r["kind"] for r in rows),
        "currency": history.currency,
        "model": meta,
    }
    store.insert_bank(uow.conn, record)
    store.insert_cases(uow.conn, rows)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="training.bank.import",
        target=f"training_bank:{bank_id}",
        after={k: record[k] for k in ("name", "source", "cases", "frauds")},
        reason=reason or f"training cases imported from {history.source}",
    )
    say(f"{len(rows)} cases stored", 4, 4)
    log.info("training bank %s: %d cases from %s", bank_id, len(rows), history.source)
    return bank_view(record)


def bank_view(record: dict[str, Any]) -> dict[str, Any]:
    """Returns what is shown of a case bank (never its digest)."""
    return {k: v for k, v in record.items() if k != "digest"}


def banks(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the case banks, newest first."""
    require(principal, (*TRAINEES, "admin"), "see training banks")
    return [bank_view(b) for b in store.list_banks(uow.conn)]


# A bank's cases never change once imported: their draw view is kept per process (a few banks).
_POOLS: dict[str, list[packs.Candidate]] = {}
_POOL_BANKS = 8


def candidates(uow: UnitOfWork, bank_id: str) -> list[packs.Candidate]:
    """Returns a bank's cases as exercises draw them (kept per process: a bank's cases never change)."""
    cached = _POOLS.get(bank_id)
    if cached is not None:
        return cached
    out = []
    for r in store.candidates(uow.conn, bank_id):
        out.append(
            packs.Candidate(
                id=r["id"],
                hs=r["hs"],
                origin=r["origin"],
                departure=r["departure"],
                fraud=bool(r["fraud"]),
                kind=r["kind"],
                uv_ratio=r["uv_ratio"],
            )
        )
    if out:
        while len(_POOLS) >= _POOL_BANKS:
            _POOLS.pop(next(iter(_POOLS)))
        _POOLS[bank_id] = out
    return out
