"""ZUGFeRD 1.0 (2014-2019 German invoices): the ``CrossIndustryDocument`` XML is read exactly, bare or as the only
attachment of a PDF, with the same name rules, bounds and safe parsing as the CII of Factur-X; a root that only
looks like it is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clearway.core.issues import ValidationFailed
from clearway.documents.einvoice_samples import cii_invoice
from clearway.documents.extract.pipeline import extract_document
from clearway.documents.model import Format, sniff
from tests.unit.documents import helpers

ZF1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
ZF1_XXE = f"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryDocument xmlns:rsm="{ZF1}">
<rsm:HeaderExchangedDocument><ID>&xxe;</ID></rsm:HeaderExchangedDocument></rsm:CrossIndustryDocument>""".encode()
ZF1_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rsm:CrossIndustryDocument xmlns:rsm="{ZF1}">
<rsm:HeaderExchangedDocument><ID>&lol2;</ID></rsm:HeaderExchangedDocument></rsm:CrossIndustryDocument>""".encode()


def _refused(body: bytes) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        extract_document(body)
    [issue] = exc.value.issues
    return issue.code, issue.message


def _assert_exact(out: dict[str, Any], truth: dict[str, Any]) -> None:
    for name in ("invoice_number", "date", "currency", "seller", "buyer", "incoterm", "origin"):
        assert out[name] == truth[name], name
    for name in ("net", "tax", "total"):
        assert Decimal(str(out[name])) == truth[name], name
    got = [
        (ln["description"], Decimal(str(ln["quantity"])), ln["unit"], Decimal(str(ln["unit_price"])), ln["amount"])
        for ln in out["lines"]
    ]
    # the text-only line item is not a goods line; the second line's price is per 100 pieces
    assert [(d, q, u, p, Decimal(str(a))) for d, q, u, p, a in got] == truth["lines"]


def test_a_bare_zugferd_1_xml_is_sniffed_by_its_namespace_and_read_exactly() -> None:
    xml, truth = helpers.zugferd_1_invoice()
    assert sniff(xml) is Format.CII
    out = extract_document(xml)
    assert out["format"] == "cii" and out["kind"] == "e-invoice" and "source" not in out
    _assert_exact(out, truth)
    for name in ("invoice_number", "date", "total", "seller", "lines"):
        assert out["evidence"][name]["confidence"] == 1.0


def test_a_zugferd_1_pdf_is_read_exactly_from_its_only_attachment() -> None:
    xml, truth = helpers.zugferd_1_invoice()
    body = helpers.factur_x(xml, name="ZUGFeRD-invoice.xml", relationship="Alternative")
    out = extract_document(body)
    assert out["format"] == "pdf" and out["kind"] == "e-invoice" and out["source"] == "e-invoice embedded in PDF"
    assert out["embedded"] == {
        "name": "ZUGFeRD-invoice.xml",
        "relationship": "Alternative",
        "format": "cii",
        "supporting": [],
    }
    _assert_exact(out, truth)
    assert out["evidence"]["total"]["source"] == "embedded-xml"
    assert any("ZUGFeRD 1.0 e-invoice embedded in the PDF (ZUGFeRD-invoice.xml)" in n for n in out["notes"])


@pytest.mark.parametrize("name", ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"])
def test_a_zugferd_1_root_under_another_standards_name_is_read(name: str) -> None:
    xml, truth = helpers.zugferd_1_invoice(number="ZF-NAME-1")
    out = extract_document(helpers.factur_x(xml, name=name, compress=False))
    assert out["embedded"]["name"] == name and out["invoice_number"] == "ZF-NAME-1"
    assert Decimal(str(out["total"])) == truth["total"]


def test_a_cii_d16b_root_under_the_zugferd_1_name_is_read_as_d16b() -> None:
    xml, truth = cii_invoice(21)
    out = extract_document(helpers.factur_x(xml, name="ZUGFeRD-invoice.xml"))
    assert out["invoice_number"] == truth["invoice_number"] and Decimal(str(out["total"])) == truth["total"]
    assert len(out["lines"]) == len(truth["lines"])
    assert any("CII e-invoice embedded" in n for n in out["notes"])


def test_a_seller_name_on_two_lines_is_one_name() -> None:
    xml, _ = helpers.zugferd_1_invoice(seller="MVM Musterhafter\n  Versicherungsverein a.G.")
    assert extract_document(xml)["seller"]["name"] == "MVM Musterhafter Versicherungsverein a.G."


def test_the_two_syntaxes_are_not_mixed() -> None:
    """A CrossIndustryDocument is read with ZUGFeRD 1.0's names only: D16B names under it are not looked at."""
    xml, _ = helpers.zugferd_1_invoice()
    d16b_names = (
        xml.replace(b"HeaderExchangedDocument>", b"ExchangedDocument>")
        .replace(b"SpecifiedTradeSettlementMonetarySummation>", b"SpecifiedTradeSettlementHeaderMonetarySummation>")
        .replace(b"SpecifiedSupplyChainTradeDelivery>", b"SpecifiedLineTradeDelivery>")
    )
    out = extract_document(d16b_names)
    assert out["invoice_number"] is None and out["date"] is None and out["total"] is None
    assert all(ln["quantity"] is None and ln["amount"] is None for ln in out["lines"])
    assert out["seller"]["name"] == "Maschinenbau Kessler GmbH"  # the agreement keeps its ZUGFeRD 1.0 name


