"""WCO Data Model 3.6 (DMS) vocabulary: namespaces, class and tag IDs, and pointers into a declaration."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

NS_METADATA = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
NS_DEC = "urn:wco:datamodel:WCO:DEC-DMS:2"
NS_RES = "urn:wco:datamodel:WCO:RES-DMS:2"
NS_RES_DS = "urn:wco:datamodel:WCO:Response_DS:DMS:2"

# WCO IDs of the classes (end in a letter: DocumentSectionCode) and data elements (TagID) that
# Clearway maps, keyed by path below Declaration. From the annotations of WCO_DEC_2_DMS.xsd.
WCO_IDS: dict[str, str] = {
    "": "42A",
    "FunctionCode": "017",
    "AcceptanceDateTime": "023",
    "AuthorisationHolder": "17C",
    "AuthorisationHolder/ID": "R144",
    "AuthorisationHolder/CategoryCode": "R145",
    "FunctionalReferenceID": "D026",
    "TypeCode": "D013",
    "GoodsItemQuantity": "228",
    "DeclarationOfficeID": "065",
    "InvoiceAmount": "109",
    "TotalPackageQuantity": "146",
    "AdditionalDocument": "02A",
    "AdditionalDocument/ID": "D005",
    "AdditionalDocument/TypeCode": "D006",
    "Agent": "05A",
    "Agent/ID": "R004",
    "Agent/Name": "R003",
    "Agent/FunctionCode": "102",
    "BorderTransportMeans": "15A",
    "BorderTransportMeans/ID": "T006",
    "BorderTransportMeans/RegistrationNationalityCode": "T014",
    "BorderTransportMeans/ModeCode": "T022",
    "Declarant": "57B",
    "Declarant/ID": "R123",
    "Declarant/Name": "R124",
    "Declarant/Address": "04A",
    "Declarant/Address/CountryCode": "242",
    "Exporter": "57A",
    "Exporter/ID": "R032",
    "Exporter/Name": "R031",
    "Exporter/Address": "04A",
    "Exporter/Address/CountryCode": "242",
    "PresentationOffice": "15C",
    "PresentationOffice/ID": "G015",
    "SupervisingOffice": "97B",
    "SupervisingOffice/ID": "G012",
    "GoodsShipment": "67A",
    "GoodsShipment/Consignment": "28A",
    "GoodsShipment/Consignment/ArrivalTransportMeans": "10A",
    "GoodsShipment/Consignment/ArrivalTransportMeans/ID": "T002",
    "GoodsShipment/Consignment/ArrivalTransportMeans/ModeCode": "T020",
    "GoodsShipment/Consignment/GoodsLocation": "64A",
    "GoodsShipment/Consignment/GoodsLocation/Name": "L016",
    "GoodsShipment/Consignment/GoodsLocation/Address": "04A",
    "GoodsShipment/Consignment/GoodsLocation/Address/CountryCode": "242",
    "GoodsShipment/Consignment/LoadingLocation": "83A",
    "GoodsShipment/Consignment/LoadingLocation/ID": "L010",
    "GoodsShipment/Consignment/TransportEquipment": "31B",
    "GoodsShipment/Consignment/TransportEquipment/ID": "159",
    "GoodsShipment/CustomsValuation": "41A",
    "GoodsShipment/CustomsValuation/FreightChargeAmount": "117",
    "GoodsShipment/ExportCountry": "95B",
    "GoodsShipment/ExportCountry/ID": "062",
    "GoodsShipment/Importer": "74A",
    "GoodsShipment/Importer/ID": "R038",
    "GoodsShipment/Importer/Name": "R037",
    "GoodsShipment/Importer/Address": "04A",
    "GoodsShipment/Importer/Address/CountryCode": "242",
    "GoodsShipment/Invoice": "78A",
    "GoodsShipment/Invoice/ID": "D016",
    "GoodsShipment/PreviousDocument": "99A",
    "GoodsShipment/PreviousDocument/ID": "D018",
    "GoodsShipment/TradeTerms": "22B",
    "GoodsShipment/TradeTerms/ConditionCode": "090",
    "GoodsShipment/TradeTerms/LocationID": "L002",
    "GoodsShipment/GovernmentAgencyGoodsItem": "68A",
    "GoodsShipment/GovernmentAgencyGoodsItem/SequenceNumeric": "006",
    "GoodsShipment/GovernmentAgencyGoodsItem/StatisticalValueAmount": "114",
    "GoodsShipment/GovernmentAgencyGoodsItem/AdditionalDocument": "02A",
    "GoodsShipment/GovernmentAgencyGoodsItem/AdditionalDocument/ID": "D005",
    "GoodsShipment/GovernmentAgencyGoodsItem/AdditionalDocument/TypeCode": "D006",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity": "23A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Description": "137",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Classification": "21A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Classification/ID": "145",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/DutyTaxFee": "50A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/DutyTaxFee/DutyRegimeCode": "164",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure": "65A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/GrossMassMeasure": "126",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/NetNetWeightMeasure": "128",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/TariffQuantity": "130",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/InvoiceLine": "79A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/InvoiceLine/ItemChargeAmount": "112",
    "GoodsShipment/GovernmentAgencyGoodsItem/CustomsValuation": "41A",
    "GoodsShipment/GovernmentAgencyGoodsItem/CustomsValuation/MethodCode": "122",
    "GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure": "70A",
    "GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure/CurrentCode": "166",
    "GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure/PreviousCode": "161",
    "GoodsShipment/GovernmentAgencyGoodsItem/Origin": "92A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Origin/CountryCode": "063",
    "GoodsShipment/GovernmentAgencyGoodsItem/Packaging": "93A",
    "GoodsShipment/GovernmentAgencyGoodsItem/Packaging/MarksNumbersID": "142",
    "GoodsShipment/GovernmentAgencyGoodsItem/Packaging/QuantityQuantity": "144",
    "GoodsShipment/GovernmentAgencyGoodsItem/Packaging/TypeCode": "141",
    "GoodsShipment/GovernmentAgencyGoodsItem/PreviousDocument": "99A",
    "GoodsShipment/GovernmentAgencyGoodsItem/PreviousDocument/ID": "D018",
}
_STEP = re.compile(r"^([A-Za-z]+)(?:\[(\d+)\])?$")


@dataclass(frozen=True, slots=True)
class PointerStep:
    """One step of a WCO response Pointer: the class (DocumentSectionCode), its occurrence, a tag."""

    section: str
    sequence: int | None = None
    tag: str | None = None


def pointer_steps(path: str) -> list[PointerStep]:
    """Turns a class/tag path such as /Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/... into steps.

    Each class on the path becomes a Pointer with its WCO ID; the last data element becomes the
    TagID of the last class. Parts Clearway does not know the ID of are left out.
    """
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != "Declaration":
        return []
    steps: list[PointerStep] = [PointerStep("42A")]
    key: list[str] = []
    for part in parts[1:]:
        m = _STEP.match(part)
        if m is None:
            break
        key.append(m.group(1))
        wco_id = WCO_IDS.get("/".join(key))
        if wco_id is None:
            continue
        if wco_id[-1].isalpha() and len(wco_id) == 3:
            steps.append(PointerStep(wco_id, int(m.group(2)) if m.group(2) else None))
        else:
            last = steps[-1]
            steps[-1] = PointerStep(last.section, last.sequence, wco_id[:4])
    return steps


# Clearway's issue codes as short WCO ValidationCodes (at most 8 characters).
_SHORT_CODES: dict[str, str] = {
    "REQUIRED": "CW00001",
    "UNKNOWN_FIELD": "CW00002",
    "XML_MALFORMED": "CW00010",
    "XML_UNSAFE": "CW00011",
    "XML_TOO_LARGE": "CW00012",
    "BODY_EMPTY": "CW00013",
    "NOT_A_DECLARATION": "CW00014",
    "FUNCTION_CODE": "CW00015",
    "XML_VALUE": "CW00016",
    "CODE_DECLARATION_TYPE": "CW00101",
    "CODE_ADDITIONAL_TYPE": "CW00102",
    "CODE_OFFICE": "CW00103",
    "CODE_COUNTRY": "CW00104",
    "CODE_REPRESENTATION": "CW00105",
    "CODE_TRANSPORT_MODE": "CW00106",
    "CODE_LOCODE": "CW00107",
    "CODE_INCOTERM": "CW00108",
    "CODE_CURRENCY": "CW00109",
    "CODE_HS_FORMAT": "CW00110",
    "CODE_HS_UNKNOWN": "CW00111",
    "CODE_UNIT": "CW00112",
    "CODE_VALUATION_METHOD": "CW00113",
    "CODE_PROCEDURE": "CW00114",
    "MASS_NET_EXCEEDS_GROSS": "CW00201",
    "ITEM_SEQUENCE": "CW00202",
    "ITEM_SEQUENCE_DUPLICATE": "CW00203",
    "VALUE_NEGATIVE": "CW00204",
    "ITEMS_REQUIRED": "CW00205",
    "TOTAL_ITEMS_MISMATCH": "CW00206",
    "TOTAL_PACKAGES_MISMATCH": "CW00207",
    "INVOICE_TOTAL_MISMATCH": "CW00208",
    "VALUE_NOT_POSITIVE": "CW00209",
    "QUANTITY_NOT_POSITIVE": "CW00210",
    "MASS_NOT_POSITIVE": "CW00211",
    "DESCRIPTION_TOO_VAGUE": "CW00212",
    "DECLARANT_NOT_CALLER": "CW00301",
    "NOT_ALLOWED": "CW00003",
    "AUTHORISATION_HOLDER_NOT_PARTY": "CW00302",
    "ACCEPTANCE_DATE_BEFORE_TARIFF": "CW00303",
    "ACCEPTANCE_DATE_IN_FUTURE": "CW00304",
    "VALUE_NEGATIVE_MASS": "CW00213",
}


def validation_code(code: str) -> str:
    """Returns the 8-character WCO ValidationCode for a Clearway issue code (stable for unknown codes too)."""
    known = _SHORT_CODES.get(code)
    if known is not None:
        return known
    if len(code) <= 8:
        return code
    return "CW" + hashlib.sha256(code.encode()).hexdigest()[:6].upper()
