"""WCO DM XML is read safely and mapped onto the same declaration a JSON client would lodge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clearway.core.issues import ValidationFailed
from clearway.declarations import codec
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.interchange import example, mapping, responses, wco, xmlsafe

TODAY = date(2026, 11, 28)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Declaration><FunctionalReferenceID>&lol3;</FunctionalReferenceID></Declaration>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Declaration><FunctionalReferenceID>&xxe;</FunctionalReferenceID></Declaration>"""


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(i.code, i.pointer) for i in exc.value.issues}


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, BILLION_LAUGHS.decode().encode("utf-16")])
def test_entity_declarations_are_refused_before_parsing(body: bytes) -> None:
    with pytest.raises(ValidationFailed) as exc:
        xmlsafe.parse(body)
    assert ("XML_UNSAFE", "/") in _codes(exc)


def test_malformed_empty_and_oversized_documents_are_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        xmlsafe.parse(b"<Declaration><ID>1</Declaration>")
    assert exc.value.issues[0].code == "XML_MALFORMED"
    assert "line 1" in exc.value.issues[0].message
    with pytest.raises(ValidationFailed) as exc:
        xmlsafe.parse(b"  ")
    assert exc.value.issues[0].code == "BODY_EMPTY"
    with pytest.raises(ValidationFailed) as exc:
        xmlsafe.parse(b"<a>" + b"x" * 200 + b"</a>", max_bytes=100)
    assert exc.value.issues[0].code == "XML_TOO_LARGE"
    with pytest.raises(ValidationFailed) as exc:
        xmlsafe.parse(b"<a>" * 60 + b"</a>" * 60)
    assert exc.value.issues[0].code == "XML_UNSAFE"


def test_the_example_declaration_round_trips_through_wco_xml() -> None:
    doc = example_declaration("WCO-RT-1")
    data, sources = mapping.parse(example.declaration_xml(doc), today=TODAY)
    expected = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    assert data == expected  # extensions are not compared
    kept = data.extensions[mapping.EXTENSION_KEY]
    assert kept["xml"].startswith("<?xml") and "WCO-RT-1" in kept["xml"]
    assert kept["derived"]["/consignment/arrival_date"].startswith("not in the DMS message")
    assert sources["/goods_items/1/commodity_code"] == (
        "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Commodity/Classification/ID"
    )


def test_missing_and_wrong_values_are_reported_at_their_xml_paths() -> None:
    doc = example_declaration("WCO-BAD-1")
    body = example.declaration_xml(doc)
    body = body.replace(b"<Description>Portable laptop", b"<Descr>Portable laptop").replace(
        b"16 GB RAM</Description>", b"16 GB RAM</Descr>"
    )
    body = body.replace(b"<GrossMassMeasure>90.000</GrossMassMeasure>", b"<GrossMassMeasure>ninety</GrossMassMeasure>")
    with pytest.raises(ValidationFailed) as exc:
        mapping.parse(body, today=TODAY)
    found = _codes(exc)
    item = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"
    assert ("REQUIRED", f"{item}[2]/Commodity/Description") in found
    assert ("XML_VALUE", f"{item}[1]/Commodity/GoodsMeasure/GrossMassMeasure") in found


def test_messages_other_than_original_declarations_are_rejected_with_pointers() -> None:
    body = example.declaration_xml(example_declaration()).replace(b"<FunctionCode>9<", b"<FunctionCode>13<")
    with pytest.raises(ValidationFailed) as exc:
        mapping.parse(body, today=TODAY)
    assert ("FUNCTION_CODE", "/Declaration/FunctionCode") in _codes(exc)
    notification = responses.document([], country="PE")
    with pytest.raises(ValidationFailed) as exc:
        mapping.parse(notification, today=TODAY)
    assert ("NOT_A_DECLARATION", "/MetaData/WCOTypeName") in _codes(exc)
    with pytest.raises(ValidationFailed) as exc:
        mapping.parse(b"<Invoice/>", today=TODAY)
    assert ("NOT_A_DECLARATION", "/Invoice") in _codes(exc)


