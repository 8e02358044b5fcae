"""Permits and standing licences serve their holder or its mandated agents only, and say nothing to others."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations import codec
from clearway.declarations.model import Declaration, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.runtime import Runtime
from clearway.single_window import permits
from tests.conftest import BROKER_PARTY, Tokens
from tests.integration.single_window.helpers import fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"
FRUTAS = ("PE20333444551", "Frutas del Sur SAC")  # holds the licence; mandated broker.andina (demo mandates)
ATTACKER = "PE20999999990"


def _own(doc: dict[str, Any], party: str) -> dict[str, Any]:
    for role in ("declarant", "importer"):
        doc[role] = {"id": party, "name": "Attacker SAC", "country": "PE"}
    doc["representative"] = {"id": party, "name": "Attacker SAC", "country": "PE", "representation": "direct"}
    return doc


def test_another_partys_permit_cited_is_neither_drawn_nor_disclosed(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    body = {
        "holder_id": FRUTAS[0],
        "hs": ["08"],
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "standing": False,
        "kind": "permit",
        "quantity": "20",
        "unit": "TNE",
        "number": "SENASA-P-VICTIM",
    }
    assert client.post(f"{SW}/permits", json=body, headers=tokens.agency).status_code == 201
    doc = _own(fruit_and_medicines("SW-STEAL-1"), ATTACKER)
    doc["documents"].append({"type": "C644", "reference": "SENASA-P-VICTIM", "item_sequence": 1})
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.other_broker)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "01"  # not cleared under the victim's permit: the agencies decide
    window = client.get(f"{SW}/declarations/{r.json()['mrn']}", headers=tokens.other_broker)
    assert FRUTAS[0] not in window.text and FRUTAS[0] not in r.text  # the holder is never named
    assert {a["status"] for a in window.json()["applications"]} == {"submitted"}
    permit = client.get(f"{SW}/permits/SENASA-P-VICTIM", headers=tokens.agency).json()
    assert Decimal(permit["remaining"]) == Decimal("20") and permit["drawdowns"] == []
    assert client.get(f"{SW}/permits/SENASA-P-VICTIM", headers=tokens.other_broker).status_code == 404


def test_the_lodging_party_uses_the_importers_permits_only_under_its_mandate(runtime: Runtime) -> None:
    def declaration(importer: str, lodger: str) -> Declaration:
        doc = fruit_and_medicines("SW-MANDATE-1", (importer, "Importer SAC"))
        doc["declarant"] = {"id": lodger, "name": "Broker SAC", "country": "PE"}
        doc["representative"] = {"id": lodger, "name": "Broker SAC", "country": "PE", "representation": "direct"}
        data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
        return Declaration(
            id="d", mrn="26PE00000000000009", data=data, status=Status.ACCEPTED, lodged_at=runtime.clock()
        )

    with runtime.uow(readonly=True) as uow:
        assert permits.lodger_may_use(uow, declaration(FRUTAS[0], BROKER_PARTY))  # mandated (demo mandates)
        assert permits.lodger_may_use(uow, declaration(ATTACKER, ATTACKER))  # its own
        assert not permits.lodger_may_use(uow, declaration(FRUTAS[0], ATTACKER))  # no mandate
