"""Factur-X / ZUGFeRD / XRechnung: a PDF whose one attachment is its CII invoice XML is read exactly from that XML;
any other attachment, script or unsafe XML keeps the PDF out. A bare CII XML is read the same way."""

from __future__ import annotations

import base64
import random
from decimal import Decimal
from typing import Any

import pytest

from clearway.core.issues import ValidationFailed
from clearway.documents.einvoice_samples import cii_invoice, ubl_invoice
from clearway.documents.extract.pipeline import extract_document
from clearway.documents.model import ACTIVE_CONTENT_MESSAGE, Format, check_pdf_bytes, sniff
from tests.unit.documents import helpers

UBL = (
    b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>'
)
CII_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
<rsm:ExchangedDocument><ID>&xxe;</ID></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"""
CII_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
<rsm:ExchangedDocument><ID>&lol3;</ID></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"""


def _refused(body: bytes) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        extract_document(body)
    [issue] = exc.value.issues
    return issue.code, issue.message


def _assert_exact(out: dict[str, Any], truth: dict[str, Any]) -> None:
    for name in ("invoice_number", "date", "currency", "incoterm"):
        assert out[name] == truth[name], name
    for name in ("total", "net", "tax"):
        assert Decimal(str(out[name])) == truth[name], name
    assert out["seller"] == {
        "name": truth["seller"],
        "tax_id": {"scheme": "VAT", "id": truth["seller_vat"]},
        "country": "FR",
    }
    assert out["buyer"]["name"] == truth["buyer"] and out["buyer"]["country"] == "PE"
    assert out["origin"] == {"country": "CN", "statement": "ram:OriginTradeCountry"}
    assert len(out["lines"]) == len(truth["lines"])
    for got, want in zip(out["lines"], truth["lines"], strict=True):
        assert got["description"] == want["description"] and got["unit"] == want["unit"]
        for key in ("quantity", "unit_price", "amount"):
            assert Decimal(str(got[key])) == want[key], key


def test_a_factur_x_pdf_is_read_exactly_from_its_embedded_xml() -> None:
    xml, truth = cii_invoice(7)
    out = extract_document(helpers.factur_x(xml))
    assert out["format"] == "pdf" and out["kind"] == "e-invoice" and out["pages"] == 1
    assert out["source"] == "e-invoice embedded in PDF"
    assert out["embedded"] == {"name": "factur-x.xml", "relationship": "Data", "format": "cii", "supporting": []}
    _assert_exact(out, truth)
    # the first line is priced per 100 units: the unit price is the charge divided by the basis quantity
    assert Decimal(str(out["lines"][0]["unit_price"])) == truth["lines"][0]["unit_price"]
    for name in ("invoice_number", "total", "seller", "lines"):
        assert out["evidence"][name]["confidence"] == 1.0
        assert out["evidence"][name]["source"] == "embedded-xml"
    assert any("factur-x.xml" in note for note in out["notes"])


def test_the_xml_wins_over_the_printed_text_and_a_difference_is_noted() -> None:
    xml, truth = cii_invoice(8, number="FA-2026001")
    printed = helpers.printed_invoice(
        [
            "Verrerie du Rhone SAS",
            "Quai Saint-Antoine, Lyon, France",
            "Facture N° FA-2026999",
            "Date de facture : 04/05/2026",
            "Client : Importaciones Pacifico SAC",
            "Poids brut : 1 250,00 kg",
            "Pays d'origine : Chine",
            "Total TTC : 1 000,00 EUR",
        ]
    )
    out = extract_document(helpers.factur_x(xml, printed=printed))
    assert out["invoice_number"] == "FA-2026001" and Decimal(str(out["total"])) == truth["total"]
    assert any("invoice number FA-2026999" in n and "FA-2026001" in n for n in out["notes"])
    assert any(n.startswith("the PDF prints total 1000") for n in out["notes"])
    # a field the XML lacks (the gross weight) is taken from the text, and says so
    assert out["gross_weight_kg"] == 1250.0
    assert out["evidence"]["gross_weight_kg"]["source"] == "pdf-text"


