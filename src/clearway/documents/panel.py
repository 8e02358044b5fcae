"""What an officer reads of one attached document: its file facts, each field read with a confidence band and a page,
and the cross-check's differences placed next to the fields they concern.

Plain domain code: it reads a stored document's fields (kept at attach time, never re-extracted) and the
discrepancies found, and does no I/O. Words are left to the console (codes here, sentences in the catalogues).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from clearway.documents.crosscheck import Discrepancy, tax_id_valid
from clearway.documents.model import Format, StoredDocument

# Confidence bands. The extractor gives 1.0 to e-invoice elements, 0.85-0.97 to a labelled value on a text PDF,
# 0.4-0.5 to an unlabelled guess (a letterhead, an addressee block); on a scan every confidence is scaled by
# 0.5 + 0.5 x Tesseract's mean, so a labelled value of a clean scan falls to medium. Fixed from that design, not
# tuned; docs/documents.md gives how often each band was right on the real-invoice benchmark.
HIGH = 0.85
MEDIUM = 0.6
# The fields shown, in the order of a printed invoice.
SHOWN = (
    "invoice_number",
    "certificate_number",
    "date",
    "currency",
    "incoterm",
    "seller",
    "buyer",
    "net",
    "tax",
    "total",
    "gross_weight_kg",
    "net_weight_kg",
    "origin",
    "transport_document_number",
    "vessel",
    "port_of_loading",
    "port_of_discharge",
)
AMOUNTS = frozenset({"net", "tax", "total"})
# Which extracted field each cross-check difference concerns.
CODE_FIELDS = {
    "DOC_TOTAL": "total",
    "DOC_CURRENCY": "currency",
    "DOC_INCOTERM": "incoterm",
    "DOC_INVOICE_NUMBER": "invoice_number",
    "DOC_LINE_COUNT": "lines",
    "DOC_QUANTITY": "lines",
    "DOC_GROSS_MASS": "gross_weight_kg",
    "DOC_NET_MASS": "net_weight_kg",
    "DOC_ORIGIN": "origin",
}
PARTY_POINTERS = {"/exporter/id": "seller", "/importer/id": "buyer"}
_ELEMENT = re.compile(r"[\w.-]+:[\w.-]+")
# The names under which an e-invoice standard embeds its XML in a PDF.
EMBEDDED_STANDARDS = {"factur-x.xml": "factur-x", "zugferd-invoice.xml": "zugferd", "xrechnung.xml": "xrechnung"}


def band(confidence: Any) -> str | None:
    """Returns "high", "medium" or "low" for a confidence between 0 and 1 (None when there is none)."""
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        return None
    if confidence >= HIGH:
        return "high"
    return "medium" if confidence >= MEDIUM else "low"


@dataclass(frozen=True, slots=True)
class Party:
    """A seller or buyer as read: name, tax id with its scheme, whether its check digits are right, country."""

    name: str
    scheme: str = ""
    tax_id: str = ""
    tax_id_valid: bool | None = None  # None: no tax id, or a scheme python-stdnum does not know
    country: str = ""
    address: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    """One field read from the document, with its evidence and the differences the cross-check found on it."""

    name: str
    value: Any
    confidence: str | None = None
    page: int | None = None
    source: str | None = None  # "embedded-xml" or "pdf-text" for a PDF carrying its e-invoice XML
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    """One goods line of the document."""

    description: str
    quantity: Any
    unit: str
    unit_price: Any
    amount: Any
    page: int | None


@dataclass(frozen=True, slots=True)
class DocumentPanel:
    """Everything the console shows of one document."""

    doc: StoredDocument
    format: str  # text-pdf, scan-ocr, scan-unread, ubl, cii, cfdi, nfe, factur-x, zugferd, xrechnung, pdf-ubl, pdf-cii
    fields: tuple[Field, ...]
    lines: tuple[Line, ...]
    lines_field: Field | None
    notes: tuple[str, ...]
    findings: tuple[str, ...] = field(default=())  # differences that concern no shown field

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the SHA-256 (the full hash is in the page's markup)."""
        return self.doc.sha256[:12]

    @property
    def currency(self) -> str | None:
        """The currency the document's amounts are in, as read (None when none was)."""
        value = self.doc.fields.get("currency")
        return value if isinstance(value, str) and value else None

    @property
    def read(self) -> bool:
        """Tells whether any field could be read."""
        return bool(self.fields or self.lines)


