"""Recorded selection → propensities → inverse propensity weights, and what the platform must store."""

from __future__ import annotations

import numpy as np
import pytest

from clearway.declarations.model import Lane
from clearway.declarations.ports import LaneProposal
from clearway.risk.learning.selection import SelectionRecord, from_proposal, ipw_weights, propensities


def test_weights_are_the_inverse_propensity_normalised_over_the_labelled_rows() -> None:
    p = np.array([1.0, 0.5, 0.1, 0.2])
    labelled = np.array([True, True, True, False])
    w = ipw_weights(p, labelled)
    assert w[3] == 0.0  # an uninspected row weighs nothing in the loss
    raw = np.array([1.0, 2.0, 10.0])
    np.testing.assert_allclose(w[:3], raw * 3 / raw.sum())
    assert w[:3].mean() == pytest.approx(1.0)


def test_unknown_propensity_means_no_correction_and_tiny_ones_are_capped() -> None:
    w = ipw_weights(np.array([np.nan, 1.0, 0.0001]), np.ones(3, dtype=bool), min_propensity=0.01)
    assert w[0] == pytest.approx(w[1])
    assert w[2] / w[1] == pytest.approx(100.0)
    with pytest.raises(ValueError):
        ipw_weights(np.ones(2), np.ones(3, dtype=bool))


def test_a_biased_sample_reweighted_estimates_the_population_rate() -> None:
    rng = np.random.default_rng(1)
    n = 20000
    risky = rng.random(n) < 0.2
    fraud = rng.random(n) < np.where(risky, 0.6, 0.05)
    # The rule inspects every risky declaration; random control inspects 5% of the others.
    p = np.where(risky, 1.0, 0.05)
    inspected = rng.random(n) < p
    naive = fraud[inspected].mean()
    w = ipw_weights(p, inspected)
    corrected = np.average(fraud[inspected], weights=w[inspected])
    truth = fraud.mean()
    assert abs(naive - truth) > 0.15
    assert corrected == pytest.approx(truth, abs=0.02)


def test_a_lane_proposal_becomes_a_selection_record() -> None:
    red = LaneProposal(Lane.RED, ("rule phones",), "risk-engine", {"rules_hit": ["phones"]})
    rec = from_proposal("MRN1", red)
    assert (rec.selected, rec.source, rec.probability, rec.lane) == (True, "rule", 1.0, "red")
    rnd = LaneProposal(Lane.YELLOW, ("random",), "risk-engine", {"random": True}, inspection_probability=0.05)
    assert from_proposal("MRN2", rnd).source == "random"
    assert from_proposal("MRN2", rnd).probability == 0.05
    green = LaneProposal(Lane.GREEN, (), "risk-engine", {}, inspection_probability=0.07)
    rec = from_proposal("MRN3", green)
    assert (rec.selected, rec.source, rec.probability) == (False, "none", 0.07)
    # The engine's own record of what selected it wins over guessing from the other scores.
    listed = LaneProposal(
        Lane.RED, (), "risk-engine", {"rules_hit": ["x"], "selection_source": "watchlist"}, inspection_probability=1.0
    )
    assert from_proposal("MRN5", listed).source == "watchlist"
    unknown = LaneProposal(Lane.YELLOW, ("random",), "core-random", {})
    assert from_proposal("MRN4", unknown).probability is None
    got = propensities([from_proposal("MRN2", rnd), from_proposal("MRN4", unknown)], ["MRN2", "MRN4", "MRN9"])
    assert got[0] == 0.05 and np.isnan(got[1]) and np.isnan(got[2])


def test_records_refuse_impossible_values() -> None:
    with pytest.raises(ValueError):
        SelectionRecord("M", True, "rule", 1.5)
    with pytest.raises(ValueError):
        SelectionRecord("M", True, "gut-feeling", 0.5)
