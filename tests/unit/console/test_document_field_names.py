"""The documents panel names a field as the document's type names it; an invoice's names stay the default."""

from __future__ import annotations

import pytest

from clearway.console.vocabulary import document_field


@pytest.mark.parametrize(
    ("doc_type", "field", "name"),
    [
        ("certificate-of-origin", "seller", "Exporter"),
        ("certificate-of-origin", "buyer", "Consignee"),
        ("certificate-of-origin", "date", "Date of issue"),
        ("certificate-of-origin", "origin", "Country of origin"),
        ("certificate-of-origin", "certificate_number", "Certificate number"),
        ("certificate-of-origin", "total", "Total"),  # what a certificate has no name for keeps the invoice's
        ("packing-list", "seller", "Exporter"),
        ("packing-list", "buyer", "Consignee"),
        ("packing-list", "date", "Date"),
        ("packing-list", "gross_weight_kg", "Gross weight"),
        ("transport", "seller", "Shipper"),
        ("transport", "buyer", "Consignee"),
        ("transport", "date", "Date of issue"),
        ("invoice", "seller", "Seller"),
        ("invoice", "date", "Invoice date"),
        ("invoice", "origin", "Origin statement"),
        ("other", "buyer", "Buyer"),
        ("not-a-type", "seller", "Seller"),
        (None, "seller", "Seller"),
    ],
)
def test_each_document_type_names_its_fields(doc_type: str | None, field: str, name: str) -> None:
    assert document_field(doc_type, field) == name


def test_a_field_without_a_name_is_shown_as_its_words_and_none_as_a_dash() -> None:
    assert document_field("transport", "vessel_name") == "vessel name"
    assert document_field("transport", None) == "—"
