"""The sentences the risk engine writes as lane reasons (the officer's risk panel, the lane's history entry)."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

WATCHLIST = Phrase("risk.watchlist", "party on watchlist '{name}' (severity {severity})", words=frozenset({"severity"}))
DOCUMENTARY_CHECK = Phrase("risk.documentary_check", "{what}: documentary check", nested=frozenset({"what"}))
CLASSIFICATION = Phrase("risk.classification", "classification: {finding}", nested=frozenset({"finding"}))
RULE = Phrase("risk.rule", "rule '{name}'")
# the description is the analyst's own words: kept as written
RULE_DESCRIBED = Phrase("risk.rule_described", "rule '{name}': {description}", free=frozenset({"description"}))
MODEL = Phrase("risk.model", "risk model {version} scores {score}", numbers=frozenset({"score"}))
MODEL_FEATURE = Phrase(
    "risk.model_feature",
    "{feature} raises the score (+{value})",
    free=frozenset({"feature"}),
    numbers=frozenset({"value"}),
)
FACILITATION = Phrase("risk.facilitation", "{aeo} — facilitation", nested=frozenset({"aeo"}))
FACILITATION_WAIVED = Phrase(
    "risk.facilitation_waived", "{aeo} — facilitation (random documentary check waived)", nested=frozenset({"aeo"})
)
CAPACITY = Phrase(
    "risk.capacity",
    "red capacity of office {office} used today ({reds} of {total} declarations, limit {limit}): documentary check",
)
RANDOM_RED = Phrase("risk.random_red", "random selection for physical inspection")
RANDOM_YELLOW = Phrase("risk.random_yellow", "random selection for a documentary check")
NO_CRITERIA = Phrase("risk.no_criteria", "no risk criteria matched")
AFTER_LODGING_CHECK = Phrase(
    "risk.after_lodging_check", "documents attached after lodging contradict the declaration: documentary check"
)
AFTER_LODGING_CONTROL = Phrase(
    "risk.after_lodging_control",
    "documents attached after lodging contradict the declaration: for the control under way",
)
AFTER_RELEASE = Phrase(
    "risk.after_release", "documents attached after release contradict the declaration: for post-clearance audit"
)
SEVERITIES = tuple(Phrase(f"risk.severity_{s}", s) for s in ("low", "medium", "high", "critical"))

PHRASES = PhraseSet(collect(globals()) + SEVERITIES)