OTHER_NAMESPACE = 'rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:2p0"'
CII_NAMESPACE_DOCUMENT = (
    'rsm:CrossIndustryDocument xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"'
)
LONGER_NAMESPACE = f'rsm:CrossIndustryDocument xmlns:rsm="{ZF1}:extended"'
OTHER_ROOT = f'rsm:CrossIndustryInvoice xmlns:rsm="{ZF1}"'


@pytest.mark.parametrize(
    ("root", "code"),
    [
        (OTHER_NAMESPACE, "DOCUMENT_TYPE_UNSUPPORTED"),
        (CII_NAMESPACE_DOCUMENT, "DOCUMENT_TYPE_UNSUPPORTED"),
        (LONGER_NAMESPACE, "DOCUMENT_TYPE_UNSUPPORTED"),
        (OTHER_ROOT, "DOCUMENT_TYPE_UNSUPPORTED"),
    ],
    ids=["zugferd-2p0-namespace", "cii-namespace", "namespace-with-a-suffix", "zugferd-1-namespace-other-root"],
)
def test_a_cross_industry_document_in_another_namespace_is_refused_bare_and_embedded(root: str, code: str) -> None:
    xml, _ = helpers.zugferd_1_invoice(root=root)
    got, message = _refused(xml)
    assert got == code
    if root in (LONGER_NAMESPACE, OTHER_ROOT):  # sniffed by the ZUGFeRD 1.0 namespace, then its root is checked
        assert message == "the XML uses the ZUGFeRD 1.0 namespace but is not an rsm:CrossIndustryDocument"
    embedded, message = _refused(helpers.factur_x(xml, name="ZUGFeRD-invoice.xml"))
    assert embedded == "DOCUMENT_EMBEDDED_NOT_INVOICE" and "ZUGFeRD-invoice.xml" in message


@pytest.mark.parametrize("body", [ZF1_XXE, ZF1_LAUGHS], ids=["xxe", "billion-laughs"])
def test_unsafe_zugferd_1_xml_is_refused_bare_and_embedded(body: bytes) -> None:
    assert sniff(body) is Format.CII
    assert _refused(body)[0] == "XML_UNSAFE"
    code, message = _refused(helpers.factur_x(body, name="ZUGFeRD-invoice.xml"))
    assert code == "XML_UNSAFE" and "(ZUGFeRD-invoice.xml) declares a DOCTYPE or ENTITY" in message


def test_oversized_zugferd_1_xml_is_refused_bare_and_embedded() -> None:
    xml, _ = helpers.zugferd_1_invoice()
    padded = xml.replace(
        b"</rsm:CrossIndustryDocument>", b"<!--" + b"x" * 5_100_000 + b"--></rsm:CrossIndustryDocument>"
    )
    assert _refused(padded)[0] == "DOCUMENT_TOO_LARGE"  # over the 2 MB of a bare XML
    code, message = _refused(helpers.factur_x(padded, name="ZUGFeRD-invoice.xml", compress=False))
    assert code == "DOCUMENT_TOO_LARGE" and "(ZUGFeRD-invoice.xml) exceeds 5,000,000 bytes" in message


def test_a_zugferd_1_pdf_keeps_a_plain_second_attachment_but_reads_only_its_xml() -> None:
    xml, _ = helpers.zugferd_1_invoice()
    body = helpers.factur_x(
        xml, name="ZUGFeRD-invoice.xml", others=(("lieferschein.pdf", helpers.printed_invoice(["LS"])),)
    )
    out = extract_document(body)
    assert out["embedded"]["supporting"] == ["lieferschein.pdf"] and out["kind"] == "e-invoice"
    exe = helpers.factur_x(xml, name="ZUGFeRD-invoice.xml", others=(("lieferschein.exe", b"MZ\x90\x00"),))
    assert _refused(exe)[0] == "DOCUMENT_ACTIVE_CONTENT"
