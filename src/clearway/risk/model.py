"""Selectivity criteria as data: rules on declaration facts, watchlists, random rates and inspection capacity.

Plain Python: a rule set is evaluated on the facts of one declaration (its header and each goods item), and
the lane is chosen from the rules it hits, its watchlist entries, the model score, the office's remaining
red capacity for the day, and a keyed random draw that keeps controls unpredictable.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from clearway.core.issues import Issue, ValidationFailed

LANES = ("green", "yellow", "red")
OPS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "prefix", "contains")
# Facts of the whole declaration.
HEADER_FIELDS = (
    "office",
    "importer",
    "declarant",
    "exporter",
    "exporter_country",
    "representative",
    "transport_mode",
    "loading_country",
    "incoterm",
    "currency",
    "total_value",
    "item_count",
    "importer_past_declarations",
    "watchlist",
    # From the ledger: the responsible trader's AEO status (none, granted, suspended, revoked, unrecognised)
    # and how many anti-counterfeit flags its declared products raise.
    "aeo",
    "counterfeit_flags",
    # From the documents and the HS suggestions: the codes of the documentary findings, space-separated
    # (DOC_TOTAL, DOC_ORIGIN, HS_DISAGREES…; test with "contains").
    "documentary",
)
# Facts of one goods item: a rule on these matches if one item satisfies all of its item conditions.
ITEM_FIELDS = (
    "hs",
    "hs_chapter",
    "hs_heading",
    "origin",
    "unit_value",
    "net_mass",
    "value",
    "description",
    "procedure",
)
FIELDS = HEADER_FIELDS + ITEM_FIELDS
NUMERIC = {
    "total_value",
    "item_count",
    "importer_past_declarations",
    "counterfeit_flags",
    "unit_value",
    "net_mass",
    "value",
}
SEVERITY_LANE = {"low": "green", "medium": "yellow", "high": "red", "critical": "red"}
SEVERITY_WEIGHT = {"low": 1, "medium": 3, "high": 6, "critical": 10}


@dataclass(frozen=True)
class Condition:
    """One test on a fact: ``hs_chapter in [61, 62]``, ``unit_value lt 2.5``, ``origin eq CN``."""

    field: str
    op: str
    value: Any

    def test(self, facts: dict[str, Any]) -> bool:
        """Tells whether the facts satisfy this condition."""
        fact = facts.get(self.field)
        if self.field == "watchlist":
            names = fact or set()
            wanted = self.value if isinstance(self.value, list) else [self.value]
            return (self.op in {"eq", "in", "contains"}) == bool(names & {str(w) for w in wanted})
        if fact is None:
            return False
        if self.field in NUMERIC:
            return _compare(Decimal(str(fact)), self.op, self.value)
        text = str(fact).upper()
        values = [str(v).upper() for v in (self.value if isinstance(self.value, list) else [self.value])]
        match self.op:
            case "eq" | "in":
                return text in values
            case "ne" | "not_in":
                return text not in values
            case "prefix":
                return any(text.startswith(v) for v in values)
            case "contains":
                return any(v in text for v in values)
        return False


def _compare(fact: Decimal, op: str, value: Any) -> bool:
    if op in {"in", "not_in"}:
        inside = fact in {Decimal(str(v)) for v in value}
        return inside if op == "in" else not inside
    ref = Decimal(str(value))
    return {
        "eq": fact == ref,
        "ne": fact != ref,
        "lt": fact < ref,
        "le": fact <= ref,
        "gt": fact > ref,
        "ge": fact >= ref,
    }.get(op, False)


@dataclass(frozen=True)
class Rule:
    """An analyst's criterion: conditions that together send a declaration to a lane, with a weight."""

    name: str
    lane: str
    conditions: tuple[Condition, ...]
    weight: int = 1
    description: str = ""
    active: bool = True
    # A mandatory rule (prohibited goods, court order) inspects even when the office's capacity is used up.
    mandatory: bool = False

    def matches(self, header: dict[str, Any], items: list[dict[str, Any]]) -> bool:
        """Tells whether the declaration hits this rule (item conditions must hold on one same item)."""
        head = [c for c in self.conditions if c.field in HEADER_FIELDS]
        per_item = [c for c in self.conditions if c.field in ITEM_FIELDS]
        if not all(c.test(header) for c in head):
            return False
        if not per_item:
            return True
        return any(all(c.test(item) for c in per_item) for item in items)


@dataclass(frozen=True)
class Watchlist:
    """A named list of parties (importers, declarants, exporters) with a severity."""

    name: str
    severity: str
    parties: frozenset[str]
    description: str = ""

    @property
    def lane(self) -> str:
        """Returns the lane a listed party's declaration goes to."""
        return SEVERITY_LANE[self.severity]


@dataclass(frozen=True)
class RuleSet:
    """One version of the selectivity criteria, as analysts published it."""

    version: int
    rules: tuple[Rule, ...] = ()
    watchlists: tuple[Watchlist, ...] = ()
    random_red: Decimal = Decimal("0")
    random_yellow: Decimal = Decimal("0")
    red_capacity: Decimal = Decimal("0.10")
    model_red_above: Decimal = Decimal("0.80")
    model_yellow_above: Decimal = Decimal("0.50")

    @property
    def empty(self) -> bool:
        """Tells whether the set holds no criteria at all (then the core's random selectivity applies)."""
        return (
            not any(r.active for r in self.rules) and not self.watchlists and not self.random_red + self.random_yellow
        )


