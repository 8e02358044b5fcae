"""Maps a WCO DM 3.6 (DMS) import declaration onto Clearway's declaration, keeping what it does not use."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from lxml import etree

from clearway.core import codes
from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import messages, validation
from clearway.declarations.model import DeclarationData
from clearway.declarations.requirements import Matrix, Requirements, shipped
from clearway.interchange import wco, xmlsafe
from clearway.interchange.items import read_documents, read_items
from clearway.interchange.xmlnode import Node, Reading

EXTENSION_KEY = "wco_dm"
_REPRESENTATION = {"2": "direct", "3": "indirect"}
# DE 4/9 additions and deductions: AK is insurance costs (an addition to the price).
INSURANCE_CHARGE = "AK"


def find_declaration(root: etree._Element) -> Node:
    """Finds the Declaration in a bare document, a MetaData envelope or a submission wrapper."""
    name = xmlsafe.local(root)
    if name == "Declaration":
        return Node(root, "/Declaration")
    envelope = root if name == "MetaData" else next(iter(root.iter(f"{{{wco.NS_METADATA}}}MetaData")), None)
    if envelope is not None:
        meta = Node(envelope, "/MetaData")
        type_name = meta.text("WCOTypeName")
        if type_name is not None and type_name != "DEC":
            raise ValidationFailed(
                [
                    Issue(
                        "NOT_A_DECLARATION",
                        f"this is a WCO {type_name} message, not a declaration (DEC); lodge a declaration",
                        "/MetaData/WCOTypeName",
                    )
                ]
            )
        decl = meta.one("Declaration")
        if decl is not None:
            return Node(decl.el, "/Declaration")
    raise ValidationFailed(
        [
            Issue(
                "NOT_A_DECLARATION",
                f"<{name}> is not a WCO DM declaration: send MetaData/Declaration (WCO DM 3.6 DEC)",
                f"/{name}",
            )
        ]
    )


# EORI prefixes that are not ISO 3166 codes: XI is Northern Ireland (United Kingdom).
_EORI_COUNTRY = {"XI": "GB"}


def _country_of(identifier: str | None) -> str | None:
    """Returns the country an EORI-style identifier starts with (GB553202734852 → GB, XI… → GB)."""
    if identifier and len(identifier) > 2:
        prefix = identifier[:2].upper()
        prefix = _EORI_COUNTRY.get(prefix, prefix)
        if codes.is_country(prefix):
            return prefix
    return None


def _party(r: Reading, node: Node | None, path: str, ptr: str, what: str) -> dict[str, Any] | None:
    """Reads a party (ID, Name, Address); name and country are derived from the ID when absent."""
    ident = node.text("ID") if node else None
    name = node.text("Name") if node else None
    country = node.text("Address/CountryCode") if node else None
    line = node.text("Address/Line") if node else None
    city = node.text("Address/CityName") if node else None
    if node is None or (ident is None and name is None):
        for field in ("id", "name", "country"):
            r.source(f"/{ptr}/{field}", path + "/ID")
        r.source(f"/{ptr}", path + "/ID")
        return None  # whether the party is required is the category's business
    r.source(f"/{ptr}/id", path + "/ID")
    if ident is None:
        ident = (name or "")[:40]
        r.derive(f"/{ptr}/id", path + "/Name", "no recognised ID declared: the name identifies the party")
    r.source(f"/{ptr}/name", path + "/Name")
    if name is None:
        name = ident
        r.derive(f"/{ptr}/name", path + "/ID", "no name declared: the registered identifier stands for it")
    r.source(f"/{ptr}/country", path + "/Address/CountryCode")
    if country is None:
        country = _country_of(ident)
        r.derive(f"/{ptr}/country", path + "/ID", "country taken from the identifier's prefix")
        if country is None:
            r.source(f"/{ptr}/country", path + "/Address/CountryCode")
            r.issues.append(Issue("REQUIRED", f"the {what}'s country is required", path + "/Address/CountryCode"))
    address = ", ".join(p for p in (line, city) if p) or None
    return {"id": ident, "name": name, "country": country, "address": address[:250] if address else None}


def _locode_from_location(node: Node | None) -> str | None:
    """Derives a UN/LOCODE from a UK-style goods location code (WLALONBTW in GB → GBWLA)."""
    if node is None:
        return None
    name, country = node.text("Name"), node.text("Address/CountryCode")
    if name and country and codes.is_locode(f"{country}{name[:3]}".upper()):
        return f"{country}{name[:3]}".upper()
    return None


def _office(r: Reading, decl: Node, location: Node | None, trade_place: str | None) -> str | None:
    """Finds the customs office as a UN/LOCODE-style code from the offices or, failing them, the goods location."""
    for path in ("DeclarationOfficeID", "SupervisingOffice/ID", "PresentationOffice/ID"):
        value = decl.text(path)
        if value and codes.is_locode(value[:5].upper()):
            if len(value) > 5:
                r.derive("/office", decl.at(path), f"office {value}: its UN/LOCODE part")
            else:
                r.source("/office", decl.at(path))
            return value[:5].upper()
    derived = _locode_from_location(location)
    if derived is not None and location is not None:
        r.derive("/office", location.at("Name"), "no office declared: the office at the goods location")
        return derived
    if trade_place and codes.is_locode(trade_place):
        r.derive("/office", decl.at("GoodsShipment/TradeTerms/LocationID"), "the office at the named delivery place")
        return trade_place
    r.source("/office", decl.at("SupervisingOffice/ID"))
    return None


def _consignment(r: Reading, decl: Node, gs: Node, today: date, exporter_country: str | None) -> dict[str, Any]:
    """Reads transport mode and means, places of loading and discharge; arrival is the lodgement date."""
    cons = gs.one("Consignment")
    border = decl.one("BorderTransportMeans")
    arrival = cons.one("ArrivalTransportMeans") if cons else None
    doc: dict[str, Any] = {}
    mode_raw = border.text("ModeCode") if border else None
    r.source("/consignment/transport_mode", decl.at("BorderTransportMeans/ModeCode"))
    if mode_raw is None and arrival is not None:
        mode_raw = arrival.text("ModeCode")
        r.source("/consignment/transport_mode", arrival.at("ModeCode"))
    doc["transport_mode"] = r.integer(mode_raw, decl.at("BorderTransportMeans/ModeCode"), "ModeCode")
    if mode_raw is None:
        r.issues.append(
            Issue(
                "REQUIRED", "the mode of transport at the border is required", decl.at("BorderTransportMeans/ModeCode")
            )
        )
    means = arrival.text("ID") if arrival else None
    r.source("/consignment/means_id", gs.at("Consignment/ArrivalTransportMeans/ID"))
    if means is None and border is not None and border.text("ID"):
        means = border.text("ID")
        r.source("/consignment/means_id", border.at("ID"))
    if means is None and cons is not None and cons.text("TransportEquipment/ID"):
        means = cons.text("TransportEquipment/ID")
        r.derive("/consignment/means_id", cons.at("TransportEquipment/ID"), "no means declared: the container number")
    if means is None:
        r.issues.append(
            Issue(
                "REQUIRED",
                "the identity of the means of transport on arrival is required",
                gs.at("Consignment/ArrivalTransportMeans/ID"),
            )
        )
    doc["means_id"] = means
    nationality = border.text("RegistrationNationalityCode") if border else None
    r.source("/consignment/means_nationality", decl.at("BorderTransportMeans/RegistrationNationalityCode"))
    if nationality is None:
        r.issues.append(
            Issue(
                "REQUIRED",
                "the nationality of the active means of transport is required",
                decl.at("BorderTransportMeans/RegistrationNationalityCode"),
            )
        )
    doc["means_nationality"] = nationality
    loading = cons.text("LoadingLocation/ID") if cons else None
    r.source("/consignment/loading_place", gs.at("Consignment/LoadingLocation/ID"))
    if loading is None:
        dispatch = gs.text("ExportCountry/ID")
        if dispatch:
            loading = f"{dispatch.upper()}ZZZ"
            r.derive(
                "/consignment/loading_place",
                gs.at("ExportCountry/ID"),
                "no loading place declared: country of dispatch + ZZZ",
            )
        elif exporter_country:
            loading = f"{exporter_country.upper()}ZZZ"
            r.derive(
                "/consignment/loading_place",
                gs.at("ExportCountry/ID"),
                "no loading place nor country of dispatch declared: the exporter's country + ZZZ",
            )
        else:
            r.source("/consignment/loading_place", gs.at("ExportCountry/ID"))
            r.issues.append(
                Issue(
                    "REQUIRED", "the place of loading or the country of dispatch is required", gs.at("ExportCountry/ID")
                )
            )
    doc["loading_place"] = loading
    location = cons.one("GoodsLocation") if cons else None
    discharge = location.text("ID") if location else None
    r.source("/consignment/discharge_place", gs.at("Consignment/GoodsLocation/ID"))
    if discharge is None or not codes.is_locode(discharge.upper()):
        discharge = _locode_from_location(location)
        r.derive(
            "/consignment/discharge_place", gs.at("Consignment/GoodsLocation/Name"), "the port of the goods location"
        )
    if discharge is None:
        discharge = gs.text("TradeTerms/LocationID")
        r.derive("/consignment/discharge_place", gs.at("TradeTerms/LocationID"), "the named place of delivery")
    if discharge is None:
        r.issues.append(
            Issue(
                "REQUIRED", "a goods location (or delivery place) is required", gs.at("Consignment/GoodsLocation/Name")
            )
        )
    doc["discharge_place"] = discharge
    doc["arrival_date"] = today
    r.derive(
        "/consignment/arrival_date", decl.at("FunctionalReferenceID"), "not in the DMS message: the lodgement date"
    )
    return doc


def read(body: bytes, *, today: date) -> tuple[dict[str, Any], Reading, Node]:
    """Reads a WCO DM declaration into the API's declaration document, with the XML source of each field."""
    decl = find_declaration(xmlsafe.parse(body))
    r = Reading()
    function = decl.text("FunctionCode")
    if function not in {None, "9"}:
        raise ValidationFailed(
            [
                Issue(
                    "FUNCTION_CODE",
                    f"FunctionCode {function} (amendment, cancellation or request) refers to a declaration already "
                    "lodged; this lodges original declarations (FunctionCode 9) — send amendments (COR) and "
                    "cancellation requests (INV) to POST /api/v1/interchange/amendments",
                    "/Declaration/FunctionCode",
                )
            ]
        )
    gs = decl.one("GoodsShipment") or Node(etree.Element("GoodsShipment"), decl.at("GoodsShipment"))
    doc: dict[str, Any] = {}
    type_code = r.require(decl, "TypeCode", "/type", "the declaration type (TypeCode, e.g. IMA)") or ""
    doc["type"], doc["additional_type"] = type_code[:2] or None, type_code[2:3] or None
    r.source("/additional_type", decl.at("TypeCode"))
    doc["lrn"] = r.require(decl, "FunctionalReferenceID", "/lrn", "the LRN (FunctionalReferenceID)")
    location = gs.one("Consignment/GoodsLocation")
    doc["office"] = _office(r, decl, location, gs.text("TradeTerms/LocationID"))
    doc["declarant"] = _party(r, decl.one("Declarant"), decl.at("Declarant"), "declarant", "declarant")
    doc["importer"] = _party(r, gs.one("Importer"), gs.at("Importer"), "importer", "importer")
    exporter = decl.one("Exporter") or gs.one("Consignor")
    exporter_path = exporter.path if exporter else decl.at("Exporter")
    doc["exporter"] = _party(r, exporter, exporter_path, "exporter", "exporter")
    agent = decl.one("Agent")
    if agent is not None and agent.text("FunctionCode") in _REPRESENTATION:
        declarant = doc["declarant"] or {"id": None, "name": None, "country": None}
        doc["representative"] = {
            "id": agent.text("ID") or declarant["id"],
            "name": agent.text("Name") or declarant["name"],
            "country": agent.text("Address/CountryCode") or _country_of(agent.text("ID")) or declarant["country"],
            "representation": _REPRESENTATION[agent.text("FunctionCode") or ""],
        }
        r.source("/representative/representation", agent.at("FunctionCode"))
        for field in ("id", "name", "country"):
            r.source(f"/representative/{field}", agent.at("ID") if agent.text("ID") else decl.at("Declarant/ID"))
    doc["consignment"] = _consignment(r, decl, gs, today, (doc["exporter"] or {}).get("country"))
    documents: list[dict[str, Any]] = []
    index = read_documents(r, decl.all("AdditionalDocument"), None, 0, documents)
    index = read_documents(r, gs.all("PreviousDocument"), None, index, documents)
    doc["goods_items"] = items = read_items(r, gs, index, documents)
    doc["documents"] = documents[:200]
    doc["invoice"] = _invoice(r, decl, gs, items, doc["documents"])
    r.source("/total_items", decl.at("GoodsItemQuantity"))
    doc["total_items"] = r.integer(decl.text("GoodsItemQuantity"), decl.at("GoodsItemQuantity"), "GoodsItemQuantity")
    r.source("/total_packages", decl.at("TotalPackageQuantity"))
    doc["total_packages"] = r.integer(
        decl.text("TotalPackageQuantity"), decl.at("TotalPackageQuantity"), "TotalPackageQuantity"
    )
    return doc, r, decl


