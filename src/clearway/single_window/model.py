"""Single window domain: agencies, versioned requirements, applications, permits. Plain Python, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from clearway.core.issues import Conflict, DomainError, Issue, ValidationFailed
from clearway.single_window.phrases import DECISION_PENDING, NEED_MISSING, NEED_PENDING

MILLI = Decimal(1000)
_HS_SPEC = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})(-(\d{2}|\d{4}|\d{6}|\d{8}|\d{10}))?$")
_AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
NEED_KINDS = ("permit", "licence", "certificate", "inspection")
AUTO_MODES = ("none", "standing_licence")


class AppStatus(StrEnum):
    """Where an agency application stands."""

    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    REFUSED = "refused"


class AgencyDecision(StrEnum):
    """What an agency user decides on an application."""

    REQUEST_INFO = "request_info"
    APPROVE = "approve"
    REFUSE = "refuse"


DECIDABLE: frozenset[AppStatus] = frozenset({AppStatus.SUBMITTED, AppStatus.INFO_REQUESTED})


@dataclass(frozen=True, slots=True)
class Agency:
    """A government agency that controls some goods, e.g. SENASA (plant and animal health)."""

    code: str
    name: str
    domain: str
    automated_decisions: bool = False

    @property
    def label(self) -> str:
        """Returns the agency as blockers name it: code and domain."""
        return f"{self.code} ({self.domain})"


@dataclass(frozen=True, slots=True)
class Need:
    """What an agency needs for the goods: a permit, licence, certificate or inspection."""

    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class HsSpec:
    """Goods an agency controls: an HS chapter, heading, subheading or national line, or a range of them."""

    start: str
    end: str

    @classmethod
    def parse(cls, text: str) -> HsSpec:
        """Parses '08', '0803', '851713' or a range '06-14' / '0601-0699'; raises ValueError otherwise."""
        return _parse_spec(text)

    @classmethod
    def _parse(cls, text: str) -> HsSpec:
        value = text.strip().replace(".", "")
        m = _HS_SPEC.match(value)
        if m is None:
            raise ValueError(f"'{text}' is not an HS chapter, heading, code or range like '06-14'")
        start, end = m.group(1), m.group(3) or m.group(1)
        if len(start) != len(end) or end < start:
            raise ValueError(f"'{text}': a range needs two codes of the same length, the first not above the second")
        return cls(start, end)

    def chapters(self) -> range:
        """Returns the HS chapters (as numbers) the spec touches."""
        return range(int(self.start[:2]), int(self.end[:2]) + 1)

    def matches(self, commodity_code: str) -> bool:
        """Tells whether a commodity code falls within the spec."""
        head = commodity_code[: len(self.start)]
        return len(head) == len(self.start) and self.start <= head <= self.end

    def within(self, other: HsSpec) -> bool:
        """Tells whether every code this spec covers is also covered by another spec."""
        if len(self.start) < len(other.start):
            return False
        n = len(other.start)
        return other.start <= self.start[:n] and self.end[:n] <= other.end

    def within_any(self, others: Sequence[HsSpec]) -> bool:
        """Tells whether the union of other specs covers this one (ranges of chapters or headings code by code)."""
        if any(self.within(o) for o in others):
            return True
        if len(self.start) > 4:
            return False
        width = len(self.start)
        codes = (str(n).zfill(width) for n in range(int(self.start), int(self.end) + 1))
        return all(any(HsSpec(c, c).within(o) for o in others) for c in codes)

    def __str__(self) -> str:
        return self.start if self.start == self.end else f"{self.start}-{self.end}"


@lru_cache(maxsize=4096)
def _parse_spec(text: str) -> HsSpec:
    return HsSpec._parse(text)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One version of an agency's rule: which goods it controls and what it needs, from a date."""

    rule_id: str
    agency: str
    hs: tuple[HsSpec, ...]
    needs: tuple[Need, ...]
    effective_from: date
    effective_to: date | None = None
    origins: frozenset[str] = frozenset()
    procedures: tuple[str, ...] = ()
    end_uses: frozenset[str] = frozenset()
    auto: str = "none"
    version: int = 1
    description: str = ""

    def in_effect(self, on: date) -> bool:
        """Tells whether this version applies on a date (effective_to is exclusive)."""
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def applies_to(self, line: GoodsLine) -> bool:
        """Tells whether the rule controls a goods line; an undeclared end use is routed to be safe."""
        if not any(s.matches(line.commodity_code) for s in self.hs):
            return False
        if self.origins and line.origin_country not in self.origins:
            return False
        if self.procedures and not any(line.procedure_code.startswith(p) for p in self.procedures):
            return False
        return not (self.end_uses and line.end_use is not None and line.end_use not in self.end_uses)

    def same_terms(self, other: Requirement) -> bool:
        """Tells whether two versions say the same thing (so loading a file twice adds no version)."""
        keys = ("agency", "hs", "needs", "origins", "procedures", "end_uses", "auto", "description")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """A goods line an agency looks at: from a declaration item or a pre-shipment application."""

    sequence: int
    commodity_code: str
    description: str
    origin_country: str
    procedure_code: str
    quantity: Decimal
    unit: str
    net_mass: Decimal
    end_use: str | None = None

    def quantity_in(self, unit: str) -> Decimal | None:
        """Returns the line's quantity in a permit's unit (net mass for KGM/TNE), or None if not convertible."""
        if unit == self.unit:
            return self.quantity
        if unit == "KGM":
            return self.net_mass
        if unit == "TNE":
            return self.net_mass / MILLI
        return None


