"""The one catalogue of what Clearway tells a trader about a declaration: issue code → English template.

Every template is a plain string literal wrapped in ``N_()`` so that Babel (``pybabel extract -k N_``)
finds it; the console translates the template with gettext and formats it with the same named fields.
Codes are stable: a translation or a reworded template never changes the code a client relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clearway.core.issues import Issue


def N_(message: str) -> str:
    """Marks a string for translation without translating it here."""
    return message


CATALOGUE: dict[str, str] = {
    # Reading the document
    "BODY_EMPTY": N_("The request body is empty: send a declaration as a JSON document"),
    "JSON_INVALID": N_("Invalid JSON: the document cannot be read ({detail})"),
    "NOT_AN_OBJECT": N_("A declaration must be a JSON object with fields such as type, lrn and goods_items"),
    "UNKNOWN_FIELD": N_("'{name}' is not a field of a declaration: remove it or check its spelling"),
    # Schema: presence, types, lengths, formats
    "REQUIRED": N_("{element} is required for {category} declarations"),
    "NOT_ALLOWED": N_("{element} must not be declared on {category} declarations: remove it"),
    "CONDITIONAL_REQUIRED": N_("{element} is required for {category} declarations when {condition}"),
    "SCHEMA_TYPE": N_("{element} must be {expected}"),
    "SCHEMA_FORMAT": N_("{element} must be {expected}; '{value}' is not"),
    "SCHEMA_TOO_LONG": N_("{element} must be at most {limit} characters long"),
    "SCHEMA_TOO_SHORT": N_("{element} must be at least {limit} characters long"),
    "SCHEMA_TOO_MANY": N_("{element} may list at most {limit} entries"),
    "SCHEMA_TOO_FEW": N_("{element} must list at least {limit} entries"),
    "SCHEMA_RANGE": N_("{element} must be between {low} and {high}"),
    "SCHEMA_DECIMALS": N_("{element} may have at most {limit} decimal places"),
    "SCHEMA_DIGITS": N_("{element} may have at most {limit} digits"),
    # Code lists
    "CODE_DECLARATION_TYPE": N_("Declaration type '{value}' is unknown: use IM (import), EX (export) or CO"),
    "CODE_ADDITIONAL_TYPE": N_(
        "Additional declaration type '{value}' is unknown: use a letter such as A (standard), D (pre-lodged) "
        "or Y (supplementary)"
    ),
    "CODE_OFFICE": N_("Customs office '{value}' must be a UN/LOCODE such as PECLL"),
    "CODE_COUNTRY": N_("{element} '{value}' is not an ISO 3166 country code such as PE, CN or US"),
    "CODE_REPRESENTATION": N_("Representation must be 'direct' or 'indirect'"),
    "CODE_TRANSPORT_MODE": N_("Transport mode {value} is unknown: use {choices}"),
    "CODE_LOCODE": N_("{element} must be a 5-character UN/LOCODE such as CNSHA; '{value}' is not"),
    "CODE_INCOTERM": N_("Delivery terms '{value}' are not an Incoterms 2020 rule: use one of {choices}"),
    "CODE_CURRENCY": N_("{element} '{value}' is not an ISO 4217 currency code such as USD, EUR or PEN"),
    "CODE_HS_FORMAT": N_("Commodity code '{value}' must have 6, 8 or 10 digits"),
    "CODE_HS_UNKNOWN": N_(
        "Commodity code '{value}' is not in the tariff: check the first 6 digits (the HS subheading)"
    ),
    "CODE_UNIT": N_("Unit '{value}' is not a unit this office accepts: use one of {choices}"),
    "CODE_VALUATION_METHOD": N_("Valuation method '{value}' is unknown: use a WTO method from 1 to 6"),
    "CODE_PROCEDURE": N_("Procedure '{value}' must be 4 digits: requested and previous procedure, such as 4000"),
    "CODE_PROCEDURE_CATEGORY": N_(
        "Procedure {value} is not one this administration accepts on {kind} declarations of type {additional_type}"
    ),
    # Arithmetic and plausibility
    "MASS_NET_EXCEEDS_GROSS": N_("Net mass {net} kg is more than the gross mass {gross} kg"),
    "ITEM_SEQUENCE": N_("Goods items must be numbered 1, 2, 3… in order: expected {expected}, found {found}"),
    "ITEM_SEQUENCE_DUPLICATE": N_("Goods item number {found} is used twice: expected {expected}"),
    "VALUE_NEGATIVE": N_("{element} cannot be negative"),
    "ITEMS_REQUIRED": N_("A declaration needs at least one goods item"),
    "TOTAL_ITEMS_MISMATCH": N_("Total items says {declared} but {counted} goods items are declared"),
    "TOTAL_PACKAGES_MISMATCH": N_("Total packages says {declared} but the goods items add up to {counted}"),
    "INVOICE_TOTAL_MISMATCH": N_("Invoice total {declared} differs from the sum of the item prices {counted}"),
    "VALUE_NOT_POSITIVE": N_("{element} must be greater than zero"),
    "QUANTITY_NOT_POSITIVE": N_("Quantity must be greater than zero"),
    "MASS_NOT_POSITIVE": N_("{element} must be greater than zero"),
    "DESCRIPTION_TOO_VAGUE": N_(
        "'{value}' is too vague to control: say what the goods are, what they are made of and what they are "
        "for (e.g. 'cotton T-shirts for men, knitted')"
    ),
    # Lodging and WCO DM specifics
    "DECLARANT_NOT_CALLER": N_("You lodge for party {party}: the declarant (or the representative) must be that party"),
    "AUTHORISATION_HOLDER_NOT_PARTY": N_(
        "Authorisation {kind} is declared for {holder}, who is neither the importer nor the declarant: "
        "declare the EORI of the party that holds the authorisation"
    ),
    "ACCEPTANCE_DATE_BEFORE_TARIFF": N_(
        "Acceptance date {value} is before {valid_from}, when the tariff of this administration came into "
        "force: declarations cannot be backdated before it"
    ),
    "ACCEPTANCE_DATE_IN_FUTURE": N_("Acceptance date {value} is in the future"),
    "XML_VALUE": N_("{element} '{value}' is not {expected}"),
    "PARTY_ID_CHECK_DIGIT": N_(
        "{element} {value} is not a valid {scheme}: its check digit is wrong. Copy the number from the trader's "
        "registration; changing only the last digit would declare another trader"
    ),
}

# What each data element is called in messages (JSON field path, item fields without their index).
ELEMENTS: dict[str, str] = {
    "type": N_("Declaration type"),
    "additional_type": N_("Additional declaration type"),
    "lrn": N_("LRN (your reference)"),
    "office": N_("Customs office"),
    "declarant": N_("Declarant"),
    "declarant.id": N_("Declarant identifier"),
    "declarant.name": N_("Declarant name"),
    "declarant.country": N_("Declarant country"),
    "importer": N_("Importer"),
    "importer.id": N_("Importer identifier"),
    "importer.name": N_("Importer name"),
    "importer.country": N_("Importer country"),
    "exporter": N_("Exporter"),
    "exporter.id": N_("Exporter identifier"),
    "exporter.name": N_("Exporter name"),
    "exporter.country": N_("Exporter country"),
    "representative": N_("Representative"),
    "representative.id": N_("Representative identifier"),
    "representative.country": N_("Representative country"),
    "consignment": N_("Consignment"),
    "consignment.transport_mode": N_("Mode of transport at the border"),
    "consignment.means_id": N_("Identity of the means of transport on arrival"),
    "consignment.means_nationality": N_("Nationality of the active means of transport"),
    "consignment.loading_place": N_("Loading place"),
    "consignment.discharge_place": N_("Discharge place"),
    "consignment.arrival_date": N_("Arrival date"),
    "invoice": N_("Invoice"),
    "invoice.incoterm": N_("Delivery terms (Incoterm)"),
    "invoice.currency": N_("Invoice currency"),
    "invoice.total_amount": N_("Invoice total"),
    "invoice.freight": N_("Freight"),
    "invoice.insurance": N_("Insurance"),
    "goods_items": N_("Goods items"),
    "goods_items.sequence": N_("Goods item number"),
    "goods_items.description": N_("Description of the goods"),
    "goods_items.commodity_code": N_("Commodity code"),
    "goods_items.origin_country": N_("Country of origin"),
    "goods_items.quantity": N_("Quantity"),
    "goods_items.unit": N_("Unit"),
    "goods_items.net_mass": N_("Net mass"),
    "goods_items.gross_mass": N_("Gross mass"),
    "goods_items.invoice_amount": N_("Item price"),
    "goods_items.invoice_currency": N_("Item price currency"),
    "goods_items.valuation_method": N_("Valuation method"),
    "goods_items.procedure_code": N_("Procedure"),
    "goods_items.packages": N_("Packages"),
    "goods_items.packages.count": N_("Number of packages"),
    "goods_items.packages.kind": N_("Type of packages"),
    "goods_items.preference": N_("Preference"),
    "documents": N_("Documents"),
    "total_items": N_("Total items"),
    "total_packages": N_("Total packages"),
    "acceptance_date": N_("Acceptance date"),
    "authorisation_holder": N_("Authorisation holder"),
}

# What a well-formed value looks like, for type and format errors.
FORMATS: dict[str, str] = {
    "office": N_("a customs office code starting with a UN/LOCODE, such as PECLL or GBLBA001"),
    "consignment.loading_place": N_("a 5-character UN/LOCODE such as CNSHA"),
    "consignment.discharge_place": N_("a 5-character UN/LOCODE such as PECLL"),
    "consignment.transport_mode": N_("a whole number: 1 sea, 2 rail, 3 road, 4 air, 5 post"),
    "consignment.arrival_date": N_("a date such as 2026-03-31"),
    "consignment.means_nationality": N_("a 2-letter ISO 3166 country code such as PA"),
    "goods_items.commodity_code": N_("6 to 10 digits, such as 851713"),
    "goods_items.quantity": N_("a number"),
    "goods_items.net_mass": N_("a number of kilograms"),
    "goods_items.gross_mass": N_("a number of kilograms"),
    "goods_items.invoice_amount": N_("an amount such as 1250.00"),
    "invoice.total_amount": N_("an amount such as 1250.00"),
    "invoice.freight": N_("an amount such as 120.00"),
    "invoice.insurance": N_("an amount such as 15.00"),
    "goods_items.sequence": N_("a whole number from 1"),
    "goods_items.packages.count": N_("a whole number"),
    "goods_items.valuation_method": N_("a WTO valuation method from 1 to 6"),
    "goods_items.procedure_code": N_("4 digits such as 4000"),
    "lrn": N_("letters, digits and - _ / . only"),
    "total_items": N_("a whole number"),
    "total_packages": N_("a whole number"),
}
KIND_TEXT: dict[str, str] = {
    "string": N_("text"),
    "int": N_("a whole number"),
    "decimal": N_("a number"),
    "date": N_("a date such as 2026-03-31"),
    "object": N_("an object with its fields"),
    "list": N_("a list"),
    "country": N_("a 2-letter ISO 3166 country code such as PE"),
    "currency": N_("a 3-letter ISO 4217 currency code such as USD"),
    "value": N_("a valid value"),
}


def element_key(pointer: str) -> str:
    """Returns the catalogue key of the element at a JSON pointer (/goods_items/2/quantity → goods_items.quantity)."""
    parts = [p for p in pointer.split("/")[1:] if p and not p.isdigit()]
    return ".".join(parts)


def element_label(pointer_or_key: str) -> str:
    """Returns the element's name for messages, falling back to its field name."""
    key = element_key(pointer_or_key) if pointer_or_key.startswith("/") else pointer_or_key
    if key in ELEMENTS:
        return ELEMENTS[key]
    last = key.rpartition(".")[2] or key
    return last.replace("_", " ").capitalize() or N_("The declaration")


