"""Why each declaration was (or was not) inspected, and with which probability: the propensities for training.

An administration learns only from the declarations it controlled, and it chose them: by its rules, by its
model, at random. The labelled rows are therefore a biased sample. If the platform records, for every assessed
declaration, what selected it and the chance it had of being selected under the policy in force, a model can
weight each labelled row by the inverse of that chance (inverse propensity weighting) and learn as if the
sample were drawn from all declarations.

``SelectionRecord`` is what must be stored per declaration; ``from_proposal`` turns the online engine's
``LaneProposal`` (``clearway.declarations.ports``) into one; ``propensities`` and ``ipw_weights`` turn the
records into training weights. Plain Python and numpy: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# What selected a declaration for control. ``none``: not selected (green, released without control).
SOURCES = ("rule", "watchlist", "model", "explore", "random", "mandatory", "none")
# Sources whose choice is deterministic given the facts: the chance of selection is 1 when they fire.
DETERMINISTIC = frozenset({"rule", "watchlist", "mandatory", "model"})
# Weights are capped: a row selected with probability 0.1% must not weigh like a thousand rows.
MIN_PROPENSITY = 0.01


@dataclass(frozen=True)
class SelectionRecord:
    """What the platform must store about the selection of one assessed declaration.

    ``probability`` is the chance the declaration had of being selected for control (yellow or red) under the
    policy in force at assessment time: 1.0 for a deterministic rule or model threshold that fired, the
    random rate for a random draw, the exploration sampler's inclusion probability for an exploration pick,
    and for a declaration nothing selected the chance the random draw had of selecting it. ``None`` when the
    source did not say (then training falls back to no correction for that row).
    """

    declaration_id: str
    selected: bool
    source: str
    probability: float | None
    policy_version: str = ""
    lane: str = ""

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"selection source must be one of {', '.join(SOURCES)}")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("a selection probability lies in [0, 1]")


def source_of(proposal_source: str, scores: Mapping[str, Any] | None = None) -> str:
    """Maps a lane proposer's ``source`` and recorded scores to one of ``SOURCES``."""
    scores = scores or {}
    recorded = scores.get("selection_source")
    if recorded in SOURCES and recorded != "none":  # the risk engine says what selected it
        return str(recorded)
    text = proposal_source.lower()
    if scores.get("capacity_exempt") or scores.get("mandatory"):
        return "mandatory"
    if scores.get("explore") or "explor" in text:
        return "explore"
    if scores.get("random") or "random" in text:
        return "random"
    if scores.get("watchlists_hit"):
        return "watchlist"
    if scores.get("rules_hit"):
        return "rule"
    if scores.get("model_score") is not None or "model" in text:
        return "model"
    return "rule"


def from_proposal(declaration_id: str, proposal: Any, *, policy_version: str = "") -> SelectionRecord:
    """Turns a ``LaneProposal`` (lane, source, scores, inspection_probability) into a selection record.

    A green lane is "not selected": its probability is still the chance it had (the random draw's rate), which
    the proposer records in ``inspection_probability``.
    """
    lane = str(getattr(proposal.lane, "value", proposal.lane)).lower()
    selected = lane in {"yellow", "red"}
    source = source_of(str(proposal.source), getattr(proposal, "scores", None)) if selected else "none"
    probability = proposal.inspection_probability
    if probability is None and selected and source in DETERMINISTIC:
        probability = 1.0
    return SelectionRecord(
        declaration_id=declaration_id,
        selected=selected,
        source=source,
        probability=None if probability is None else float(probability),
        policy_version=policy_version,
        lane=lane,
    )


def propensities(records: Iterable[SelectionRecord], ids: Iterable[str]) -> np.ndarray:
    """Returns, for each id, the recorded probability of selection (NaN where none was recorded)."""
    import numpy as np

    by_id = {r.declaration_id: r.probability for r in records}
    return np.array([np.nan if by_id.get(i) is None else by_id[i] for i in ids], dtype=float)


def ipw_weights(propensity: Any, labelled: Any, *, min_propensity: float = MIN_PROPENSITY) -> np.ndarray:
    """Returns one training weight per row: 1/propensity for labelled rows (mean 1 over them), 0 for the rest.

    A labelled row with no recorded propensity (NaN) gets the weight of a propensity of 1 (no correction).
    Propensities are clipped below at ``min_propensity`` so that no single row dominates training.
    """
    import numpy as np

    lab = np.asarray(labelled, dtype=bool)
    p = np.asarray(propensity, dtype=float)
    if p.shape != lab.shape:
        raise ValueError("one propensity per row")
    p = np.where(np.isnan(p), 1.0, p)
    w = np.where(lab, 1.0 / np.clip(p, min_propensity, 1.0), 0.0)
    total = w[lab].sum()
    return w * (lab.sum() / total) if total > 0 else w


__all__ = [
    "DETERMINISTIC",
    "SOURCES",
    "SelectionRecord",
    "from_proposal",
    "ipw_weights",
    "propensities",
    "source_of",
]