@dataclass(frozen=True, slots=True)
class Routing:
    """The applications one submission needs: per agency, the matched rules and goods lines."""

    by_agency: dict[str, tuple[tuple[Requirement, ...], tuple[GoodsLine, ...]]]

    @property
    def agencies(self) -> list[str]:
        """Returns the agencies that must act, in code order."""
        return sorted(self.by_agency)


@dataclass
class RuleSet:
    """All agencies and every version of their requirements, as loaded."""

    agencies: dict[str, Agency] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)
    _by_day: dict[date, dict[int, list[Requirement]]] = field(default_factory=dict, repr=False, compare=False)

    def in_effect(self, on: date) -> list[Requirement]:
        """Returns the requirement versions that apply on a date."""
        return [r for r in self.requirements if r.in_effect(on)]

    def _index(self, on: date) -> dict[int, list[Requirement]]:
        """Returns the rules in effect on a date by the HS chapters they touch (built once per day)."""
        index = self._by_day.get(on)
        if index is None:
            index = {}
            for r in self.in_effect(on):
                for chapter in sorted({c for s in r.hs for c in s.chapters()}):
                    index.setdefault(chapter, []).append(r)
            if len(self._by_day) > 64:
                self._by_day.clear()
            self._by_day[on] = index
        return index

    def route(self, lines: Sequence[GoodsLine], on: date, *, only_agency: str | None = None) -> Routing:
        """Computes which agencies must act on the goods, and why."""
        found: dict[str, tuple[dict[str, Requirement], dict[int, GoodsLine]]] = {}
        index = self._index(on)
        for line in lines:
            chapter = int(line.commodity_code[:2]) if line.commodity_code[:2].isdigit() else -1
            for req in index.get(chapter, ()):
                if (only_agency is not None and req.agency != only_agency) or not req.applies_to(line):
                    continue
                rules, goods = found.setdefault(req.agency, ({}, {}))
                rules[req.rule_id] = req
                goods[line.sequence] = line
        return Routing(
            {
                a: (tuple(rules[k] for k in sorted(rules)), tuple(goods[s] for s in sorted(goods)))
                for a, (rules, goods) in found.items()
            }
        )

    def scope(self, agency: str, on: date) -> list[HsSpec]:
        """Returns the goods an agency controls on a date."""
        return [s for r in self.in_effect(on) if r.agency == agency for s in r.hs]


def validate_agency(agency: Agency, pointer: str) -> list[Issue]:
    """Checks an agency's code and names."""
    issues = []
    if not _AGENCY_CODE.match(agency.code):
        issues.append(Issue("AGENCY_CODE", "an agency code is 2-20 capital letters, digits or _", pointer + "/code"))
    if not agency.name.strip():
        issues.append(Issue("REQUIRED", "an agency needs a name", pointer + "/name"))
    if not agency.domain.strip():
        issues.append(Issue("REQUIRED", "an agency needs a domain, e.g. 'plant health'", pointer + "/domain"))
    return issues


