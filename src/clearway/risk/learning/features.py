"""Features from the declaration and its history: leakage-safe past fraud rates, unit-value ratios, counts, recency.

Fraud rates per importer, declarant, seller, HS code × origin… are target encodings. Encoding a training row
with a rate that includes its own label leaks the answer, so training rows are encoded out of fold (each fold
from the other folds' labels only), with additive smoothing toward the overall rate; new rows are encoded
from the whole history. Unit-value and price ratios compare a line with the median of its HS × origin group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from clearway.risk.learning.data import DATE

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Keys whose past fraud rate and volume become features. Each is built from canonical columns.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "importer": ("importer",),
    "declarant": ("declarant",),
    "seller": ("seller",),
    "courier": ("courier",),
    "office": ("office",),
    "origin": ("origin",),
    "departure": ("departure",),
    "hs2": ("hs2",),
    "hs4": ("hs4",),
    "hs6": ("hs",),
    "hs6_origin": ("hs", "origin"),
    "importer_declarant": ("importer", "declarant"),
    "importer_seller": ("importer", "seller"),
    "declarant_hs6": ("declarant", "hs"),
}
# Groups against whose median unit value and price a line is compared.
VALUE_GROUPS = ("hs6", "hs4", "hs6_origin")
# Up to this many rows, look-ups go through plain dicts (online requests); above, through pandas indexes.
SMALL = 64

LABELS = {
    "rate": "past fraud rate of the {}",
    "n": "number of past declarations of the {}",
    "uv_ratio": "unit value against the {} median",
    "price_ratio": "declared value against the {} median",
}


def _keys(x: pd.DataFrame) -> dict[str, pd.Series]:
    import pandas as pd

    base = {c: pd.Series(x[c].astype(str).to_numpy(dtype=object)) for c in (*_KEY_COLUMNS, "hs")}
    base["hs2"], base["hs4"] = base["hs"].str[:2], base["hs"].str[:4]
    out = {}
    for name, cols in ENTITY_KEYS.items():
        col = base[cols[0]]
        for other in cols[1:]:
            col = col + "|" + base[other]
        out[name] = col
    return out


_KEY_COLUMNS = ("importer", "declarant", "seller", "courier", "office", "origin", "departure")


def _basic(x: pd.DataFrame) -> dict[str, np.ndarray]:
    import numpy as np

    value = np.clip(x["value"].fillna(0).to_numpy(dtype=float), 0, None)
    mass = np.clip(x["net_mass"].fillna(0).to_numpy(dtype=float), 0, None)
    tax_rate = x["tax_rate"].fillna(0).to_numpy(dtype=float)
    dates = x[DATE]
    out = {
        "log_value": np.log1p(value),
        "log_mass": np.log1p(mass),
        "log_unit_value": np.log1p(value / (mass + 1.0)),
        "tax_rate": tax_rate,
        "log_tax": np.log1p(value * tax_rate / 100.0),
        "origin_is_departure": (x["origin"].to_numpy() == x["departure"].to_numpy()).astype(float),
        "has_courier": (x["courier"].to_numpy() != "").astype(float),
        "has_seller": (x["seller"].to_numpy() != "").astype(float),
        "weekday": dates.dt.day_of_week.to_numpy(dtype=float),
        "month": dates.dt.month.to_numpy(dtype=float),
    }
    for col in x.columns:
        if col.startswith("num__"):
            out[col] = x[col].to_numpy(dtype=float)
    return out


class HistoryFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Learns per-entity fraud rates and value medians from labelled history; turns declarations into features.

    Parameters
    ----------
    smoothing : float
        Weight of the overall fraud rate in each entity's rate (pseudo-count).
    n_folds : int
        Folds for the out-of-fold encoding of the training rows.
    random_state : int
        Seed of the fold assignment.
    """

    def __init__(self, smoothing: float = 10.0, n_folds: int = 5, random_state: int = 0) -> None:
        self.smoothing = smoothing
        self.n_folds = n_folds
        self.random_state = random_state

    def fit(self, x: pd.DataFrame, y: Any) -> HistoryFeatures:
        """Learns the encoding tables from labelled history; returns self."""
        import numpy as np
        import pandas as pd

        y_arr = np.asarray(y, dtype=float)
        keys = _keys(x)
        basic = _basic(x)
        self.prior_ = float(y_arr.mean()) if len(y_arr) else 0.0
        self.rates_ = {k: self._table(keys[k], y_arr) for k in ENTITY_KEYS}
        self.medians_ = {
            g: {
                "uv": pd.Series(basic["log_unit_value"]).groupby(keys[g].to_numpy()).median(),
                "price": pd.Series(basic["log_value"]).groupby(keys[g].to_numpy()).median(),
            }
            for g in VALUE_GROUPS
        }
        self.last_seen_ = x[DATE].reset_index(drop=True).groupby(keys["importer"]).max()
        self.categories_ = {c: sorted(x[c].astype(str).unique().tolist()) for c in x.columns if c.startswith("cat__")}
        self.feature_names_out_ = list(self._transform(x, keys, basic, self.rates_, scale=1.0).columns)
        return self

    @staticmethod
    def _table(key: pd.Series, y: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"k": key.to_numpy(), "y": y}).groupby("k")["y"].agg(["sum", "count"])

    def _rate(self, table: pd.DataFrame, key: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        if len(key) <= SMALL:
            lookup = self._lookup(table)
            pairs = np.array([lookup.get(k, (0.0, 0.0)) for k in key], dtype=float).reshape(-1, 2)
            s, n = pairs[:, 0], pairs[:, 1]
        else:
            s = key.map(table["sum"]).fillna(0.0).to_numpy(dtype=float)
            n = key.map(table["count"]).fillna(0.0).to_numpy(dtype=float)
        return (s + self.smoothing * self.prior_) / (n + self.smoothing), n

    def _lookup(self, table: Any) -> dict[Any, tuple[float, float]]:
        # Online requests encode one declaration at a time: plain dict look-ups beat index look-ups there.
        cache: dict[int, dict[Any, tuple[float, float]]] = self.__dict__.setdefault("_lookups", {})
        found = cache.get(id(table))
        if found is None:
            found = cache[id(table)] = dict(
                zip(table.index, zip(table["sum"], table["count"], strict=True), strict=True)
            )
        return found

    def _median(self, series: pd.Series, key: pd.Series) -> np.ndarray:
        import numpy as np

        if len(key) <= SMALL:
            cache: dict[int, dict[Any, float]] = self.__dict__.setdefault("_median_lookups", {})
            lookup = cache.get(id(series))
            if lookup is None:
                lookup = cache[id(series)] = dict(zip(series.index, series.to_numpy(dtype=float), strict=True))
            return np.array([lookup.get(k, np.nan) for k in key], dtype=float)
        return np.asarray(key.map(series).to_numpy(dtype=float))

    def _transform(
        self,
        x: pd.DataFrame,
        keys: dict[str, pd.Series],
        basic: dict[str, np.ndarray],
        rates: dict[str, Any],
        *,
        scale: float,
    ) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        out: dict[str, Any] = dict(basic)
        for name in ENTITY_KEYS:
            if isinstance(rates[name], np.ndarray):
                out[f"rate__{name}"], out[f"n__{name}"] = rates[name][0], rates[name][1] * scale
            else:
                out[f"rate__{name}"], n = self._rate(rates[name], keys[name])
                out[f"n__{name}"] = n * scale
        for g in VALUE_GROUPS:
            med = self.medians_[g]
            out[f"uv_ratio__{g}"] = basic["log_unit_value"] - self._median(med["uv"], keys[g])
            out[f"price_ratio__{g}"] = basic["log_value"] - self._median(med["price"], keys[g])
        last = keys["importer"].map(self.last_seen_)
        gap = (x[DATE].reset_index(drop=True) - last).dt.total_seconds().to_numpy(dtype=float) / 86400.0
        out["days_since_importer_seen"] = np.where(gap >= 0, gap, np.nan)
        for col, cats in self.categories_.items():
            text = x[col].astype(str)
            out[col] = pd.Categorical(text.where(text.isin(cats)).to_numpy(), categories=cats)
        return pd.DataFrame(out, index=x.index)

    def transform(self, x: pd.DataFrame) -> pd.DataFrame:
        """Encodes declarations with the whole learned history (for new, unlabelled declarations)."""
        return self.encode(x)

    def encode(self, x: pd.DataFrame) -> pd.DataFrame:
        """Same as ``transform``, without scikit-learn's output wrapper (the online path calls it per request)."""
        check_is_fitted(self, "rates_")
        return self._transform(x, _keys(x), _basic(x), self.rates_, scale=1.0)

    def fit_transform(self, x: pd.DataFrame, y: Any = None, **_: Any) -> pd.DataFrame:
        """Fits on the history and encodes its own rows out of fold, so no row sees its own label."""
        import numpy as np
        from sklearn.model_selection import KFold

        self.fit(x, y)
        y_arr = np.asarray(y, dtype=float)
        keys = _keys(x)
        oof: dict[str, Any] = {k: np.zeros((2, len(x))) for k in ENTITY_KEYS}
        folds = KFold(self.n_folds, shuffle=True, random_state=self.random_state)
        for fit_idx, enc_idx in folds.split(x):
            for name in ENTITY_KEYS:
                table = self._table(keys[name].iloc[fit_idx], y_arr[fit_idx])
                rate, n = self._rate(table, keys[name].iloc[enc_idx])
                oof[name][0, enc_idx], oof[name][1, enc_idx] = rate, n
        # Counts from (k-1)/k of the history are scaled back to the whole history's size.
        scale = self.n_folds / max(self.n_folds - 1, 1)
        return self._transform(x, keys, _basic(x), oof, scale=scale)

    @staticmethod
    def entity_names() -> list[str]:
        """Returns the names of the entities whose past fraud rates are features."""
        return list(ENTITY_KEYS)

    def get_feature_names_out(self, input_features: Any = None) -> list[str]:
        """Returns the names of the features, in order."""
        check_is_fitted(self, "feature_names_out_")
        return list(self.feature_names_out_)


def describe(feature: str) -> str:
    """Returns a feature's name in words an officer understands."""
    kind, _, group = feature.partition("__")
    if kind in LABELS and group:
        return LABELS[kind].format(group.replace("_", " × ").replace("hs6", "HS code").replace("hs", "HS"))
    if kind == "cat":
        return f"declared {group}"
    return feature.replace("_", " ")
