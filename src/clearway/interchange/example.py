"""Writes a declaration document (the API's JSON form) as a WCO DM 3.6 DMS declaration, for demos and tests."""

from __future__ import annotations

from typing import Any

from lxml import etree

from clearway.interchange import wco

DEC = f"{{{wco.NS_DEC}}}"
MD = f"{{{wco.NS_METADATA}}}"


def _sub(parent: etree._Element, name: str, text: Any = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, DEC + name, attrs)
    if text is not None:
        el.text = str(text)
    return el


def _party(parent: etree._Element, name: str, party: dict[str, Any]) -> None:
    el = _sub(parent, name)
    _sub(el, "Name", party["name"])
    _sub(el, "ID", party["id"])
    address = _sub(el, "Address")
    _sub(address, "CountryCode", party["country"])
    if party.get("address"):
        _sub(address, "Line", party["address"])


def _document(parent: etree._Element, doc: dict[str, Any]) -> None:
    el = _sub(parent, "AdditionalDocument")
    _sub(el, "CategoryCode", doc["type"][:1])
    _sub(el, "ID", doc["reference"])
    _sub(el, "TypeCode", doc["type"][1:])


def _item(parent: etree._Element, item: dict[str, Any], documents: list[dict[str, Any]]) -> None:
    el = _sub(parent, "GovernmentAgencyGoodsItem")
    _sub(el, "SequenceNumeric", item["sequence"])
    for doc in documents:
        if doc.get("item_sequence") == item["sequence"]:
            _document(el, doc)
    commodity = _sub(el, "Commodity")
    _sub(commodity, "Description", item["description"])
    classification = _sub(commodity, "Classification")
    _sub(classification, "ID", item["commodity_code"])
    _sub(classification, "IdentificationTypeCode", "HS")
    if item.get("preference"):
        _sub(_sub(commodity, "DutyTaxFee"), "DutyRegimeCode", item["preference"])
    measure = _sub(commodity, "GoodsMeasure")
    _sub(measure, "GrossMassMeasure", item["gross_mass"])
    _sub(measure, "NetNetWeightMeasure", item["net_mass"])
    _sub(measure, "TariffQuantity", item["quantity"], unitCode=item["unit"])
    _sub(
        _sub(commodity, "InvoiceLine"), "ItemChargeAmount", item["invoice_amount"], currencyID=item["invoice_currency"]
    )
    _sub(_sub(el, "CustomsValuation"), "MethodCode", item["valuation_method"])
    procedure = _sub(el, "GovernmentProcedure")
    _sub(procedure, "CurrentCode", item["procedure_code"][:2])
    _sub(procedure, "PreviousCode", item["procedure_code"][2:])
    _sub(_sub(el, "Origin"), "CountryCode", item["origin_country"])
    packages = item["packages"]
    packaging = _sub(el, "Packaging")
    _sub(packaging, "SequenceNumeric", 1)
    if packages.get("marks"):
        _sub(packaging, "MarksNumbersID", packages["marks"])
    _sub(packaging, "QuantityQuantity", packages["count"])
    _sub(packaging, "TypeCode", packages["kind"])


def declaration_xml(doc: dict[str, Any]) -> bytes:
    """Returns the declaration as a WCO DM 3.6 MetaData/Declaration document (UTF-8)."""
    root = etree.Element(MD + "MetaData", nsmap={"md": wco.NS_METADATA, None: wco.NS_DEC})
    for name, value in (("WCODataModelVersionCode", "3.6"), ("WCOTypeName", "DEC")):
        etree.SubElement(root, MD + name).text = value
    decl = _sub(root, "Declaration")
    _sub(decl, "FunctionCode", 9)
    _sub(decl, "FunctionalReferenceID", doc["lrn"])
    _sub(decl, "TypeCode", doc["type"] + doc["additional_type"])
    if doc.get("total_items") is not None:
        _sub(decl, "GoodsItemQuantity", doc["total_items"])
    _sub(decl, "DeclarationOfficeID", doc["office"])
    invoice = doc["invoice"]
    _sub(decl, "InvoiceAmount", invoice["total_amount"], currencyID=invoice["currency"])
    if doc.get("total_packages") is not None:
        _sub(decl, "TotalPackageQuantity", doc["total_packages"])
    documents = doc.get("documents", [])
    for d in documents:
        if d.get("item_sequence") is None:
            _document(decl, d)
    rep = doc.get("representative")
    if rep:
        agent = _sub(decl, "Agent")
        _sub(agent, "Name", rep["name"])
        _sub(agent, "ID", rep["id"])
        _sub(agent, "FunctionCode", "2" if rep["representation"] == "direct" else "3")
        _sub(_sub(agent, "Address"), "CountryCode", rep["country"])
    c = doc["consignment"]
    border = _sub(decl, "BorderTransportMeans")
    _sub(border, "RegistrationNationalityCode", c["means_nationality"])
    _sub(border, "ModeCode", c["transport_mode"])
    _party(decl, "Declarant", doc["declarant"])
    _party(decl, "Exporter", doc["exporter"])
    gs = _sub(decl, "GoodsShipment")
    consignment = _sub(gs, "Consignment")
    _sub(_sub(consignment, "ArrivalTransportMeans"), "ID", c["means_id"])
    location = _sub(consignment, "GoodsLocation")
    _sub(location, "ID", c["discharge_place"])
    _sub(_sub(consignment, "LoadingLocation"), "ID", c["loading_place"])
    if invoice.get("freight") is not None or invoice.get("insurance") is not None:
        valuation = _sub(gs, "CustomsValuation")
        if invoice.get("freight") is not None:
            _sub(valuation, "FreightChargeAmount", invoice["freight"], currencyID=invoice["currency"])
        if invoice.get("insurance") is not None:
            charge = _sub(valuation, "ChargeDeduction")
            _sub(charge, "ChargesTypeCode", "AK")
            _sub(charge, "OtherChargeDeductionAmount", invoice["insurance"], currencyID=invoice["currency"])
    for item in doc["goods_items"]:
        _item(gs, item, documents)
    _party(gs, "Importer", doc["importer"])
    if invoice.get("number"):
        _sub(_sub(gs, "Invoice"), "ID", invoice["number"])
    _sub(_sub(gs, "TradeTerms"), "ConditionCode", invoice["incoterm"])
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data