@pytest.mark.parametrize(
    ("name", "relationship"),
    [
        ("factur-x.xml", "Alternative"),
        ("factur-x.xml", "Source"),
        ("factur-x.xml", None),
        ("ZUGFeRD-invoice.xml", "Alternative"),
        ("zugferd-invoice.xml", "Data"),
        ("xrechnung.xml", "Data"),
    ],
)
def test_the_names_and_relationships_of_the_standards_are_accepted(name: str, relationship: str | None) -> None:
    xml, truth = cii_invoice(9)
    out = extract_document(helpers.factur_x(xml, name=name, relationship=relationship, compress=False))
    assert out["embedded"] == {"name": name, "relationship": relationship, "format": "cii", "supporting": []}
    assert out["invoice_number"] == truth["invoice_number"]


def _incompressible_xml() -> bytes:
    """5.6 MB of XML that deflates to about 4.2 MB (seeded, so the figure is the same each run)."""
    return b"<a>" + base64.b64encode(random.Random(4).randbytes(4_200_000)) + b"</a>"


def _valid() -> bytes:
    return cii_invoice(3)[0]


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: helpers.factur_x(_valid(), name="invoice.exe"), "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(b"MZ\x90\x00", name="factur-x.exe"), "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(_valid(), others=(("setup.exe", b"MZ\x90\x00"),)), "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(_valid(), others=(("factur-x.xml", _valid()),)), "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(_valid(), relationship="Unspecified"), "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(_valid(), javascript=True), "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.pdf_with_escaped_javascript, "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.pdf_with_untyped_attachment, "DOCUMENT_ACTIVE_CONTENT"),
        (lambda: helpers.factur_x(UBL), "DOCUMENT_EMBEDDED_NOT_INVOICE"),
        (lambda: helpers.factur_x(b"%PDF-1.4 not an invoice"), "XML_MALFORMED"),
        (lambda: helpers.factur_x(CII_XXE), "XML_UNSAFE"),
        (lambda: helpers.factur_x(CII_LAUGHS), "XML_UNSAFE"),
        (lambda: helpers.factur_x(b"<a>" + b"x" * 6_000_000 + b"</a>", compress=False), "DOCUMENT_TOO_LARGE"),
        (lambda: helpers.factur_x(_incompressible_xml()), "DOCUMENT_TOO_LARGE"),
        (lambda: helpers.factur_x(b"<a>" + b" " * 30_000_000 + b"</a>"), "DOCUMENT_BOMB"),
    ],
    ids=[
        "exe-attachment",
        "exe-bytes-under-an-exe-name",
        "second-attachment-exe",
        "second-invoice-xml",
        "relationship-unspecified",
        "javascript-beside-a-valid-xml",
        "javascript-with-escaped-names",
        "attachment-without-type",
        "not-cii",
        "not-xml",
        "xxe",
        "billion-laughs",
        "oversized",
        "oversized-once-inflated",
        "inflation-bomb",
    ],
)
def test_anything_but_one_safe_cii_invoice_keeps_the_pdf_out(build: Any, code: str) -> None:
    got, message = _refused(build())
    assert got == code
    if code == "DOCUMENT_ACTIVE_CONTENT":
        assert message == ACTIVE_CONTENT_MESSAGE  # the same message as before Factur-X was accepted
    elif code != "DOCUMENT_BOMB":
        assert "factur-x.xml" in message


def test_the_messages_say_what_is_wrong_with_the_embedded_xml() -> None:
    assert _refused(helpers.factur_x(CII_XXE))[1] == (
        "the invoice XML embedded in the PDF (factur-x.xml) declares a DOCTYPE or ENTITY, which an e-invoice may "
        "not carry"
    )
    assert _refused(helpers.factur_x(b"<a>" + b"x" * 6_000_000 + b"</a>", compress=False))[1] == (
        "the file embedded in the PDF (factur-x.xml) exceeds 5,000,000 bytes"
    )
    assert _refused(helpers.factur_x(UBL))[1].startswith("the PDF embeds factur-x.xml, but it is not a UN/CEFACT")


def test_a_script_spelt_with_escapes_passes_the_byte_check_but_not_the_object_walk() -> None:
    body = helpers.pdf_with_escaped_javascript()
    assert b"/JavaScript" not in body
    check_pdf_bytes(body)  # the raw bytes never spell a script name
    assert _refused(body)[0] == "DOCUMENT_ACTIVE_CONTENT"


