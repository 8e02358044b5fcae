"""Learning from inspected declarations only: unlabelled rows are never counted as clean."""

from __future__ import annotations

import numpy as np
import pytest

from clearway.risk.learning.estimators import RiskModel
from clearway.risk.learning.features import HistoryFeatures
from tests.unit.risk._history import history


def _partial() -> tuple[object, np.ndarray, np.ndarray]:
    frame, fraud, _ = history(weeks=8, per_week=100)
    y = fraud.copy()
    risky_importer = frame["importer"].isin([f"I{i}" for i in range(10)]).to_numpy()
    # Of the risky importers' declarations only the fraudulent ones were inspected (a few);
    # the rest of them stay unlabelled. Everyone else: inspected at random (30%).
    rng = np.random.default_rng(3)
    keep = np.where(risky_importer, (fraud == 1) & (rng.random(len(y)) < 0.3), rng.random(len(y)) < 0.3)
    y[~keep] = np.nan
    return frame, y, risky_importer


def test_rates_and_their_counts_come_from_inspected_outcomes_only() -> None:
    frame, y, _ = _partial()
    feats = HistoryFeatures(smoothing=1.0).fit(frame, y)
    table = feats.rates_["importer"]
    lab = ~np.isnan(y)
    for importer in ("I0", "I25"):
        rows = (frame["importer"] == importer).to_numpy()
        assert table.loc[importer, "count"] == (rows & lab).sum()
        assert table.loc[importer, "sum"] == np.nansum(y[rows])
    # Every inspected declaration of I0 was fraudulent: its rate is high, not diluted by the uninspected.
    enc = feats.encode(frame[frame["importer"] == "I0"].head(3))
    assert (enc["rate__importer"] > 0.7).all()
    assert feats.prior_ == pytest.approx(np.nanmean(y))


def test_the_model_does_not_learn_uninspected_declarations_as_clean() -> None:
    frame, y, risky = _partial()
    model = RiskModel(n_estimators=40, min_child_samples=5, n_jobs=1).fit(frame, y)
    as_negatives = RiskModel(n_estimators=40, min_child_samples=5, n_jobs=1).fit(frame, np.nan_to_num(y, nan=0.0))
    probe = frame[risky].head(50)
    # Learning the unlabelled as clean would make the risky importers look mostly clean; partial learning not.
    assert model.risk_score(probe).mean() > 0.6
    assert model.risk_score(probe).mean() > as_negatives.risk_score(probe).mean() + 0.2


def test_unlabelled_rows_of_an_importer_never_change_its_rate_features() -> None:
    frame, y, _ = _partial()
    lab = ~np.isnan(y)
    full = HistoryFeatures().fit(frame, y)
    only_labelled = HistoryFeatures().fit(frame[lab].reset_index(drop=True), y[lab])
    probe = frame.head(20)
    a, b = full.encode(probe), only_labelled.encode(probe)
    for col in ("rate__importer", "n__importer", "rate__hs6_origin", "n__hs6_origin"):
        np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy())


def test_propensity_weights_reach_the_prior_and_bad_settings_are_refused() -> None:
    frame, fraud, _ = history(weeks=6, per_week=100)
    y = fraud.copy()
    p = np.full(len(y), 0.2)
    p[fraud == 1] = 1.0  # frauds were four times likelier to be inspected
    model = RiskModel(n_estimators=10, n_jobs=1).fit(frame, y, propensity=p)
    naive = RiskModel(n_estimators=10, n_jobs=1, correction="none").fit(frame, y, propensity=p)
    w = 1 / p
    assert model.features_.prior_ == pytest.approx(np.average(y, weights=w / w.mean()))
    assert naive.features_.prior_ == pytest.approx(y.mean())
    with pytest.raises(ValueError):
        RiskModel(correction="magic").fit(frame, y)


def test_soft_labels_train_and_uncertainty_is_highest_for_the_never_seen() -> None:
    frame, y, _ = _partial()
    model = RiskModel(n_estimators=20, correction="soft", n_jobs=1).fit(frame, y)
    probe = frame.head(2).copy()
    probe.loc[probe.index[1], ["importer", "hs", "origin"]] = ["NEVER-SEEN", "999999", "ZZ"]
    from clearway.risk.learning.estimators import novelty

    new = novelty(model.matrix(probe))
    assert new[1] == pytest.approx(1.0) and new[0] < 0.5
    u = model.uncertainty(probe)
    assert ((u >= 0) & (u <= 1)).all()
