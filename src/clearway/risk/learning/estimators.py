"""Risk models in the scikit-learn estimator style: gradient-boosted trees on history features, and a baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from clearway.risk.learning.features import HistoryFeatures
from clearway.risk.learning.mapping import NUMBER_FIELDS, TEXT_FIELDS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def _lgbm_params(est: Any) -> dict[str, Any]:
    return {
        "objective": "binary",
        "learning_rate": est.learning_rate,
        "num_leaves": est.num_leaves,
        "min_child_samples": est.min_child_samples,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.8,
        "seed": est.random_state,
        "num_threads": est.n_jobs,
        "verbose": -1,
    }


CORRECTIONS = ("ipw", "none", "soft", "anchor")


class RiskModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """LightGBM on leakage-safe history features; ``risk_score`` returns a fraud probability (higher = riskier).

    Learns from partial labels: ``y`` is NaN for declarations never inspected. Those rows are never counted
    as clean: they feed only the label-free parts of the history features (value medians, recency), and, with
    ``correction="soft"``, enter the trees as soft labels (the model's own estimate, as both a fraudulent and
    a clean row weighted by it). ``fit(..., propensity=p)`` gives each labelled row the recorded chance it
    had of being inspected; ``correction="ipw"`` weights it by 1/p (see ``selection.ipw_weights``).

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM settings.
    smoothing, n_folds : settings of the history encoding (see ``HistoryFeatures``).
    correction : str
        ``ipw`` (inverse propensity weights), ``none`` (labelled rows as they are), ``soft`` (ipw, then a
        second round with the unlabelled rows as soft labels of weight ``soft_weight``) or ``anchor`` (trees on
        every labelled row, then ``anchor_trees`` more trees boosted on the rows selected *by chance* only —
        propensity below 1, the unbiased sample — which correct what the rule-chosen rows taught).
    max_weight : float
        Cap on an inverse propensity weight (a row selected with chance 1% counts at most this many times).
    soft_weight : float
        Weight of an unlabelled row against a labelled one in the ``soft`` correction.
    medians : str
        ``labelled`` (value medians from inspected rows) or ``all`` (from every declaration: they need no label,
        and a rule that inspects low unit values would otherwise bias them).
    anchor_trees : int
        Trees added on the chance-selected rows by the ``anchor`` correction.
    random_state : int
        Seed of folds and bagging, so a training run is reproducible.
    n_jobs : int
        Threads LightGBM may use (default 1: on a shared machine two OpenMP threads ran 20x slower than one).
    repeat : str
        ``default`` adds the repeat-consignment fraud rates (same declared value, net mass, HS code with either,
        HS code × tax rate × origin; see ``keys.REPEAT_KEYS``), ``wide`` a wider set
        (``keys.WIDE_REPEAT_KEYS``), ``off`` none (False and True are read as ``off`` and ``default``).
    counts : str
        ``off`` (default), ``before`` or ``others``: label-free repetition counts from every declaration of the
        history, inspected or not (``repetition.COUNT_KEYS``: how many declarations share the declared value, net
        mass, HS code × either, importer × HS code…; days since the same consignment; the share of the
        importer's declarations that repeat an earlier one). Training rows count the rows declared before them
        (``before``) or every other history row (``others``); new declarations the whole history.
    """

    def __init__(
        self,
        n_estimators: int = 500,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        smoothing: float = 10.0,
        n_folds: int = 5,
        correction: str = "ipw",
        max_weight: float = 10.0,
        soft_weight: float = 0.2,
        medians: str = "labelled",
        anchor_trees: int = 100,
        random_state: int = 0,
        n_jobs: int = 1,
        repeat: bool | str = "default",
        counts: str = "off",
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.smoothing = smoothing
        self.n_folds = n_folds
        self.correction = correction
        self.max_weight = max_weight
        self.soft_weight = soft_weight
        self.medians = medians
        self.anchor_trees = anchor_trees
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.repeat = repeat
        self.counts = counts

    def fit(self, x: pd.DataFrame, y: Any, propensity: Any = None) -> RiskModel:
        """Learns the history encodings and the trees; ``y`` NaN = never inspected; returns self.

        ``propensity``: per row, the recorded probability it had of being inspected (NaN or None = unknown,
        treated as 1).
        """
        import lightgbm as lgb
        import numpy as np

        from clearway.risk.learning.selection import ipw_weights

        if self.correction not in CORRECTIONS:
            raise ValueError(f"correction must be one of {', '.join(CORRECTIONS)}")
        y_arr = np.asarray(y, dtype=float)
        lab = ~np.isnan(y_arr)
        if len(np.unique(y_arr[lab])) < 2:
            raise ValueError("training needs both fraudulent and clean declarations")
        p = np.ones(len(y_arr)) if propensity is None else np.asarray(propensity, dtype=float)
        w = (
            ipw_weights(p, lab, min_propensity=1.0 / self.max_weight)
            if self.correction not in ("none", "anchor")
            else lab.astype(float)
        )
        # The prior rates shrink toward: the selection-corrected fraud rate of the population.
        prior = float(np.average(y_arr[lab], weights=w[lab]))
        self.features_ = HistoryFeatures(
            self.smoothing,
            self.n_folds,
            self.random_state,
            medians=self.medians,
            repeat=self.repeat,
            counts=self.__dict__.get("counts", "off"),
        )
        matrix = self.features_.fit_transform(x, y_arr, prior=prior)
        params = _lgbm_params(self)
        lab_rows = matrix.iloc[np.flatnonzero(lab)]
        data = lgb.Dataset(lab_rows, y_arr[lab], weight=w[lab])
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        # Rows selected by chance (a recorded propensity below 1) stand for every declaration like them.
        chance = lab & (np.nan_to_num(p, nan=1.0) < 1.0)
        if self.correction == "anchor" and chance.any() and len(np.unique(y_arr[chance])) == 2:
            rows = np.flatnonzero(chance)
            data = lgb.Dataset(matrix.iloc[rows], y_arr[rows])
            # Boosting continues from the first trees' scores on those rows: one booster, as the online path needs.
            self.booster_ = lgb.train(params, data, num_boost_round=self.anchor_trees, init_model=self.booster_)
        if self.correction == "soft" and (~lab).any():
            # Unlabelled rows as soft labels: each counts as fraudulent with weight p and clean with 1 - p.
            unl = matrix.iloc[np.flatnonzero(~lab)]
            q = np.asarray(self.booster_.predict(unl), dtype=float)
            both = _concat([lab_rows, unl, unl])
            labels = np.concatenate([y_arr[lab], np.ones(len(unl)), np.zeros(len(unl))])
            weights = np.concatenate([w[lab], self.soft_weight * q, self.soft_weight * (1 - q)])
            data = lgb.Dataset(both, labels, weight=weights)
            self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        self.classes_ = np.array([0, 1])
        return self

    def uncertainty(self, x: pd.DataFrame, scores: np.ndarray | None = None) -> np.ndarray:
        """Returns how little the model knows about each declaration, in [0, 1] (higher = less known).

        The score's Bernoulli spread p(1 - p) scaled to [0, 1], raised for declarations whose importer or
        HS × origin pair has few inspected outcomes behind its rate (never seen = most uncertain).
        """
        import numpy as np

        p = self.risk_score(x) if scores is None else np.asarray(scores, dtype=float)
        return np.asarray(uncertainty(p, novelty(self.matrix(x))), dtype=float)

    def matrix(self, x: pd.DataFrame) -> pd.DataFrame:
        """Returns the feature matrix of new declarations."""
        check_is_fitted(self, "booster_")
        return self.features_.encode(x)

    def risk_score(self, x: pd.DataFrame) -> np.ndarray:
        """Returns each declaration's risk score in [0, 1] (higher = riskier)."""
        import numpy as np

        check_is_fitted(self, "booster_")
        return np.asarray(self.booster_.predict(self.matrix(x)), dtype=float)

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        """Returns the probabilities of clean and fraudulent, one row per declaration."""
        import numpy as np

        p = self.risk_score(x)
        return np.column_stack([1 - p, p])

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        """Returns 1 for declarations more likely fraudulent than not."""
        return (self.risk_score(x) >= 0.5).astype(int)

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame:
        """Returns each feature's contribution to each score (log-odds; the trees' own SHAP values)."""
        import numpy as np
        import pandas as pd

        matrix = self.matrix(x)
        raw = np.asarray(self.booster_.predict(matrix, pred_contrib=True))
        return pd.DataFrame(raw[:, :-1], columns=list(matrix.columns), index=x.index)


def novelty(matrix: pd.DataFrame) -> np.ndarray:
    """Returns, per row, how new its importer and its HS × origin pair are to the inspected history, in [0, 1].

    0.5 per entity never inspected, less the more inspected outcomes there are (1 / (1 + n) / 2 each).
    """
    import numpy as np

    out = np.zeros(len(matrix))
    for name in ("importer", "hs6_origin"):
        n = matrix[f"n__{name}"].to_numpy(dtype=float)
        out += 0.5 / (1.0 + np.nan_to_num(n))
    return out


def uncertainty(p: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Combines score spread and novelty into one uncertainty in [0, 1]."""
    import numpy as np

    spread = 4.0 * p * (1.0 - p)
    return np.asarray(np.clip(0.5 * spread + 0.5 * new, 0.0, 1.0))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat(parts, ignore_index=True)


class BaselineModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Plain LightGBM on the raw mapped columns (text as ordinal codes), the yardstick for ``RiskModel``."""

    def __init__(self, n_estimators: int = 300, learning_rate: float = 0.05, random_state: int = 0) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _raw(self, x: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        out = pd.DataFrame(index=x.index)
        for col in TEXT_FIELDS:
            out[col] = x[col].map(self.codes_[col]).fillna(-1).astype(float)
        for col in x.columns:
            if col.startswith("cat__"):
                out[col] = x[col].map(self.codes_[col]).fillna(-1).astype(float)
        for col in (*NUMBER_FIELDS, *(c for c in x.columns if c.startswith("num__"))):
            out[col] = x[col]
        return out

    def fit(self, x: pd.DataFrame, y: Any) -> BaselineModel:
        """Fits the trees on the raw columns; returns self."""
        import lightgbm as lgb
        import numpy as np

        text = [*TEXT_FIELDS, *(c for c in x.columns if c.startswith("cat__"))]
        self.codes_ = {c: {v: i for i, v in enumerate(sorted(x[c].astype(str).unique()))} for c in text}
        self.model_ = lgb.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        ).fit(self._raw(x), np.asarray(y))
        self.classes_ = np.array([0, 1])
        return self

    def risk_score(self, x: pd.DataFrame) -> np.ndarray:
        """Returns each declaration's fraud probability."""
        import numpy as np

        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(self._raw(x)), dtype=float)[:, 1]


__all__ = ["CORRECTIONS", "BaselineModel", "RiskModel", "novelty", "uncertainty"]
