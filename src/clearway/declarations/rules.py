"""Validation rules for declarations: named, each with a stable code, all reported at once.

Messages come from the catalogue (``messages.py``). A rule checks what is declared: an element left out
(the empty string in the domain) is the data requirements' business, not a rule's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from clearway.core import codes
from clearway.core.codes import Nomenclature
from clearway.core.ids import party_id_check_digits_ok, party_id_scheme
from clearway.core.issues import Issue, pointer
from clearway.declarations.messages import ELEMENTS, issue
from clearway.declarations.model import DeclarationData, GoodsItem, Party

if TYPE_CHECKING:
    from clearway.declarations.requirements import Category, Matrix

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
# UN Rec 19 modes at the border; 6 (multimodal: roll-on roll-off, as UK CDS uses it) besides the core list.
TRANSPORT_MODES: dict[int, str] = {**codes.TRANSPORT_MODES, 6: "multimodal (roll-on roll-off)"}


@dataclass(frozen=True)
class RuleContext:
    """What the rules look things up in: the loaded nomenclature, and the category's data requirements."""

    nomenclature: Nomenclature
    matrix: Matrix | None = None
    category: Category | None = None

    def needs(self, element: str, d: DeclarationData, item: GoodsItem | None = None) -> bool:
        """Tells whether the category requires an element (always, without a category)."""
        if self.category is None:
            return True
        req = self.category.requirement(element)
        if req.level == "conditional":
            return req.applies({"consignment": {"transport_mode": d.consignment.transport_mode}}, _item_doc(item))
        return req.level == "required"


def _item_doc(item: GoodsItem | None) -> dict[str, object] | None:
    if item is None:
        return None
    return {
        "valuation_method": item.valuation_method or None,
        "preference": item.preference,
        "quantity": item.quantity if item.unit != "KGM" else None,
    }


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
    if d.type and d.type not in DECLARATION_TYPES:
        yield issue("CODE_DECLARATION_TYPE", "/type", value=d.type)
    if d.additional_type and d.additional_type not in ADDITIONAL_TYPES:
        yield issue("CODE_ADDITIONAL_TYPE", "/additional_type", value=d.additional_type)
    if d.office and not codes.is_locode(d.office):
        yield issue("CODE_OFFICE", "/office", value=d.office)


