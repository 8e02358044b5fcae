"""Malicious and sample files written for the tests."""

from __future__ import annotations

import functools
import io
import zlib

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")


def pdf_with(stream: bytes, extra: bytes = b"") -> bytes:
    """A one-page PDF with the given content stream (raw) and extra objects."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    out.write(extra)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF of the given objects (numbered from 1; object 1 is the catalogue) with a correct cross-reference."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


_PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    b"<< /Length 5 >>\nstream\nBT ET\nendstream",
)


def pdf_with_escaped_javascript() -> bytes:
    """A PDF whose open action is JavaScript spelt with #-escapes (/Java#53cript), which a byte search misses."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", *_PAGES, b"<< /S /Java#53cript /J#53 (app.alert(1)) >>"
    )


def pdf_with_image_bytes(data: bytes, after: bytes | None = None) -> bytes:
    """A one-page PDF drawing an 8x1 grey image whose (DCT-labelled) stream bytes are ``data``; ``after`` adds an object."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Length 22 >>\nstream\nq 8 0 0 1 0 0 cm /Im1 Do Q\nendstream",
    ]
    if after is not None:
        objects.append(after)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at))
    return out.getvalue()


def pdf_with_script_in_object_stream() -> bytes:
    """A PDF 1.5 whose JavaScript open action sits in a compressed object stream (no script name in its bytes)."""
    header = b"6 0 "
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    packed = zlib.compress(header + action)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
        *_PAGES,
        b"<< /Type /ObjStm /N 1 /First %d /Length %d /Filter /FlateDecode >>\nstream\n" % (len(header), len(packed))
        + packed
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref_at = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    rows += [b"\x01" + off.to_bytes(4, "big") + b"\x00\x00" for off in offsets]
    rows.append(b"\x02" + (5).to_bytes(4, "big") + b"\x00\x00")  # object 6: the first in object stream 5
    rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00")  # object 7: this cross-reference stream
    data = b"".join(rows)
    out.write(
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def pdf_with_untyped_attachment(name: bytes = b"payload.exe") -> bytes:
    """A PDF attaching a file whose stream has no /Type /EmbeddedFile (optional in the PDF standard)."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(%s) 5 0 R] >> >> >>" % name,
        *_PAGES,
        b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 6 0 R >> >>" % (name, name),
        b"<< /Length 9 >>\nstream\nMZ\x90\x00evil\nendstream",
    )


@functools.cache
def pdf_bomb() -> bytes:
    """A PDF whose content stream inflates a thousandfold (20 kB to 20 MB of zeros)."""
    return pdf_with(zlib.compress(b"\0" * 20_000_000, 9))


def pdf_with_javascript() -> bytes:
    """A PDF that opens with a JavaScript action."""
    return pdf_with(zlib.compress(b"BT ET"), b"5 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n")


def polyglot_pdf_zip() -> bytes:
    """Bytes that read as a PDF and, from the end, as a ZIP archive."""
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.sh", "#!/bin/sh\necho owned\n")
    return pdf_with(zlib.compress(b"BT ET")) + buf.getvalue()


def html_claiming_pdf() -> bytes:
    """An HTML page with script, as a client might upload it under application/pdf."""
    return b"<html><script>alert(1)</script></html>"


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol2;</ID></Invoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""


