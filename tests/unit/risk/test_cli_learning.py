"""CLI contract of the partial-label features: train on unlabelled rows, balanced priority, frontier, simulate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from clearway.risk.cli import app
from tests.unit.risk._history import history

runner = CliRunner()
MAPPING = """
name: generated
id: id
date: date
date_format: ISO8601
fields: {office: office, declarant: declarant, importer: importer, hs: hs, origin: origin, departure: departure,
         net_mass: net_mass, value: value, tax_rate: tax_rate}
labels: {fraud: fraud, propensity: propensity}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("gen")
    frame, fraud, _ = history(weeks=8, per_week=100)
    out = frame.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    rng = np.random.default_rng(5)
    inspected = rng.random(len(out)) < 0.5
    out["fraud"] = np.where(inspected, fraud.astype(int).astype(str), "")
    out["propensity"] = "0.5"
    paths = {"mapping": root / "m.yaml", "partial": root / "partial.csv", "full": root / "full.csv"}
    paths["mapping"].write_text(MAPPING)
    out.to_csv(paths["partial"], index=False)
    out.assign(fraud=fraud.astype(int).astype(str)).to_csv(paths["full"], index=False)
    return paths


def test_training_keeps_uninspected_rows_as_unlabelled(files: dict[str, Path], tmp_path: Path) -> None:
    model = tmp_path / "m"
    args = ["train", "--mapping", str(files["mapping"]), "--input", str(files["partial"]), "--model-out", str(model)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    meta = json.loads((model / "metadata.json").read_text())
    labelled = (pd.read_csv(files["partial"], dtype=str, keep_default_na=False)["fraud"] != "").sum()
    assert meta["rows"] == labelled and meta["unlabelled_rows"] == 800 - labelled
    assert meta["correction"] == "ipw" and meta["propensity_column"] == "propensity"
    anchored = tmp_path / "anchored"
    chosen = ["--model-out", str(anchored), "--correction", "anchor", "--medians", "all"]
    result = runner.invoke(app, [*args[:-2], *chosen])
    assert result.exit_code == 0, result.output
    params = json.loads((anchored / "metadata.json").read_text())["params"]
    assert (params["correction"], params["medians"]) == ("anchor", "all")
    bad = runner.invoke(app, [*args[:-2], "--model-out", str(tmp_path / "x"), "--correction", "negatives"])
    assert bad.exit_code == 2 and "TRAIN_SETTINGS" in bad.output and not (tmp_path / "x").exists()
    bad = runner.invoke(app, [*args[:-2], "--model-out", str(tmp_path / "y"), "--counts", "future"])
    assert bad.exit_code == 2 and "--counts off, before, others" in bad.output and not (tmp_path / "y").exists()
    counted = tmp_path / "counted"
    result = runner.invoke(app, [*args[:-2], "--model-out", str(counted), "--counts", "before"])
    assert result.exit_code == 0, result.output
    meta = json.loads((counted / "metadata.json").read_text())
    assert meta["params"]["counts"] == "before" and "count__hs6_same_value" in meta["features"]
    assert meta["rows"] == labelled  # the counts read every row; the labelled rows stay the only ones trained on
    out = tmp_path / "p.csv"
    base = ["score", "--mapping", str(files["mapping"]), "--model", str(model), "--input", str(files["full"])]
    result = runner.invoke(app, [*base, "--output", str(out), "--objective", "balanced", "--tradeoff", "0.5"])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    assert list(scored.columns) == ["id", "score", "priority"]
    frame = pd.read_csv(files["full"])
    factor = (1 + frame["value"] * frame["tax_rate"] / 100) ** 0.5
    # Both columns are written with 6 decimals.
    np.testing.assert_allclose(scored["priority"] / factor, scored["score"], atol=2e-6)
    result = runner.invoke(
        app, [*base, "--output", str(tmp_path / "q.csv"), "--objective", "balanced", "--tradeoff", "2"]
    )
    assert result.exit_code == 2 and "TRADEOFF" in result.output
    assert not (tmp_path / "q.csv").exists()


def test_evaluate_balanced_writes_the_precision_revenue_frontier(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["evaluate", "--mapping", str(files["mapping"]), "--input", str(files["partial"])]
    result = runner.invoke(app, [*args, "--test-from", "2024-02-05", "--out", str(out), "--objective", "balanced"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"evaluation.json", "evaluation.png", "frontier.json", "frontier.png"}
    points = json.loads((out / "frontier.json").read_text())["points"]
    assert {p["tradeoff"] for p in points} >= {0.0, 0.5, 1.0}
    at5 = {p["tradeoff"]: p for p in points if p["share"] == 0.05}
    # λ = 0 is the fraud ranking: at least as precise as the revenue end of the frontier.
    assert at5[0.0]["precision"] >= at5[1.0]["precision"]
    report = json.loads((out / "evaluation.json").read_text())
    assert report["train"]["unlabelled_rows"] > 0


def test_simulate_replays_the_history_and_writes_its_report(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "sim"
    args = ["simulate", "--mapping", str(files["mapping"]), "--input", str(files["full"]), "--out", str(out)]
    tiny = ["--warmup-weeks", "2", "--ramp-weeks", "1", "--budget", "0.2", "--trees", "10", "--retrain-every", "3"]
    result = runner.invoke(app, [*args, *tiny, "--policies", "random,rules,model+explore"])
    assert result.exit_code == 0, result.output
    assert "model+explore" in result.output
    report = json.loads((out / "simulation.json").read_text())
    assert set(report["summary"]) == {"random", "rules", "model+explore"}
    assert (out / "simulation.png").is_file()
    result = runner.invoke(app, [*args, "--policies", "random,oracle"])
    assert result.exit_code == 2 and "SIMULATE_CONFIG" in result.output


def test_the_cli_default_trade_off_is_the_library_default() -> None:
    from clearway.risk import cli
    from clearway.risk.learning import objectives

    assert cli.DEFAULT_TRADEOFF == objectives.DEFAULT_TRADEOFF
