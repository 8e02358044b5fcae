"""Features from the declaration and its history: leakage-safe past fraud rates, unit-value ratios, counts, recency.

Fraud rates per importer, declarant, seller, HS code × origin… are target encodings. Encoding a training row
with a rate that includes its own label leaks the answer, so training rows are encoded out of fold (each fold
from the other folds' labels only), with additive smoothing toward the overall rate; new rows are encoded
from the whole history. Unit-value and price ratios compare a line with the median of its HS × origin group.

Labels may be partial (NaN = never inspected). Fraud rates and their counts (``n__``: how many *inspected*
declarations the rate rests on — its uncertainty; the smoothing shrinks a rate on few of them toward the
prior) come from inspected outcomes only: an uninspected declaration is never counted as clean. What needs
no label — the importer's last day seen — is learned from every declaration.
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
    "hs4_origin": ("hs4", "origin"),
    "hs6_departure": ("hs", "departure"),
    "hs6_origin_departure": ("hs", "origin", "departure"),
    "importer_declarant": ("importer", "declarant"),
    "importer_seller": ("importer", "seller"),
    "declarant_hs6": ("declarant", "hs"),
}
# Repeat consignments: in the KCS files many frauds repeat an exact consignment (same declared value, same net
# mass, same HS code with either, same HS code × tax rate × origin). The past fraud rate among *inspected*
# earlier declarations with the same key is a feature like the entity rates above (out of fold for training rows,
# shrunk toward the prior with its count, the count as its uncertainty; an unseen key gets the prior). Keys are
# built from the declared figures as text (``number_key``), so the batch and the online path agree exactly.
REPEAT_KEYS: dict[str, tuple[str, ...]] = {
    "same_value": ("value_key",),
    "same_mass": ("mass_key",),
    "hs6_same_mass": ("hs", "mass_key"),
    "hs6_same_value": ("hs", "value_key"),
    "hs6_tax_rate_origin": ("hs", "tax_key", "origin"),
}
# ``repeat="wide"`` adds these (measured in benchmarks/risk_partial.py --variants, chosen there on validation).
WIDE_REPEAT_KEYS: dict[str, tuple[str, ...]] = {
    "same_value_mass": ("value_key", "mass_key"),
    "hs6_tax_rate": ("hs", "tax_key"),
    "hs6_origin_same_mass": ("hs", "origin", "mass_key"),
    "importer_hs6": ("importer", "hs"),
    "importer_same_value": ("importer", "value_key"),
    "seller_hs6": ("seller", "hs"),
}
# Repetition counts (``counts="before"`` or ``"others"``): how many declarations of the history — inspected or
# not, so they reach where no inspected declaration does — share a key with the row; no label is read. With
# them: days since the key was last declared, and the share of the importer's declarations that repeat an earlier
# HS code × declared value. A new declaration is counted against the whole fitted history (all before it); a
# training row against the history rows declared strictly before it (``before``) or every other history row
# (``others``: the same count a new declaration gets, from a history of the same length).
COUNT_KEYS: dict[str, tuple[str, ...]] = {
    "importer": ("importer",),
    "hs6_origin_departure": ("hs", "origin", "departure"),
    "same_value": ("value_key",),
    "same_mass": ("mass_key",),
    "hs6_same_value": ("hs", "value_key"),
    "hs6_same_mass": ("hs", "mass_key"),
    "same_value_mass": ("value_key", "mass_key"),
    "importer_hs6": ("importer", "hs"),
    "importer_same_value": ("importer", "value_key"),
}
# Every count key is one of the rate keys (the same text, so the online row builds it the same way).
# Keys whose days since last declared are features, and the key an importer's repeat share is counted on.
RECENCY_KEYS = ("hs6_same_value", "same_value_mass")
REPEAT_SHARE_KEY = "hs6_same_value"
COUNT_MODES = ("off", "before", "others")
ALL_KEYS: dict[str, tuple[str, ...]] = {**ENTITY_KEYS, **REPEAT_KEYS, **WIDE_REPEAT_KEYS}
REPEAT_MODES = ("off", "default", "wide")
# With ``hierarchical`` shrinkage a rate on few inspected outcomes shrinks toward its parent's rate (the HS ×
# origin pair toward its HS code, the HS code toward its heading…) rather than toward the overall rate. Parents
# come before their children in ENTITY_KEYS. Measured on KCS with rule-biased labels (benchmarks/risk_partial.py):
# most HS × origin pairs have no or one inspected outcome, and the parent's rate is the best guess for them.
PARENTS: dict[str, str] = {
    "hs4": "hs2",
    "hs6": "hs4",
    "hs4_origin": "hs4",
    "hs6_origin": "hs6",
    "hs6_departure": "hs6",
    "hs6_origin_departure": "hs6_origin",
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


def number_key(value: float) -> str:
    """Returns a declared figure as the text of a repeat-consignment key ("" when unreadable)."""
    return "" if value != value else format(float(value), ".10g")  # NaN is unequal to itself


def key_names(repeat: bool | str) -> list[str]:
    """Returns the names of the keys whose past fraud rates are features.

    ``repeat``: ``off`` (or False) the entities only, ``default`` (or True) with the repeat-consignment keys,
    ``wide`` with the wider set as well.
    """
    mode = {True: "default", False: "off"}.get(repeat, repeat) if isinstance(repeat, bool) else repeat
    if mode not in REPEAT_MODES:
        raise ValueError(f"repeat must be one of {', '.join(REPEAT_MODES)}")
    keys = {**ENTITY_KEYS, **(REPEAT_KEYS if mode != "off" else {}), **(WIDE_REPEAT_KEYS if mode == "wide" else {})}
    return list(keys)


def _keys(x: pd.DataFrame, names: list[str] | None = None) -> dict[str, pd.Series]:
    import pandas as pd

    wanted = {k: ALL_KEYS[k] for k in (names if names is not None else list(ALL_KEYS))}
    base = {c: pd.Series(x[c].astype(str).to_numpy(dtype=object)) for c in (*_KEY_COLUMNS, "hs")}
    base["hs2"], base["hs4"] = base["hs"].str[:2], base["hs"].str[:4]
    needed = {c for cols in wanted.values() for c in cols}
    for key, column in (("value_key", "value"), ("mass_key", "net_mass"), ("tax_key", "tax_rate")):
        if key in needed:
            base[key] = pd.Series([number_key(v) for v in x[column].to_numpy(dtype=float)], dtype=object)
    out = {}
    for name, cols in wanted.items():
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


def count_feature_names() -> list[str]:
    """Returns the names of the repetition features, in order."""
    return [
        *(f"count__{name}" for name in COUNT_KEYS),
        *(f"days_since_same__{name}" for name in RECENCY_KEYS),
        "repeat_share__importer",
    ]


def _seconds(x: pd.DataFrame) -> np.ndarray:
    """Returns each declaration's date as seconds since the epoch (the online row's ``timestamp()``)."""
    import numpy as np
    import pandas as pd

    epoch = pd.Timestamp(0, tz="UTC")
    return np.asarray((x[DATE].reset_index(drop=True) - epoch).dt.total_seconds().to_numpy(dtype=float))


def _earlier(codes: np.ndarray, seconds: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the sum of ``values`` and the latest date over rows with the same key declared strictly before."""
    import pandas as pd

    frame = pd.DataFrame({"k": codes, "t": seconds, "v": values})
    per_day = frame.groupby(["k", "t"], sort=True)["v"].sum()
    before = per_day.groupby(level=0).cumsum() - per_day  # strictly earlier dates of the same key
    dates = pd.Series(per_day.index.get_level_values(1).to_numpy(dtype=float), index=per_day.index)
    last = dates.groupby(level=0).shift(1)
    index = pd.MultiIndex.from_arrays([frame["k"], frame["t"]])
    return (
        before.reindex(index).to_numpy(dtype=float),
        last.reindex(index).to_numpy(dtype=float),
    )


