"""The documents panel names a field as the document's type names it; an invoice's names stay the default."""

from __future__ import annotations

import pytest

from clearway.console import i18n
from clearway.console.vocabulary import document_field


def _en(doc_type: str | None, field: str | None) -> str:
    with i18n.using(i18n.Localizer("en", i18n.timezone_of(None))):
        return document_field(doc_type, field)


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
        ("transport", "transport_document_number", "Transport document number"),
        ("transport", "vessel", "Vessel or flight"),
        ("transport", "port_of_loading", "Port of loading"),
        ("transport", "port_of_discharge", "Port of discharge"),
        ("invoice", "seller", "Seller"),
        ("invoice", "date", "Invoice date"),
        ("invoice", "origin", "Origin statement"),
        ("other", "buyer", "Buyer"),
        ("not-a-type", "seller", "Seller"),
        (None, "seller", "Seller"),
    ],
)
def test_each_document_type_names_its_fields(doc_type: str | None, field: str, name: str) -> None:
    assert _en(doc_type, field) == name


def test_a_field_without_a_name_is_shown_as_its_words_and_none_as_a_dash() -> None:
    assert _en("transport", "voyage_number") == "voyage number"
    assert _en("transport", None) == "—"


def test_the_names_are_translated() -> None:
    with i18n.using(i18n.Localizer("pt", i18n.timezone_of(None))):
        assert document_field("transport", "seller") == "Embarcador"
        assert document_field("transport", "port_of_loading") == "Porto de embarque"
        assert document_field("certificate-of-origin", "certificate_number") == "Número do certificado"
    with i18n.using(i18n.Localizer("fr", i18n.timezone_of(None))):
        assert document_field("certificate-of-origin", "buyer") == "Destinataire"
        assert document_field("invoice", "buyer") == "Acheteur"
