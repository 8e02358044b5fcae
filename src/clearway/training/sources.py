"""Where past cases come from: the KCS declaration files (path given by the user) or the platform's own history.

Both are read through the risk engine's mappings (``clearway.risk.learning.mapping``: ``kcs``, ``platform``)
into its canonical frame, then scored (``bank.score_cases``) and anonymised into case rows. The platform's
history is the risk engine's warehouse export (every assessed declaration with its control outcome) and the
outcomes' recorded kinds; goods descriptions come from the declarations, with every party id and name cut out.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from clearway.core.issues import DomainError, NotFound
from clearway.declarations import service as declarations
from clearway.platform.db import UnitOfWork
from clearway.risk import service as risk_service
from clearway.risk import warehouse
from clearway.risk.learning import data as risk_data
from clearway.risk.learning import mapping as risk_mapping
from clearway.training import bank
from clearway.training.anonymise import Pseudonymiser, month_of, scrub

if TYPE_CHECKING:
    import pandas as pd

MAX_FILE = 2 * 1024**3


@dataclass
class History:
    """A canonical frame (sorted by date, fraud NaN where never controlled) and what the mapping does not carry."""

    source: str
    frame: pd.DataFrame
    digest: str
    revenue: np.ndarray
    kinds: list[str | None]
    descriptions: list[str | None]
    currency: str | None
    has_tax_rate: bool
    window: dict[str, str] = field(default_factory=dict)


def _digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda q: q.name):
        with p.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _window(frame: pd.DataFrame) -> dict[str, str]:
    if not len(frame):
        return {}
    return {"from": str(frame[risk_data.DATE].min().date()), "to": str(frame[risk_data.DATE].max().date())}


def read_kcs(paths: Sequence[Path]) -> History:
    """Reads KCS import declaration files (CSV) with their fraud labels into a history."""
    if not paths:
        raise DomainError("give the KCS file(s): --kcs PATH (repeatable)", code="INPUT_NOT_FOUND")
    for p in paths:
        if not p.is_file():
            raise DomainError(f"input file {p} does not exist", code="INPUT_NOT_FOUND")
        if p.stat().st_size > MAX_FILE:
            raise DomainError(f"{p} is larger than 2 GB; split it", code="INPUT_TOO_LARGE")
    mapping = risk_mapping.load("kcs")
    frame = risk_data.read(list(paths), mapping, labels=True)
    frame = frame.sort_values(risk_data.DATE, kind="stable").reset_index(drop=True)
    value = frame["value"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    rate = frame["tax_rate"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    # Revenue at risk as the risk engine's replay counts it: the duty on the declared value.
    revenue = np.where(frame[risk_data.FRAUD].to_numpy(dtype=float) == 1, value * rate / 100.0, 0.0)
    n = len(frame)
    return History("kcs", frame, _digest(paths), revenue, [None] * n, [None] * n, None, True, _window(frame))


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def read_platform(uow: UnitOfWork) -> History:
    """Reads the platform's assessed declarations, their control outcomes and kinds, into a history."""
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="clearway-training-") as tmp:
        path = Path(tmp) / "history.parquet"
        rows = warehouse.export(uow, path)
        if not rows:
            raise DomainError("the platform has no assessed declarations yet", code="TRAINING_HISTORY_TOO_SMALL")
        raw = pd.read_parquet(path)
        frame = risk_data.read([path], risk_mapping.load("platform"), labels=True, unlabelled=True)
    frame["_mrn"] = raw["mrn"].astype(str).to_numpy()
    frame["_seq"] = [int(str(i).rsplit("-", 1)[-1]) for i in raw["item_id"]]
    frame = frame.sort_values(risk_data.DATE, kind="stable").reset_index(drop=True)
    outcomes = risk_service.control_outcomes(uow)
    fraud = frame[risk_data.FRAUD].to_numpy(dtype=float)
    value = frame["value"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    # A declaration's recovered revenue is shared among its goods items by value.
    totals = pd.Series(value).groupby(frame["_mrn"].to_numpy()).transform("sum").to_numpy()
    revenue = np.zeros(len(frame))
    kinds: list[str | None] = []
    descriptions: list[str | None] = []
    currency = None
    for i, (mrn, seq) in enumerate(zip(frame["_mrn"], frame["_seq"], strict=True)):
        outcome = outcomes.get(mrn) or {}
        kinds.append(outcome.get("kind") if fraud[i] == 1 else None)
        if fraud[i] == 1 and totals[i] > 0:
            revenue[i] = float(_dec(outcome.get("revenue_recovered"))) * value[i] / totals[i]
        descriptions.append(None)
        if not np.isnan(fraud[i]):
            try:
                decl = declarations.get(uow, mrn)
            except NotFound:
                continue
            d = decl.data
            currency = currency or d.invoice.currency
            secrets = [mrn, decl.data.lrn, d.importer.id, d.declarant.id, d.exporter.id]
            secrets += [getattr(p, "name", "") or "" for p in (d.importer, d.declarant, d.exporter)]
            if d.representative:
                secrets += [d.representative.id, getattr(d.representative, "name", "") or ""]
            item = next((g for g in d.goods_items if g.sequence == seq), None)
            descriptions[-1] = scrub(item.description, secrets) if item else None
    return History(
        "platform",
        frame,
        hashlib.sha256(
            "|".join(f"{m}:{f}" for m, f in zip(frame["_mrn"], np.nan_to_num(fraud, nan=-1), strict=True)).encode()
        ).hexdigest(),
        revenue,
        kinds,
        descriptions,
        currency,
        False,
        _window(frame),
    )


def _text(value: Any, size: int) -> str:
    text = "" if value is None else str(value)
    return "" if text in ("nan", "None") else text[:size]


def _money(value: float, places: str = "0.01") -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(places)) if np.isfinite(value) else Decimal(0)