def printed_invoice(lines: list[str]) -> bytes:
    """A one-page text PDF (reportlab) printing the given lines."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i, text in enumerate(lines):
        c.drawString(72, 760 - 16 * i, text)
    c.save()
    return buf.getvalue()


def factur_x(
    xml: bytes,
    *,
    name: str = "factur-x.xml",
    relationship: str | None = "Data",
    others: tuple[tuple[str, bytes], ...] = (),
    printed: bytes | None = None,
    javascript: bool = False,
    compress: bool = True,
) -> bytes:
    """A Factur-X PDF built as producers do (``einvoice_samples.factur_x``: the XML attached with pypdf to a
    reportlab PDF, listed in /AF with its relationship); ``javascript`` adds an open action that runs a script."""
    import pypdf
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from clearway.documents.einvoice_samples import factur_x as build

    base = printed or printed_invoice(["FACTURE", "Verrerie du Rhone SAS"])
    body = build(base, xml, name=name, relationship=relationship, others=others, compress=compress)
    if not javascript:
        return body
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(body)))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zugferd_1_invoice(
    *, number: str = "ZF-2017-0815", seller: str = "Maschinenbau Kessler GmbH", root: str | None = None
) -> tuple[bytes, dict[str, object]]:
    """A small ZUGFeRD 1.0 (EXTENDED profile) invoice, as its 2014 specification lays it out, and its true fields.

    The seller's national tax number (FC) comes before its VAT number (VA); a text-only line item opens the lines;
    the second goods line is priced per 100 pieces (net 18.00, gross 20.00 less a discount). ``root`` replaces the
    root element's qualified name (prefix and namespace) for the refusal tests.
    """
    from decimal import Decimal

    root_open = root or 'rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"'
    root_close = (root or "rsm:CrossIndustryDocument").split()[0]
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{root_open}
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
<rsm:SpecifiedExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
<ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:extended</ram:ID>
</ram:GuidelineSpecifiedDocumentContextParameter></rsm:SpecifiedExchangedDocumentContext>
<rsm:HeaderExchangedDocument><ram:ID>{number}</ram:ID><ram:Name>RECHNUNG</ram:Name><ram:TypeCode>380</ram:TypeCode>
<ram:IssueDateTime><udt:DateTimeString format="102">20171123</udt:DateTimeString></ram:IssueDateTime>
<ram:IncludedNote><ram:Content>Lieferung gemäß Auftrag 4711</ram:Content></ram:IncludedNote>
</rsm:HeaderExchangedDocument>
<rsm:SpecifiedSupplyChainTradeTransaction>
<ram:ApplicableSupplyChainTradeAgreement>
<ram:SellerTradeParty><ram:Name>{seller}</ram:Name>
<ram:PostalTradeAddress><ram:PostcodeCode>70173</ram:PostcodeCode><ram:CityName>Stuttgart</ram:CityName>
<ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">143/201/50012</ram:ID></ram:SpecifiedTaxRegistration>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE811223344</ram:ID></ram:SpecifiedTaxRegistration>
</ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>Uhrenwerk Jura AG</ram:Name>
<ram:PostalTradeAddress><ram:CityName>Delémont</ram:CityName><ram:CountryID>CH</ram:CountryID></ram:PostalTradeAddress>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">CHE-123.456.789 MWST</ram:ID></ram:SpecifiedTaxRegistration>
</ram:BuyerTradeParty>
<ram:ApplicableTradeDeliveryTerms><ram:DeliveryTypeCode>FCA</ram:DeliveryTypeCode></ram:ApplicableTradeDeliveryTerms>
</ram:ApplicableSupplyChainTradeAgreement>
<ram:ApplicableSupplyChainTradeDelivery><ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>
<udt:DateTimeString format="102">20171120</udt:DateTimeString></ram:OccurrenceDateTime>
</ram:ActualDeliverySupplyChainEvent></ram:ApplicableSupplyChainTradeDelivery>
<ram:ApplicableSupplyChainTradeSettlement>
<ram:PaymentReference>{number}</ram:PaymentReference><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
<ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">323.00</ram:CalculatedAmount>
<ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount currencyID="EUR">1700.00</ram:BasisAmount>
<ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
<ram:SpecifiedTradeSettlementMonetarySummation>
<ram:LineTotalAmount currencyID="EUR">1700.00</ram:LineTotalAmount>
<ram:ChargeTotalAmount currencyID="EUR">0.00</ram:ChargeTotalAmount>
<ram:AllowanceTotalAmount currencyID="EUR">0.00</ram:AllowanceTotalAmount>
<ram:TaxBasisTotalAmount currencyID="EUR">1700.00</ram:TaxBasisTotalAmount>
<ram:TaxTotalAmount currencyID="EUR">323.00</ram:TaxTotalAmount>
<ram:GrandTotalAmount currencyID="EUR">2023.00</ram:GrandTotalAmount>
<ram:DuePayableAmount currencyID="EUR">2023.00</ram:DuePayableAmount>
</ram:SpecifiedTradeSettlementMonetarySummation>
</ram:ApplicableSupplyChainTradeSettlement>
<ram:IncludedSupplyChainTradeLineItem>
<ram:AssociatedDocumentLineDocument><ram:IncludedNote><ram:Content>Wir berechnen Ihnen:</ram:Content>
</ram:IncludedNote></ram:AssociatedDocumentLineDocument><ram:SpecifiedSupplyChainTradeSettlement/>
</ram:IncludedSupplyChainTradeLineItem>
<ram:IncludedSupplyChainTradeLineItem>
<ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
<ram:SpecifiedSupplyChainTradeAgreement>
<ram:GrossPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">312.5000</ram:ChargeAmount>
</ram:GrossPriceProductTradePrice>
<ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">312.5000</ram:ChargeAmount>
</ram:NetPriceProductTradePrice></ram:SpecifiedSupplyChainTradeAgreement>
<ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">4.0000</ram:BilledQuantity>
</ram:SpecifiedSupplyChainTradeDelivery>
<ram:SpecifiedSupplyChainTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode>
<ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
<ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">1250.00</ram:LineTotalAmount>
</ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>
<ram:SpecifiedTradeProduct><ram:SellerAssignedID>HP-40</ram:SellerAssignedID>
<ram:Name>Hydraulikpumpe HP-40</ram:Name>
<ram:OriginTradeCountry><ram:ID>DE</ram:ID></ram:OriginTradeCountry></ram:SpecifiedTradeProduct>
</ram:IncludedSupplyChainTradeLineItem>
<ram:IncludedSupplyChainTradeLineItem>
<ram:AssociatedDocumentLineDocument><ram:LineID>2</ram:LineID></ram:AssociatedDocumentLineDocument>
<ram:SpecifiedSupplyChainTradeAgreement>
<ram:GrossPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">20.0000</ram:ChargeAmount>
<ram:BasisQuantity unitCode="C62">100.0000</ram:BasisQuantity>
<ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
<ram:ActualAmount currencyID="EUR">2.0000</ram:ActualAmount><ram:Reason>Rabatt</ram:Reason>
</ram:AppliedTradeAllowanceCharge></ram:GrossPriceProductTradePrice>
<ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">18.0000</ram:ChargeAmount>
<ram:BasisQuantity unitCode="C62">100.0000</ram:BasisQuantity></ram:NetPriceProductTradePrice>
</ram:SpecifiedSupplyChainTradeAgreement>
<ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">2500.0000</ram:BilledQuantity>
</ram:SpecifiedSupplyChainTradeDelivery>
<ram:SpecifiedSupplyChainTradeSettlement>
<ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">450.00</ram:LineTotalAmount>
</ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>
<ram:SpecifiedTradeProduct><ram:Name>Dichtungsring 40 mm</ram:Name>
<ram:OriginTradeCountry><ram:ID>DE</ram:ID></ram:OriginTradeCountry></ram:SpecifiedTradeProduct>
</ram:IncludedSupplyChainTradeLineItem>
</rsm:SpecifiedSupplyChainTradeTransaction>
</{root_close}>"""
    truth: dict[str, object] = {
        "invoice_number": number,
        "date": "2017-11-23",
        "currency": "EUR",
        "seller": {"name": seller, "tax_id": {"scheme": "VAT", "id": "DE811223344"}, "country": "DE"},
        "buyer": {
            "name": "Uhrenwerk Jura AG",
            "tax_id": {"scheme": "VAT", "id": "CHE-123.456.789 MWST"},
            "country": "CH",
        },
        "net": Decimal("1700.00"),
        "tax": Decimal("323.00"),
        "total": Decimal("2023.00"),
        "incoterm": "FCA",
        "origin": {"country": "DE", "statement": "ram:OriginTradeCountry"},
        "lines": [
            ("Hydraulikpumpe HP-40", Decimal(4), "C62", Decimal("312.5"), Decimal("1250.00")),
            ("Dichtungsring 40 mm", Decimal(2500), "C62", Decimal("0.18"), Decimal("450.00")),
        ],
    }
    return xml.encode("utf-8"), truth
