"""A complete, valid example declaration: shown in the OpenAPI page and used by tests and the demo."""

from __future__ import annotations

import copy
from typing import Any

_EXAMPLE: dict[str, Any] = {
    "type": "IM",
    "additional_type": "A",
    "lrn": "ANDINA-2026-000123",
    "office": "PECLL",
    "declarant": {
        "id": "PE20100047218",
        "name": "Agencia de Aduanas Andina SAC",
        "country": "PE",
        "address": "Av. Néstor Gambetta 1265, Callao",
    },
    "importer": {
        "id": "PE20512345671",
        "name": "Importaciones Pacífico SAC",
        "country": "PE",
        "address": "Jr. Huallaga 320, Lima",
    },
    "exporter": {"id": "CN91310000MA1FL", "name": "Shenzhen Bright Electronics Co. Ltd", "country": "CN"},
    "representative": {
        "id": "PE20100047218",
        "name": "Agencia de Aduanas Andina SAC",
        "country": "PE",
        "representation": "direct",
    },
    "consignment": {
        "transport_mode": 1,
        "means_id": "IMO9321483",
        "means_nationality": "PA",
        "loading_place": "CNSHA",
        "discharge_place": "PECLL",
        "arrival_date": "2026-11-28",
    },
    "invoice": {
        "number": "SBE-INV-88412",
        "incoterm": "FOB",
        "currency": "USD",
        "total_amount": "48750.00",
        "freight": "1850.00",
        "insurance": "240.00",
    },
    "goods_items": [
        {
            "sequence": 1,
            "description": "Smartphones, 6.5 inch, 128 GB, dual SIM, model BX-20",
            "commodity_code": "851713",
            "origin_country": "CN",
            "quantity": "300",
            "unit": "H87",
            "net_mass": "66.000",
            "gross_mass": "90.000",
            "invoice_amount": "36000.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 15, "kind": "CT", "marks": "SBE/CALLAO/1-15"},
        },
        {
            "sequence": 2,
            "description": "Portable laptop computers, 14 inch, 16 GB RAM",
            "commodity_code": "847130",
            "origin_country": "CN",
            "quantity": "20",
            "unit": "H87",
            "net_mass": "32.000",
            "gross_mass": "41.500",
            "invoice_amount": "11000.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 4, "kind": "CT", "marks": "SBE/CALLAO/16-19"},
        },
        {
            "sequence": 3,
            "description": "Men's T-shirts of cotton, knitted, printed",
            "commodity_code": "610910",
            "origin_country": "CN",
            "quantity": "500",
            "unit": "H87",
            "net_mass": "95.000",
            "gross_mass": "102.000",
            "invoice_amount": "1750.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 1, "kind": "BL", "marks": "SBE/CALLAO/20"},
        },
    ],
    "documents": [
        {"type": "N935", "reference": "SBE-INV-88412"},
        {"type": "N705", "reference": "MAEU-551240987"},
    ],
    "total_items": 3,
    "total_packages": 20,
}


def example_declaration(lrn: str | None = None) -> dict[str, Any]:
    """Returns a fresh copy of the example declaration, optionally under another LRN."""
    doc = copy.deepcopy(_EXAMPLE)
    if lrn is not None:
        doc["lrn"] = lrn
    return doc