def _sum_earlier(codes: np.ndarray, seconds: np.ndarray, values: np.ndarray) -> np.ndarray:
    import numpy as np

    # A row without a readable date has nothing before it.
    return np.asarray(np.nan_to_num(_earlier(codes, seconds, values)[0]))


def _last_earlier(codes: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    import numpy as np

    return _earlier(codes, seconds, np.zeros(len(codes)))[1]


def _repeats_earlier(codes: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """1.0 for a declaration whose key was declared before it (strictly earlier), else 0.0."""
    import numpy as np

    return (_sum_earlier(codes, seconds, np.ones(len(codes))) > 0).astype(float)


def _sum_by(key: pd.Series, values: np.ndarray) -> pd.Series:
    """Returns the sum of ``values`` per key."""
    import pandas as pd

    return pd.Series(values).groupby(key.to_numpy()).sum()


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

    def __init__(
        self,
        smoothing: float = 10.0,
        n_folds: int = 5,
        random_state: int = 0,
        medians: str = "labelled",
        hierarchical: bool = False,
        repeat: bool | str = "default",
        counts: str = "off",
    ) -> None:
        self.smoothing = smoothing
        self.n_folds = n_folds
        self.random_state = random_state
        self.medians = medians
        self.hierarchical = hierarchical
        self.repeat = repeat
        self.counts = counts

    def _counting(self) -> bool:
        """Tells whether the repetition counts are features (once fitted: whether the model learned them)."""
        if "feature_names_out_" in self.__dict__:
            return "count_tables_" in self.__dict__
        mode = self.__dict__.get("counts", "off")
        if mode not in COUNT_MODES:
            raise ValueError(f"counts must be one of {', '.join(COUNT_MODES)}")
        return bool(mode != "off")

    def _names(self) -> list[str]:
        """Returns the keys with rates: those learned once fitted (a model may predate some), else the settings'."""
        learned = self.__dict__.get("rates_")
        return list(learned) if learned is not None else key_names(self.__dict__.get("repeat", "default"))

    def fit(self, x: pd.DataFrame, y: Any, prior: float | None = None) -> HistoryFeatures:
        """Learns the encoding tables from history (``y`` NaN where never inspected); returns self.

        ``prior`` is the overall fraud rate rates shrink toward (default: the labelled rows' mean; pass a
        selection-corrected estimate when the labelled rows are a biased sample).
        """
        self.__dict__.pop("rates_", None)
        return self._fit(x, y, _keys(x, self._names()), _basic(x), prior)

    def _fit(
        self, x: pd.DataFrame, y: Any, keys: dict[str, pd.Series], basic: dict[str, Any], prior: float | None
    ) -> HistoryFeatures:
        import numpy as np
        import pandas as pd

        y_arr = np.asarray(y, dtype=float)
        lab = ~np.isnan(y_arr)
        if prior is None:
            prior = float(y_arr[lab].mean()) if lab.any() else 0.0
        self.prior_ = float(prior)
        names = [k for k in ALL_KEYS if k in keys]
        self.rates_ = {k: self._table(keys[k][lab].reset_index(drop=True), y_arr[lab]) for k in names}
        # Value medians from the inspected rows: measured on KCS (benchmarks/risk_partial.py, random 10%),
        # medians over every declaration gave a worse ranking (precision@5% 0.63 against 0.71).
        among = lab if self.medians == "labelled" else np.ones(len(lab), dtype=bool)
        self.medians_ = {
            g: {
                "uv": pd.Series(basic["log_unit_value"][among]).groupby(keys[g][among].to_numpy()).median(),
                "price": pd.Series(basic["log_value"][among]).groupby(keys[g][among].to_numpy()).median(),
            }
            for g in VALUE_GROUPS
        }
        self.last_seen_ = x[DATE].reset_index(drop=True).groupby(keys["importer"]).max()
        self.categories_ = {c: sorted(x[c].astype(str).unique().tolist()) for c in x.columns if c.startswith("cat__")}
        self.__dict__.pop("count_tables_", None)
        self.__dict__.pop("feature_names_out_", None)
        counting = self._counting()
        if counting:
            self._fit_counts(x)
        self.feature_names_out_ = [
            *basic,
            *(f"{kind}__{name}" for name in names for kind in ("rate", "n")),
            *(f"{kind}__{g}" for g in VALUE_GROUPS for kind in ("uv_ratio", "price_ratio")),
            "days_since_importer_seen",
            *(count_feature_names() if counting else []),
            *self.categories_,
        ]
        return self

    def _fit_counts(self, x: pd.DataFrame) -> None:
        """Learns the label-free repetition tables from every history declaration (inspected or not)."""
        import pandas as pd

        keys = _keys(x, list(COUNT_KEYS))
        seconds = _seconds(x)
        self.count_tables_ = {
            name: pd.DataFrame({"k": keys[name].to_numpy(), "t": seconds})
            .groupby("k")["t"]
            .agg(["count", "max"])
            .rename(columns={"max": "last"})
            for name in COUNT_KEYS
        }
        repeats = _repeats_earlier(keys[REPEAT_SHARE_KEY].to_numpy(), seconds)
        self.repeat_share_ = (
            pd.DataFrame({"k": keys["importer"].to_numpy(), "r": repeats}).groupby("k")["r"].agg(["sum", "count"])
        )

    def _training_counts(self, x: pd.DataFrame) -> dict[str, np.ndarray]:
        """The repetition features of the history's own rows: earlier rows only, or every other row."""
        import numpy as np

        keys = _keys(x, list(COUNT_KEYS))
        seconds = _seconds(x)
        others = self.__dict__.get("counts") == "others"
        out: dict[str, np.ndarray] = {}
        for name in COUNT_KEYS:
            codes = keys[name].to_numpy()
            if others:
                out[f"count__{name}"] = keys[name].map(keys[name].value_counts()).to_numpy(dtype=float) - 1.0
            else:
                out[f"count__{name}"] = _sum_earlier(codes, seconds, np.ones(len(codes)))
            if name in RECENCY_KEYS:
                out[f"days_since_same__{name}"] = (seconds - _last_earlier(codes, seconds)) / 86400.0
        repeats = _repeats_earlier(keys[REPEAT_SHARE_KEY].to_numpy(), seconds)
        importer = keys["importer"]
        if others:
            s = importer.map(importer.groupby(importer.to_numpy()).size()).to_numpy(dtype=float) - 1.0
            r = importer.map(_sum_by(importer, repeats)).to_numpy(dtype=float) - repeats
        else:
            s = _sum_earlier(importer.to_numpy(), seconds, np.ones(len(importer)))
            r = _sum_earlier(importer.to_numpy(), seconds, repeats)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["repeat_share__importer"] = np.where(s > 0, r / np.where(s > 0, s, 1.0), np.nan)
        return out

    def _new_counts(self, x: pd.DataFrame) -> dict[str, np.ndarray]:
        """The repetition features of new declarations, against the whole fitted history."""
        import numpy as np

        keys = _keys(x, list(COUNT_KEYS))
        seconds = _seconds(x)
        out: dict[str, np.ndarray] = {}
        for name in COUNT_KEYS:
            table = self.count_tables_[name]
            out[f"count__{name}"] = keys[name].map(table["count"]).fillna(0.0).to_numpy(dtype=float)
            if name in RECENCY_KEYS:
                gap = (seconds - keys[name].map(table["last"]).to_numpy(dtype=float)) / 86400.0
                out[f"days_since_same__{name}"] = np.where(gap >= 0, gap, np.nan)
        s = keys["importer"].map(self.repeat_share_["count"]).fillna(0.0).to_numpy(dtype=float)
        r = keys["importer"].map(self.repeat_share_["sum"]).fillna(0.0).to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["repeat_share__importer"] = np.where(s > 0, r / np.where(s > 0, s, 1.0), np.nan)
        return out

    @staticmethod
    def _table(key: pd.Series, y: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"k": key.to_numpy(), "y": y}).groupby("k")["y"].agg(["sum", "count"])

    def _prior(self, name: str, rates: dict[str, np.ndarray]) -> Any:
        """Returns what a rate shrinks toward: its parent's rate per row (hierarchical), else the overall rate."""
        parent = PARENTS.get(name) if self.__dict__.get("hierarchical", False) else None
        return rates[parent] if parent is not None and parent in rates else self.prior_

    def _rate(self, table: pd.DataFrame, key: pd.Series, prior: Any = None) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        if len(key) <= SMALL:
            lookup = self._lookup(table)
            pairs = np.array([lookup.get(k, (0.0, 0.0)) for k in key], dtype=float).reshape(-1, 2)
            s, n = pairs[:, 0], pairs[:, 1]
        else:
            s = key.map(table["sum"]).fillna(0.0).to_numpy(dtype=float)
            n = key.map(table["count"]).fillna(0.0).to_numpy(dtype=float)
        base = self.prior_ if prior is None else prior
        return (s + self.smoothing * base) / (n + self.smoothing), n

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
        counted: dict[str, np.ndarray] | None = None,
    ) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        out: dict[str, Any] = dict(basic)
        done: dict[str, np.ndarray] = {}
        for name in rates:
            if isinstance(rates[name], np.ndarray):
                out[f"rate__{name}"], out[f"n__{name}"] = rates[name][0], rates[name][1] * scale
            else:
                out[f"rate__{name}"], n = self._rate(rates[name], keys[name], self._prior(name, done))
                out[f"n__{name}"] = n * scale
            done[name] = out[f"rate__{name}"]
        for g in VALUE_GROUPS:
            med = self.medians_[g]
            out[f"uv_ratio__{g}"] = basic["log_unit_value"] - self._median(med["uv"], keys[g])
            out[f"price_ratio__{g}"] = basic["log_value"] - self._median(med["price"], keys[g])
        last = keys["importer"].map(self.last_seen_)
        gap = (x[DATE].reset_index(drop=True) - last).dt.total_seconds().to_numpy(dtype=float) / 86400.0
        out["days_since_importer_seen"] = np.where(gap >= 0, gap, np.nan)
        if "count_tables_" in self.__dict__:
            out.update(self._new_counts(x) if counted is None else counted)
        for col, cats in self.categories_.items():
            text = x[col].astype(str)
            out[col] = pd.Categorical(text.where(text.isin(cats)).to_numpy(), categories=cats)
        frame = pd.DataFrame(out, index=x.index)
        # A model trained before rates were added knows fewer columns: give it exactly the ones it learned.
        names = self.__dict__.get("feature_names_out_")
        if names is not None and list(frame.columns) != list(names) and set(names) <= set(frame.columns):
            frame = frame[list(names)]
        return frame

    def transform(self, x: pd.DataFrame) -> pd.DataFrame:
        """Encodes declarations with the whole learned history (for new, unlabelled declarations)."""
        return self.encode(x)

    def encode(self, x: pd.DataFrame) -> pd.DataFrame:
        """Same as ``transform``, without scikit-learn's output wrapper (the online path calls it per request)."""
        check_is_fitted(self, "rates_")
        return self._transform(x, _keys(x, self._names()), _basic(x), self.rates_, scale=1.0)

    def fit_transform(self, x: pd.DataFrame, y: Any = None, **kw: Any) -> pd.DataFrame:
        """Fits on the history and encodes its own rows out of fold, so no row sees its own label.

        Labelled rows are split in folds, each encoded from the other folds' labels; unlabelled rows carry
        no label to leak and are encoded from all labels, as new declarations are.
        """
        import numpy as np
        import pandas as pd
        from sklearn.model_selection import KFold

        self.__dict__.pop("rates_", None)
        keys, basic = _keys(x, self._names()), _basic(x)
        self._fit(x, y, keys, basic, kw.get("prior"))
        y_arr = np.asarray(y, dtype=float)
        lab = ~np.isnan(y_arr)
        lab_idx = np.flatnonzero(lab)
        oof: dict[str, Any] = {k: np.zeros((2, len(x))) for k in self.rates_}
        folds = list(
            KFold(min(self.n_folds, max(len(lab_idx), 2)), shuffle=True, random_state=self.random_state).split(lab_idx)
        )
        # Counts from (k-1)/k of the labels are scaled back to the whole history's size.
        scale = self.n_folds / max(self.n_folds - 1, 1)
        y0 = np.nan_to_num(y_arr)
        m = self.smoothing
        done: dict[str, np.ndarray] = {}
        for name in self.rates_:
            codes, uniques = pd.factorize(keys[name].to_numpy())
            size = len(uniques)
            # Each row's parent rate was itself encoded out of fold, from the same folds: no label leaks through.
            prior = np.broadcast_to(np.asarray(self._prior(name, done), dtype=float), (len(x),))
            # Unlabelled rows carry no label to leak: encoded from all labels, as new declarations are.
            s_all = np.bincount(codes[lab], y0[lab], minlength=size)
            n_all = np.bincount(codes[lab], minlength=size).astype(float)
            oof[name][0], oof[name][1] = (s_all[codes] + m * prior) / (n_all[codes] + m), n_all[codes]
            for fit_pos, enc_pos in folds:
                fit_idx, enc_idx = lab_idx[fit_pos], lab_idx[enc_pos]
                s_f = np.bincount(codes[fit_idx], y0[fit_idx], minlength=size)
                n_f = np.bincount(codes[fit_idx], minlength=size).astype(float)
                c = codes[enc_idx]
                oof[name][0, enc_idx] = (s_f[c] + m * prior[enc_idx]) / (n_f[c] + m)
                oof[name][1, enc_idx] = n_f[c] * scale
            done[name] = oof[name][0]
        counted = self._training_counts(x) if "count_tables_" in self.__dict__ else None
        return self._transform(x, keys, basic, oof, scale=1.0, counted=counted)

    @staticmethod
    def entity_names() -> list[str]:
        """Returns the names of every key whose past fraud rate can be a feature (entities, repeat consignments)."""
        return list(ALL_KEYS)

    def get_feature_names_out(self, input_features: Any = None) -> list[str]:
        """Returns the names of the features, in order."""
        check_is_fitted(self, "feature_names_out_")
        return list(self.feature_names_out_)


