"""Label-free repetition counts: from every declaration, earlier ones only, never reading a label; batch = online."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clearway.risk import online
from clearway.risk.learning import data, jobs, mapping, registry
from clearway.risk.learning.features import HistoryFeatures
from clearway.risk.learning.repetition import count_feature_names
from clearway.risk.learning.wording import describe
from tests.integration.risk.test_online_model import _platform_history
from tests.unit.risk._history import history

DAY = pd.Timedelta(days=1)
START = pd.Timestamp("2024-03-01", tz="UTC")


def _small() -> tuple[pd.DataFrame, np.ndarray]:
    """Six declarations: one consignment (value 500, mass 20, HS 851713) declared on days 0, 0, 3 and 10."""
    frame, _, _ = history(weeks=1, per_week=6)
    frame["date"] = [START, START, START + 3 * DAY, START + 5 * DAY, START + 10 * DAY, START + 11 * DAY]
    frame["importer"] = ["A", "A", "B", "A", "A", "C"]
    frame["hs"] = ["851713", "851713", "851713", "610910", "851713", "610910"]
    frame["value"] = [500.0, 500.0, 500.0, 777.0, 500.0, 501.0]
    frame["net_mass"] = [20.0, 20.0, 20.0, 30.0, 20.0, 31.0]
    y = np.array([np.nan, np.nan, np.nan, 1.0, np.nan, 0.0])  # the repeated consignment was never inspected
    return frame, y


def test_training_rows_count_only_declarations_made_strictly_before_them() -> None:
    frame, y = _small()
    m = HistoryFeatures(counts="before").fit_transform(frame, y)
    # Days 0 and 0 see nobody before them (the same day is not before), day 3 sees two, day 10 three.
    assert m["count__hs6_same_value"].tolist() == [0, 0, 2, 0, 3, 0]
    assert m["count__importer"].tolist() == [0, 0, 0, 2, 3, 0]
    days = m["days_since_same__hs6_same_value"].to_numpy()
    assert np.isnan(days[[0, 1, 3, 5]]).all() and days[2] == 3 and days[4] == 7
    # Importer A's earlier declarations on day 10: days 0, 0 (not repeats of an earlier one) and day 5 (none).
    assert m["repeat_share__importer"].iloc[4] == 0.0
    assert np.isnan(m["repeat_share__importer"].iloc[0])  # nothing before: unknown, not zero


def test_others_mode_counts_every_other_history_row_and_new_rows_count_the_whole_history() -> None:
    frame, y = _small()
    feats = HistoryFeatures(counts="others")
    m = feats.fit_transform(frame, y)
    assert m["count__hs6_same_value"].tolist() == [3, 3, 3, 0, 3, 0]  # never itself
    assert m["count__same_mass"].tolist() == [3, 3, 3, 0, 3, 0]
    new = frame.iloc[[0, 3]].copy()
    new["date"] = START + 20 * DAY
    new.loc[new.index[1], "value"] = 999.0  # a consignment never declared
    enc = feats.encode(new)
    assert enc["count__hs6_same_value"].tolist() == [4, 0]
    assert enc["days_since_same__hs6_same_value"].iloc[0] == 10
    assert np.isnan(enc["days_since_same__hs6_same_value"].iloc[1])
    # Importer A's four past declarations: days 0 and 0 repeat nothing earlier, day 5 neither, day 10 does.
    assert enc["repeat_share__importer"].iloc[0] == pytest.approx(1 / 4)


def test_a_later_declaration_never_changes_an_earlier_rows_counts() -> None:
    frame, fraud, _ = history(weeks=6, per_week=100)
    frame.loc[frame.index[::7], ["value", "net_mass"]] = [4321.0, 12.5]  # a repeated consignment
    y = np.where(np.random.default_rng(3).random(len(fraud)) < 0.3, fraud, np.nan)
    cut = frame["date"] < frame["date"].iloc[400]
    early = HistoryFeatures(counts="before").fit_transform(frame[cut].reset_index(drop=True), y[cut.to_numpy()])
    whole = HistoryFeatures(counts="before").fit_transform(frame, y)
    cols = count_feature_names()
    pd.testing.assert_frame_equal(
        early[cols].reset_index(drop=True), whole[cols][cut.to_numpy()].reset_index(drop=True), check_dtype=False
    )
    assert whole["count__same_value_mass"].max() > 0


def test_counts_read_no_label_and_leave_the_inspected_only_rates_alone() -> None:
    frame, fraud, _ = history(weeks=6, per_week=100)
    frame.loc[frame.index[::5], ["value", "net_mass"]] = [4321.0, 12.5]
    partial = np.where(np.random.default_rng(4).random(len(fraud)) < 0.2, fraud, np.nan)
    cols = count_feature_names()
    with_labels = HistoryFeatures(counts="before").fit_transform(frame, fraud)
    feats = HistoryFeatures(counts="before")
    with_partial = feats.fit_transform(frame, partial)
    flipped = HistoryFeatures(counts="before").fit_transform(frame, np.where(np.isnan(partial), np.nan, 1 - partial))
    pd.testing.assert_frame_equal(with_labels[cols], with_partial[cols])
    pd.testing.assert_frame_equal(with_partial[cols], flipped[cols])
    # The uninspected repeats are counted as declarations, never as clean outcomes in the fraud rates.
    key = "4321"
    lab = ~np.isnan(partial)
    assert feats.rates_["same_value"].loc[key, "count"] == lab[::5].sum()
    assert feats.count_tables_["same_value"].loc[key, "count"] == len(frame.index[::5])
    without = HistoryFeatures().fit_transform(frame, partial)
    pd.testing.assert_frame_equal(without, with_partial[list(without.columns)])


def test_the_officer_reads_the_counts_in_words() -> None:
    words = [describe(name) for name in count_feature_names()]
    assert words[4] == "number of past declarations, inspected or not, with the same HS code and declared value"
    assert (
        describe("days_since_same__same_value_mass")
        == "days since a declaration with the same declared value and net mass"
    )
    assert all("_" not in w for w in words)  # words, never a column name


def test_an_unknown_counting_mode_is_refused() -> None:
    frame, fraud, _ = history(weeks=2, per_week=50)
    with pytest.raises(ValueError, match="counts must be one of"):
        HistoryFeatures(counts="future").fit(frame, fraud)


@pytest.fixture(scope="module")
def counted_model(tmp_path_factory: pytest.TempPathFactory) -> registry.LoadedModel:
    root = tmp_path_factory.mktemp("counts")
    path = _platform_history(root / "export.parquet", rows=300)
    frame = pd.read_parquet(path)
    frame.loc[frame.index[::4], ["invoice_amount", "net_mass"]] = ["65700.00", "120.5"]  # a repeated consignment
    frame.to_parquet(path)
    jobs.train(mapping.load("platform"), [path], root / "model", params={"n_estimators": 20, "counts": "before"})
    return registry.load(root / "model")


def test_online_and_batch_repetition_features_agree_after_saving_and_loading(
    counted_model: registry.LoadedModel,
) -> None:
    from tests.unit.risk.test_online_features import _rows

    rows = _rows()
    names, fast = online.matrix(counted_model.model, counted_model.mapping, rows)
    assert set(count_feature_names()) <= set(names)
    batch = counted_model.model.matrix(data.canonical(pd.DataFrame(rows), counted_model.mapping, labels=False))
    assert names == list(batch.columns)
    expected = np.column_stack(
        [
            batch[c].cat.codes.replace(-1, np.nan).to_numpy(dtype=float)
            if isinstance(batch[c].dtype, pd.CategoricalDtype)
            else batch[c].to_numpy(dtype=float)
            for c in names
        ]
    )
    np.testing.assert_allclose(fast, expected, rtol=1e-9, atol=1e-6, equal_nan=True)
    # The first row repeats the consignment of a quarter of the history: it is counted, by both paths.
    assert fast[0, names.index("count__same_value_mass")] >= 70
    assert fast[1, names.index("count__hs6_same_value")] == 0  # an unreadable value repeats nothing
    booster = counted_model.model.booster_
    np.testing.assert_allclose(booster.predict(fast), booster.predict(batch), rtol=1e-12)


def test_a_model_without_counts_gets_no_count_columns(tmp_path: Path) -> None:
    path = _platform_history(tmp_path / "export.parquet", rows=200)
    jobs.train(mapping.load("platform"), [path], tmp_path / "model", params={"n_estimators": 5})
    loaded = registry.load(tmp_path / "model")
    from tests.unit.risk.test_online_features import _rows

    names, _ = online.matrix(loaded.model, loaded.mapping, _rows())
    assert not set(count_feature_names()) & set(names)
    assert "count_tables_" not in loaded.model.features_.__dict__