def _party_countries(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    parties: list[tuple[str, Party | None]] = [
        ("declarant", d.declarant),
        ("importer", d.importer),
        ("exporter", d.exporter),
    ]
    labels = {"declarant": "Declarant country", "importer": "Importer country", "exporter": "Exporter country"}
    for name, party in parties:
        if party is not None and party.country and not codes.is_country(party.country):
            yield issue("CODE_COUNTRY", pointer(name, "country"), element=labels[name], value=party.country)
    rep = d.representative
    if rep is not None:
        if rep.country and not codes.is_country(rep.country):
            yield issue("CODE_COUNTRY", "/representative/country", element="Representative country", value=rep.country)
        if rep.representation not in {"direct", "indirect"}:
            yield issue("CODE_REPRESENTATION", "/representative/representation")


def _consignment_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    c = d.consignment
    if c.transport_mode and c.transport_mode not in TRANSPORT_MODES:
        yield issue(
            "CODE_TRANSPORT_MODE",
            "/consignment/transport_mode",
            value=c.transport_mode,
            choices=", ".join(f"{k} {v}" for k, v in sorted(TRANSPORT_MODES.items())),
        )
    if c.means_nationality and not codes.is_country(c.means_nationality):
        yield issue(
            "CODE_COUNTRY",
            "/consignment/means_nationality",
            element="Nationality of the means of transport",
            value=c.means_nationality,
        )
    for field, label in (("loading_place", "Loading place"), ("discharge_place", "Discharge place")):
        value = getattr(c, field)
        if value and not codes.is_locode(value):
            yield issue("CODE_LOCODE", pointer("consignment", field), element=label, value=value)


def _invoice_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if d.invoice.incoterm and d.invoice.incoterm not in codes.INCOTERMS:
        yield issue(
            "CODE_INCOTERM", "/invoice/incoterm", value=d.invoice.incoterm, choices=", ".join(sorted(codes.INCOTERMS))
        )
    if d.invoice.currency and not codes.is_currency(d.invoice.currency):
        yield issue("CODE_CURRENCY", "/invoice/currency", element="Invoice currency", value=d.invoice.currency)
    for field, label in (("freight", "Freight"), ("insurance", "Insurance")):
        value = getattr(d.invoice, field)
        if value is not None and value < 0:
            yield issue("VALUE_NEGATIVE", pointer("invoice", field), element=label)


def _item_codes(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    for i, item in enumerate(d.goods_items):
        if not item.commodity_code:
            pass
        elif not codes.is_hs_format(item.commodity_code):
            yield issue("CODE_HS_FORMAT", _item_ptr(item, i, "commodity_code"), value=item.commodity_code)
        elif not ctx.nomenclature.knows(item.commodity_code):
            yield issue("CODE_HS_UNKNOWN", _item_ptr(item, i, "commodity_code"), value=item.commodity_code)
        if item.origin_country and not codes.is_country(item.origin_country):
            yield issue(
                "CODE_COUNTRY",
                _item_ptr(item, i, "origin_country"),
                element="Country of origin",
                value=item.origin_country,
            )
        if item.invoice_currency and not codes.is_currency(item.invoice_currency):
            yield issue(
                "CODE_CURRENCY",
                _item_ptr(item, i, "invoice_currency"),
                element="Item price currency",
                value=item.invoice_currency,
            )
        if item.unit and item.unit not in codes.UNITS:
            yield issue(
                "CODE_UNIT", _item_ptr(item, i, "unit"), value=item.unit, choices=", ".join(sorted(codes.UNITS))
            )
        if item.valuation_method and item.valuation_method not in VALUATION_METHODS:
            yield issue("CODE_VALUATION_METHOD", _item_ptr(item, i, "valuation_method"), value=item.valuation_method)
        if item.procedure_code and not _PROCEDURE.match(item.procedure_code):
            yield issue("CODE_PROCEDURE", _item_ptr(item, i, "procedure_code"), value=item.procedure_code)


def _item_arithmetic(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    seen: set[int] = set()
    for i, item in enumerate(d.goods_items):
        if item.net_mass > item.gross_mass > 0:
            yield issue(
                "MASS_NET_EXCEEDS_GROSS", _item_ptr(item, i, "net_mass"), net=item.net_mass, gross=item.gross_mass
            )
        if item.sequence != i + 1:
            code = "ITEM_SEQUENCE_DUPLICATE" if item.sequence in seen else "ITEM_SEQUENCE"
            yield issue(code, _item_ptr(item, i, "sequence"), expected=i + 1, found=item.sequence)
        seen.add(item.sequence)
        if item.packages.count < 0:
            yield issue("VALUE_NEGATIVE", _item_ptr(item, i, "packages", "count"), element="Number of packages")


def _totals(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    del ctx
    if not d.goods_items:
        yield issue("ITEMS_REQUIRED", "/goods_items")
        return
    if d.total_items is not None and d.total_items != d.item_count:
        yield issue("TOTAL_ITEMS_MISMATCH", "/total_items", declared=d.total_items, counted=d.item_count)
    if d.total_packages is not None:
        packages = sum(item.packages.count for item in d.goods_items)
        if d.total_packages != packages:
            yield issue("TOTAL_PACKAGES_MISMATCH", "/total_packages", declared=d.total_packages, counted=packages)
    same_currency = [i for i in d.goods_items if i.invoice_currency == d.invoice.currency]
    if len(same_currency) == d.item_count and all(i.invoice_amount for i in d.goods_items):
        total = sum((i.invoice_amount for i in d.goods_items), Decimal(0))
        if abs(total - d.invoice.total_amount) > TOTAL_TOLERANCE:
            yield issue(
                "INVOICE_TOTAL_MISMATCH", "/invoice/total_amount", declared=d.invoice.total_amount, counted=total
            )


def _plausibility(d: DeclarationData, ctx: RuleContext) -> Iterator[Issue]:
    """Values positive where the category needs them, never negative; descriptions precise enough."""
    if d.invoice.total_amount < 0:
        yield issue("VALUE_NEGATIVE", "/invoice/total_amount", element="Invoice total")
    elif d.invoice.total_amount == 0 and ctx.needs("goods_items.invoice_amount", d):
        yield issue("VALUE_NOT_POSITIVE", "/invoice/total_amount", element="Invoice total")
    for i, item in enumerate(d.goods_items):
        checks = (
            ("invoice_amount", "goods_items.invoice_amount", "Item price", "VALUE_NOT_POSITIVE", item.invoice_amount),
            ("quantity", "goods_items.quantity", "Quantity", "QUANTITY_NOT_POSITIVE", item.quantity),
            ("net_mass", "goods_items.net_mass", "Net mass", "MASS_NOT_POSITIVE", item.net_mass),
            ("gross_mass", "goods_items.gross_mass", "Gross mass", "MASS_NOT_POSITIVE", item.gross_mass),
        )
        for field, element, label, code, value in checks:
            if value < 0:
                yield issue("VALUE_NEGATIVE", _item_ptr(item, i, field), element=label)
            elif value == 0 and (field == "quantity" or ctx.needs(element, d, item)):
                yield issue(code, _item_ptr(item, i, field), element=label)
        if item.description and is_vague(item.description):
            yield issue("DESCRIPTION_TOO_VAGUE", _item_ptr(item, i, "description"), value=item.description)


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
    return [found for rule in RULES for found in rule.check(data, ctx)]


def party_id_check_digits(d: DeclarationData, skip: set[str] | frozenset[str] = frozenset()) -> list[Issue]:
    """Every party whose identifier's check digit is wrong (RUC, CNPJ, CPF, RFC, RUT, NIT), one issue each.

    Not one of ``RULES``: what lodging does with these (nothing, warn, refuse) is the administration's setting
    (``CLEARWAY_PARTY_ID_CHECK_DIGITS``), applied by ``validation.check``. The expected digit is not said: a
    typo elsewhere in the number plus a "corrected" last digit gives a valid id, that of another trader.
    Identifiers of schemes without a known check digit (DNI, EORI, other countries) are not checked; a party at
    a pointer in ``skip`` (already reported, e.g. for its shape) neither.
    """
    parties: list[tuple[str, str | None]] = [
        ("declarant", d.declarant.id),
        ("importer", d.importer.id),
        ("exporter", d.exporter.id if d.exporter is not None else None),
        ("representative", d.representative.id if d.representative is not None else None),
    ]
    out: list[Issue] = []
    for role, value in parties:
        at = pointer(role, "id")
        if not value or at in skip or f"/{role}" in skip or party_id_check_digits_ok(value) is not False:
            continue
        out.append(
            issue(
                "PARTY_ID_CHECK_DIGIT", at, element=ELEMENTS[f"{role}.id"], value=value, scheme=party_id_scheme(value)
            )
        )
    return out
