"""Small structured e-invoices (UBL 2.1, CII D16B, CFDI 4.0, NF-e 4.0) written for tests, the demo and the benchmark."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from clearway.documents.generator_data import CENT, PRODUCTS


def _lines(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for names, unit, (lo, hi), _kg in rng.sample(PRODUCTS, n):
        qty = Decimal(rng.randint(1, 50))
        price = Decimal(rng.uniform(lo, hi)).quantize(CENT)
        out.append(
            {
                "description": names["es"],
                "quantity": qty,
                "unit": unit,
                "unit_price": price,
                "amount": (qty * price).quantize(CENT),
            }
        )
    return out


def ubl_invoice(seed: int, *, currency: str = "USD") -> tuple[bytes, dict[str, Any]]:
    """A UBL 2.1 invoice (as Peru's and Colombia's e-invoicing use) and its true fields."""
    rng = random.Random(f"ubl:{seed}")
    lines = _lines(rng, rng.randint(1, 4))
    net = sum((ln["amount"] for ln in lines), Decimal(0))
    tax = (net * Decimal("0.18")).quantize(CENT)
    number = f"F001-{rng.randint(1, 99999):08d}"
    day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    items = "".join(
        f"<cac:InvoiceLine><cbc:ID>{i}</cbc:ID>"
        f'<cbc:InvoicedQuantity unitCode="{ln["unit"]}">{ln["quantity"]}</cbc:InvoicedQuantity>'
        f'<cbc:LineExtensionAmount currencyID="{currency}">{ln["amount"]}</cbc:LineExtensionAmount>'
        f"<cac:Item><cbc:Name>{escape(ln['description'])}</cbc:Name>"
        f"<cac:OriginCountry><cbc:IdentificationCode>CN</cbc:IdentificationCode></cac:OriginCountry></cac:Item>"
        f'<cac:Price><cbc:PriceAmount currencyID="{currency}">{ln["unit_price"]}</cbc:PriceAmount></cac:Price>'
        f"</cac:InvoiceLine>"
        for i, ln in enumerate(lines, start=1)
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:ID>{number}</cbc:ID><cbc:IssueDate>{day}</cbc:IssueDate>
<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
<cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Shenzhen Bright Electronics Co. Ltd</cbc:Name>
</cac:PartyName><cac:PostalAddress><cac:Country><cbc:IdentificationCode>CN</cbc:IdentificationCode></cac:Country>
</cac:PostalAddress></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID>20512345671</cbc:CompanyID>
</cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>Importaciones Pacífico SAC</cbc:RegistrationName>
</cac:PartyLegalEntity><cac:PostalAddress><cac:Country><cbc:IdentificationCode>PE</cbc:IdentificationCode>
</cac:Country></cac:PostalAddress></cac:Party></cac:AccountingCustomerParty>
<cac:Delivery><cac:DeliveryTerms><cbc:ID>FOB</cbc:ID></cac:DeliveryTerms></cac:Delivery>
<cac:TaxTotal><cbc:TaxAmount currencyID="{currency}">{tax}</cbc:TaxAmount></cac:TaxTotal>
<cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="{currency}">{net}</cbc:TaxExclusiveAmount>
<cbc:PayableAmount currencyID="{currency}">{net + tax}</cbc:PayableAmount></cac:LegalMonetaryTotal>
{items}
</Invoice>"""
    truth = {
        "invoice_number": number,
        "date": day,
        "currency": currency,
        "total": net + tax,
        "net": net,
        "tax": tax,
        "seller": "Shenzhen Bright Electronics Co. Ltd",
        "buyer": "Importaciones Pacífico SAC",
        "incoterm": "FOB",
        "origin": "CN",
        "lines": lines,
    }
    return xml.encode("utf-8"), truth