def expected_format(pointer: str, kind: str = "value") -> str:
    """Returns what a well-formed value of the element looks like."""
    return FORMATS.get(element_key(pointer), KIND_TEXT.get(kind, KIND_TEXT["value"]))


def render(code: str, params: Mapping[str, Any]) -> str:
    """Formats the catalogue template of a code with its named parameters (missing ones stay visible)."""
    template = CATALOGUE.get(code, "{detail}")
    try:
        return template.format_map(_Keep(params))
    except (ValueError, IndexError):  # pragma: no cover - malformed translation; never lose the issue
        return template


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class Message(Issue):
    """An issue that remembers its catalogue template and parameters, so that it can be translated."""

    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def translated(self, gettext: Callable[[str], str]) -> str:
        """Returns the message in the language of a gettext function (the element names translated too)."""
        params = {k: gettext(v) if k in _TRANSLATED_PARAMS else v for k, v in self.params}
        template = gettext(CATALOGUE.get(self.template, self.message))
        try:
            return template.format_map(_Keep(params))
        except (ValueError, IndexError):  # pragma: no cover - a malformed translation never loses the issue
            return self.message


# Parameters that are themselves catalogue texts (element names, expected formats), translated with the template.
_TRANSLATED_PARAMS = frozenset({"element", "expected", "condition"})


def coded(code: str, template: str, pointer: str, **params: Any) -> Message:
    """Builds an issue with its own code and the message of a catalogue template (e.g. SCHEMA_* → SCHEMA_TYPE)."""
    return Message(
        code,
        render(template, params),
        pointer,
        template=template,
        params=tuple((k, str(v)) for k, v in params.items()),
    )


def issue(code: str, pointer: str, **params: Any) -> Message:
    """Builds an issue whose message comes from the catalogue."""
    return coded(code, code, pointer, **params)


def translate(found: Issue, gettext: Callable[[str], str]) -> str:
    """Returns an issue's message translated, when it came from the catalogue; else its message as is."""
    return found.translated(gettext) if isinstance(found, Message) else found.message


__all__ = [
    "CATALOGUE",
    "ELEMENTS",
    "FORMATS",
    "N_",
    "Message",
    "coded",
    "element_label",
    "expected_format",
    "issue",
    "render",
    "translate",
]
