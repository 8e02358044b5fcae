"""The stored assessment document reads back as the same assessment, amounts as exact decimal strings."""

from __future__ import annotations

import json

from clearway.tariff import codec
from tests.unit.tariff.helpers import declaration, item, run


def test_an_assessment_survives_json_and_back_unchanged() -> None:
    decl = declaration(
        [item(1, "220421", "100.00", unit="LTR", quantity="20"), item(2, "610910", "3000.00")],
        incoterm="FOB",
        freight="200.00",
        insurance="40.00",
    )
    a = run(decl)
    doc = json.loads(json.dumps(codec.assessment_as_dict(a)))
    assert codec.assessment_from_dict(doc) == a
    assert doc["total"] == str(a.total) and isinstance(doc["items"][0]["levies"][0]["amount"], str)
    assert doc["items"][0]["levies"][0]["quantity_unit"] == "LTR"
    assert doc["exchange_rates"] == [{"currency": "USD", "rate": "3.800", "valid_from": "2026-11-26"}]