def test_a_script_in_a_compressed_object_stream_is_refused_by_the_byte_check_and_the_walk() -> None:
    body = helpers.pdf_with_script_in_object_stream()
    assert b"/JavaScript" not in body
    with pytest.raises(ValidationFailed) as exc:
        check_pdf_bytes(body)  # object streams are inflated and searched (certificates rely on it)
    assert exc.value.issues[0].code == "DOCUMENT_ACTIVE_CONTENT"
    assert _refused(body)[0] == "DOCUMENT_ACTIVE_CONTENT"


def test_image_bytes_that_happen_to_spell_a_script_name_do_not_refuse_a_scan() -> None:
    """Compressed image data spells /JS by chance about once in 20 MB: only the PDF's syntax is searched."""
    body = helpers.pdf_with_image_bytes(b"\x00\x17/JS\n\xff\x02/JavaScript \x91/EmbeddedFile\x00")
    check_pdf_bytes(body)
    assert sniff(body) is Format.PDF
    extract_document(body)  # accepted: the deep check reads the image as data


def test_a_script_name_after_an_image_stream_is_still_seen() -> None:
    """The split into syntax and stream data does not hide the objects that follow a stream."""
    body = helpers.pdf_with_image_bytes(b"\x01\x02", after=b"<< /S /JavaScript /JS (app.alert(1)) >>")
    with pytest.raises(ValidationFailed) as exc:
        check_pdf_bytes(body)
    assert exc.value.issues[0].code == "DOCUMENT_ACTIVE_CONTENT"


def test_other_uses_of_the_byte_check_still_refuse_any_embedded_file() -> None:
    """Certificates (workforce) call the byte check alone: a Factur-X is still active content there."""
    with pytest.raises(ValidationFailed) as exc:
        check_pdf_bytes(helpers.factur_x(_valid(), compress=False))
    assert exc.value.issues[0].code == "DOCUMENT_ACTIVE_CONTENT"


def test_a_bare_cii_xml_is_sniffed_by_its_namespace_and_read_exactly() -> None:
    xml, truth = cii_invoice(11, currency="USD")
    assert sniff(xml) is Format.CII
    out = extract_document(xml)
    assert out["format"] == "cii" and out["kind"] == "e-invoice" and "source" not in out
    _assert_exact(out, truth)
    assert out["evidence"]["total"]["confidence"] == 1.0


def test_the_tax_total_is_the_one_in_the_invoice_currency() -> None:
    xml, truth = cii_invoice(12, currency="EUR")
    assert b'currencyID="USD"' in xml  # the accounting currency's tax total comes first
    assert Decimal(str(extract_document(xml)["tax"])) == truth["tax"]


def test_a_cii_date_in_another_format_is_not_guessed() -> None:
    xml, _ = cii_invoice(13)
    out = extract_document(xml.replace(b'format="102"', b'format="610"'))
    assert out["date"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (CII_XXE, "XML_UNSAFE"),
        (CII_LAUGHS, "XML_UNSAFE"),
        (
            b'<?xml version="1.0"?><rsm:Other xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>',
            "DOCUMENT_TYPE_UNSUPPORTED",
        ),
        (b'<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:other"/>', "DOCUMENT_TYPE_UNSUPPORTED"),
    ],
    ids=["xxe", "billion-laughs", "other-root", "other-namespace"],
)
def test_unsafe_or_foreign_cii_uploads_are_refused(body: bytes, code: str) -> None:
    assert _refused(body)[0] == code


def test_a_pdf_with_too_many_objects_is_refused_before_they_are_walked() -> None:
    from clearway.documents.inspect import MAX_PDF_OBJECTS

    filler = [b"<< /A [1 2 3] >>"] * MAX_PDF_OBJECTS
    body = helpers.raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *helpers._PAGES, *filler)
    code, message = _refused(body)  # counted from the cross-reference, not read one by one
    assert code == "DOCUMENT_MALFORMED" and "more than 20,000 objects" in message