REPEAT_WORDS = {
    "same_value": "the same declared value",
    "same_mass": "the same net mass",
    "hs6_same_mass": "the same HS code and net mass",
    "hs6_same_value": "the same HS code and declared value",
    "hs6_tax_rate_origin": "the same HS code, tax rate and origin",
    "same_value_mass": "the same declared value and net mass",
    "hs6_tax_rate": "the same HS code and tax rate",
    "hs6_origin_same_mass": "the same HS code, origin and net mass",
    "importer_hs6": "the same importer and HS code",
    "importer_same_value": "the same importer and declared value",
    "seller_hs6": "the same seller and HS code",
}


COUNT_WORDS = {
    **REPEAT_WORDS,
    "importer": "the same importer",
    "hs6_origin_departure": "the same HS code, origin and departure",
}


def describe(feature: str) -> str:
    """Returns a feature's name in words an officer understands."""
    kind, _, group = feature.partition("__")
    if kind == "count" and group in COUNT_WORDS:
        return f"number of past declarations, inspected or not, with {COUNT_WORDS[group]}"
    if kind == "days_since_same" and group in COUNT_WORDS:
        return f"days since a declaration with {COUNT_WORDS[group]}"
    if feature == "repeat_share__importer":
        return "share of the importer's past declarations repeating an earlier consignment"
    if kind in ("rate", "n") and group in REPEAT_WORDS:
        what = "past fraud rate of declarations" if kind == "rate" else "number of inspected past declarations"
        return f"{what} with {REPEAT_WORDS[group]}"
    if kind in LABELS and group:
        return LABELS[kind].format(group.replace("_", " × ").replace("hs6", "HS code").replace("hs", "HS"))
    if kind == "cat":
        return f"declared {group}"
    return feature.replace("_", " ")
