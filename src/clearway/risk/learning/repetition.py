"""Label-free repetition counts: how often a declaration's keys were declared before, inspected or not.

With ``HistoryFeatures(counts="before")`` or ``"others"``: how many declarations of the history — inspected or
not, so they reach where no inspected declaration does — share a key with the row; no label is read. With
them: days since the key was last declared, and the share of the importer's declarations that repeat an earlier
HS code × declared value. A new declaration is counted against the whole fitted history (all before it); a
training row against the history rows declared strictly before it (``before``) or every other history row
(``others``: the same count a new declaration gets, from a history of the same length). The tables learned here
are what ``registry`` saves and ``clearway.risk.online`` reads per request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clearway.risk.learning.data import DATE
from clearway.risk.learning.keys import frame_keys

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

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


def count_feature_names() -> list[str]:
    """Returns the names of the repetition features, in order."""
    return [
        *(f"count__{name}" for name in COUNT_KEYS),
        *(f"days_since_same__{name}" for name in RECENCY_KEYS),
        "repeat_share__importer",
    ]


def fit_tables(x: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Learns the repetition tables from every history declaration (inspected or not).

    Returns, per count key, the declarations and the last date (seconds) per key value; and per importer the
    number of declarations repeating an earlier consignment (``sum``) and of declarations (``count``).
    """
    import pandas as pd

    keys = frame_keys(x, list(COUNT_KEYS))
    seconds = _seconds(x)
    tables = {
        name: pd.DataFrame({"k": keys[name].to_numpy(), "t": seconds})
        .groupby("k")["t"]
        .agg(["count", "max"])
        .rename(columns={"max": "last"})
        for name in COUNT_KEYS
    }
    repeats = _repeats_earlier(keys[REPEAT_SHARE_KEY].to_numpy(), seconds)
    share = pd.DataFrame({"k": keys["importer"].to_numpy(), "r": repeats}).groupby("k")["r"].agg(["sum", "count"])
    return tables, share


def history_counts(x: pd.DataFrame, *, others: bool) -> dict[str, np.ndarray]:
    """The repetition features of the history's own rows: earlier rows only, or every other row (``others``)."""
    import numpy as np

    keys = frame_keys(x, list(COUNT_KEYS))
    seconds = _seconds(x)
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
    out["repeat_share__importer"] = _share(r, s)
    return out


def new_counts(x: pd.DataFrame, tables: dict[str, pd.DataFrame], share: pd.DataFrame) -> dict[str, np.ndarray]:
    """The repetition features of new declarations, against the whole fitted history (``fit_tables``)."""
    import numpy as np

    keys = frame_keys(x, list(COUNT_KEYS))
    seconds = _seconds(x)
    out: dict[str, np.ndarray] = {}
    for name in COUNT_KEYS:
        table = tables[name]
        out[f"count__{name}"] = keys[name].map(table["count"]).fillna(0.0).to_numpy(dtype=float)
        if name in RECENCY_KEYS:
            gap = (seconds - keys[name].map(table["last"]).to_numpy(dtype=float)) / 86400.0
            out[f"days_since_same__{name}"] = np.where(gap >= 0, gap, np.nan)
    s = keys["importer"].map(share["count"]).fillna(0.0).to_numpy(dtype=float)
    r = keys["importer"].map(share["sum"]).fillna(0.0).to_numpy(dtype=float)
    out["repeat_share__importer"] = _share(r, s)
    return out


def _share(repeats: np.ndarray, declared: np.ndarray) -> np.ndarray:
    """``repeats / declared``, unknown (NaN) where nothing was declared before: unknown, not zero."""
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(declared > 0, repeats / np.where(declared > 0, declared, 1.0), np.nan))


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