def _delivery_note() -> bytes:
    return helpers.printed_invoice(["BON DE LIVRAISON", "BL-2026-0007"])


def test_a_plain_delivery_note_beside_the_invoice_xml_is_kept_checked_and_not_read() -> None:
    """Factur-X allows supporting documents: a plain PDF beside the XML is accepted, the XML's fields win."""
    xml, truth = cii_invoice(5)
    out = extract_document(helpers.factur_x(xml, others=(("Bon_de_livraison.pdf", _delivery_note()),)))
    assert out["kind"] == "e-invoice" and out["embedded"]["supporting"] == ["Bon_de_livraison.pdf"]
    _assert_exact(out, truth)
    assert any("Bon_de_livraison.pdf" in note and "not read" in note for note in out["notes"])


@pytest.mark.parametrize(
    "note",
    [helpers.pdf_with_javascript, helpers.pdf_with_escaped_javascript, helpers.pdf_with_script_in_object_stream],
    ids=["javascript", "escaped-javascript", "script-in-object-stream"],
)
def test_a_supporting_pdf_with_a_script_refuses_the_invoice_and_names_it(note: Any) -> None:
    code, message = _refused(helpers.factur_x(_valid(), others=(("note.pdf", note()),)))
    assert code == "DOCUMENT_ACTIVE_CONTENT"
    assert message.startswith("the PDF embeds note.pdf, which is not a plain PDF")


def test_a_supporting_pdf_with_an_attachment_of_its_own_is_refused() -> None:
    """Attachments never nest: a delivery note that itself carries a Factur-X (or anything) is refused."""
    nested = helpers.factur_x(_valid())
    code, message = _refused(helpers.factur_x(_valid(), others=(("note.pdf", nested),)))
    assert code == "DOCUMENT_ACTIVE_CONTENT" and "note.pdf" in message


def test_too_many_supporting_pdfs_or_none_beside_an_invoice_xml_are_refused() -> None:
    four = tuple((f"note{i}.pdf", _delivery_note()) for i in range(4))
    assert _refused(helpers.factur_x(_valid(), others=four)) == ("DOCUMENT_ACTIVE_CONTENT", ACTIVE_CONTENT_MESSAGE)
    # a PDF whose only attachment is a PDF carries no invoice XML: attachments stay refused
    only_note = helpers.factur_x(_delivery_note(), name="note.pdf")
    assert _refused(only_note) == ("DOCUMENT_ACTIVE_CONTENT", ACTIVE_CONTENT_MESSAGE)
    # a supporting file must be a PDF, whatever it is called
    disguised = helpers.factur_x(_valid(), others=(("note.pdf", b"MZ\x90\x00 not a pdf"),))
    assert _refused(disguised) == ("DOCUMENT_ACTIVE_CONTENT", ACTIVE_CONTENT_MESSAGE)


def test_a_ubl_invoice_attached_under_its_own_name_is_read_exactly() -> None:
    """Odoo and other invoicing programs attach their UBL 2.1 invoice to the PDF under a name of their own."""
    xml, truth = ubl_invoice(4, currency="PEN")
    out = extract_document(helpers.factur_x(xml, name="F001-00000042_ubl.xml"))
    assert out["kind"] == "e-invoice" and out["embedded"]["format"] == "ubl"
    assert out["invoice_number"] == truth["invoice_number"] and out["currency"] == "PEN"
    assert Decimal(str(out["total"])) == truth["total"]
    assert out["evidence"]["total"]["source"] == "embedded-xml"


def test_an_xml_attachment_that_is_no_invoice_is_refused_under_any_name() -> None:
    code, message = _refused(helpers.factur_x(b'<?xml version="1.0"?><config><x>1</x></config>', name="data.xml"))
    assert code == "DOCUMENT_EMBEDDED_NOT_INVOICE"
    assert message.startswith("the PDF embeds data.xml, but it is not an e-invoice (UBL 2.1 or UN/CEFACT CII)")
    # two invoice XMLs, whatever their names, are one too many
    ubl, _ = ubl_invoice(1)
    assert _refused(helpers.factur_x(_valid(), others=(("copy_ubl.xml", ubl),)))[0] == "DOCUMENT_ACTIVE_CONTENT"
