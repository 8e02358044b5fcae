"""Trained models on disk: the trees, the history encodings and the metadata, in one directory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearway.core.issues import DomainError
from clearway.risk.learning.mapping import Mapping, from_dict

FORMAT = 1
BOOSTER, TABLES, META = "booster.txt", "history.parquet", "metadata.json"


@dataclass(frozen=True)
class LoadedModel:
    """A model read back from its directory, with its mapping and metadata."""

    model: Any  # RiskModel; typed loosely so this module imports no training stack
    mapping: Mapping
    metadata: dict[str, Any]


def save(model: Any, directory: Path, *, mapping: Mapping, metadata: dict[str, Any]) -> dict[str, Any]:
    """Writes a fitted RiskModel, its encodings and metadata to a directory; returns the metadata written."""
    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    feats = model.features_
    rows: list[pd.DataFrame] = []
    for name, table in feats.rates_.items():
        rows.append(pd.DataFrame({"table": f"rate:{name}", "key": table.index, "a": table["sum"], "b": table["count"]}))
    for group, med in feats.medians_.items():
        both = pd.DataFrame({"a": med["uv"], "b": med["price"]})
        rows.append(pd.DataFrame({"table": f"median:{group}", "key": both.index, "a": both["a"], "b": both["b"]}))
    seen = feats.last_seen_
    rows.append(
        pd.DataFrame({"table": "last_seen", "key": seen.index, "a": seen.map(lambda t: t.timestamp()), "b": 0.0})
    )
    # Label-free repetition tables (``counts``): declarations per key and the last day one was declared.
    for name, table in feats.__dict__.get("count_tables_", {}).items():
        rows.append(
            pd.DataFrame({"table": f"count:{name}", "key": table.index, "a": table["count"], "b": table["last"]})
        )
    if "repeat_share_" in feats.__dict__:
        share = feats.repeat_share_
        rows.append(pd.DataFrame({"table": "repeat_share", "key": share.index, "a": share["sum"], "b": share["count"]}))
    pd.concat(rows, ignore_index=True).astype({"key": str}).to_parquet(directory / TABLES, index=False)
    model.booster_.save_model(str(directory / BOOSTER))
    meta = {
        "format": FORMAT,
        "kind": "clearway.risk.RiskModel",
        "created_at": datetime.now(UTC).isoformat(),
        "params": model.get_params(),
        "prior": feats.prior_,
        "categories": feats.categories_,
        "features": feats.feature_names_out_,
        "mapping": mapping.as_dict(),
        **metadata,
    }
    (directory / META).write_text(json.dumps(meta, indent=2, default=str), "utf-8")
    return meta


def read_metadata(directory: Path) -> dict[str, Any]:
    """Reads a model directory's metadata, saying clearly when it is not a model directory."""
    path = directory / META
    if not path.is_file():
        raise DomainError(f"{directory} is not a model directory (no {META}); train one first", code="MODEL_NOT_FOUND")
    meta: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if meta.get("format") != FORMAT:
        raise DomainError(
            f"{directory} holds a model of format {meta.get('format')}; expected {FORMAT}", code="MODEL_FORMAT"
        )
    return meta


def load(directory: Path) -> LoadedModel:
    """Reads a model directory back into a fitted RiskModel."""
    import lightgbm as lgb
    import numpy as np
    import pandas as pd

    from clearway.risk.learning.estimators import RiskModel
    from clearway.risk.learning.features import HistoryFeatures
    from clearway.risk.learning.keys import VALUE_GROUPS
    from clearway.risk.learning.repetition import COUNT_KEYS, count_feature_names

    meta = read_metadata(directory)
    model = RiskModel(**meta["params"])
    feats = HistoryFeatures(model.smoothing, model.n_folds, model.random_state)
    tables = pd.read_parquet(directory / TABLES)
    grouped = {name: part.set_index("key") for name, part in tables.groupby("table")}
    empty = pd.DataFrame({"a": pd.Series(dtype=float), "b": pd.Series(dtype=float)})
    feats.prior_ = float(meta["prior"])
    feats.rates_ = {}
    # Only the rates the model learned: one trained before the repeat-consignment rates has none of theirs.
    for name in (n for n in HistoryFeatures.entity_names() if f"rate__{n}" in meta["features"]):
        part = grouped.get(f"rate:{name}", empty)
        feats.rates_[name] = pd.DataFrame({"sum": part["a"], "count": part["b"]})
    feats.medians_ = {}
    for group in VALUE_GROUPS:
        part = grouped.get(f"median:{group}", empty)
        feats.medians_[group] = {"uv": part["a"], "price": part["b"]}
    seen = grouped.get("last_seen", empty)["a"]
    feats.last_seen_ = pd.to_datetime(seen.astype(np.int64) if len(seen) else seen, unit="s", utc=True)
    if set(count_feature_names()) <= set(meta["features"]):
        feats.count_tables_ = {}
        for name in COUNT_KEYS:
            part = grouped.get(f"count:{name}", empty)
            feats.count_tables_[name] = pd.DataFrame({"count": part["a"], "last": part["b"]})
        part = grouped.get("repeat_share", empty)
        feats.repeat_share_ = pd.DataFrame({"sum": part["a"], "count": part["b"]})
    feats.categories_ = {k: list(v) for k, v in meta["categories"].items()}
    feats.feature_names_out_ = list(meta["features"])
    model.features_ = feats
    model.booster_ = lgb.Booster(model_file=str(directory / BOOSTER))
    model.classes_ = np.array([0, 1])
    return LoadedModel(model=model, mapping=from_dict(meta["mapping"]), metadata=meta)
