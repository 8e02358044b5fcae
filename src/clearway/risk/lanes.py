"""Choosing the lane: rules, watchlists and the model score, within the office's capacity, plus random controls."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clearway.declarations.ports import DocumentaryFacts
from clearway.declarations.ports import SupplyChainFacts as LedgerView
from clearway.risk import phrases
from clearway.risk.model import SEVERITY_WEIGHT, Assessment, RuleSet, rank, red_allowed, watchlist_hits

COUNTERFEIT_WEIGHT, AEO_LAPSED_WEIGHT = 10, 3
# A difference between the invoice and the declared value, origin, masses or parties; a declared HS code its
# description does not support (a lexical suggestion: weight and a reason, never a lane on its own).
DOCUMENT_VALUE_WEIGHT, HS_DISAGREEMENT_WEIGHT = 4, 1


@dataclass(frozen=True)
class Situation:
    """What the lane choice needs besides the criteria: the facts, the model's view and today's load."""

    header: dict[str, Any]
    items: list[dict[str, Any]]
    parties: set[str]
    draw: Decimal
    reds_today: int
    total_today: int
    model_score: float | None = None
    model_version: str | None = None
    model_reasons: tuple[str, ...] = ()
    ledger: LedgerView = field(default_factory=LedgerView)
    documentary: DocumentaryFacts = field(default_factory=DocumentaryFacts)


def documentary_reasons(facts: DocumentaryFacts) -> tuple[list[str], int]:
    """The documentary findings as lane reasons (the officer's sentences) and the weight they add."""
    reasons, weight = [], 0
    for f in facts.findings:
        value = f in facts.value_findings
        reasons.append(phrases.CLASSIFICATION(finding=f.message) if f.code == "HS_DISAGREES" else f.message)
        weight += DOCUMENT_VALUE_WEIGHT if value else HS_DISAGREEMENT_WEIGHT
    return reasons, weight


def choose(ruleset: RuleSet, s: Situation) -> Assessment:
    """Returns the lane with its reasons in words; red beyond the office's capacity becomes yellow.

    A counterfeit flag sends to red whatever the capacity; a suspended or revoked AEO, or an invoice whose total,
    currency, origin, quantities, masses or parties differ from the declaration, gets at least a documentary
    check (a declared HS code its description does not support adds a reason and weight); a recognised AEO has
    a yellow from the model or the random draw lowered to green, unless a mandatory rule, a high or critical
    watchlist entry or a counterfeit flag applies.
    """
    lane, reasons, hits, mandatory, weight = "green", [], [], False, 0
    lists = watchlist_hits(ruleset, s.parties)
    ledger = s.ledger
    header = {
        **s.header,
        "watchlist": {w.name for w in lists},
        "aeo": ledger.aeo,
        "counterfeit_flags": len(ledger.counterfeit),
        "documentary": " ".join(sorted(s.documentary.codes())),
    }
    for w in lists:
        reasons.append(phrases.WATCHLIST(name=w.name, severity=w.severity))
        weight += SEVERITY_WEIGHT[w.severity]
        mandatory = mandatory or w.severity == "critical"
        lane = max(lane, w.lane, key=rank)
    if ledger.counterfeit:
        reasons.extend(ledger.counterfeit)
        weight += COUNTERFEIT_WEIGHT
        mandatory, lane = True, "red"
    if ledger.aeo_lapsed:
        reasons.append(phrases.DOCUMENTARY_CHECK(what=ledger.aeo_words))
        weight += AEO_LAPSED_WEIGHT
        lane = max(lane, "yellow", key=rank)
    doc_reasons, doc_weight = documentary_reasons(s.documentary)
    reasons.extend(doc_reasons)
    weight += doc_weight
    if s.documentary.value_findings:
        lane = max(lane, "yellow", key=rank)
    for rule in ruleset.rules:
        if rule.active and rule.matches(header, s.items):
            hits.append(rule.name)
            weight += rule.weight
            mandatory = mandatory or (rule.mandatory and rule.lane == "red")
            reasons.append(
                phrases.RULE_DESCRIBED(name=rule.name, description=rule.description)
                if rule.description
                else phrases.RULE(name=rule.name)
            )
            lane = max(lane, rule.lane, key=rank)
    strong = mandatory or any(w.severity in {"high", "critical"} for w in lists)
    facilitate = ledger.aeo_active and not strong
    before_model = lane
    if s.model_score is not None:
        model_lane = (
            "red"
            if s.model_score >= ruleset.model_red_above
            else "yellow"
            if s.model_score >= ruleset.model_yellow_above
            else "green"
        )
        if model_lane != "green":
            reasons.append(phrases.MODEL(version=s.model_version, score=f"{s.model_score:.2f}"))
            reasons.extend(s.model_reasons)
        lane = max(lane, model_lane, key=rank)
    facilitated = facilitate and lane == "yellow" and before_model == "green"
    if facilitated:
        lane = "green"
        reasons.append(phrases.FACILITATION(aeo=ledger.aeo_words))
    out = Assessment(
        lane=lane,
        reasons=reasons,
        rules_hit=hits,
        watchlists_hit=[w.name for w in lists],
        weight=weight,
        model_score=s.model_score,
        model_version=s.model_version,
        facilitated=facilitated,
        capacity_exempt=mandatory and lane == "red",
    )
    if lane == "red" and not mandatory and not red_allowed(ruleset.red_capacity, s.reds_today, s.total_today):
        out.lane = "yellow"
        out.capacity_limited = True
        out.reasons.append(
            phrases.CAPACITY(
                office=s.header.get("office"),
                reds=s.reds_today,
                total=s.total_today,
                limit=f"{ruleset.red_capacity:.0%}",
            )
        )
    # Deterministic selection (rules, watchlists, the model's threshold, ledger facts): probability 1.
    if out.lane != "green":
        out.inspection_probability = 1.0
        out.selection_source = (
            "mandatory"
            if mandatory
            else "watchlist"
            if any(w.lane != "green" for w in lists)
            else "rule"
            if hits or ledger.aeo_lapsed
            else "model"
        )
    if out.lane == "green":
        # Only the random draw can still select it: its chance is the random rate it faced (a recognised AEO
        # has the random documentary check waived, so only the random red remains).
        chance = ruleset.random_red + (Decimal(0) if facilitate else ruleset.random_yellow)
        out.inspection_probability = min(float(chance), 1.0)
        out.selection_source = "random" if s.draw < chance else "none"
        if s.draw < ruleset.random_red:
            out.lane, out.random = "red", True
            out.reasons.append(phrases.RANDOM_RED())
        elif s.draw < ruleset.random_red + ruleset.random_yellow and facilitate:
            out.facilitated = True
            out.reasons.append(phrases.FACILITATION_WAIVED(aeo=ledger.aeo_words))
        elif s.draw < ruleset.random_red + ruleset.random_yellow:
            out.lane, out.random = "yellow", True
            out.reasons.append(phrases.RANDOM_YELLOW())
        elif not reasons:
            out.reasons.append(phrases.NO_CRITERIA())
    return out
