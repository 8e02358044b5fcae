"""The declaration against its documents: each difference a sentence pointing at the declared field."""

from __future__ import annotations

from datetime import UTC, datetime

from clearway.declarations.codec import to_domain
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.documents.crosscheck import check, tax_id_valid
from clearway.documents.model import DocumentType, Format, StoredDocument


def _doc(kind: DocumentType, fields: dict[str, object]) -> StoredDocument:
    return StoredDocument(
        "d1",
        "decl",
        "MRN1",
        kind,
        Format.PDF,
        "f.pdf",
        10,
        "0" * 64,
        1,
        "u",
        "declarant",
        None,
        datetime(2026, 1, 1, tzinfo=UTC),
        fields,
    )


def _data():  # type: ignore[no-untyped-def]
    return to_domain(DeclarationIn.model_validate(example_declaration("X-1"), strict=False))


def test_an_invoice_that_disagrees_gives_one_sentence_per_difference() -> None:
    invoice = {
        "total": 12400.0,
        "currency": "USD",
        "incoterm": "CIF",
        "invoice_number": "SBE-INV-88412",
        "lines": [{"quantity": 300.0}, {"quantity": 25.0}, {"quantity": 500.0}],
        "origin": {"country": "VN"},
        "gross_weight_kg": 400.0,
        "buyer": {"name": "Importaciones Pacífico SAC", "tax_id": {"scheme": "RUC", "id": "20512345678"}},
    }
    found = {}
    for d in check(_data(), [_doc(DocumentType.INVOICE, invoice)]):
        found.setdefault(d.code, d)
    assert found["DOC_TOTAL"].message == "invoice total 12,400.00 USD, declared 48,750.00 USD"
    assert found["DOC_TOTAL"].pointer == "/invoice/total_amount"
    assert found["DOC_INCOTERM"].message == "invoice incoterm CIF, declared FOB"
    assert found["DOC_QUANTITY"].pointer == "/goods_items/1/quantity"
    assert found["DOC_ORIGIN"].pointer == "/goods_items/0/origin_country"
    assert found["DOC_GROSS_MASS"].message == "invoice gross weight 400.00 kg, declared 233.50 kg"
    assert "DOC_TAX_ID_INVALID" in found and found["DOC_TAX_ID_INVALID"].pointer == "/importer/id"
    assert "DOC_INVOICE_NUMBER" not in found and "DOC_LINE_COUNT" not in found


def test_a_matching_invoice_and_certificate_raise_nothing() -> None:
    invoice = {
        "total": 48750.0,
        "currency": "USD",
        "incoterm": "FOB",
        "lines": [{"quantity": 300}, {"quantity": 20}, {"quantity": 500}],
        "origin": {"country": "CN"},
        "seller": {"tax_id": {"scheme": "USCC", "id": "91440300MA5F0XYZ1"}},
    }
    certificate = {"origin": {"country": "CN"}}
    assert (
        check(_data(), [_doc(DocumentType.INVOICE, invoice), _doc(DocumentType.CERTIFICATE_OF_ORIGIN, certificate)])
        == []
    )


def test_other_currency_and_line_count_and_packing_list() -> None:
    found = check(
        _data(),
        [
            _doc(DocumentType.INVOICE, {"currency": "EUR", "total": 1.0, "lines": [{"quantity": 1}]}),
            _doc(DocumentType.PACKING_LIST, {"net_weight_kg": 193.0}),
        ],
    )
    messages = {d.message for d in found}
    assert "invoice currency EUR, declared USD" in messages
    assert "invoice has 1 line(s), the declaration 3 goods item(s)" in messages
    assert not any(d.code == "DOC_TOTAL" for d in found)  # amounts in another currency are not compared
    assert not any(d.code == "DOC_NET_MASS" for d in found)  # 193 kg declared in all


def test_tax_ids_are_checked_with_stdnum() -> None:
    assert tax_id_valid("RUC", "20512345671") is True
    assert tax_id_valid("RUC", "20512345678") is False
    assert tax_id_valid("CNPJ", "11.222.333/0001-81") is True
    assert tax_id_valid("RFC", "EKU9003173C9") is True
    assert tax_id_valid("NIT", "900373115-3") is True
    assert tax_id_valid("EIN", "12-3456789") is None