def _invoice(
    r: Reading, decl: Node, gs: Node, items: list[dict[str, Any]], documents: list[dict[str, Any]]
) -> dict[str, Any]:
    """Reads the invoice total and currency, delivery terms and freight."""
    incoterm = r.require(
        gs, "TradeTerms/ConditionCode", "/invoice/incoterm", "the delivery terms (TradeTerms/ConditionCode)"
    )
    total_raw = decl.text("InvoiceAmount")
    currency = decl.attr("InvoiceAmount", "currencyID")
    r.source("/invoice/total_amount", decl.at("InvoiceAmount"))
    r.source("/invoice/currency", decl.at("InvoiceAmount"))
    total = r.decimal(total_raw, decl.at("InvoiceAmount"), "InvoiceAmount")
    amounts = [i["invoice_amount"] for i in items if isinstance(i.get("invoice_amount"), Decimal)]
    if total is None and amounts and len(amounts) == len(items):
        total = sum(amounts, Decimal(0))
        r.derive(
            "/invoice/total_amount",
            gs.at("GovernmentAgencyGoodsItem[1]/Commodity/InvoiceLine/ItemChargeAmount"),
            "sum of the item prices",
        )
    if currency is None:
        currency = next((i["invoice_currency"] for i in items if i.get("invoice_currency")), None)
        r.derive(
            "/invoice/currency",
            gs.at("GovernmentAgencyGoodsItem[1]/Commodity/InvoiceLine/ItemChargeAmount"),
            "currency of the item prices",
        )
    if total is None:
        r.issues.append(
            Issue(
                "REQUIRED",
                "the invoice amount (InvoiceAmount or every item's ItemChargeAmount) is required",
                decl.at("InvoiceAmount"),
            )
        )
    number = gs.text("Invoice/ID")
    r.source("/invoice/number", gs.at("Invoice/ID"))
    if number is None:
        number = next((d["reference"] for d in documents if d["type"] == "N935"), None)
    freight_path = gs.at("CustomsValuation/FreightChargeAmount")
    r.source("/invoice/freight", freight_path)
    freight = r.decimal(gs.text("CustomsValuation/FreightChargeAmount"), freight_path, "FreightChargeAmount")
    insurance = None
    r.source("/invoice/insurance", gs.at("CustomsValuation/ChargeDeduction/OtherChargeDeductionAmount"))
    valuation = gs.one("CustomsValuation")
    for charge in valuation.all("ChargeDeduction") if valuation else []:
        if charge.text("ChargesTypeCode") == INSURANCE_CHARGE:
            where = charge.at("OtherChargeDeductionAmount")
            r.source("/invoice/insurance", where)
            insurance = r.decimal(charge.text("OtherChargeDeductionAmount"), where, "insurance costs")
    return {
        "incoterm": incoterm,
        "insurance": insurance,
        "currency": currency,
        "total_amount": total,
        "number": number[:35] if number else None,
        "freight": freight,
    }


