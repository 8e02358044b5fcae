"""A rule-based selection an administration would run without any model: the yardstick and the biased history.

``rule_priority`` scores declarations by three declared-data criteria common in customs targeting — never by
an outcome:

- **undervaluation**: how far the line's unit value falls below the median unit value of its HS6 × origin
  group (log scale; HS6 where the pair is new);
- **high stake**: how far the declared value exceeds the median of its HS6 × origin group;
- **new importer**: an importer with no earlier declaration in the reference history.

Score = undervaluation + 0.5 × high stake + 1 × new importer. The weights are set a priori (not fitted on
labels); the reference history is declared data only (what the administration has seen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

WEIGHTS = {"undervaluation": 1.0, "high_stake": 0.5, "new_importer": 1.0}


def _log_uv(frame: pd.DataFrame) -> np.ndarray:
    value = np.clip(frame["value"].fillna(0).to_numpy(dtype=float), 0, None)
    mass = np.clip(frame["net_mass"].fillna(0).to_numpy(dtype=float), 0, None)
    return np.asarray(np.log1p(value / (mass + 1.0)))


def rule_priority(frame: pd.DataFrame, reference: pd.DataFrame | None = None, *, new_importer: Any = None) -> Any:
    """Returns each declaration's rule score (higher = inspect first) against a reference history of declarations.

    ``new_importer`` (boolean per row) overrides the look-up of importers in the reference (e.g. "first seen
    in this file").
    """
    import pandas as pd

    ref = frame if reference is None else reference
    uv, ref_uv = _log_uv(frame), _log_uv(ref)
    lv = np.log1p(np.clip(frame["value"].fillna(0).to_numpy(dtype=float), 0, None))
    ref_lv = np.log1p(np.clip(ref["value"].fillna(0).to_numpy(dtype=float), 0, None))
    pair = (frame["hs"].astype(str) + "|" + frame["origin"].astype(str)).to_numpy()
    ref_pair = (ref["hs"].astype(str) + "|" + ref["origin"].astype(str)).to_numpy()
    hs, ref_hs = frame["hs"].astype(str).to_numpy(), ref["hs"].astype(str).to_numpy()

    def median(ref_key: np.ndarray, ref_val: np.ndarray, key: np.ndarray) -> np.ndarray:
        table = pd.Series(ref_val).groupby(ref_key).median()
        return np.asarray(pd.Series(key).map(table).to_numpy(dtype=float))

    med_uv = median(ref_pair, ref_uv, pair)
    med_uv = np.where(np.isnan(med_uv), median(ref_hs, ref_uv, hs), med_uv)
    med_lv = median(ref_pair, ref_lv, pair)
    med_lv = np.where(np.isnan(med_lv), median(ref_hs, ref_lv, hs), med_lv)
    under = np.nan_to_num(np.clip(med_uv - uv, 0, None))
    high = np.nan_to_num(np.clip(lv - med_lv, 0, None))
    if new_importer is None:
        new = ~frame["importer"].astype(str).isin(set(ref["importer"].astype(str))).to_numpy()
    else:
        new = np.asarray(new_importer, dtype=bool)
    return (
        WEIGHTS["undervaluation"] * under + WEIGHTS["high_stake"] * high + WEIGHTS["new_importer"] * new.astype(float)
    )


def first_seen(frame: pd.DataFrame) -> np.ndarray:
    """Returns, per row, whether it is its importer's first declaration in the frame (by date)."""
    order = frame.sort_values("date", kind="stable")
    first = ~order["importer"].astype(str).duplicated()
    return np.asarray(first.reindex(frame.index).to_numpy(dtype=bool))