@dataclass
class Assessment:
    """What the engine concluded about one declaration, and why."""

    lane: str
    reasons: list[str] = field(default_factory=list)
    rules_hit: list[str] = field(default_factory=list)
    watchlists_hit: list[str] = field(default_factory=list)
    weight: int = 0
    model_score: float | None = None
    model_version: str | None = None
    random: bool = False
    capacity_limited: bool = False
    facilitated: bool = False
    # Red whatever the capacity (a mandatory rule, a critical watchlist, a counterfeit flag).
    capacity_exempt: bool = False
    # Why the declaration was (or was not) selected for control, and the chance it had of being selected under
    # the criteria in force: the propensity training needs (``clearway.risk.learning.selection.SOURCES``).
    selection_source: str = "none"
    inspection_probability: float = 0.0


def rank(lane: str) -> int:
    """Orders lanes: green < yellow < red."""
    return LANES.index(lane)


def watchlist_hits(ruleset: RuleSet, parties: set[str]) -> list[Watchlist]:
    """Returns the watchlists on which one of the declaration's parties appears."""
    return [w for w in ruleset.watchlists if w.parties & parties]


def random_draw(salt: str, mrn: str) -> Decimal:
    """Returns a uniform draw in [0, 1) keyed by a secret, so traders cannot predict random controls."""
    digest = hashlib.sha256(f"risk:{salt}:{mrn}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)


def red_cap(capacity: Decimal, total_today: int) -> int:
    """Returns how many reds the office may give today, counting the declaration being assessed."""
    return max(1, math.ceil(float(capacity) * (total_today + 1)))


def red_allowed(capacity: Decimal, reds_today: int, total_today: int) -> bool:
    """Tells whether one more red fits the office's daily capacity (a share of today's declarations)."""
    return reds_today < red_cap(capacity, total_today)


def parse_ruleset(data: dict[str, Any], version: int) -> RuleSet:
    """Builds a rule set from its stored or submitted document, listing every problem at once."""
    issues: list[Issue] = []
    rules = []
    names: set[str] = set()
    for i, r in enumerate(data.get("rules", [])):
        at = f"/rules/{i}"
        if r["name"] in names:
            issues.append(Issue("RULE_NAME_DUPLICATE", f"rule name '{r['name']}' is used twice", f"{at}/name"))
        names.add(r["name"])
        if r["lane"] not in LANES:
            issues.append(Issue("RULE_LANE", f"lane must be one of {', '.join(LANES)}", f"{at}/lane"))
        if not r.get("conditions"):
            issues.append(Issue("RULE_NO_CONDITION", "a rule needs at least one condition", f"{at}/conditions"))
        conds = []
        for j, c in enumerate(r.get("conditions", [])):
            cat = f"{at}/conditions/{j}"
            if c["field"] not in FIELDS:
                issues.append(Issue("RULE_FIELD", f"unknown field '{c['field']}'; known: {', '.join(FIELDS)}", cat))
            if c["op"] not in OPS:
                issues.append(Issue("RULE_OP", f"unknown operator '{c['op']}'; known: {', '.join(OPS)}", cat))
            if c["field"] in NUMERIC and not _numbers_ok(c["value"]):
                issues.append(Issue("RULE_VALUE", f"'{c['field']}' compares with numbers", f"{cat}/value"))
            conds.append(Condition(c["field"], c["op"], c["value"]))
        rules.append(
            Rule(
                name=r["name"],
                lane=r["lane"],
                conditions=tuple(conds),
                weight=int(r.get("weight", 1)),
                description=r.get("description", ""),
                active=bool(r.get("active", True)),
                mandatory=bool(r.get("mandatory", False)),
            )
        )
    lists = []
    for i, w in enumerate(data.get("watchlists", [])):
        if w["severity"] not in SEVERITY_LANE:
            sev = ", ".join(SEVERITY_LANE)
            issues.append(Issue("WATCHLIST_SEVERITY", f"severity must be one of {sev}", f"/watchlists/{i}/severity"))
        lists.append(Watchlist(w["name"], w["severity"], frozenset(w.get("parties", [])), w.get("description", "")))
    if issues:
        raise ValidationFailed(issues)
    return RuleSet(
        version=version,
        rules=tuple(rules),
        watchlists=tuple(lists),
        random_red=Decimal(str(data.get("random_red", "0"))),
        random_yellow=Decimal(str(data.get("random_yellow", "0"))),
        red_capacity=Decimal(str(data.get("red_capacity", "0.10"))),
        model_red_above=Decimal(str(data.get("model_red_above", "0.80"))),
        model_yellow_above=Decimal(str(data.get("model_yellow_above", "0.50"))),
    )


def _numbers_ok(value: Any) -> bool:
    try:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, bool) or not Decimal(str(v)).is_finite():
                return False
    except InvalidOperation:
        return False
    return True
