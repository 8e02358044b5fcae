"""Crisis protocol packs as data: what a pack says, how it is checked whole, and which measures fit a declaration.

A pack (YAML, versioned) names its legal basis, the reason it is activated for, the dates it may be in force,
named lists of goods (HS 2022 subheadings) and of consignees (relief organisations, by party id), and measures:

- ``priority_lane``            a final lane (green: released on arrival, post-clearance control) for
                               declarations whose goods and/or consignee are listed (both, when both are named);
- ``provisional_declaration``  missing data elements named in ``waive`` are accepted, with a completion deadline;
- ``export_licence``           an export of listed goods is not released without the licence document;
- ``penalty_waiver``           no penalty for late documents; recorded on the declaration.

Pure domain: no I/O. ``parse_pack`` reports every problem of a pack at once (``Issue`` with a JSON pointer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from clearway.core.issues import Issue

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
PACK_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")
HS6 = re.compile(r"[0-9]{6}")
PARTY = re.compile(r"[A-Z0-9]{2,40}")
TOP_FIELDS = frozenset(
    {
        "id",
        "version",
        "title",
        "titles",
        "legal_basis",
        "activation_reason",
        "start",
        "end",
        "sources",
        "goods",
        "consignees",
        "measures",
    }
)
MEASURE_FIELDS = frozenset(
    {
        "id",
        "kind",
        "title",
        "goods",
        "consignees",
        "lane",
        "post_clearance_control",
        "public",
        "waive",
        "complete_within_days",
        "document_type",
        "authority",
    }
)
MAX_CODES = 2000
MAX_PARTIES = 2000
MAX_MEASURES = 50


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
    from datetime import timedelta

    return lodged.date() + timedelta(days=measure.complete_within_days)


# --- checking a pack whole ----------------------------------------------------------------------------------


class _Issues:
    def __init__(self) -> None:
        self.found: list[Issue] = []

    def add(self, code: str, message: str, ptr: str) -> None:
        self.found.append(Issue(code, message, ptr))


def _text(doc: Mapping[str, Any], name: str, out: _Issues, *, required: bool = True, limit: int = 2000) -> str:
    value = doc.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            out.add("PACK_REQUIRED", f"'{name}' is required", f"/{name}")
        return ""
    if not isinstance(value, str):
        out.add("PACK_TYPE", f"'{name}' must be text", f"/{name}")
        return ""
    if len(value) > limit:
        out.add("PACK_TOO_LONG", f"'{name}' has more than {limit} characters", f"/{name}")
    return value.strip()[:limit]


def _date(doc: Mapping[str, Any], name: str, out: _Issues, *, required: bool) -> date | None:
    value = doc.get(name)
    if value is None:
        if required:
            out.add("PACK_REQUIRED", f"'{name}' is required (a date, YYYY-MM-DD)", f"/{name}")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    out.add("PACK_DATE", f"'{name}' must be a date written YYYY-MM-DD, not {str(value)[:40]!r}", f"/{name}")
    return None


def _goods(raw: Any, out: _Issues, known_hs: Callable[[str], bool] | None) -> dict[str, Goods]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        out.add("PACK_TYPE", "'goods' must map list names to lists of codes", "/goods")
        return {}
    lists: dict[str, Goods] = {}
    for key, spec in raw.items():
        where = f"/goods/{key}"
        if not isinstance(spec, Mapping) or not isinstance(spec.get("codes"), list) or not spec["codes"]:
            out.add("PACK_TYPE", f"goods list '{key}' needs a 'title' and a non-empty list of 'codes'", where)
            continue
        if len(spec["codes"]) > MAX_CODES:
            out.add("PACK_TOO_LONG", f"goods list '{key}' has more than {MAX_CODES} codes", f"{where}/codes")
            continue
        codes: dict[str, str] = {}
        for n, entry in enumerate(spec["codes"]):
            ptr = f"{where}/codes/{n}"
            if isinstance(entry, str | int):
                entry = {"hs6": str(entry)}
            if not isinstance(entry, Mapping):
                out.add("PACK_TYPE", "a code is written {hs6: '630790', description: '...'}", ptr)
                continue
            code = str(entry.get("hs6", "")).strip()
            if not HS6.fullmatch(code):
                out.add("PACK_HS_FORMAT", f"'{code[:20]}' is not an HS subheading of six digits", f"{ptr}/hs6")
                continue
            if known_hs is not None and not known_hs(code):
                out.add("PACK_HS_UNKNOWN", f"{code} is not a subheading of the HS 2022 nomenclature", f"{ptr}/hs6")
                continue
            if code in codes:
                out.add("PACK_DUPLICATE", f"{code} is listed twice in '{key}'", f"{ptr}/hs6")
                continue
            codes[code] = str(entry.get("description") or "")[:200]
        lists[str(key)] = Goods(str(key), str(spec.get("title") or key)[:200], codes)
    return lists


def _consignees(raw: Any, out: _Issues) -> dict[str, Consignees]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        out.add("PACK_TYPE", "'consignees' must map list names to lists of parties", "/consignees")
        return {}
    lists: dict[str, Consignees] = {}
    for key, spec in raw.items():
        where = f"/consignees/{key}"
        if not isinstance(spec, Mapping) or not isinstance(spec.get("parties"), list) or not spec["parties"]:
            out.add("PACK_TYPE", f"consignee list '{key}' needs a non-empty list of 'parties'", where)
            continue
        if len(spec["parties"]) > MAX_PARTIES:
            out.add("PACK_TOO_LONG", f"consignee list '{key}' has more than {MAX_PARTIES} parties", where)
            continue
        parties: dict[str, str] = {}
        for n, entry in enumerate(spec["parties"]):
            ptr = f"{where}/parties/{n}"
            if not isinstance(entry, Mapping):
                out.add("PACK_TYPE", "a party is written {id: 'PE20131371617', name: '...'}", ptr)
                continue
            pid = str(entry.get("id", "")).strip().upper()
            name = str(entry.get("name") or "").strip()
            if not PARTY.fullmatch(pid):
                out.add(
                    "PACK_PARTY_ID", f"'{pid[:40]}' is not a party identifier (2-40 letters or digits)", f"{ptr}/id"
                )
                continue
            if not name:
                out.add("PACK_REQUIRED", "each listed party needs its name, for the officers", f"{ptr}/name")
            if pid in parties:
                out.add("PACK_DUPLICATE", f"{pid} is listed twice in '{key}'", f"{ptr}/id")
                continue
            parties[pid] = name[:200]
        lists[str(key)] = Consignees(str(key), str(spec.get("title") or key)[:200], parties)
    return lists


def _measure(
    n: int, raw: Any, goods: Mapping[str, Goods], consignees: Mapping[str, Consignees], out: _Issues
) -> Measure | None:
    where = f"/measures/{n}"
    if not isinstance(raw, Mapping):
        out.add("PACK_TYPE", "a measure is a mapping with 'id', 'kind' and 'title'", where)
        return None
    before = len(out.found)
    for name in sorted(set(raw) - MEASURE_FIELDS):
        out.add("PACK_UNKNOWN_FIELD", f"'{name}' is not a field of a measure", f"{where}/{name}")
    mid = str(raw.get("id") or "")
    if not PACK_ID.fullmatch(mid):
        out.add("PACK_MEASURE_ID", "a measure needs an 'id' of 2-60 lower-case letters, digits or '-'", f"{where}/id")
    kind = str(raw.get("kind") or "")
    if kind not in KINDS:
        out.add("PACK_MEASURE_KIND", f"'kind' must be one of {', '.join(KINDS)}, not '{kind[:40]}'", f"{where}/kind")
    title = _text(raw, "title", _Prefixed(out, where), limit=300)
    goods_key = raw.get("goods")
    consignee_key = raw.get("consignees")
    if goods_key is not None and str(goods_key) not in goods:
        out.add("PACK_LIST_UNKNOWN", f"no goods list named '{goods_key}' in this pack", f"{where}/goods")
    if consignee_key is not None and str(consignee_key) not in consignees:
        out.add("PACK_LIST_UNKNOWN", f"no consignee list named '{consignee_key}' in this pack", f"{where}/consignees")
    if goods_key is None and consignee_key is None:
        out.add("PACK_SCOPE", "a measure names the goods and/or the consignees it applies to", where)
    if kind == "export_licence" and goods_key is None:
        out.add("PACK_SCOPE", "an export licence measure names the goods it restricts", f"{where}/goods")
    lane = str(raw.get("lane") or "green")
    if kind == "priority_lane" and lane not in LANES:
        out.add(
            "PACK_LANE", "a priority lane is green (release on arrival) or yellow (documents only)", f"{where}/lane"
        )
    waive = raw.get("waive") or []
    days = raw.get("complete_within_days")
    if kind == "provisional_declaration":
        if not isinstance(waive, list) or not waive:
            out.add(
                "PACK_REQUIRED", "a provisional declaration measure lists the elements it 'waive's", f"{where}/waive"
            )
            waive = []
        for k, element in enumerate(waive):
            if str(element) not in WAIVABLE:
                out.add(
                    "PACK_NOT_WAIVABLE",
                    f"'{element}' cannot be left out of a declaration (waivable: {', '.join(sorted(WAIVABLE))})",
                    f"{where}/waive/{k}",
                )
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            out.add(
                "PACK_DEADLINE",
                "'complete_within_days' is a whole number of days from 1 to 365",
                f"{where}/complete_within_days",
            )
    document_type = str(raw.get("document_type") or "")
    if kind == "export_licence" and not re.fullmatch(r"[A-Z0-9]{2,10}", document_type):
        out.add(
            "PACK_REQUIRED", "an export licence names its 'document_type' code (e.g. X002)", f"{where}/document_type"
        )
    for flag in ("post_clearance_control", "public"):
        if flag in raw and not isinstance(raw[flag], bool):
            out.add("PACK_TYPE", f"'{flag}' is true or false", f"{where}/{flag}")
    if len(out.found) > before:
        return None
    return Measure(
        id=mid,
        kind=kind,
        title=title,
        goods=None if goods_key is None else str(goods_key),
        consignees=None if consignee_key is None else str(consignee_key),
        lane=lane,
        post_clearance_control=bool(raw.get("post_clearance_control", False)),
        public=bool(raw.get("public", True)),
        waive=tuple(str(e) for e in waive),
        complete_within_days=int(days) if isinstance(days, int) else 0,
        document_type=document_type,
        authority=str(raw.get("authority") or "")[:200],
    )


class _Prefixed(_Issues):
    """Adds issues under a pointer prefix (a measure's fields)."""

    def __init__(self, into: _Issues, prefix: str) -> None:
        self.into, self.prefix = into, prefix

    def add(self, code: str, message: str, ptr: str) -> None:
        self.into.add(code, message, self.prefix + ptr)


def parse_pack(doc: Any, known_hs: Callable[[str], bool] | None = None) -> tuple[Pack | None, list[Issue]]:
    """Checks a pack document whole; returns the pack, or None with every problem found (never the first only).

    ``known_hs`` tells whether a six-digit subheading exists in the nomenclature in force (None: format only).
    """
    out = _Issues()
    if not isinstance(doc, Mapping):
        return None, [Issue("PACK_TYPE", "a protocol pack is a YAML mapping (id, version, title, measures...)", "")]
    for name in sorted(str(k) for k in set(doc) - TOP_FIELDS):
        out.add("PACK_UNKNOWN_FIELD", f"'{name}' is not a field of a protocol pack", f"/{name}")
    pid = str(doc.get("id") or "")
    if not PACK_ID.fullmatch(pid):
        out.add("PACK_ID", "'id' is 2-60 lower-case letters, digits or '-' (e.g. disaster-relief)", "/id")
    version = str(doc.get("version") or "")
    if not VERSION.fullmatch(version):
        out.add("PACK_VERSION", "'version' is required: 1-20 letters, digits, '.' or '-' (e.g. \"2026.1\")", "/version")
    title = _text(doc, "title", out, limit=200)
    legal_basis = _text(doc, "legal_basis", out)
    reason = _text(doc, "activation_reason", out)
    start = _date(doc, "start", out, required=True)
    end = _date(doc, "end", out, required=False)
    if start is not None and end is not None and end < start:
        out.add("PACK_DATES", f"'end' ({end}) is before 'start' ({start})", "/end")
    titles_raw = doc.get("titles") or {}
    titles: dict[str, str] = {}
    if not isinstance(titles_raw, Mapping):
        out.add("PACK_TYPE", "'titles' maps a language (es, pt, fr) to the title in it", "/titles")
    else:
        titles = {str(k): str(v)[:200] for k, v in titles_raw.items() if str(k) in {"es", "pt", "fr", "en"}}
    sources_raw = doc.get("sources") or []
    if not isinstance(sources_raw, list) or not sources_raw:
        out.add("PACK_REQUIRED", "'sources' lists the texts the pack rests on (at least one)", "/sources")
        sources_raw = []
    goods = _goods(doc.get("goods"), out, known_hs)
    consignees = _consignees(doc.get("consignees"), out)
    raw_measures = doc.get("measures")
    measures: list[Measure] = []
    if not isinstance(raw_measures, list) or not raw_measures:
        out.add("PACK_REQUIRED", "'measures' lists at least one measure", "/measures")
    elif len(raw_measures) > MAX_MEASURES:
        out.add("PACK_TOO_LONG", f"a pack has at most {MAX_MEASURES} measures", "/measures")
    else:
        seen: set[str] = set()
        for n, raw in enumerate(raw_measures):
            m = _measure(n, raw, goods, consignees, out)
            if m is None:
                continue
            if m.id in seen:
                out.add("PACK_DUPLICATE", f"measure id '{m.id}' is used twice", f"/measures/{n}/id")
                continue
            seen.add(m.id)
            measures.append(m)
    if out.found or start is None:
        return None, out.found
    return (
        Pack(
            id=pid,
            version=version,
            title=title,
            legal_basis=legal_basis,
            activation_reason=reason,
            start=start,
            end=end,
            measures=tuple(measures),
            goods=goods,
            consignees=consignees,
            titles=titles,
            sources=tuple(str(s)[:500] for s in sources_raw),
        ),
        [],
    )
