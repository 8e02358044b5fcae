"""Crisis protocol packs as data: what a pack says and which of its measures fit a declaration.

A pack (YAML, versioned) names its legal basis, the reason it is activated for, the dates it may be in force,
named lists of goods (HS 2022 subheadings) and of consignees (relief organisations, by party id), and measures:

- ``priority_lane``            a final lane (green: released on arrival, post-clearance control) for
                               declarations whose goods and/or consignee are listed (both, when both are named);
- ``provisional_declaration``  missing data elements named in ``waive`` are accepted, with a completion deadline;
- ``export_licence``           an export of listed goods is not released without the licence document;
- ``penalty_waiver``           no penalty for late documents; recorded on the declaration.

Pure domain: no I/O. A pack document is checked whole in ``crisis.pack_check``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

KINDS = ("priority_lane", "provisional_declaration", "export_licence", "penalty_waiver")
LANES = ("green", "yellow")
# Data elements a provisional declaration may leave out (the declarations' data requirement element keys).
# Who declares, who receives, what the goods are and where from are never waived: without them customs cannot
# know what it releases, so a pack that names them is refused.
WAIVABLE = frozenset(
    {
        "invoice",
        "invoice.incoterm",
        "invoice.freight",
        "invoice.insurance",
        "invoice.total_amount",
        "consignment.means_id",
        "consignment.means_nationality",
        "goods_items.invoice_amount",
        "goods_items.valuation_method",
        "goods_items.net_mass",
        "goods_items.gross_mass",
        "goods_items.quantity",
        "goods_items.packages",
        "documents",
    }
)
# Issue codes that say "this element is missing": the only ones a provisional declaration may carry.
MISSING_CODES = frozenset({"REQUIRED", "CONDITIONAL_REQUIRED"})


@dataclass(frozen=True, slots=True)
class Goods:
    """A named list of HS 2022 subheadings (six digits), each with words for people."""

    key: str
    title: str
    codes: Mapping[str, str]  # hs6 -> description

    def listed(self, commodity_code: str) -> bool:
        """Tells whether a commodity code (6 digits or a national line of 8-10) falls under a listed subheading."""
        return commodity_code[:6] in self.codes


@dataclass(frozen=True, slots=True)
class Consignees:
    """A named list of parties (relief organisations) by their identifier; names are for people only."""

    key: str
    title: str
    parties: Mapping[str, str]  # party id -> name

    def listed(self, party_id: str) -> bool:
        """Tells whether a party is on the list: by its identifier exactly, never by its name."""
        return party_id.strip().upper() in self.parties


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of a pack and its scope (listed goods and/or listed consignees)."""

    id: str
    kind: str
    title: str
    goods: str | None = None
    consignees: str | None = None
    lane: str = "green"
    post_clearance_control: bool = False
    public: bool = True
    waive: tuple[str, ...] = ()
    complete_within_days: int = 0
    document_type: str = ""
    authority: str = ""


@dataclass(frozen=True)
class Pack:
    """A crisis protocol pack, one version of it."""

    id: str
    version: str
    title: str
    legal_basis: str
    activation_reason: str
    start: date
    end: date | None
    measures: tuple[Measure, ...]
    goods: Mapping[str, Goods] = field(default_factory=dict)
    consignees: Mapping[str, Consignees] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        """Returns the pack's title in a language, the English one when it has none."""
        return self.titles.get(lang) or self.title

    def in_force_on(self, day: date) -> bool:
        """Tells whether the pack's own dates allow it to apply on a day."""
        return self.start <= day and (self.end is None or day <= self.end)

    def hs_codes(self) -> set[str]:
        """Returns every subheading the pack lists."""
        return {code for g in self.goods.values() for code in g.codes}


@dataclass(frozen=True, slots=True)
class Line:
    """What a measure is matched against: one goods item of a declaration."""

    sequence: int
    commodity_code: str
    description: str


@dataclass(frozen=True, slots=True)
class Match:
    """A measure that applies to a declaration, with the goods items and consignee that made it apply."""

    measure: Measure
    items: tuple[Line, ...]
    consignee: tuple[str, str] | None  # (id, name on the list)

    def why(self, pack: Pack) -> tuple[str, dict[str, str]]:
        """Returns why the measure applies: the key of its words in ``phrases.BECAUSE`` and their values."""
        values: dict[str, str] = {}
        key = ""
        if self.consignee is not None:
            values |= {"name": self.consignee[1], "id": self.consignee[0]}
            key = "consignee"
        if self.items and self.measure.goods:
            goods = pack.goods[self.measure.goods]
            values["items"] = ", ".join(
                f"item {i.sequence}: {i.commodity_code[:6]} {goods.codes.get(i.commodity_code[:6], '')}".strip()
                for i in self.items[:5]
            )
            key = ("both" if key else "goods") + ("_more" if len(self.items) > 5 else "")
            if len(self.items) > 5:
                values["more"] = str(len(self.items) - 5)
        return key, values


def match(pack: Pack, measure: Measure, importer_id: str, lines: Sequence[Line]) -> Match | None:
    """Returns how a measure applies to a declaration's consignee and goods items, or None when it does not.

    A measure that names goods applies when at least one goods item is listed; one that names consignees applies
    when the importer (consignee) is listed by its identifier; one that names both needs both.
    """
    consignee: tuple[str, str] | None = None
    if measure.consignees is not None:
        party_list = pack.consignees[measure.consignees]
        key = importer_id.strip().upper()
        if not party_list.listed(key):
            return None
        consignee = (key, party_list.parties[key])
    items: tuple[Line, ...] = ()
    if measure.goods is not None:
        goods = pack.goods[measure.goods]
        items = tuple(line for line in lines if goods.listed(line.commodity_code))
        if not items:
            return None
    return Match(measure, items, consignee)


def deadline_for(measure: Measure, lodged: datetime) -> date:
    """Returns the day by which a provisional declaration must be completed."""
    return lodged.date() + timedelta(days=measure.complete_within_days)
