"""One entry point: bytes in, fields out, whatever the kind of document (text PDF, scan, e-invoice)."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from clearway.documents import inspect as deep
from clearway.documents.extract import einvoice, fields, ocr
from clearway.documents.extract.layout import Word, group_lines, pdf_words, render_pdf_pages
from clearway.documents.model import MAX_PAGES, Format, sniff

MIN_TEXT_WORDS = 15
EMBEDDED_SOURCE = "e-invoice embedded in PDF"
# Fields of a Factur-X PDF whose printed value is compared with its XML's (a difference is noted).
COMPARED = ("invoice_number", "total", "currency")
FIELDS = (
    "invoice_number",
    "certificate_number",
    "date",
    "currency",
    "total",
    "net",
    "tax",
    "seller",
    "buyer",
    "incoterm",
    "origin",
    "gross_weight_kg",
    "net_weight_kg",
    "transport_document_number",
    "vessel",
    "port_of_loading",
    "port_of_discharge",
    "lines",
)


def kind_of(fmt: Format, words: int) -> str:
    """Names the extraction path: e-invoice, text PDF or scan."""
    if fmt.is_einvoice:
        return "e-invoice"
    return "text-pdf" if fmt is Format.PDF and words >= MIN_TEXT_WORDS else "scan"


def extract_document(body: bytes, *, ocr_enabled: bool = True) -> dict[str, Any]:
    """Sniffs, checks and reads a document; returns the fields as JSON-ready values with their evidence."""
    started = time.perf_counter()
    fmt = sniff(body)
    checked = deep.check(body, fmt)
    pages = checked.pages
    notes: list[str] = []
    sources: dict[str, str] = {}
    if fmt.is_einvoice:
        found = einvoice.read(deep.parse_xml(body), fmt)
        kind = "e-invoice"
    elif checked.embedded is not None:
        found, sources = _embedded(body, checked.embedded, notes)
        kind = "e-invoice"
    else:
        words: list[Word] = []
        if fmt is Format.PDF:
            words, _ = pdf_words(body, MAX_PAGES)
        kind = kind_of(fmt, len(words))
        if kind == "scan":
            if not ocr_enabled or ocr.available() is None:
                notes.append("scanned document: OCR is not available here (install tesseract-ocr)")
                words = []
            else:
                images = render_pdf_pages(body, MAX_PAGES) if fmt is Format.PDF else deep.open_image_frames(body)
                words = []
                for number, image in enumerate(images, start=1):
                    try:
                        page_words, angle = ocr.read_page(image, number)
                    except RuntimeError as exc:  # Tesseract timed out or failed: the page stays unread
                        notes.append(f"page {number} could not be read by OCR ({exc})")
                        continue
                    words.extend(page_words)
                    if angle:
                        notes.append(f"page {number} deskewed by {angle:.1f}°")
        found = fields.extract(group_lines(words)) if words else {}
        if kind == "scan" and words:
            mean_conf = sum(w.conf for w in words) / len(words)
            for f in found.values():
                if f is not None:
                    f.confidence *= 0.5 + 0.5 * mean_conf
    language = found.pop("_language", None)
    out: dict[str, Any] = {"format": fmt.value, "kind": kind, "pages": pages}
    if checked.embedded is not None:
        out["source"] = EMBEDDED_SOURCE
        out["embedded"] = {
            "name": checked.embedded.name,
            "relationship": checked.embedded.relationship,
            "format": checked.embedded.format.value,
            "supporting": list(checked.embedded.supporting),
        }
    if language is not None:
        out["language"] = language.value
    evidence: dict[str, Any] = {}
    for name in FIELDS:
        f = found.get(name)
        out[name] = _json(f.value) if f is not None else None
        if f is not None:
            evidence[name] = f.evidence()
            if name in sources:
                evidence[name]["source"] = sources[name]
    out["evidence"] = evidence
    out["notes"] = notes
    out["seconds"] = round(time.perf_counter() - started, 3)
    return out


def _embedded(body: bytes, embedded: deep.Embedded, notes: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A Factur-X / ZUGFeRD (1.0 or 2.x) / XRechnung PDF, or one carrying its UBL invoice: its XML's fields win; the
    printed text fills only what the XML lacks, and a printed invoice number, total or currency that differs from
    the XML is noted."""
    found: dict[str, Any] = einvoice.read(embedded.root, embedded.format)
    sources = {name: "embedded-xml" for name, f in found.items() if f is not None}
    syntax = "UBL 2.1" if embedded.format is Format.UBL else einvoice.cii_syntax(embedded.root).name
    notes.append(
        f"fields read from the {syntax} e-invoice embedded in the PDF ({embedded.name}); they win over its text"
    )
    if embedded.supporting:
        attached = ", ".join(embedded.supporting)
        notes.append(f"supporting documents attached beside it, checked as plain PDFs and not read: {attached}")
    words, _ = pdf_words(body, MAX_PAGES)
    printed = fields.extract(group_lines(words)) if len(words) >= MIN_TEXT_WORDS else {}
    printed.pop("_language", None)
    for name in FIELDS:
        text_found = printed.get(name)
        if text_found is None:
            continue
        xml_found = found.get(name)
        if xml_found is None:
            found[name] = text_found
            sources[name] = "pdf-text"
        elif name in COMPARED and _differs(name, xml_found.value, text_found.value):
            notes.append(
                f"the PDF prints {name.replace('_', ' ')} {_json(text_found.value)}, its embedded XML says "
                f"{_json(xml_found.value)}"
            )
    return found, sources


def _differs(name: str, xml: Any, text: Any) -> bool:
    if name == "total":
        try:
            return abs(Decimal(str(xml)) - Decimal(str(text))) > Decimal("0.01")
        except ArithmeticError:
            return True
    if name == "invoice_number":
        return _alnum(xml) != _alnum(text)
    return bool(xml != text)


def _alnum(value: Any) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum())


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value
