"""Validation rules for declarations: named, each with a stable code, all reported at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from clearway.core import codes
from clearway.core.codes import Nomenclature
from clearway.core.issues import Issue, pointer
from clearway.declarations.model import DeclarationData, GoodsItem, Party

# Descriptions too vague to control: ICS2 rejects them when they stand alone.
VAGUE_DESCRIPTIONS = frozenset(
    {
        "gift",
        "gifts",
        "parts",
        "part",
        "sample",
        "samples",
        "general cargo",
        "goods",
        "merchandise",
        "various",
        "misc",
        "miscellaneous",
        "accessories",
        "spare parts",
        "consolidated",
        "personal effects",
        "said to contain",
        "stc",
        "freight of all kinds",
        "fak",
        "clothes",
        "apparel",
        "electronics",
        "food",
        "machinery",
        "equipment",
        "tools",
        "toys",
        "n/a",
        "na",
        "none",
        "other",
        "others",
    }
)
_WORD = re.compile(r"[a-z0-9/]+")
TOTAL_TOLERANCE = Decimal("0.01")
DECLARATION_TYPES = frozenset({"IM", "EX", "CO"})
ADDITIONAL_TYPES = frozenset("ABCDEFGHJKLMNOPQRSTUVWXYZ")
VALUATION_METHODS = frozenset({"1", "2", "3", "4", "5", "6"})
_PROCEDURE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class RuleContext:
    """What the rules look things up in: the loaded nomenclature."""

    nomenclature: Nomenclature


@dataclass(frozen=True)
class Rule:
    """A named validation rule an officer can read and cite."""

    code: str
    name: str
    check: Callable[[DeclarationData, RuleContext], Iterator[Issue]]


def _item_ptr(item: GoodsItem, index: int, *field: str) -> str:
    del item
    return pointer("goods_items", index, *field)


def _declaration_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if d.type not in DECLARATION_TYPES:
        yield Issue("CODE_DECLARATION_TYPE", f"type '{d.type}' is not IM, EX or CO", "/type")
    if d.additional_type not in ADDITIONAL_TYPES:
        yield Issue(
            "CODE_ADDITIONAL_TYPE",
            f"additional_type '{d.additional_type}' is not a declaration type letter (A standard, "
            "D pre-lodged, Y simplified…)",
            "/additional_type",
        )
    if not codes.is_locode(d.office):
        yield Issue("CODE_OFFICE", f"office '{d.office}' is not a UN/LOCODE-style office code", "/office")


def _party_countries(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    parties: list[tuple[str, Party | None]] = [
        ("declarant", d.declarant),
        ("importer", d.importer),
        ("exporter", d.exporter),
    ]
    for name, party in parties:
        if party is not None and not codes.is_country(party.country):
            yield Issue(
                "CODE_COUNTRY",
                f"{name} country '{party.country}' is not an ISO 3166 code",
                pointer(name, "country"),
            )
    rep = d.representative
    if rep is not None:
        if not codes.is_country(rep.country):
            yield Issue(
                "CODE_COUNTRY",
                f"representative country '{rep.country}' is not an ISO 3166 code",
                "/representative/country",
            )
        if rep.representation not in {"direct", "indirect"}:
            yield Issue(
                "CODE_REPRESENTATION",
                "representation must be 'direct' or 'indirect'",
                "/representative/representation",
            )


def _consignment_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    c = d.consignment
    if c.transport_mode not in codes.TRANSPORT_MODES:
        yield Issue(
            "CODE_TRANSPORT_MODE",
            f"transport_mode {c.transport_mode} is not a UN Rec 19 mode "
            f"({', '.join(f'{k} {v}' for k, v in codes.TRANSPORT_MODES.items())})",
            "/consignment/transport_mode",
        )
    if not codes.is_country(c.means_nationality):
        yield Issue(
            "CODE_COUNTRY",
            f"means_nationality '{c.means_nationality}' is not an ISO 3166 code",
            "/consignment/means_nationality",
        )
    for field in ("loading_place", "discharge_place"):
        value = getattr(c, field)
        if not codes.is_locode(value):
            yield Issue(
                "CODE_LOCODE",
                f"{field} '{value}' is not a UN/LOCODE (country + 3 letters, e.g. PECLL)",
                pointer("consignment", field),
            )


def _invoice_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if d.invoice.incoterm not in codes.INCOTERMS:
        yield Issue(
            "CODE_INCOTERM",
            f"incoterm '{d.invoice.incoterm}' is not an Incoterms 2020 rule ({', '.join(sorted(codes.INCOTERMS))})",
            "/invoice/incoterm",
        )
    if not codes.is_currency(d.invoice.currency):
        yield Issue("CODE_CURRENCY", f"currency '{d.invoice.currency}' is not an ISO 4217 code", "/invoice/currency")
    for field in ("freight", "insurance"):
        value = getattr(d.invoice, field)
        if value is not None and value < 0:
            yield Issue("VALUE_NEGATIVE", f"{field} cannot be negative", pointer("invoice", field))


def _item_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    for i, item in enumerate(d.goods_items):
        if not codes.is_hs_format(item.commodity_code):
            yield Issue(
                "CODE_HS_FORMAT",
                f"commodity_code '{item.commodity_code}' must have 6, 8 or 10 digits",
                _item_ptr(item, i, "commodity_code"),
            )
        elif not ctx.nomenclature.knows(item.commodity_code):
            yield Issue(
                "CODE_HS_UNKNOWN",
                f"commodity_code '{item.commodity_code}' is not in the loaded HS nomenclature; "
                "check the subheading (first 6 digits)",
                _item_ptr(item, i, "commodity_code"),
            )
        if not codes.is_country(item.origin_country):
            yield Issue(
                "CODE_COUNTRY",
                f"origin_country '{item.origin_country}' is not an ISO 3166 code",
                _item_ptr(item, i, "origin_country"),
            )
        if not codes.is_currency(item.invoice_currency):
            yield Issue(
                "CODE_CURRENCY",
                f"invoice_currency '{item.invoice_currency}' is not ISO 4217",
                _item_ptr(item, i, "invoice_currency"),
            )
        if item.unit not in codes.UNITS:
            yield Issue(
                "CODE_UNIT",
                f"unit '{item.unit}' is not a UN/ECE Rec 20 unit this office accepts "
                f"({', '.join(sorted(codes.UNITS))})",
                _item_ptr(item, i, "unit"),
            )
        if item.valuation_method not in VALUATION_METHODS:
            yield Issue(
                "CODE_VALUATION_METHOD",
                "valuation_method must be a WTO method 1–6",
                _item_ptr(item, i, "valuation_method"),
            )
        if not _PROCEDURE.match(item.procedure_code):
            yield Issue(
                "CODE_PROCEDURE",
                "procedure_code must be 4 digits (requested + previous procedure, e.g. 4000)",
                _item_ptr(item, i, "procedure_code"),
            )


def _item_arithmetic(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    seen: set[int] = set()
    for i, item in enumerate(d.goods_items):
        if item.net_mass > item.gross_mass:
            yield Issue(
                "MASS_NET_EXCEEDS_GROSS",
                f"net mass {item.net_mass} kg exceeds gross mass {item.gross_mass} kg",
                _item_ptr(item, i, "net_mass"),
            )
        if item.sequence != i + 1:
            code = "ITEM_SEQUENCE_DUPLICATE" if item.sequence in seen else "ITEM_SEQUENCE"
            yield Issue(
                code,
                f"goods items must be numbered 1, 2, 3… in order; expected {i + 1}, found {item.sequence}",
                _item_ptr(item, i, "sequence"),
            )
        seen.add(item.sequence)
        if item.packages.count < 0:
            yield Issue("VALUE_NEGATIVE", "package count cannot be negative", _item_ptr(item, i, "packages", "count"))


def _totals(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if not d.goods_items:
        yield Issue("ITEMS_REQUIRED", "a declaration needs at least one goods item", "/goods_items")
        return
    if d.total_items is not None and d.total_items != d.item_count:
        yield Issue(
            "TOTAL_ITEMS_MISMATCH",
            f"total_items says {d.total_items} but {d.item_count} goods items were declared",
            "/total_items",
        )
    if d.total_packages is not None:
        packages = sum(item.packages.count for item in d.goods_items)
        if d.total_packages != packages:
            yield Issue(
                "TOTAL_PACKAGES_MISMATCH",
                f"total_packages says {d.total_packages} but the items add up to {packages}",
                "/total_packages",
            )
    same_currency = [i for i in d.goods_items if i.invoice_currency == d.invoice.currency]
    if len(same_currency) == d.item_count:
        total = sum((i.invoice_amount for i in d.goods_items), Decimal(0))
        if abs(total - d.invoice.total_amount) > TOTAL_TOLERANCE:
            yield Issue(
                "INVOICE_TOTAL_MISMATCH",
                f"invoice total_amount {d.invoice.total_amount} differs from the sum of the items' "
                f"invoice amounts {total}",
                "/invoice/total_amount",
            )


def _plausibility(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if d.invoice.total_amount <= 0:
        yield Issue("VALUE_NOT_POSITIVE", "the invoice total must be greater than zero", "/invoice/total_amount")
    for i, item in enumerate(d.goods_items):
        if item.invoice_amount <= 0:
            yield Issue(
                "VALUE_NOT_POSITIVE",
                "the item's invoice amount must be greater than zero",
                _item_ptr(item, i, "invoice_amount"),
            )
        if item.quantity <= 0:
            yield Issue("QUANTITY_NOT_POSITIVE", "quantity must be greater than zero", _item_ptr(item, i, "quantity"))
        if item.gross_mass <= 0:
            yield Issue("MASS_NOT_POSITIVE", "gross mass must be greater than zero", _item_ptr(item, i, "gross_mass"))
        if is_vague(item.description):
            yield Issue(
                "DESCRIPTION_TOO_VAGUE",
                f"'{item.description}' is too vague to control: say what the goods are, what they "
                "are made of and what they are for (e.g. 'cotton T-shirts for men, knitted')",
                _item_ptr(item, i, "description"),
            )


def is_vague(description: str) -> bool:
    """Tells whether a goods description is too vague to control on its own."""
    words = " ".join(_WORD.findall(description.lower()))
    return len(words) < 3 or words in VAGUE_DESCRIPTIONS


RULES: tuple[Rule, ...] = (
    Rule(
        "R-CODES-DECLARATION",
        "Declaration type, additional type and office are known codes",
        _declaration_codes,
    ),
    Rule("R-CODES-PARTIES", "Party countries are ISO 3166 codes", _party_countries),
    Rule("R-CODES-CONSIGNMENT", "Transport mode, nationality and places are known codes", _consignment_codes),
    Rule("R-CODES-INVOICE", "Incoterm and currency are known codes", _invoice_codes),
    Rule(
        "R-CODES-ITEMS",
        "Commodity codes exist; origin, currency, unit, method, procedure are known",
        _item_codes,
    ),
    Rule("R-ARITH-ITEMS", "Net mass within gross mass; items numbered in order", _item_arithmetic),
    Rule("R-ARITH-TOTALS", "Totals agree with the items", _totals),
    Rule("R-PLAUSIBLE", "Values positive; descriptions precise enough to control", _plausibility),
)


def validate(data: DeclarationData, ctx: RuleContext) -> list[Issue]:
    """Runs every rule and returns all issues found (empty when the declaration is acceptable)."""
    return [issue for rule in RULES for issue in rule.check(data, ctx)]
