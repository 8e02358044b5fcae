"""Declarations of one shipment of Chilean wine seen from both sides: the export in CL, the import in PE."""

from __future__ import annotations

import copy
from typing import Any

CL_BROKER, PE_BROKER = "CL760864285", "PE20100047218"
EXPORTER = {"id": "CL760864285", "name": "Viñedos de los Andes SpA", "country": "CL"}
CONSIGNEE = {"id": "PE20512345671", "name": "Importaciones Pacífico SAC", "country": "PE"}


def _item(value: str, quantity: str = "12000", mass: str = "9000.000") -> dict[str, Any]:
    return {
        "sequence": 1,
        "description": "Red wine of fresh grapes, Cabernet Sauvignon, bottles of 0.75 l",
        "commodity_code": "220421",
        "origin_country": "CL",
        "quantity": quantity,
        "unit": "H87",
        "net_mass": mass,
        "gross_mass": str(float(mass) + 1500),
        "invoice_amount": value,
        "invoice_currency": "USD",
        "valuation_method": "1",
        "procedure_code": "1000",
        "packages": {"count": 1000, "kind": "CT"},
    }


def export_doc(
    lrn: str, *, value: str = "48000.00", ucr: str | None = None, bl: str = "MAEU-7700001"
) -> dict[str, Any]:
    """A Chilean export of wine to Peru, FOB Valparaíso."""
    docs = [{"type": "N935", "reference": f"INV-{lrn}"}, {"type": "N705", "reference": bl}]
    if ucr:
        docs.append({"type": "UCR", "reference": ucr})
    return {
        "type": "EX",
        "additional_type": "A",
        "lrn": lrn,
        "office": "CLVAP",
        "declarant": {"id": CL_BROKER, "name": EXPORTER["name"], "country": "CL"},
        "importer": copy.deepcopy(CONSIGNEE),
        "exporter": copy.deepcopy(EXPORTER),
        "consignment": {
            "transport_mode": 1,
            "means_id": "MSCU1234565",
            "means_nationality": "PA",
            "loading_place": "CLVAP",
            "discharge_place": "PECLL",
            "arrival_date": "2026-12-01",
        },
        "invoice": {"number": f"INV-{lrn}", "incoterm": "FOB", "currency": "USD", "total_amount": value},
        "goods_items": [_item(value)],
        "documents": docs,
        "total_items": 1,
        "total_packages": 1000,
    }


def import_doc(
    lrn: str, *, value: str, ucr: str | None = None, bl: str = "MAEU-7700001", importer: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The same wine imported into Peru, CIF Callao (freight and insurance declared)."""
    doc = export_doc(lrn, value=value, ucr=ucr, bl=bl)
    item = doc["goods_items"][0]
    item["procedure_code"] = "4000"
    doc.update(
        type="IM",
        office="PECLL",
        declarant={"id": PE_BROKER, "name": "Agencia de Aduanas Andina SAC", "country": "PE"},
        importer=copy.deepcopy(importer or CONSIGNEE),
        consignment={**doc["consignment"], "loading_place": "CLVAP", "discharge_place": "PECLL"},
        invoice={
            "number": f"INV-{lrn}",
            "incoterm": "CIF",
            "currency": "USD",
            "total_amount": value,
            "freight": "600.00",
            "insurance": "100.00",
        },
    )
    return doc