def to_xml_pointer(pointer: str, sources: dict[str, str]) -> str:
    """Maps a JSON pointer into the declaration document back to the WCO class/tag path it came from."""
    probe = pointer
    while probe:
        if probe in sources:
            return sources[probe]
        probe = probe.rsplit("/", 1)[0]
    return "/Declaration"


def _when(raw: str | None) -> date | None:
    """Reads a DMS date-time string (format 304, e.g. 20201231010000+01) as its date."""
    if raw is None or len(raw) < 8 or not raw[:8].isdigit():
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        return None


def _administration_rules(decl: Node, doc: dict[str, Any], matrix: Matrix, today: date) -> list[Issue]:
    """Checks what only the XML carries against the administration's matrix: authorisations, acceptance date."""
    out: list[Issue] = []
    parties = {(doc.get(k) or {}).get("id") for k in ("declarant", "importer", "representative") if doc.get(k)} - {None}
    for holder in decl.all("AuthorisationHolder"):
        kind, ident = holder.text("CategoryCode"), holder.text("ID")
        if kind in matrix.own_party_authorisations and ident and parties and ident not in parties:
            out.append(messages.issue("AUTHORISATION_HOLDER_NOT_PARTY", holder.at("ID"), kind=kind, holder=ident))
    accepted = _when(decl.text("AcceptanceDateTime/DateTimeString"))
    if accepted is not None:
        if matrix.valid_from is not None and accepted < matrix.valid_from:
            out.append(
                messages.issue(
                    "ACCEPTANCE_DATE_BEFORE_TARIFF",
                    decl.at("AcceptanceDateTime"),
                    value=accepted.isoformat(),
                    valid_from=matrix.valid_from.isoformat(),
                )
            )
        elif accepted > today + timedelta(days=1):
            out.append(messages.issue("ACCEPTANCE_DATE_IN_FUTURE", decl.at("AcceptanceDateTime"), value=accepted))
    return out


