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


class RiskModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """LightGBM on leakage-safe history features; ``risk_score`` returns a fraud probability (higher = riskier).

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM settings.
    smoothing, n_folds : settings of the history encoding (see ``HistoryFeatures``).
    random_state : int
        Seed of folds and bagging, so a training run is reproducible.
    n_jobs : int
        Threads LightGBM may use.
    """

    def __init__(
        self,
        n_estimators: int = 500,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        smoothing: float = 10.0,
        n_folds: int = 5,
        random_state: int = 0,
        n_jobs: int = 2,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.smoothing = smoothing
        self.n_folds = n_folds
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, x: pd.DataFrame, y: Any) -> RiskModel:
        """Learns the history encodings and the trees from labelled declarations; returns self."""
        import lightgbm as lgb
        import numpy as np

        y_arr = np.asarray(y, dtype=float)
        if len(np.unique(y_arr)) < 2:
            raise ValueError("training needs both fraudulent and clean declarations")
        self.features_ = HistoryFeatures(self.smoothing, self.n_folds, self.random_state)
        matrix = self.features_.fit_transform(x, y_arr)
        self.booster_ = lgb.train(_lgbm_params(self), lgb.Dataset(matrix, y_arr), num_boost_round=self.n_estimators)
        self.classes_ = np.array([0, 1])
        return self

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
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, random_state=self.random_state, verbose=-1
        ).fit(self._raw(x), np.asarray(y))
        self.classes_ = np.array([0, 1])
        return self

    def risk_score(self, x: pd.DataFrame) -> np.ndarray:
        """Returns each declaration's fraud probability."""
        import numpy as np

        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(self._raw(x)), dtype=float)[:, 1]


__all__ = ["BaselineModel", "RiskModel"]
