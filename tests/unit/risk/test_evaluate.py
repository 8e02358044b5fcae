"""`clearway risk evaluate`: a temporal split, ours against a plain baseline, written as JSON and PNG."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from clearway.risk.cli import app
from clearway.risk.learning.evaluate import at_share
from tests.conftest import shared_data

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("eval")
    train = pd.read_csv(shared_data("kcs", "df_syn_train_eng.csv"), dtype=str, keep_default_na=False)
    valid = pd.read_csv(shared_data("kcs", "df_syn_valid_eng.csv"), dtype=str, keep_default_na=False)
    a, b = root / "2020.csv", root / "2021.csv"
    train.iloc[::4].to_csv(a, index=False)
    valid.iloc[:800].to_csv(b, index=False)
    return [a, b]


def test_evaluate_compares_with_the_baseline_and_writes_the_report(files: list[Path], tmp_path: Path) -> None:
    args = ["evaluate", "--mapping", "kcs", "--input", str(files[0]), "--input", str(files[1])]
    result = runner.invoke(app, [*args, "--test-from", "2021-01-01", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "evaluation.json").read_text())
    assert report["train"]["window"] == {"from": "2020-01-01", "to": "2020-12-31"}
    assert report["test"]["rows"] == 800
    assert report["test"]["window"]["from"] >= "2021-01-01"
    ours, base = report["figures"]["clearway"], report["figures"]["baseline"]
    assert set(ours) == set(base) == {"1%", "2%", "5%", "10%", "20%"}
    assert ours["5%"]["inspected"] == 40
    for figures in (ours["5%"], base["5%"]):
        assert {"precision", "recall", "lift", "critical_caught", "revenue_caught"} <= set(figures)
    assert report["margin_precision_at_5pct"] == pytest.approx(ours["5%"]["precision"] - base["5%"]["precision"])
    # Even on a small slice, the top 5% are mostly fraudulent (the base rate is about 0.21).
    assert ours["5%"]["precision"] > 0.6
    assert (tmp_path / "r" / "evaluation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "margin over the baseline" in result.output


def test_a_split_outside_the_data_is_a_clear_error(files: list[Path], tmp_path: Path) -> None:
    args = ["evaluate", "--mapping", "kcs", "--input", str(files[0]), "--test-from", "2030-01-01"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "EVAL_SPLIT_EMPTY" in result.output


def test_precision_recall_and_lift_at_a_share() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.05, 0.01, 0.02, 0.6])
    fraud = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
    critical = np.array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    revenue = np.array([10.0, 5, 30, 1, 1, 60, 1, 1, 1, 1])
    f = at_share(scores, fraud, 0.3, critical=critical, revenue=revenue)
    assert f["inspected"] == 3
    assert f["precision"] == pytest.approx(2 / 3)
    assert f["recall"] == pytest.approx(2 / 3)
    assert f["lift"] == pytest.approx((2 / 3) / 0.3)
    assert f["critical_caught"] == pytest.approx(0.5)
    assert f["revenue_caught"] == pytest.approx(40 / 100)


def test_the_revenue_objective_ranks_by_probability_times_the_declared_stake() -> None:
    from clearway.risk.learning.jobs import rank_key

    frame = pd.DataFrame({"value": [1000.0, 100000.0, 5000.0, None], "tax_rate": [10.0, 8.0, 0.0, 5.0]})
    scores = np.array([0.9, 0.3, 0.5, 0.99])
    assert rank_key(scores, frame, "fraud") is scores
    # tax at stake 100, 8000, the value 5000 where no rate is declared, nothing where no value is
    np.testing.assert_allclose(rank_key(scores, frame, "revenue"), [90.0, 2400.0, 2500.0, 0.0])


def test_an_unknown_objective_is_refused_before_any_work(files: list[Path], tmp_path: Path) -> None:
    args = ["evaluate", "--mapping", "kcs", "--input", str(files[0]), "--test-from", "2021-01-01"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r"), "--objective", "speed"])
    assert result.exit_code == 2 and "OBJECTIVE" in result.output
    assert not (tmp_path / "r").exists()
