"""The week-by-week replay: budgets, labels revealed only when inspected, figures against the oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from clearway.risk.learning import simulate as sim
from tests.unit.risk._history import history


@pytest.fixture(scope="module")
def result() -> dict[str, object]:
    frame, fraud, revenue = history(weeks=8, per_week=100)
    config = sim.SimConfig(
        warmup_weeks=2, ramp_weeks=1, budget=0.2, n_estimators=15, explore_share=0.25, retrain_every=2
    )
    return sim.simulate(frame, fraud, revenue, config)


def test_the_budget_falls_from_full_inspection_to_the_target() -> None:
    cfg = sim.SimConfig(warmup_weeks=2, ramp_weeks=3, budget=0.1)
    shares = [cfg.budget_at(w) for w in range(7)]
    assert shares[:2] == [1.0, 1.0]
    assert shares[2] > shares[3] > shares[4] > 0.1
    assert shares[5:] == [0.1, 0.1]


def test_every_policy_inspects_within_the_budget_and_only_learns_what_it_inspected(result: dict) -> None:
    rows = result["weeks"]
    assert {r["policy"] for r in rows} == set(sim.POLICIES)
    for policy in sim.POLICIES:
        mine = [r for r in rows if r["policy"] == policy]
        known = 0
        for r in mine:
            assert r["inspected"] == max(1, round(r["budget"] * r["declarations"]))
            known += r["inspected"]
            assert r["labels_known"] == known  # only inspected outcomes were revealed
            assert 0.0 <= r["norm_precision"] <= 1.0 + 1e-9 and 0.0 <= r["norm_revenue"] <= 1.0 + 1e-9


def test_learning_policies_beat_random_on_a_learnable_history_and_exploration_reports_its_yield(
    result: dict,
) -> None:
    summary = result["summary"]
    assert summary["model"]["norm_precision"] > summary["random"]["norm_precision"] + 0.2
    assert summary["model+explore"]["norm_precision"] > summary["random"]["norm_precision"]
    explore = summary["model+explore"]
    assert explore["explore_inspected"] > 0 and 0.0 <= explore["explore_hit_rate"] <= 1.0
    assert "explore_hit_rate" not in summary["model"]


def test_the_replay_is_written_as_json_and_png(result: dict, tmp_path: Path) -> None:
    files = sim.write(tmp_path / "sim", result)
    assert [f.name for f in files] == ["simulation.json", "simulation.png"]
    back = json.loads(files[0].read_text())
    assert back["summary"].keys() == result["summary"].keys()
    assert files[1].read_bytes()[:4] == b"\x89PNG"


def test_impossible_settings_are_refused_before_any_work() -> None:
    frame, fraud, revenue = history(weeks=2, per_week=20)
    for bad in (
        sim.SimConfig(policies=("oracle",)),
        sim.SimConfig(budget=0.0),
        sim.SimConfig(warmup_weeks=0),
        sim.SimConfig(explore_method="gut"),
    ):
        with pytest.raises(ValueError):
            sim.simulate(frame, fraud, revenue, bad)
    with pytest.raises(Exception, match="objective"):
        sim.simulate(frame, fraud, revenue, sim.SimConfig(objective="speed"))
    assert np.isfinite(revenue).all()
