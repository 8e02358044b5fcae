"""Building a case bank: the risk engine's model scores past controlled declarations it never learned from.

The model and its features are the risk engine's own (``clearway.risk.learning``: ``RiskModel`` on the leakage-
safe ``HistoryFeatures``; contributions are the trees' SHAP values). A case's outcome must never have taught
the model that scores it, nor the trader-history figures shown beside it, so a bank is built one of two ways:

- ``time`` (large histories, the default from 1,000 controlled declarations): the latest ``case_share`` of the
  controlled declarations become the cases; the model learns from everything before them, as the engine
  would have on the day;
- ``folds`` (small histories): every controlled declaration is a case, scored by a model fitted with that
  case's fold of outcomes hidden (cross-fitting), so each score and each history figure comes from the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from clearway.core.issues import DomainError
from clearway.risk.learning import data as risk_data

if TYPE_CHECKING:
    import pandas as pd

Step = Callable[[str, int, int], None]
METHODS = ("auto", "time", "folds")
FOLDS = 5
MIN_HISTORY = 30
TIME_FROM = 1000
TOP_SIGNALS = 8
# Trader-history figures shown to the trainee beside the declared data (what an officer's screen shows).
HISTORY = (
    "n__importer",
    "rate__importer",
    "n__declarant",
    "rate__declarant",
    "n__seller",
    "rate__seller",
    "n__hs6_origin",
    "rate__hs6_origin",
    "uv_ratio__hs6_origin",
    "uv_ratio__hs6",
    "days_since_importer_seen",
)


def _quiet(_: str, __: int, ___: int) -> None:
    return None


@dataclass(frozen=True)
class Scored:
    """The cases of a bank (row positions in the frame) with the model's view of each."""

    rows: np.ndarray
    scores: np.ndarray
    signals: list[list[tuple[str, float, float | None]]]
    history: list[dict[str, float | None]]
    method: str
    model: dict[str, Any]


def _fit(frame: pd.DataFrame, y: np.ndarray, trees: int, seed: int) -> Any:
    from clearway.risk.learning.estimators import RiskModel

    lab = ~np.isnan(y)
    if lab.sum() < MIN_HISTORY or len(np.unique(y[lab])) < 2:
        raise DomainError(
            f"the model needs at least {MIN_HISTORY} controlled declarations, fraudulent and clean, to learn from "
            f"before the cases (found {int(lab.sum())}); import a longer history",
            code="TRAINING_HISTORY_TOO_SMALL",
        )
    return RiskModel(n_estimators=trees, random_state=seed, n_jobs=1).fit(frame, y)


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) or np.isinf(out) else round(out, 6)


def _view(model: Any, frame: pd.DataFrame) -> tuple[np.ndarray, list[Any], list[dict[str, float | None]]]:
    matrix = model.matrix(frame)
    contrib = np.asarray(model.booster_.predict(matrix, pred_contrib=True), dtype=float)
    scores = 1.0 / (1.0 + np.exp(-contrib.sum(axis=1)))
    names = list(matrix.columns)
    # Numbers as one array: a pandas look-up per cell took most of a large import.
    values = np.full((len(frame), len(names)), np.nan)
    for j, n in enumerate(names):
        if not n.startswith("cat__"):
            values[:, j] = matrix[n].to_numpy(dtype=float)
    where = {n: j for j, n in enumerate(names)}
    shown = [(h, where[h]) for h in HISTORY if h in where]
    order = np.argsort(-np.abs(contrib[:, :-1]), axis=1, kind="stable")[:, :TOP_SIGNALS]
    signals, history = [], []
    for i in range(len(frame)):
        row = contrib[i, :-1]
        signals.append(
            [
                (names[j], round(float(row[j]), 4), _number(values[i, j]))
                for j in order[i].tolist()
                if abs(row[j]) > 1e-6
            ]
        )
        history.append({h: _number(values[i, j]) for h, j in shown})
    return scores, signals, history


def score_cases(
    frame: pd.DataFrame,
    *,
    method: str = "auto",
    case_share: float = 0.2,
    trees: int = 150,
    seed: int = 0,
    folds: int = FOLDS,
    step: Step = _quiet,
) -> Scored:
    """Scores a bank's cases with models that never saw their outcomes; ``frame`` is canonical, sorted by date.

    ``frame`` holds the fraud label (NaN where never controlled); only controlled declarations become cases.
    """
    if method not in METHODS:
        raise DomainError(f"the method is one of {', '.join(METHODS)}", code="TRAINING_METHOD")
    if not 0.05 <= case_share <= 0.8:
        raise DomainError("the share of cases lies between 0.05 and 0.8", code="TRAINING_CASE_SHARE")
    y = frame[risk_data.FRAUD].to_numpy(dtype=float)
    features = frame.drop(columns=[c for c in (risk_data.FRAUD, risk_data.CRITICAL) if c in frame.columns])
    labelled = np.flatnonzero(~np.isnan(y))
    if method == "auto":
        method = "time" if len(labelled) >= TIME_FROM else "folds"
    parts: list[tuple[np.ndarray, Any]] = []
    if method == "time":
        cut = int(labelled[int(len(labelled) * (1 - case_share))]) if len(labelled) else 0
        cases = labelled[labelled >= cut]
        step(f"learning from {cut} declarations before the cases", 0, 2)
        parts.append((cases, _fit(features.iloc[:cut], y[:cut], trees, seed)))
        windows = {"history_to": str(frame[risk_data.DATE].iloc[max(cut - 1, 0)].date())}
    else:
        rng = np.random.default_rng(seed)
        if not 2 <= folds <= 10:
            raise DomainError("cross-fitting takes 2 to 10 folds", code="TRAINING_FOLDS")
        fold_of = rng.permutation(len(labelled)) % folds
        windows = {}
        for k in range(folds):
            step(f"learning with fold {k + 1} of {folds} hidden", k, folds + 1)
            hidden = labelled[fold_of == k]
            y_k = y.copy()
            y_k[hidden] = np.nan
            parts.append((hidden, _fit(features, y_k, trees, seed)))
    rows, scores, signals, history = [], [], [], []
    for idx, model in parts:
        step(f"scoring {len(idx)} cases and their signals", len(parts), len(parts) + 1)
        if not len(idx):
            continue
        s, sig, hist = _view(model, features.iloc[idx])
        rows.append(idx)
        scores.append(s)
        signals.extend(sig)
        history.extend(hist)
    all_rows = np.concatenate(rows) if rows else np.array([], dtype=int)
    meta = {
        "kind": "clearway.risk.RiskModel",
        "method": method,
        "trees": trees,
        "seed": seed,
        **({"folds": folds} if method == "folds" else {}),
        "labelled": len(labelled),
        "cases": len(all_rows),
        "fraud_rate": float(np.nanmean(y)) if len(labelled) else 0.0,
        **windows,
    }
    return Scored(
        rows=all_rows,
        scores=np.concatenate(scores) if scores else np.array([]),
        signals=signals,
        history=history,
        method=method,
        model=meta,
    )


def precision_at(scores: np.ndarray, fraud: np.ndarray, share: float) -> float:
    """Returns the share of frauds among the top-scored ``share`` of cases (how good the engine is here)."""
    if not len(scores):
        return 0.0
    k = max(1, round(share * len(scores)))
    top = np.argsort(-scores, kind="stable")[:k]
    return float(fraud[top].mean())
