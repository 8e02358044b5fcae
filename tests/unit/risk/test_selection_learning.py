"""Selection recorded with its chance, corrections that use the chance-selected rows, exploration near the cut."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from clearway.declarations.ports import SupplyChainFacts as LedgerView
from clearway.risk import lanes
from clearway.risk.learning.estimators import RiskModel
from clearway.risk.learning.exploration import select
from clearway.risk.learning.features import HistoryFeatures
from clearway.risk.learning.simulate import SimConfig
from clearway.risk.model import parse_ruleset
from tests.unit.risk._history import history

ITEMS = [{"hs": "851713", "hs_chapter": "85", "origin": "CN", "unit_value": Decimal("545")}]
HEADER = {"office": "PECLL", "importer": "IMP1", "total_value": Decimal("48750"), "importer_past_declarations": 3}
CRITERIA = {
    "rules": [
        {"name": "phones", "lane": "yellow", "conditions": [{"field": "hs", "op": "eq", "value": "851713"}]},
    ],
    "random_red": "0.02",
    "random_yellow": "0.08",
}


def _situation(draw: str, items: list[dict[str, Any]] | None = None, **kw: Any) -> lanes.Situation:
    return lanes.Situation(
        header=HEADER,
        items=ITEMS if items is None else items,
        parties={"IMP1"},
        draw=Decimal(draw),
        reds_today=0,
        total_today=0,
        **kw,
    )


def test_each_assessment_says_what_selected_it_and_the_chance_it_had() -> None:
    ruleset = parse_ruleset(CRITERIA, 1)
    by_rule = lanes.choose(ruleset, _situation("0.5"))
    assert (by_rule.lane, by_rule.selection_source, by_rule.inspection_probability) == ("yellow", "rule", 1.0)
    other = [{"hs": "610910", "hs_chapter": "61", "origin": "BD", "unit_value": Decimal("18")}]
    drawn = lanes.choose(ruleset, _situation("0.05", other))
    assert (drawn.lane, drawn.selection_source) == ("yellow", "random")
    assert drawn.inspection_probability == pytest.approx(0.10)
    released = lanes.choose(ruleset, _situation("0.5", other))
    # Not selected, but it had the random rate's chance: training needs that too.
    assert (released.lane, released.selection_source) == ("green", "none")
    assert released.inspection_probability == pytest.approx(0.10)
    # A recognised AEO has the random documentary check waived: only the random red's chance remains.
    aeo = LedgerView(aeo="granted", aeo_words="AEO (national programme)")
    facilitated = lanes.choose(ruleset, _situation("0.05", other, ledger=aeo))
    assert facilitated.lane == "green" and facilitated.inspection_probability == pytest.approx(0.02)
    by_model = lanes.choose(parse_ruleset({}, 1), _situation("0.5", other, model_score=0.9, model_version="m"))
    assert (by_model.lane, by_model.selection_source, by_model.inspection_probability) == ("red", "model", 1.0)
    listed = parse_ruleset({"watchlists": [{"name": "w", "severity": "critical", "parties": ["IMP1"]}]}, 1)
    assert lanes.choose(listed, _situation("0.5", other)).selection_source == "mandatory"


def _rule_and_random() -> tuple[Any, np.ndarray, np.ndarray]:
    """Labels kept for a rule's picks (every phone, chance 1) and a random 20% of the rest (chance 0.2)."""
    frame, fraud, _ = history(weeks=8, per_week=120)
    rng = np.random.default_rng(5)
    rule = (frame["hs"] == "851713").to_numpy()
    drawn = ~rule & (rng.random(len(frame)) < 0.2)
    y = np.where(rule | drawn, fraud, np.nan)
    p = np.where(rule, 1.0, 0.2)
    return frame, y, p


def test_the_anchor_correction_adds_trees_learned_from_the_chance_selected_rows_only() -> None:
    frame, y, p = _rule_and_random()
    model = RiskModel(correction="anchor", n_estimators=20, anchor_trees=7, min_child_samples=5).fit(frame, y, p)
    assert model.booster_.num_trees() == 27
    # Without any chance-selected row there is nothing unbiased to correct with: the first trees only.
    only_rule = np.where(p == 1.0, y, np.nan)
    plain = RiskModel(correction="anchor", n_estimators=20, anchor_trees=7, min_child_samples=5)
    assert plain.fit(frame, only_rule, p).booster_.num_trees() == 20
    # The unlabelled are never negatives: the risky importers' uninspected rows do not pull their score down.
    risky = frame["importer"].isin([f"I{i}" for i in range(10)]).to_numpy()
    assert model.risk_score(frame[risky].head(80)).mean() > 0.5