def parse(
    body: bytes,
    *,
    today: date,
    requirements: Requirements | None = None,
    nomenclature: Nomenclature | None = None,
    party_ids: CheckDigits = "off",
) -> tuple[DeclarationData, dict[str, str]]:
    """Parses and maps a WCO DM declaration; raises ValidationFailed with XML pointers for every problem.

    What the mapping could not read is left out; whether it was needed is decided by the data requirements
    of the declaration's category (``declarations.validation``), and every issue is located in the XML.
    """
    doc, r, decl = read(body, today=today)
    issues = [i for i in r.issues if i.code != "REQUIRED"]
    reqs = requirements or shipped()
    matrix = reqs.for_office(doc.get("office"))
    issues += _administration_rules(decl, doc, matrix, today)
    derived = [
        {"pointer": ptr, "value": None, "source": f"{how} ({r.sources.get(ptr, '/Declaration')})"}
        for ptr, how in r.derived.items()
    ]
    extensions = {
        EXTENSION_KEY: {
            "version": "3.6",
            "function_code": decl.text("FunctionCode") or "9",
            "type_code": decl.text("TypeCode"),
            "derived": r.derived,
            "sources": r.sources,
            "xml": body.decode(decl.el.getroottree().docinfo.encoding or "utf-8", errors="replace"),
        }
    }
    refuse: CheckDigits = "refuse" if party_ids == "refuse" else "off"  # warnings are lodging's to record
    checked = validation.check(
        doc, validation.CheckContext(None, reqs, today, refuse), extensions=extensions, prior=derived
    )
    if (issues or checked.issues) and nomenclature is not None:
        # Something is wrong already: run the rules too, so that the answer lists every problem at once.
        checked = validation.check(
            doc, validation.CheckContext(nomenclature, reqs, today, refuse), extensions=extensions, prior=derived
        )
    seen = {i.pointer for i in issues}
    for issue in checked.issues:
        where = issue.pointer if issue.pointer.startswith("/Declaration") else to_xml_pointer(issue.pointer, r.sources)
        if (issue.code, where) not in {(i.code, i.pointer) for i in issues} and where not in seen:
            seen.add(where)
            issues.append(replace(issue, pointer=where))  # keeps the catalogue template for translation
    if issues or checked.data is None:
        raise ValidationFailed(issues)
    return checked.data, r.sources
