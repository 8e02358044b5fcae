"""Choosing which declarations to inspect within a budget: exploit the ranking, explore what the model does not know.

A model trained only on what it chose to inspect never learns about what it never chooses. ``select`` gives
``explore_share`` of the budget to exploration and the rest to the top of the ranking. Exploration draws
with known inclusion probabilities (randomised systematic sampling, so the sample size is exact and each
declaration's chance of selection is recorded — the propensity training needs):

- ``random``: uniform over the declarations the ranking did not take;
- ``uncertainty``: in proportion to the model's uncertainty (score spread and novelty, see
  ``estimators.uncertainty``), with a floor so every declaration keeps a chance;
- ``novelty``: in proportion to how new the importer and HS × origin pair are to the inspected history
  (new traders, new goods flows), with the same floor;
- ``bate``: uncertainty × the ranking's priority among the next candidates of the ranking (after DATE's bATE:
  explore where the model is unsure *and* the declaration nearly made the cut — with a balanced objective the
  priority holds the stake), so an explored inspection can pay for itself while it teaches the model.

``pool`` restricts exploration to the declarations ranked just below the exploited ones (``pool`` × the
budget of them; 0 = every declaration not exploited). ``bate`` uses a pool of ``BATE_POOL`` unless given.

Stakes (``stake``, e.g. the tax at stake) may further weight exploration toward declarations worth more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

METHODS = ("random", "uncertainty", "novelty", "bate")
BATE_POOL = 3.0
FLOOR = 0.05


@dataclass(frozen=True)
class Selection:
    """The declarations chosen (positions), what chose each, and every declaration's chance of being chosen."""

    index: np.ndarray
    source: np.ndarray
    probability: np.ndarray

    def mask(self, n: int) -> np.ndarray:
        """Returns a boolean mask of the selected positions among n declarations."""
        out = np.zeros(n, dtype=bool)
        out[self.index] = True
        return out


def systematic(weights: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draws exactly k of the weighted items with inclusion probabilities proportional to the weights (capped at 1).

    Returns (chosen positions, inclusion probability of every item).
    """
    n = len(weights)
    if k <= 0 or n == 0:
        return np.array([], dtype=int), np.zeros(n)
    k = min(k, n)
    w = np.clip(np.asarray(weights, dtype=float), 0, None)
    if w.sum() <= 0:
        w = np.ones(n)
    pi = np.zeros(n)
    free = np.ones(n, dtype=bool)
    left = k
    # Items whose share would exceed 1 are taken surely; the rest share what is left.
    while left > 0:
        share = left * w * free / w[free].sum()
        sure = free & (share >= 1.0)
        if not sure.any():
            pi[free] = share[free]
            break
        pi[sure] = 1.0
        free &= ~sure
        left = k - int((pi == 1.0).sum())
        if not free.any() or w[free].sum() <= 0:
            break
    order = rng.permutation(n)
    cum = np.cumsum(pi[order])
    start = rng.random()
    points = start + np.arange(round(pi.sum()))
    picked = order[np.minimum(np.searchsorted(cum, points, side="right"), n - 1)]
    return np.unique(picked[: len(points)]), pi


def select(
    priority: np.ndarray,
    budget: int,
    *,
    explore_share: float = 0.0,
    method: str = "uncertainty",
    uncertainty: np.ndarray | None = None,
    novelty: np.ndarray | None = None,
    stake: np.ndarray | None = None,
    stake_power: float = 0.0,
    pool: float | None = None,
    rng: np.random.Generator | None = None,
) -> Selection:
    """Selects ``budget`` declarations: the top of ``priority``, and ``explore_share`` of the budget explored."""
    if method not in METHODS:
        raise ValueError(f"exploration method must be one of {', '.join(METHODS)}")
    if not 0.0 <= explore_share <= 1.0:
        raise ValueError("the exploration share lies in [0, 1]")
    rng = rng or np.random.default_rng(0)
    n = len(priority)
    budget = max(0, min(budget, n))
    n_explore = round(budget * explore_share)
    n_exploit = budget - n_explore
    order = np.argsort(-np.asarray(priority, dtype=float), kind="stable")
    top = order[:n_exploit]
    probability = np.zeros(n)
    probability[top] = 1.0
    rest = order[n_exploit:]
    pool = (BATE_POOL if method == "bate" else 0.0) if pool is None else pool
    if pool > 0:
        rest = rest[: max(n_explore, round(pool * budget))]
    chosen = np.array([], dtype=int)
    if n_explore and len(rest):
        if method == "random":
            w = np.ones(len(rest))
        else:
            signal = novelty if method == "novelty" else uncertainty
            if signal is None:
                raise ValueError(f"the {method} method needs its signal")
            w = FLOOR + np.clip(np.asarray(signal, dtype=float)[rest], 0, None)
        if method == "bate":
            # Uncertainty × the ranking's own priority (which already holds the stake for a balanced objective):
            # the explored declarations are those that nearly made the cut and that the model knows least.
            w = w * np.clip(np.asarray(priority, dtype=float)[rest], 1e-12, None)
        if stake is not None and stake_power:
            w = w * np.power(1.0 + np.clip(np.asarray(stake, dtype=float)[rest], 0, None), stake_power)
        picked, pi = systematic(w, n_explore, rng)
        probability[rest] = pi
        chosen = rest[picked]
    index = np.concatenate([top, chosen]).astype(int)
    source = np.array(["model"] * len(top) + ["explore"] * len(chosen), dtype=object)
    return Selection(index=index, source=source, probability=probability)


def yield_report(selection: Selection, fraud: np.ndarray, revenue: np.ndarray | None = None) -> dict[str, Any]:
    """Returns the hit rate (and revenue found) of the exploited and of the explored selections."""
    out: dict[str, Any] = {}
    for src in ("model", "explore"):
        idx = selection.index[selection.source == src]
        hits = float(np.asarray(fraud)[idx].sum()) if len(idx) else 0.0
        entry: dict[str, Any] = {"inspected": len(idx), "hits": hits, "hit_rate": hits / len(idx) if len(idx) else 0.0}
        if revenue is not None:
            entry["revenue"] = float((np.asarray(revenue) * np.asarray(fraud))[idx].sum()) if len(idx) else 0.0
        out[src] = entry
    return out
