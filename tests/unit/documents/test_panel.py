"""What the console shows of a stored document: confidence bands, how it was read, differences on their fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clearway.documents import panel
from clearway.documents.crosscheck import Discrepancy
from clearway.documents.model import DocumentType, Format, StoredDocument


def _doc(fields: dict[str, Any], fmt: Format = Format.PDF, doc_id: str = "d1") -> StoredDocument:
    return StoredDocument(
        id=doc_id,
        declaration_id="x",
        mrn="26PE000000000001",
        type=DocumentType.INVOICE,
        format=fmt,
        filename="f.pdf",
        size=1000,
        sha256="ab" * 32,
        pages=1,
        uploaded_by="broker",
        uploaded_role="declarant",
        uploaded_party="PE1",
        uploaded_at=datetime(2026, 1, 1, tzinfo=UTC),
        fields=fields,
    )


@pytest.mark.parametrize(
    ("confidence", "word"),
    [(1.0, "high"), (0.85, "high"), (0.84, "medium"), (0.6, "medium"), (0.59, "low"), (0.0, "low"), (None, None)],
)
def test_confidence_is_a_word_from_fixed_bands(confidence: float | None, word: str | None) -> None:
    assert panel.band(confidence) == word
    assert panel.band(True) is None and panel.band("0.9") is None  # not a number from the extractor


@pytest.mark.parametrize(
    ("fields", "fmt", "label"),
    [
        ({"kind": "text-pdf"}, Format.PDF, "text-pdf"),
        ({"kind": "scan", "notes": []}, Format.PNG, "scan-ocr"),
        ({"kind": "scan", "notes": ["scanned document: OCR is not available here (install tesseract-ocr)"]},
         Format.PDF, "scan-unread"),
        ({"kind": "e-invoice"}, Format.CFDI, "cfdi"),
        ({"kind": "e-invoice", "embedded": {"name": "ZUGFeRD-invoice.xml", "format": "cii"}}, Format.PDF, "zugferd"),
        ({"kind": "e-invoice", "embedded": {"name": "factur-x.xml", "format": "cii"}}, Format.PDF, "factur-x"),
        ({"kind": "e-invoice", "embedded": {"name": "bill.xml", "format": "ubl"}}, Format.PDF, "pdf-ubl"),
    ],
)  # fmt: skip
def test_the_format_says_how_the_document_was_read(fields: dict[str, Any], fmt: Format, label: str) -> None:
    assert panel.format_of(_doc(fields, fmt)) == label


def test_differences_sit_on_the_field_they_concern_and_only_on_their_document() -> None:
    fields = {
        "kind": "text-pdf",
        "total": 10.0,
        "buyer": {"name": "Acme", "tax_id": {"scheme": "RUC", "id": "20512345678"}, "address": ["RUC 20512345678"]},
        "origin": {"country": "CN", "statement": "cac:OriginCountry"},
        "evidence": {"total": {"confidence": 0.97, "page": 2}, "buyer": {"confidence": 0.4, "page": 1}},
    }
    found = [
        Discrepancy(
            "DOC_TOTAL", "invoice total 10.00 USD, declared 5.00 USD", "/invoice/total_amount", "d1", "invoice"
        ),
        Discrepancy("DOC_TAX_ID_INVALID", "buyer's RUC wrong", "/importer/id", "d1", "invoice"),
        Discrepancy("DOC_INCOTERM", "other document's", "/invoice/incoterm", "d2", "invoice"),
    ]
    built = panel.build(_doc(fields), found)
    by = {f.name: f for f in built.fields}
    assert by["total"].findings == ("invoice total 10.00 USD, declared 5.00 USD",)
    assert (by["total"].confidence, by["total"].page) == ("high", 2)
    buyer = by["buyer"].value
    assert by["buyer"].findings == ("buyer's RUC wrong",) and by["buyer"].confidence == "low"
    assert buyer.tax_id_valid is False and buyer.address == ()  # the tax id line is shown once, with its check
    assert by["origin"].value == {"country": "CN", "statement": ""}  # an XML element name is no statement
    assert "incoterm" not in by and built.findings == ()
