"""The online feature row: the batch features of one declaration, built with dicts and numpy (no pandas frame).

Batch scoring goes through ``data.canonical`` and ``HistoryFeatures.encode`` on a frame; a one-row frame per
declaration costs tens of milliseconds, so on acceptance the same features are computed here from the warehouse
rows directly, in the model's column order. ``tests/unit/risk/test_online_features.py`` checks that both agree.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np

from clearway.risk.learning.keys import ALL_KEYS, VALUE_GROUPS, number_key
from clearway.risk.learning.mapping import NUMBER_FIELDS, TEXT_FIELDS, Mapping
from clearway.risk.learning.repetition import COUNT_KEYS, RECENCY_KEYS

_NAN = float("nan")


def supported(mapping: Mapping) -> bool:
    """Tells whether a mapping's rows can be featurised here (ISO dates; other formats go through pandas)."""
    return mapping.date_format == "ISO8601"


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "" if text in {"nan", "None"} else text


def _number(value: Any) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        return _NAN


def _tables(feats: Any) -> dict[str, Any]:
    """Returns (once per loaded model) the encodings as plain dicts."""
    cached: dict[str, Any] | None = feats.__dict__.get("_online_tables")
    if cached is None:
        seen = feats.last_seen_
        cached = {
            # Only the keys the model learned: a model trained before the repeat-consignment rates has fewer.
            "rates": {k: feats._lookup(table) for k, table in feats.rates_.items()},
            "medians": {
                g: {
                    part: dict(zip(series.index, series.to_numpy(dtype=float), strict=True))
                    for part, series in feats.medians_[g].items()
                }
                for g in VALUE_GROUPS
            },
            "last_seen": dict(zip(seen.index, (t.timestamp() for t in seen), strict=True)),
            "codes": {col: {c: float(i) for i, c in enumerate(cats)} for col, cats in feats.categories_.items()},
            # Label-free repetition tables, only for a model that learned them (``counts``).
            "counts": {
                name: dict(zip(table.index, zip(table["count"], table["last"], strict=True), strict=True))
                for name, table in feats.__dict__.get("count_tables_", {}).items()
            },
            "repeat_share": feats._lookup(feats.repeat_share_) if "repeat_share_" in feats.__dict__ else {},
        }
        feats.__dict__["_online_tables"] = cached
    return cached


def _features(row: dict[str, Any], m: Mapping, feats: Any, t: dict[str, Any]) -> dict[str, float]:
    text = {name: _text(row.get(m.fields.get(name, ""), "")) if m.fields.get(name) else "" for name in TEXT_FIELDS}
    nums = {name: _number(row.get(m.fields[name])) if m.fields.get(name) else 0.0 for name in NUMBER_FIELDS}
    at = datetime.fromisoformat(str(row[m.date]).replace("Z", "+00:00"))
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    value = max(0.0 if math.isnan(nums["value"]) else nums["value"], 0.0)
    mass = max(0.0 if math.isnan(nums["net_mass"]) else nums["net_mass"], 0.0)
    tax_rate = 0.0 if math.isnan(nums["tax_rate"]) else nums["tax_rate"]
    out: dict[str, float] = {
        "log_value": math.log1p(value),
        "log_mass": math.log1p(mass),
        "log_unit_value": math.log1p(value / (mass + 1.0)),
        "tax_rate": tax_rate,
        "log_tax": math.log1p(value * tax_rate / 100.0),
        "origin_is_departure": float(text["origin"] == text["departure"]),
        "has_courier": float(text["courier"] != ""),
        "has_seller": float(text["seller"] != ""),
        "weekday": float(at.weekday()),
        "month": float(at.month),
    }
    for col in m.numeric:
        out[f"num__{_safe(col)}"] = _number(row.get(col))
    base = {
        **text,
        "hs2": text["hs"][:2],
        "hs4": text["hs"][:4],
        "value_key": number_key(nums["value"]),
        "mass_key": number_key(nums["net_mass"]),
        "tax_key": number_key(nums["tax_rate"]),
    }
    wanted = (*t["rates"], *VALUE_GROUPS, *t["counts"], "importer")
    keys = {name: "|".join(base[c] for c in ALL_KEYS[name]) for name in wanted}
    for name in t["rates"]:
        s, n = t["rates"][name].get(keys[name], (0.0, 0.0))
        out[f"rate__{name}"] = (s + feats.smoothing * feats.prior_) / (n + feats.smoothing)
        out[f"n__{name}"] = float(n)
    for g in VALUE_GROUPS:
        med = t["medians"][g]
        out[f"uv_ratio__{g}"] = out["log_unit_value"] - med["uv"].get(keys[g], _NAN)
        out[f"price_ratio__{g}"] = out["log_value"] - med["price"].get(keys[g], _NAN)
    last = t["last_seen"].get(keys["importer"])
    gap = (at.timestamp() - last) / 86400.0 if last is not None else _NAN
    out["days_since_importer_seen"] = gap if gap >= 0 else _NAN
    if t["counts"]:
        _counts(out, keys, at.timestamp(), t)
    for col, codes in t["codes"].items():
        source = col.removeprefix("cat__")
        raw = next((c for c in m.categorical if _safe(c) == source), source)
        out[col] = codes.get(str(row.get(raw)), _NAN)
    return out


def _counts(out: dict[str, float], keys: dict[str, str], seconds: float, t: dict[str, Any]) -> None:
    """The repetition features against the whole fitted history, as ``HistoryFeatures`` gives new rows."""
    for name in COUNT_KEYS:
        count, last = t["counts"][name].get(keys[name], (0.0, _NAN))
        out[f"count__{name}"] = float(count)
        if name in RECENCY_KEYS:
            gap = (seconds - last) / 86400.0
            out[f"days_since_same__{name}"] = gap if gap >= 0 else _NAN
    repeats, n = t["repeat_share"].get(keys["importer"], (0.0, 0.0))
    out["repeat_share__importer"] = repeats / n if n > 0 else _NAN


def _safe(column: str) -> str:
    from clearway.risk.learning.data import safe_name

    return safe_name(column)


def matrix(model: Any, mapping: Mapping, rows: list[dict[str, Any]]) -> tuple[list[str], np.ndarray]:
    """Returns the feature names and one float row per warehouse row (categories as the booster's codes)."""
    feats = model.features_
    names: list[str] = list(feats.feature_names_out_)
    tables = _tables(feats)
    out = np.empty((len(rows), len(names)), dtype=float)
    for i, row in enumerate(rows):
        values = _features(row, mapping, feats, tables)
        out[i] = [values[n] for n in names]
    return names, out
