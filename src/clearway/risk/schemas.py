"""API models of the risk engine; input models are strict and refuse unknown fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(min_length=1, max_length=100)]
Share = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)]
Scalar = Annotated[str, Field(max_length=200)] | int | Decimal


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ConditionIn(_In):
    """A test on a declaration fact, e.g. ``{"field": "hs_chapter", "op": "in", "value": ["61", "62"]}``."""

    field: Annotated[str, Field(description="A fact: hs, hs_chapter, origin, unit_value, importer, watchlist…")]
    op: Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "prefix", "contains"]
    value: Scalar | Annotated[list[Scalar], Field(min_length=1, max_length=1000)]


class RuleIn(_In):
    """An analyst's selectivity criterion."""

    name: Name
    lane: Literal["green", "yellow", "red"]
    conditions: Annotated[list[ConditionIn], Field(min_length=1, max_length=20)]
    weight: Annotated[int, Field(ge=0, le=100)] = 1
    description: Annotated[str, Field(max_length=500)] = ""
    active: bool = True
    mandatory: bool = False


class WatchlistIn(_In):
    """A named list of parties with a severity (low → green, medium → yellow, high and critical → red)."""

    name: Name
    severity: Literal["low", "medium", "high", "critical"]
    parties: Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=100_000)]
    description: Annotated[str, Field(max_length=500)] = ""


SETTING_FIELDS = ("random_red", "random_yellow", "red_capacity", "model_red_above", "model_yellow_above")


class RuleSetIn(_In):
    """A complete new version of the criteria."""

    note: Annotated[str, Field(min_length=1, max_length=500, description="Why this version (kept in the log)")]
    rules: Annotated[list[RuleIn], Field(max_length=1000)] = []
    watchlists: Annotated[list[WatchlistIn], Field(max_length=100)] = []
    random_red: Share = Decimal("0")
    random_yellow: Share = Decimal("0")
    red_capacity: Share = Decimal("0.10")
    model_red_above: Share = Decimal("0.80")
    model_yellow_above: Share = Decimal("0.50")

    def document(self, *, only_given_settings: bool = False) -> dict[str, Any]:
        """Returns the criteria as the JSON document stored for this version.

        With ``only_given_settings`` the random shares and thresholds the sender left out are left out too (a
        merge keeps those in force instead of resetting them to their defaults).
        """
        unset = {"note"}
        if only_given_settings:
            unset |= {n for n in SETTING_FIELDS if n not in self.model_fields_set}
        return self.model_dump(mode="json", exclude=unset)


class RuleSetOut(BaseModel):
    """A published version of the criteria."""

    version: int
    document: dict[str, Any]


class VersionOut(BaseModel):
    """One published version in the log."""

    version: int
    note: str
    created_by: str
    created_at: datetime


class AssessmentOut(BaseModel):
    """The engine's assessment of a declaration."""

    mrn: str
    office: str
    lane: str
    weight: int
    model_score: float | None
    model_version: str | None
    ruleset_version: int
    random: bool
    rules_hit: list[str]
    reasons: list[str]
    assessed_at: datetime
    # Why it was (or was not) selected for control and the chance it had (None for assessments stored before
    # selections were recorded): rule, watchlist, model, random, mandatory or none.
    selection_source: str | None = None
    inspection_probability: float | None = None
    outcome: dict[str, Any] | None


class HitRateOut(BaseModel):
    """How often a rule's selections found something."""

    rule: str
    hits: int
    controlled: int
    discrepancies: int
    hit_rate: float | None
    revenue: str


class PreviewOut(BaseModel):
    """What publishing would change: the criteria that would be in force and their differences by name."""

    mode: str
    diff: dict[str, Any]
    document: dict[str, Any]
