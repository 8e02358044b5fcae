"""How criteria, watchlists, the model score, capacity and random draws combine into a lane (no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clearway.core.issues import ValidationFailed
from clearway.risk import lanes
from clearway.risk.model import Condition, parse_ruleset, random_draw, red_allowed

ITEMS = [
    {"hs": "851713", "hs_chapter": "85", "origin": "CN", "unit_value": Decimal("545")},
    {"hs": "610910", "hs_chapter": "61", "origin": "BD", "unit_value": Decimal("18")},
]
HEADER = {"office": "PECLL", "importer": "IMP1", "total_value": Decimal("48750"), "importer_past_declarations": 0}


def _situation(**kw: Any) -> lanes.Situation:
    base: dict[str, Any] = {
        "header": HEADER,
        "items": ITEMS,
        "parties": {"IMP1", "DEC1"},
        "draw": Decimal("0.99"),
        "reds_today": 0,
        "total_today": 0,
    }
    return lanes.Situation(**{**base, **kw})


def _rule(name: str, lane: str, *conditions: tuple[str, str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "name": name,
        "lane": lane,
        "conditions": [{"field": f, "op": o, "value": v} for f, o, v in conditions],
        **kw,
    }


def test_the_strictest_lane_of_all_hits_wins_and_every_hit_is_a_reason() -> None:
    rs = parse_ruleset(
        {
            "rules": [
                _rule("garments", "yellow", ("hs_chapter", "eq", "61")),
                _rule("new-big", "red", ("importer_past_declarations", "eq", 0), ("total_value", "gt", 20000)),
                _rule("phones-cheap", "red", ("hs", "eq", "851713"), ("unit_value", "lt", 100)),
            ]
        },
        1,
    )
    out = lanes.choose(rs, _situation())
    assert out.lane == "red"
    assert out.rules_hit == ["garments", "new-big"]
    assert out.reasons == ["rule 'garments'", "rule 'new-big'"]


def test_item_conditions_hold_on_one_same_item() -> None:
    # Chapter 61 is on the BD line and CN is on the phone line: no single item is CN garments.
    rs = parse_ruleset({"rules": [_rule("cn-garments", "red", ("hs_chapter", "eq", "61"), ("origin", "eq", "CN"))]}, 1)
    assert lanes.choose(rs, _situation()).lane == "green"


@pytest.mark.parametrize(
    ("reds", "total", "allowed"),
    [(0, 0, True), (1, 0, False), (1, 19, False), (1, 20, True), (2, 39, False)],
)
def test_red_capacity_is_a_share_of_the_office_day(reds: int, total: int, allowed: bool) -> None:
    assert red_allowed(Decimal("0.05"), reds, total) is allowed


def test_random_selection_applies_only_to_otherwise_green_declarations() -> None:
    rs = parse_ruleset({"random_red": "0.1", "random_yellow": "0.2"}, 1)
    assert lanes.choose(rs, _situation(draw=Decimal("0.05"))).lane == "red"
    assert lanes.choose(rs, _situation(draw=Decimal("0.25"))).lane == "yellow"
    assert lanes.choose(rs, _situation(draw=Decimal("0.35"))).lane == "green"


def test_the_random_draw_is_keyed_and_uniform_enough() -> None:
    draws = [random_draw("secret", f"26PE{i:014d}") for i in range(2000)]
    assert random_draw("secret", "X") == random_draw("secret", "X") != random_draw("other", "X")
    share = sum(d < Decimal("0.1") for d in draws) / len(draws)
    assert 0.07 < share < 0.13


def test_model_score_thresholds_and_explanations() -> None:
    rs = parse_ruleset({"model_red_above": "0.8", "model_yellow_above": "0.4"}, 1)
    out = lanes.choose(rs, _situation(model_score=0.5, model_version="m1", model_reasons=("importer rate",)))
    assert out.lane == "yellow"
    assert out.reasons == ["risk model m1 scores 0.50", "importer rate"]
    assert lanes.choose(rs, _situation(model_score=0.1, model_version="m1")).lane == "green"


def test_conditions_compare_text_case_insensitively_and_numbers_exactly() -> None:
    assert Condition("origin", "in", ["cn", "vn"]).test({"origin": "CN"})
    assert Condition("hs", "prefix", "8507").test({"hs": "850760"})
    assert Condition("description", "contains", "battery").test({"description": "Lithium BATTERY packs"})
    assert not Condition("unit_value", "lt", "2.50").test({"unit_value": Decimal("2.50")})
    assert Condition("unit_value", "le", "2.50").test({"unit_value": Decimal("2.50")})
    assert not Condition("unit_value", "lt", 3).test({"unit_value": None})


def test_an_invalid_rule_set_lists_every_problem() -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_ruleset(
            {
                "rules": [_rule("x", "purple", ("nope", "between", 1)), _rule("y", "red", ("net_mass", "gt", "NaN"))],
                "watchlists": [{"name": "w", "severity": "extreme", "parties": []}],
            },
            1,
        )
    codes = sorted(i.code for i in err.value.issues)
    assert codes == ["RULE_FIELD", "RULE_LANE", "RULE_OP", "RULE_VALUE", "WATCHLIST_SEVERITY"]


def test_an_aeo_has_a_model_yellow_lowered_but_not_a_model_red_nor_under_a_high_watchlist() -> None:
    from clearway.declarations.ports import SupplyChainFacts as LedgerView

    aeo = LedgerView(aeo="granted", aeo_words="AEO (CL, under MRA)")
    ruleset = parse_ruleset({}, 1)
    yellow = lanes.choose(ruleset, _situation(model_score=0.6, model_version="m1", ledger=aeo))
    assert yellow.lane == "green" and yellow.facilitated
    assert yellow.reasons == ["risk model m1 scores 0.60", "AEO (CL, under MRA) — facilitation"]
    assert lanes.choose(ruleset, _situation(model_score=0.9, model_version="m1", ledger=aeo)).lane == "red"
    listed = parse_ruleset({"watchlists": [{"name": "w", "severity": "high", "parties": ["IMP1"]}]}, 1)
    assert lanes.choose(listed, _situation(model_score=0.6, ledger=aeo)).lane == "red"
    lapsed = LedgerView(aeo="revoked", aeo_words="AEO status of IMP1 (national programme) revoked since 2026-01-01")
    assert lanes.choose(ruleset, _situation(model_score=0.6, ledger=lapsed)).lane == "yellow"