def validate_requirement(req: Requirement, agencies: Iterable[str], pointer: str) -> list[Issue]:
    """Checks a requirement against the known agencies and the allowed needs and modes."""
    issues = []
    if req.agency not in set(agencies):
        issues.append(Issue("AGENCY_UNKNOWN", f"no agency '{req.agency}'; define it first", pointer + "/agency"))
    if not req.hs:
        issues.append(Issue("REQUIRED", "say which goods the rule controls (hs)", pointer + "/hs"))
    if not req.needs:
        issues.append(Issue("REQUIRED", "say what the agency needs (needs)", pointer + "/needs"))
    for i, need in enumerate(req.needs):
        if need.kind not in NEED_KINDS:
            issues.append(Issue("NEED_KIND", f"need kind is one of {', '.join(NEED_KINDS)}", f"{pointer}/needs/{i}"))
    if req.auto not in AUTO_MODES:
        issues.append(Issue("AUTO_MODE", f"auto is one of {', '.join(AUTO_MODES)}", pointer + "/auto"))
    if req.effective_to is not None and req.effective_to <= req.effective_from:
        issues.append(Issue("EFFECTIVE_DATES", "effective_to must be after effective_from", pointer + "/effective_to"))
    return issues


def needs_text(needs: Iterable[dict[str, Any]]) -> str:
    """Describes what is missing, e.g. 'phytosanitary certificate missing; plant health inspection pending'."""
    parts = []
    for n in needs:
        text = (NEED_PENDING if n["kind"] == "inspection" else NEED_MISSING)(name=n["name"])
        if text not in parts:
            parts.append(text)
    return "; ".join(parts) or DECISION_PENDING()


def check_decision(status: AppStatus, decision: AgencyDecision, message: str, reasons: Sequence[str]) -> AppStatus:
    """Returns the status a decision leads to, refusing decisions the application's state does not allow."""
    if status not in DECIDABLE:
        raise Conflict(f"the application is already {status.value}; it cannot be decided again", code="APP_DECIDED")
    if decision is AgencyDecision.REFUSE and not [r for r in reasons if r.strip()]:
        raise ValidationFailed([Issue("REASONS_REQUIRED", "a refusal lists its reasons", "/reasons")])
    if decision is AgencyDecision.REQUEST_INFO and not message.strip():
        raise ValidationFailed([Issue("MESSAGE_REQUIRED", "say what information the trader must send", "/message")])
    return {
        AgencyDecision.REQUEST_INFO: AppStatus.INFO_REQUESTED,
        AgencyDecision.APPROVE: AppStatus.APPROVED,
        AgencyDecision.REFUSE: AppStatus.REFUSED,
    }[decision]


@dataclass(frozen=True, slots=True)
class Permit:
    """A permit, licence or certificate an agency issued: number, holder, goods, validity, quantity left."""

    number: str
    agency: str
    holder_id: str
    kind: str
    standing: bool
    hs: tuple[HsSpec, ...]
    valid_from: date
    valid_to: date
    unit: str | None
    quantity: Decimal | None
    remaining: Decimal | None
    revoked: bool = False

    def valid_on(self, on: date) -> bool:
        """Tells whether the permit may be used on a date."""
        return not self.revoked and self.valid_from <= on <= self.valid_to

    def covers(self, line: GoodsLine) -> bool:
        """Tells whether the permit's goods include a line."""
        return any(s.matches(line.commodity_code) for s in self.hs)

    def draw_for(self, lines: Sequence[GoodsLine]) -> Decimal | None:
        """Returns the quantity the lines draw from the permit (None when it is not quantity-limited)."""
        if self.unit is None:
            return None
        total = Decimal(0)
        for line in lines:
            q = line.quantity_in(self.unit)
            if q is None:
                raise DomainError(
                    f"permit {self.number} counts {self.unit}; item {line.sequence} is declared in {line.unit}",
                    code="PERMIT_UNIT",
                )
            total += q
        return total


def to_milli(q: Decimal) -> int:
    """Returns a quantity in thousandths, the exact integer form the store keeps."""
    return int((q * MILLI).to_integral_value())


def from_milli(q: int) -> Decimal:
    """Returns a quantity from its thousandths."""
    return (Decimal(q) / MILLI).quantize(Decimal("0.001"))


def percentile(values: Sequence[float], p: float) -> float:
    """Returns the p-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def hours_between(start: datetime, end: datetime) -> float:
    """Returns the time between two instants in hours."""
    return (end - start).total_seconds() / 3600