def _uv(history: dict[str, float | None]) -> float | None:
    uv = history.get("uv_ratio__hs6_origin")
    return uv if uv is not None else history.get("uv_ratio__hs6")


def case_rows(history: History, scored: bank.Scored, pseudo: Pseudonymiser, bank_id: str) -> list[dict[str, Any]]:
    """Turns the scored cases into anonymised rows: pseudonyms for parties and the case, the month, no names."""
    f = history.frame
    out = []
    cols = set(f.columns)
    transport_col = next((c for c in ("cat__mode_of_transport", "cat__transport_mode") if c in cols), None)
    rows = scored.rows.tolist()
    # One conversion for all cases: a pandas row look-up per case is what made large imports slow.
    records = f.iloc[rows].to_dict("records") if rows else []
    for pos, (i, r) in enumerate(zip(rows, records, strict=True)):
        out.append(
            {
                "id": pseudo("case", f"{history.source}|{r[risk_data.ID]}"),
                "bank_id": bank_id,
                "month": month_of(r[risk_data.DATE].isoformat()),
                "office": _text(r["office"], 12),
                "importer": pseudo("importer", _text(r["importer"], 80)),
                "declarant": pseudo("declarant", _text(r["declarant"], 80)),
                "seller": pseudo("seller", _text(r["seller"], 80)),
                "courier": pseudo("courier", _text(r["courier"], 80)),
                "hs": _text(r["hs"], 10),
                "origin": _text(r["origin"], 3),
                "departure": _text(r["departure"], 3),
                "incoterm": _text(r["cat__incoterm"], 3) or None if "cat__incoterm" in cols else None,
                "transport": _text(r[transport_col], 20) or None if transport_col else None,
                "value": _money(r["value"]),
                "net_mass": _money(r["net_mass"], "0.001"),
                "tax_rate": _money(r["tax_rate"], "0.0001") if history.has_tax_rate else None,
                "description": history.descriptions[i],
                "history": scored.history[pos],
                "uv_ratio": _uv(scored.history[pos]),
                "fraud": bool(r[risk_data.FRAUD] == 1),
                "critical": bool(r.get(risk_data.CRITICAL, 0) == 1),
                "kind": history.kinds[i],
                "revenue": _money(history.revenue[i]),
                "model_score": round(float(scored.scores[pos]), 6),
                "signals": [{"feature": n, "contribution": c, "value": v} for n, c, v in scored.signals[pos]],
            }
        )
    return out