def cfdi_invoice() -> bytes:
    """A CFDI 4.0 invoice with one concept (no seal: the platform reads it, SAT validates it)."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="A" Folio="1234"
 Fecha="2026-05-04T10:00:00" SubTotal="1000.00" Total="1160.00" Moneda="MXN" TipoDeComprobante="I">
 <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
 <cfdi:Receptor Rfc="XEXX010101000" Nombre="IMPORTACIONES PACIFICO SAC" UsoCFDI="S01"/>
 <cfdi:Conceptos>
  <cfdi:Concepto ClaveProdServ="43211503" Cantidad="2" ClaveUnidad="H87" Descripcion="Computadora portatil"
   ValorUnitario="500.00" Importe="1000.00"/>
 </cfdi:Conceptos>
 <cfdi:Impuestos TotalImpuestosTrasladados="160.00"/>
</cfdi:Comprobante>"""


def nfe_invoice() -> bytes:
    """An NF-e 4.0 (the signed wrapper is omitted) with one product."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><NFe><infNFe Id="NFe1" versao="4.00">
<ide><nNF>4521</nNF><dhEmi>2026-06-10T09:30:00-03:00</dhEmi></ide>
<emit><CNPJ>11222333000181</CNPJ><xNome>Comercial Paulista Ltda</xNome></emit>
<dest><idEstrangeiro>20512345671</idEstrangeiro><xNome>Importaciones Pacifico SAC</xNome></dest>
<det nItem="1"><prod><xProd>Cafe verde em grao</xProd><qCom>1000.0000</qCom><uCom>KG</uCom>
<vUnCom>4.5000</vUnCom><vProd>4500.00</vProd></prod></det>
<total><ICMSTot><vProd>4500.00</vProd><vNF>4500.00</vNF></ICMSTot></total>
<transp><vol><pesoL>1000.000</pesoL><pesoB>1030.000</pesoB></vol></transp>
</infNFe></NFe></nfeProc>"""


def cii_invoice(
    seed: int,
    *,
    currency: str = "EUR",
    number: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    seller: tuple[str, str, str | None] = ("Verrerie du Rhône SAS", "FR", "FR32123456789"),
    buyer: tuple[str, str] = ("Importaciones Pacífico SAC", "PE"),
    incoterm: str = "CIF",
    origin: str = "CN",
    tax_rate: Decimal = Decimal("0.20"),
) -> tuple[bytes, dict[str, Any]]:
    """A UN/CEFACT CII D16B invoice (the XML of Factur-X EN 16931, ZUGFeRD 2.x, XRechnung) and its true fields.

    The first line is priced per 100 units (``BasisQuantity``); the tax total is also given in the seller's
    accounting currency, as CII allows, so that a reader must pick the invoice currency's. ``lines`` (description,
    quantity, unit, unit_price, amount, optionally origin), the parties (seller: name, country, VAT number or None),
    the incoterm and the origin replace the generated ones, as the demo does to invoice a declaration's goods.
    """
    rng = random.Random(f"cii:{seed}")
    if lines is None:
        lines = _lines(rng, rng.randint(2, 4))
        first = lines[0]
        first["quantity"] = first["quantity"] * 100
        first["amount"] = (first["quantity"] * first["unit_price"]).quantize(CENT)
    net = sum((ln["amount"] for ln in lines), Decimal(0))
    tax = (net * tax_rate).quantize(CENT)
    number = number or f"FA-{rng.randint(2026000, 2026999)}"
    day = f"2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seller_name, seller_country, seller_vat = seller
    registrations = (
        '<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">12345678901</ram:ID></ram:SpecifiedTaxRegistration>\n'
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{escape(seller_vat)}</ram:ID>'
        "</ram:SpecifiedTaxRegistration>\n"
        if seller_vat
        else ""
    )
    items = "".join(
        "<ram:IncludedSupplyChainTradeLineItem>"
        f"<ram:AssociatedDocumentLineDocument><ram:LineID>{i}</ram:LineID></ram:AssociatedDocumentLineDocument>"
        f"<ram:SpecifiedTradeProduct><ram:Name>{escape(ln['description'])}</ram:Name>"
        f"<ram:OriginTradeCountry><ram:ID>{ln.get('origin', origin)}</ram:ID></ram:OriginTradeCountry>"
        "</ram:SpecifiedTradeProduct>"
        "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
        f"<ram:ChargeAmount>{ln['unit_price'] * (100 if i == 1 else 1)}</ram:ChargeAmount>"
        + (f'<ram:BasisQuantity unitCode="{ln["unit"]}">100</ram:BasisQuantity>' if i == 1 else "")
        + "</ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
        f'<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="{ln["unit"]}">{ln["quantity"]}'
        "</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>"
        "<ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{ln['amount']}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
        for i, ln in enumerate(lines, start=1)
    )
    other = "USD" if currency != "USD" else "EUR"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
<ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
</rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
<ram:IssueDateTime><udt:DateTimeString format="102">{day}</udt:DateTimeString></ram:IssueDateTime>
</rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
{items}
<ram:ApplicableHeaderTradeAgreement>
<ram:SellerTradeParty><ram:Name>{escape(seller_name)}</ram:Name>
<ram:PostalTradeAddress><ram:CountryID>{seller_country}</ram:CountryID></ram:PostalTradeAddress>
{registrations}</ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>{escape(buyer[0])}</ram:Name>
<ram:PostalTradeAddress><ram:CountryID>{buyer[1]}</ram:CountryID></ram:PostalTradeAddress></ram:BuyerTradeParty>
<ram:ApplicableTradeDeliveryTerms><ram:DeliveryTypeCode>{incoterm}</ram:DeliveryTypeCode></ram:ApplicableTradeDeliveryTerms>
</ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeDelivery/>
<ram:ApplicableHeaderTradeSettlement>
<ram:InvoiceCurrencyCode>{currency}</ram:InvoiceCurrencyCode>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation>
<ram:LineTotalAmount>{net}</ram:LineTotalAmount>
<ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount>
<ram:TaxTotalAmount currencyID="{other}">{(tax * Decimal("1.1")).quantize(CENT)}</ram:TaxTotalAmount>
<ram:TaxTotalAmount currencyID="{currency}">{tax}</ram:TaxTotalAmount>
<ram:GrandTotalAmount>{net + tax}</ram:GrandTotalAmount>
<ram:DuePayableAmount>{net + tax}</ram:DuePayableAmount>
</ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement>
</rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""
    truth = {
        "invoice_number": number,
        "date": f"{day[:4]}-{day[4:6]}-{day[6:]}",
        "currency": currency,
        "total": net + tax,
        "net": net,
        "tax": tax,
        "seller": seller_name,
        "seller_vat": seller_vat,
        "buyer": buyer[0],
        "incoterm": incoterm,
        "origin": origin,
        "lines": lines,
    }
    return xml.encode("utf-8"), truth


def factur_x(
    printed: bytes,
    xml: bytes,
    *,
    name: str = "factur-x.xml",
    relationship: str | None = "Data",
    others: tuple[tuple[str, bytes], ...] = (),
    compress: bool = True,
) -> bytes:
    """A Factur-X / ZUGFeRD PDF built as producers do: the invoice XML attached with pypdf to a printed PDF, listed
    in the catalogue's /AF with its relationship (Data, Alternative...); ``others`` are further attachments."""
    import io
    import zlib

    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(printed)))
    af = ArrayObject()
    for attached_name, data in ((name, xml), *others):
        spec = writer.add_attachment(attached_name, data)
        ref = spec.pdf_object.indirect_reference
        obj = ref.get_object() if ref is not None else spec.pdf_object
        assert isinstance(obj, DictionaryObject)
        if relationship is not None:
            obj[NameObject("/AFRelationship")] = NameObject(f"/{relationship}")
        ef = obj["/EF"]
        assert isinstance(ef, DictionaryObject)
        stream = ef["/F"].get_object()
        assert isinstance(stream, StreamObject)
        subtype = "/text/xml" if attached_name.endswith(".xml") else "/application/octet-stream"
        stream[NameObject("/Subtype")] = NameObject(subtype)
        if compress:
            stream._data = zlib.compress(stream._data)
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        af.append(ref if ref is not None else obj)
    writer._root_object[NameObject("/AF")] = af
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
