"""The risk model follows the scikit-learn contract and its history encoding does not leak labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from clearway.risk.learning.estimators import RiskModel
from clearway.risk.learning.features import HistoryFeatures


def _frame(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    importers = rng.integers(0, 40, n)
    frame = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "office": "10",
            "declarant": "D" + pd.Series(rng.integers(0, 5, n)).astype(str),
            "importer": "I" + pd.Series(importers).astype(str),
            "seller": "",
            "courier": "",
            "hs": rng.choice(["610910", "851713"], n),
            "origin": rng.choice(["CN", "VN"], n),
            "departure": "CN",
            "net_mass": rng.uniform(10, 100, n),
            "value": rng.uniform(100, 5000, n),
            "tax_rate": 8.0,
        }
    )
    y = ((importers < 8) & (rng.random(n) < 0.9)).astype(int)
    return frame, y


def test_init_stores_parameters_only_and_fit_returns_self() -> None:
    model = RiskModel(n_estimators=20, smoothing=5.0)
    assert model.get_params()["smoothing"] == 5.0
    assert not [k for k in vars(model) if k.endswith("_")]
    x, y = _frame(400)
    assert model.fit(x, y) is model
    assert clone(model).get_params() == model.get_params()


def test_predicting_before_fit_is_refused() -> None:
    with pytest.raises(NotFittedError):
        RiskModel().risk_score(_frame(10)[0])
    with pytest.raises(NotFittedError):
        HistoryFeatures().transform(_frame(10)[0])


def test_training_rows_never_see_their_own_label() -> None:
    # An importer seen once: its in-sample rate would reveal the label; out of fold it is the prior.
    x, y = _frame(300)
    x.loc[0, "importer"] = "ONLY-ONCE"
    y[0] = 1
    enc = HistoryFeatures(smoothing=10.0).fit_transform(x, y)
    assert enc.loc[0, "rate__importer"] == pytest.approx(y.mean(), rel=0.2)
    assert enc.loc[0, "n__importer"] == 0
    full = HistoryFeatures(smoothing=10.0).fit(x, y).transform(x.iloc[[0]])
    assert full["rate__importer"].iloc[0] > enc.loc[0, "rate__importer"]


def test_the_model_ranks_the_risky_importers_first() -> None:
    x, y = _frame(1500, seed=1)
    model = RiskModel(n_estimators=60).fit(x.iloc[:1000], y[:1000])
    scores = model.risk_score(x.iloc[1000:])
    top = np.argsort(-scores)[:50]
    assert y[1000:][top].mean() > 3 * y[1000:].mean()
    contrib = model.contributions(x.iloc[1000:1005])
    assert list(contrib.columns) == model.features_.get_feature_names_out()
