"""Exploration takes its share of the budget with known inclusion probabilities, and reports its yield."""

from __future__ import annotations

import numpy as np
import pytest

from clearway.risk.learning.exploration import select, systematic, yield_report


def test_the_exploration_share_of_the_budget_is_exact() -> None:
    rng = np.random.default_rng(0)
    priority = rng.random(1000)
    sel = select(priority, 100, explore_share=0.2, method="random", rng=rng)
    assert len(sel.index) == 100 and len(set(sel.index.tolist())) == 100
    assert (sel.source == "explore").sum() == 20
    exploited = sel.index[sel.source == "model"]
    assert set(exploited.tolist()) == set(np.argsort(-priority)[:80].tolist())
    # Top picks are certain; every other declaration had 20 / 920 chance.
    assert (sel.probability[exploited] == 1.0).all()
    others = np.setdiff1d(np.arange(1000), exploited)
    np.testing.assert_allclose(sel.probability[others], 20 / 920)
    no_explore = select(priority, 100, explore_share=0.0)
    assert (no_explore.source == "model").all() and (no_explore.probability > 0).sum() == 100


def test_inclusion_probabilities_are_what_the_draw_does() -> None:
    w = np.array([5.0, 1.0, 1.0, 1.0, 2.0, 0.0, 10.0])
    counts = np.zeros(len(w))
    rng = np.random.default_rng(2)
    for _ in range(2000):
        picked, pi = systematic(w, 3, rng)
        assert len(picked) == 3
        counts[picked] += 1
    assert pi[6] == 1.0 and pi[5] == 0.0  # a weight above its share is taken surely; zero never
    np.testing.assert_allclose(counts / 2000, pi, atol=0.04)
    assert pi.sum() == pytest.approx(3)


def test_uncertainty_and_novelty_steer_exploration_toward_the_unknown() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    priority = rng.random(n)
    new = np.zeros(n)
    new[:100] = 1.0  # 100 never-seen traders
    picks = np.zeros(n)
    for _ in range(50):
        sel = select(priority, 100, explore_share=0.5, method="novelty", novelty=new, rng=rng)
        picks[sel.index[sel.source == "explore"]] += 1
    assert picks[:100].sum() > 5 * picks[100:].sum() / 19  # far above their 5% share of the pool
    with pytest.raises(ValueError):
        select(priority, 10, explore_share=0.5, method="uncertainty")
    with pytest.raises(ValueError):
        select(priority, 10, explore_share=1.5, method="random")


def test_the_yield_report_compares_explored_with_exploited_hits() -> None:
    priority = np.arange(10, dtype=float)
    sel = select(priority, 4, explore_share=0.5, method="random", rng=np.random.default_rng(0))
    fraud = np.zeros(10)
    fraud[sel.index[sel.source == "explore"][0]] = 1
    report = yield_report(sel, fraud, revenue=np.full(10, 5.0))
    assert report["explore"] == {"inspected": 2, "hits": 1.0, "hit_rate": 0.5, "revenue": 5.0}
    assert report["model"]["inspected"] == 2
