"""Scores worked by hand on a small exercise; every refusal of a bad set of answers at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clearway.training.model import Answer, Budget, Signal, Truth, check_answers, engine_lanes, score

# Six declarations, two fraudulent (A: 300 at stake, D: 100). Budget: one red, one yellow.
TRUTHS = [
    Truth("A", True, Decimal("300"), 0.9, "undervaluation", signals=(Signal("uv_ratio__hs6_origin", 1.2, -0.9),)),
    Truth("B", False, Decimal("0"), 0.8),
    Truth("C", False, Decimal("0"), 0.1),
    Truth("D", True, Decimal("100"), 0.3, signals=(Signal("rate__importer", 0.7, 0.4), Signal("log_value", -0.2))),
    Truth("E", False, Decimal("0"), 0.2),
    Truth("F", False, Decimal("0"), 0.05),
]
BUDGET = Budget(red=1, yellow=1)


def _all(lanes: dict[str, str]) -> list[Answer]:
    return [Answer(c, lanes.get(c, "green"), "low unit value" if lanes.get(c) == "red" else "") for c in "ABCDEF"]


def test_scores_are_right_on_a_hand_worked_exercise() -> None:
    # The trainee sends D red and B yellow: one hit (D, 100 of 400), one false alarm (B), A missed.
    result = score(_all({"D": "red", "B": "yellow"}), TRUTHS, BUDGET)
    me = result.trainee
    assert (me.controlled, me.hits, me.false_alarms, me.missed) == (2, 1, 1, 1)
    assert me.precision == 0.5 and me.revenue_caught == Decimal("100.00") and me.revenue_share == 0.25
    # The engine takes its two highest scores, A (red) and B (yellow): one hit worth 300.
    assert engine_lanes(TRUTHS, BUDGET) == {
        "A": "red",
        "B": "yellow",
        "C": "green",
        "D": "green",
        "E": "green",
        "F": "green",
    }
    assert result.engine.hits == 1 and result.engine.revenue_share == 0.75
    # Random: 2 draws of 6, 2 frauds: expected 2/3 hit, precision 1/3, a third of the 400.
    assert result.random.hits == pytest.approx(2 / 3) and result.random.precision == pytest.approx(1 / 3)
    assert result.random.revenue_caught == Decimal("133.33")
    # Best: both frauds, all 400.
    assert result.best.hits == 2 and result.best.revenue_caught == Decimal("400.00")
    # Score = mean(1/2 of the frauds, 100/400 of the revenue) = 37.5; engine mean(1/2, 3/4) = 62.5.
    assert result.points == 37.5 and result.extra["engine_points"] == 62.5
    assert not result.beat_engine and result.beat_random is True  # random: mean(1/3, 1/3) = 33.3
    assert result.extra["random_points"] == 33.3


def test_the_debrief_names_the_signals_behind_missed_frauds() -> None:
    result = score(_all({"D": "red", "B": "yellow"}), TRUTHS, BUDGET)
    by = {r.case: r for r in result.reviews}
    assert by["A"].verdict == "missed" and [s.feature for s in by["A"].signals] == ["uv_ratio__hs6_origin"]
    assert by["D"].verdict == "hit" and by["B"].verdict == "false_alarm" and by["C"].verdict == "cleared"
    assert [s.feature for s in by["D"].signals] == ["rate__importer"]  # only what raised the score
    assert result.missed_signals == (("uv_ratio__hs6_origin", 1, 1.2),)


def test_a_perfect_choice_scores_100() -> None:
    assert score(_all({"A": "red", "D": "yellow"}), TRUTHS, BUDGET).points == 100.0


def test_bad_answers_are_refused_all_at_once() -> None:
    answers = [
        Answer("A", "red"),  # no reason
        Answer("B", "red", "x"),  # second red: over the budget
        Answer("Z", "green"),  # not in the exercise
        Answer("C", "blue"),
        Answer("C", "green"),  # twice
    ]
    issues = check_answers(answers, list("ABCDEF"), BUDGET)
    codes = [(i.code, i.pointer) for i in issues]
    assert ("REASON_REQUIRED", "/answers/0/reason") in codes
    assert ("CASE_NOT_IN_EXERCISE", "/answers/2/case") in codes
    assert ("LANE_UNKNOWN", "/answers/3/lane") in codes
    assert ("DUPLICATE_CASE", "/answers/4") in codes
    assert any(c == "BUDGET_EXCEEDED" for c, _ in codes)
    missing = next(i for i in issues if i.code == "ANSWER_MISSING")
    assert "D" in missing.message and "E" in missing.message
    assert check_answers(_all({"A": "red", "D": "yellow"}), list("ABCDEF"), BUDGET) == []
