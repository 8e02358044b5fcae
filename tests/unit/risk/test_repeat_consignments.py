"""Repeat-consignment fraud rates: learned from inspected declarations only, out of fold, prior when unseen."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clearway.risk import online
from clearway.risk.learning import data, jobs, mapping, registry
from clearway.risk.learning.features import HistoryFeatures
from clearway.risk.learning.keys import REPEAT_KEYS
from clearway.risk.learning.wording import describe
from tests.integration.risk.test_online_model import _platform_history
from tests.unit.risk._history import history

REPEATED_VALUE = 12345.5  # one consignment declared again and again (a fraud that repeats)


def _with_repeats() -> tuple[pd.DataFrame, np.ndarray]:
    """A history where 60 declarations repeat one exact consignment; 20 of them inspected, all fraudulent."""
    frame, fraud, _ = history(weeks=6, per_week=100)
    y = fraud.copy()
    rng = np.random.default_rng(5)
    y[rng.random(len(y)) > 0.3] = np.nan  # 30% inspected at random
    repeat = np.arange(60) * 10
    frame.loc[repeat, ["value", "net_mass", "hs", "origin"]] = [REPEATED_VALUE, 40.0, "610910", "CN"]
    y[repeat] = np.nan
    y[repeat[:20]] = 1.0  # the inspected ones were all found fraudulent; the other 40 never inspected
    return frame, y


def test_repeat_rates_and_counts_come_from_inspected_declarations_only() -> None:
    frame, y = _with_repeats()
    feats = HistoryFeatures(smoothing=1.0).fit(frame, y)
    table = feats.rates_["same_value"]
    key = format(REPEATED_VALUE, ".10g")
    assert table.loc[key, "count"] == 20  # the 40 uninspected repeats count for nothing, neither clean nor fraud
    assert table.loc[key, "sum"] == 20
    assert feats.rates_["hs6_same_value"].loc[f"610910|{key}", "count"] == 20
    new = frame.iloc[[0]].copy()
    new["id"] = "new"
    enc = feats.encode(new)
    assert enc["rate__same_value"].iloc[0] == pytest.approx((20 + feats.prior_) / 21)
    assert enc["n__hs6_same_mass"].iloc[0] == 20
    assert enc["rate__same_value"].iloc[0] > 0.9 > feats.prior_
    assert set(REPEAT_KEYS) <= set(feats.rates_)
    assert (
        describe("rate__hs6_same_value") == "past fraud rate of declarations with the same HS code and declared value"
    )
    assert describe("n__same_mass") == "number of inspected past declarations with the same net mass"


def test_training_rows_are_encoded_out_of_fold_so_a_unique_consignment_never_sees_its_own_label() -> None:
    frame, y = _with_repeats()
    lab = np.flatnonzero(~np.isnan(y))
    unique = lab[-5:]
    frame.loc[unique, "value"] = [777001.0, 777002.0, 777003.0, 777004.0, 777005.0]  # each declared once
    y[unique] = 1.0
    feats = HistoryFeatures(smoothing=1.0)
    train = feats.fit_transform(frame, y)
    # Its own label is the only one with that value: out of fold it has no inspected history at all.
    np.testing.assert_allclose(train["rate__same_value"].to_numpy()[unique], feats.prior_)
    np.testing.assert_allclose(train["n__same_value"].to_numpy()[unique], 0.0)
    # Encoded as a new declaration (whole history), the same row does see it: the fold is what protects it.
    assert (feats.encode(frame.iloc[unique])["rate__same_value"] > feats.prior_).all()
    # The repeated consignment's labelled rows see the other folds' inspected repeats, not themselves.
    repeats = np.flatnonzero(frame["value"].to_numpy() == REPEATED_VALUE)
    inspected = repeats[~np.isnan(y[repeats])]
    assert (train["n__same_value"].to_numpy()[inspected] < 20 * 5 / 4 + 1e-9).all()
    assert (train["rate__same_value"].to_numpy()[inspected] > 0.8).all()


def test_an_unseen_consignment_gets_the_prior_with_no_count() -> None:
    frame, y = _with_repeats()
    feats = HistoryFeatures().fit(frame, y)
    probe = frame.iloc[[1, 2]].copy()
    probe["value"] = [987654.25, np.nan]  # never declared before; unreadable
    probe["net_mass"] = [0.123, np.nan]
    probe["hs"] = "999999"
    enc = feats.encode(probe)
    for name in REPEAT_KEYS:
        np.testing.assert_allclose(enc[f"rate__{name}"].to_numpy(), feats.prior_)
        np.testing.assert_allclose(enc[f"n__{name}"].to_numpy(), 0.0)


def test_a_model_trained_before_the_repeat_rates_still_scores_in_batch_and_online(tmp_path: Path) -> None:
    source = _platform_history(tmp_path / "export.parquet", rows=300)
    m = mapping.load("platform")
    old_dir = tmp_path / "old"
    jobs.train(m, [source], old_dir, params={"n_estimators": 20, "repeat": False})
    # A model saved by the code before these features: no `repeat` setting, no repeat-consignment tables.
    meta_path = old_dir / registry.META
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["params"].pop("repeat")
    meta_path.write_text(json.dumps(meta), "utf-8")
    assert not any(f.endswith(tuple(REPEAT_KEYS)) for f in meta["features"])
    loaded = registry.load(old_dir)
    rows = pd.read_parquet(source).head(5).to_dict("records")
    frame = data.canonical(pd.DataFrame(rows), loaded.mapping, labels=False)
    batch = loaded.model.matrix(frame)
    assert list(batch.columns) == meta["features"]
    names, fast = online.matrix(loaded.model, loaded.mapping, rows)
    assert names == meta["features"]
    booster = loaded.model.booster_
    np.testing.assert_allclose(booster.predict(fast), loaded.model.risk_score(frame), rtol=1e-9)
    # A model trained now has them, and its online and batch rows agree on them too.
    new_dir = tmp_path / "new"
    jobs.train(m, [source], new_dir, params={"n_estimators": 20})
    fresh = registry.load(new_dir)
    names, fast = online.matrix(fresh.model, fresh.mapping, rows)
    assert {f"rate__{k}" for k in REPEAT_KEYS} <= set(names)
    np.testing.assert_allclose(fresh.model.booster_.predict(fast), fresh.model.risk_score(frame), rtol=1e-9)