def format_of(doc: StoredDocument) -> str:
    """Names how the document was read: a text PDF, a scan (read by OCR or not), an e-invoice and its syntax."""
    f = doc.fields
    embedded = _dict(f.get("embedded"))
    if embedded:
        name = str(embedded.get("name", "")).lower()
        if name in EMBEDDED_STANDARDS:
            return EMBEDDED_STANDARDS[name]
        return "pdf-ubl" if embedded.get("format") == Format.UBL.value else "pdf-cii"
    if doc.format.is_einvoice:
        return doc.format.value
    if f.get("kind") == "text-pdf":
        return "text-pdf"
    unread = any("OCR is not available" in str(n) for n in f.get("notes") or [])
    return "scan-unread" if unread else "scan-ocr"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _party(value: Any) -> Party | None:
    if not isinstance(value, dict) or not value.get("name"):
        return None
    tax = _dict(value.get("tax_id"))
    scheme, number = str(tax.get("scheme") or ""), str(tax.get("id") or "")
    valid = tax_id_valid(scheme, number) if scheme and number else None
    address = _list(value.get("address"))
    # the tax id line is printed in the address block; it is shown once, with its check
    lines = tuple(str(a) for a in address if not number or number not in str(a))
    return Party(str(value["name"]), scheme, number, valid, str(value.get("country") or ""), lines[:3])


def _origin(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict) or not value.get("country"):
        return None
    statement = str(value.get("statement") or "")
    # an e-invoice names the element it read the country from (cac:OriginCountry): not a statement to show
    return {"country": str(value["country"]), "statement": "" if _ELEMENT.fullmatch(statement) else statement}


def build(doc: StoredDocument, found: list[Discrepancy]) -> DocumentPanel:
    """Builds the panel of one document from its stored fields and the differences found on it."""
    f = doc.fields
    evidence = _dict(f.get("evidence"))
    by_field: dict[str, list[str]] = {}
    loose: list[str] = []
    for d in found:
        if d.document_id != doc.id:
            continue
        name = CODE_FIELDS.get(d.code) or PARTY_POINTERS.get(d.pointer)
        if name is None:
            loose.append(d.message)
        else:
            by_field.setdefault(name, []).append(d.message)

    def make(name: str, value: Any) -> Field:
        ev = _dict(evidence.get(name))
        page = ev.get("page") if isinstance(ev.get("page"), int) else None
        source = ev.get("source") if isinstance(ev.get("source"), str) else None
        return Field(name, value, band(ev.get("confidence")), page, source, tuple(by_field.pop(name, [])))

    fields: list[Field] = []
    for name in SHOWN:
        value = f.get(name)
        if name in {"seller", "buyer"}:
            value = _party(value)
        elif name == "origin":
            value = _origin(value)
        elif isinstance(value, dict | list):
            value = None  # a scalar field holding something else: not shown rather than shown wrong
        if value is None or value == "":
            if name in by_field:  # a difference on a field not read: still shown, next to an empty value
                fields.append(make(name, None))
            continue
        fields.append(make(name, value))
    raw_lines = _list(f.get("lines"))
    lines = tuple(
        Line(
            str(ln.get("description") or ""),
            ln.get("quantity"),
            str(ln.get("unit") or ""),
            ln.get("unit_price"),
            ln.get("amount"),
            ln.get("page") if isinstance(ln.get("page"), int) else None,
        )
        for ln in raw_lines
        if isinstance(ln, dict)
    )
    lines_field = make("lines", len(lines)) if lines or "lines" in by_field else None
    notes = tuple(str(n) for n in f.get("notes") or [])
    loose.extend(m for rest in by_field.values() for m in rest)
    return DocumentPanel(doc, format_of(doc), tuple(fields), lines, lines_field, notes, tuple(loose))