def test_uk_style_messages_derive_office_places_and_party_countries() -> None:
    body = b"""<MetaData xmlns="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2">
    <WCOTypeName>DEC</WCOTypeName>
    <Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionCode>9</FunctionCode>
    <FunctionalReferenceID>UK-1</FunctionalReferenceID><TypeCode>IMA</TypeCode>
    <Agent><FunctionCode>2</FunctionCode></Agent>
    <BorderTransportMeans><RegistrationNationalityCode>US</RegistrationNationalityCode><ModeCode>1</ModeCode>
    </BorderTransportMeans>
    <Declarant><ID>XI603202734852</ID></Declarant>
    <Exporter><Name>US Clipper Inc.</Name><Address><CountryCode>US</CountryCode></Address></Exporter>
    <GoodsShipment><Consignment><ArrivalTransportMeans><ID>12345</ID></ArrivalTransportMeans>
    <GoodsLocation><Name>WLALONBTW</Name><Address><CountryCode>GB</CountryCode></Address></GoodsLocation>
    </Consignment><ExportCountry><ID>US</ID></ExportCountry>
    <GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric>
    <Commodity><Description>Parts for electric shavers</Description>
    <Classification><ID>85109000</ID><IdentificationTypeCode>TSP</IdentificationTypeCode></Classification>
    <Classification><ID>00</ID><IdentificationTypeCode>TRC</IdentificationTypeCode></Classification>
    <DutyTaxFee><DutyRegimeCode>300</DutyRegimeCode></DutyTaxFee>
    <GoodsMeasure><GrossMassMeasure>150</GrossMassMeasure><NetNetWeightMeasure>100</NetNetWeightMeasure></GoodsMeasure>
    <InvoiceLine><ItemChargeAmount currencyID="GBP">1000</ItemChargeAmount></InvoiceLine></Commodity>
    <CustomsValuation><MethodCode>1</MethodCode></CustomsValuation>
    <GovernmentProcedure><CurrentCode>40</CurrentCode><PreviousCode>00</PreviousCode></GovernmentProcedure>
    <GovernmentProcedure><CurrentCode>000</CurrentCode></GovernmentProcedure>
    <Origin><CountryCode>US</CountryCode></Origin>
    <Packaging><QuantityQuantity>50</QuantityQuantity><TypeCode>BX</TypeCode></Packaging>
    </GovernmentAgencyGoodsItem>
    <Importer><ID>GB553202734852</ID></Importer>
    <TradeTerms><ConditionCode>CIF</ConditionCode><LocationID>GBWLA</LocationID></TradeTerms>
    </GoodsShipment></Declaration></MetaData>"""
    data, _ = mapping.parse(body, today=TODAY)
    assert data.office == "GBWLA"
    assert data.consignment.discharge_place == "GBWLA"
    assert data.consignment.loading_place == "USZZZ"
    assert data.declarant.country == "GB" and data.declarant.name == "XI603202734852"
    assert data.exporter.id == "US Clipper Inc."
    assert data.representative is not None and data.representative.representation == "direct"
    item = data.goods_items[0]
    assert item.commodity_code == "8510900000"
    assert item.procedure_code == "4000"
    assert item.preference == "300"
    assert (item.quantity, item.unit) == (Decimal("100"), "KGM")
    assert data.invoice.total_amount == Decimal("1000") and data.invoice.currency == "GBP"


def test_pointer_steps_name_wco_classes_and_tags() -> None:
    steps = wco.pointer_steps("/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Commodity/Classification/ID")
    assert [(s.section, s.sequence, s.tag) for s in steps] == [
        ("42A", None, None),
        ("67A", None, None),
        ("68A", 2, None),
        ("23A", None, None),
        ("21A", None, "145"),
    ]
    assert wco.pointer_steps("/MetaData/WCOTypeName") == []


def test_validation_codes_fit_the_wco_field() -> None:
    assert wco.validation_code("CODE_HS_UNKNOWN") == "CW00111"
    long_unknown = wco.validation_code("SOMETHING_NEW_AND_LONG")
    assert len(long_unknown) == 8 and long_unknown == wco.validation_code("SOMETHING_NEW_AND_LONG")


def test_tax_lines_read_the_tariff_assessment() -> None:
    assessment = {
        "currency": "PEN",
        "items": [
            {
                "sequence": 1,
                "levies": [
                    {"code": "DUTY", "kind": "duty", "base": "1000.00", "rate": "6", "amount": "60.00"},
                    {"code": "IGV", "kind": "vat", "base": "1060.00", "rate": "16", "amount": "169.60"},
                ],
            }
        ],
        "declaration_levies": [],
        "total": "229.60",
    }
    lines, total = responses.tax_lines(assessment)
    assert [(t.type_code, t.amount) for t in lines[1]] == [("A00", Decimal("60.00")), ("IGV", Decimal("169.60"))]
    assert total == (Decimal("229.60"), "PEN")
    assert responses.tax_lines({"currency": "PEN", "items": []}) == ({}, None)