def test_value_medians_from_every_declaration_when_asked_and_from_the_inspected_by_default() -> None:
    frame, y, _ = _rule_and_random()
    frame = frame.copy()
    lab = ~np.isnan(y)
    # The uninspected declarations of one flow are all very cheap: only medians="all" sees them.
    cheap = (~lab) & (frame["hs"] == "610910").to_numpy()
    frame.loc[cheap, "value"] = 1.0
    key = (frame["hs"] == "610910").to_numpy()
    log_uv = np.log1p(frame["value"] / (frame["net_mass"] + 1.0)).to_numpy()
    every = HistoryFeatures(medians="all").fit(frame, y).medians_["hs6"]["uv"]["610910"]
    inspected = HistoryFeatures().fit(frame, y).medians_["hs6"]["uv"]["610910"]
    assert every == pytest.approx(np.median(log_uv[key]))
    assert inspected == pytest.approx(np.median(log_uv[key & lab]))


def test_hierarchical_shrinkage_gives_a_never_inspected_pair_its_hs_code_rate() -> None:
    frame, y, _ = _rule_and_random()
    probe = frame.head(1).copy()
    probe["hs"], probe["origin"], probe["departure"] = "851713", "ZZ", "ZZ"  # an HS × origin pair never seen
    flat = HistoryFeatures(smoothing=5.0).fit(frame, y).encode(probe)
    tree = HistoryFeatures(smoothing=5.0, hierarchical=True).fit(frame, y).encode(probe)
    assert flat["rate__hs6_origin"].iloc[0] == pytest.approx(np.nanmean(y))
    assert tree["rate__hs6_origin"].iloc[0] == pytest.approx(tree["rate__hs6"].iloc[0])
    assert tree["n__hs6_origin"].iloc[0] == 0


def test_bate_explores_among_the_declarations_just_below_the_cut() -> None:
    rng = np.random.default_rng(1)
    priority = rng.random(2000)
    unc = rng.random(2000)
    sel = select(priority, 100, explore_share=0.2, method="bate", uncertainty=unc, pool=3, rng=rng)
    order = np.argsort(-priority, kind="stable")
    explored = sel.index[sel.source == "explore"]
    assert len(explored) == 20
    assert set(explored.tolist()) <= set(order[80:380].tolist())  # the next 3 × budget of the ranking
    assert sel.probability[order[380:]].sum() == 0  # far below the cut: no chance, and that is recorded
    assert sel.probability[order[80:380]].sum() == pytest.approx(20)
    with pytest.raises(ValueError, match="signal"):
        select(priority, 100, explore_share=0.2, method="bate", rng=rng)


@pytest.mark.parametrize(
    ("setting", "message"), [({"explore_pool": -1.0}, "pool"), ({"explore_stake_power": -0.5}, "stake power")]
)
def test_impossible_exploration_settings_are_refused(setting: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimConfig(explore_method="bate", **setting).check()  # type: ignore[arg-type]


def test_a_model_trained_before_the_flow_rates_existed_still_scores() -> None:
    import lightgbm as lgb

    frame, fraud, _ = history(weeks=4, per_week=100)
    model = RiskModel(n_estimators=5, min_child_samples=5).fit(frame, fraud)
    new = [f"{k}__{e}" for e in ("hs4_origin", "hs6_departure", "hs6_origin_departure") for k in ("rate", "n")]
    old_columns = [c for c in model.features_.feature_names_out_ if c not in new]
    matrix = model.features_.fit_transform(frame, fraud)[old_columns]
    model.booster_ = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(matrix, fraud), 5)
    model.features_.feature_names_out_ = old_columns  # what an older model directory's metadata lists
    assert list(model.matrix(frame.head(3)).columns) == old_columns
    assert model.risk_score(frame.head(3)).shape == (3,)
