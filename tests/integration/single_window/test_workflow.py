"""Agency work and trader views: requests for information, refusals, applications ahead of shipment, scoping."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.single_window.helpers import agency_headers, fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"
FRUTAS = ("PE20333444551", "Frutas del Sur SAC")
GRAPES = {
    "sequence": 1,
    "commodity_code": "080610",
    "description": "Fresh table grapes",
    "origin_country": "CL",
    "quantity": "30000",
    "unit": "KGM",
    "net_mass": "30000",
}


def _senasa_app(client: TestClient, tokens: Tokens, lrn: str) -> tuple[str, str]:
    r = client.post("/api/v1/declarations", json=fruit_and_medicines(lrn), headers=tokens.broker)
    assert r.status_code == 201, r.text
    queue = client.get(f"{SW}/applications?status=submitted", headers=tokens.agency).json()
    app = next(a for a in queue["data"] if a["mrn"] == r.json()["mrn"])
    return r.json()["mrn"], app["id"]


def test_without_requirements_nothing_is_routed_and_nothing_blocks(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=fruit_and_medicines("SW-NONE-1"), headers=tokens.broker)
    assert r.status_code == 201
    assert r.json()["status"] == "08"
    window = client.get(f"{SW}/declarations/{r.json()['mrn']}", headers=tokens.broker).json()
    assert window["applications"] == []
    assert window["release_blockers"] == []


def test_goods_no_agency_controls_are_released_at_once(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    doc = example_declaration("SW-FREE-1")
    doc["goods_items"] = doc["goods_items"][1:]  # laptops and T-shirts: no agency (smartphones go to MTC)
    for seq, item in enumerate(doc["goods_items"], start=1):
        item["sequence"] = seq
    doc["total_items"] = 2
    doc["total_packages"] = 5
    doc["invoice"]["total_amount"] = "12750.00"
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "08"


def test_request_information_then_answer_then_refuse_with_reasons(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    mrn, app_id = _senasa_app(client, tokens, "SW-INFO-1")
    r = client.post(f"{SW}/applications/{app_id}/decisions", json={"decision": "request_info"}, headers=tokens.agency)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "MESSAGE_REQUIRED"
    r = client.post(
        f"{SW}/applications/{app_id}/decisions",
        json={"decision": "request_info", "message": "send the phytosanitary certificate of lot 44"},
        headers=tokens.agency,
    )
    assert r.status_code == 200
    window = client.get(f"{SW}/declarations/{mrn}", headers=tokens.broker).json()
    assert (
        "SENASA (plant and animal health) has requested information: send the phytosanitary certificate of lot 44"
        in window["release_blockers"]
    )
    # the trader answers; the application is back in the agency's queue
    r = client.post(
        f"{SW}/applications/{app_id}/responses",
        json={"message": "attached", "documents": [{"type": "phytosanitary certificate", "reference": "CL-PH-44"}]},
        headers=tokens.broker,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    assert (
        client.post(
            f"{SW}/applications/{app_id}/responses", json={"message": "again"}, headers=tokens.broker
        ).status_code
        == 409
    )
    r = client.post(f"{SW}/applications/{app_id}/decisions", json={"decision": "refuse"}, headers=tokens.agency)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "REASONS_REQUIRED"
    r = client.post(
        f"{SW}/applications/{app_id}/decisions",
        json={"decision": "refuse", "reasons": ["certificate CL-PH-44 is for another lot"]},
        headers=tokens.agency,
    )
    assert r.status_code == 200
    assert [h["kind"] for h in r.json()["history"]] == ["submitted", "info_requested", "response", "refused"]
    again = client.post(f"{SW}/applications/{app_id}/decisions", json={"decision": "approve"}, headers=tokens.agency)
    assert again.status_code == 409
    blockers = client.get(f"{SW}/declarations/{mrn}", headers=tokens.broker).json()["release_blockers"]
    assert "SENASA (plant and animal health) refused: certificate CL-PH-44 is for another lot" in blockers
    # customs cannot release over the refusal either
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        json={"decision": "release", "reason": "documents checked"},
        headers=tokens.officer,
    )
    assert r.status_code == 409
    assert "SENASA (plant and animal health) refused" in r.json()["errors"][0]["message"]


def test_only_the_right_people_see_and_decide(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    load_demo_rules(client, tokens.admin)
    mrn, app_id = _senasa_app(client, tokens, "SW-SCOPE-1")
    assert client.get(f"{SW}/declarations/{mrn}", headers=tokens.other_broker).status_code == 404
    assert client.get(f"{SW}/applications/{app_id}", headers=tokens.other_broker).status_code == 404
    assert client.get(f"{SW}/applications", headers=tokens.other_broker).json()["count"] == 0
    assert client.get(f"{SW}/declarations/{mrn}", headers=tokens.agency).status_code == 404
    mtc = agency_headers(runtime, "agency.mtc", "MTC")
    assert client.get(f"{SW}/applications/{app_id}", headers=mtc).status_code == 404
    assert client.get(f"{SW}/applications", headers=mtc).json()["count"] == 0
    officer = client.post(f"{SW}/applications/{app_id}/decisions", json={"decision": "approve"}, headers=tokens.officer)
    assert officer.status_code == 403
    assert client.get(f"{SW}/applications/{app_id}", headers=tokens.officer).status_code == 200
    assert client.get(f"{SW}/applications/{app_id}").status_code == 401
    stale = client.post(
        f"{SW}/applications/{app_id}/decisions",
        json={"decision": "approve", "expected_version": 7},
        headers=tokens.agency,
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "CONCURRENT_UPDATE"


def test_an_application_ahead_of_shipment_gets_a_permit_the_declaration_then_uses(
    client: TestClient, tokens: Tokens
) -> None:
    load_demo_rules(client, tokens.admin)
    body = {"agency": "SENASA", "importer_id": FRUTAS[0], "goods": [GRAPES], "note": "season contract"}
    r = client.post(f"{SW}/applications", json=body, headers=tokens.broker)
    assert r.status_code == 201, r.text
    app = r.json()
    assert (app["source"], app["mrn"], app["status"]) == ("pre_shipment", None, "submitted")
    r = client.post(
        f"{SW}/applications/{app['id']}/decisions",
        json={
            "decision": "approve",
            "conditions": ["only from registered Chilean orchards"],
            "permit": {"valid_to": "2027-03-31", "quantity": "30", "unit": "TNE"},
        },
        headers=tokens.agency,
    )
    assert r.status_code == 200, r.text
    number = r.json()["permit_number"]
    assert number.startswith("SENASA-")
    permit = client.get(f"{SW}/permits/{number}", headers=tokens.broker)
    assert permit.status_code == 404  # the broker is not the holder
    doc = fruit_and_medicines("SW-PRE-1", FRUTAS)
    doc["goods_items"] = doc["goods_items"][:1]
    doc["total_items"], doc["total_packages"], doc["invoice"]["total_amount"] = 1, 1460, "19200.00"
    doc["documents"].append({"type": "C644", "reference": number})
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "08"
    held = client.get(f"{SW}/permits/{number}", headers=tokens.agency).json()
    assert Decimal(held["remaining"]) == Decimal("18")


def test_bad_applications_are_clear_4xx(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    r = client.post(
        f"{SW}/applications",
        json={"agency": "NOPE", "importer_id": FRUTAS[0], "goods": [GRAPES]},
        headers=tokens.broker,
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "AGENCY_UNKNOWN"
    assert r.json()["errors"][0]["pointer"] == "/agency"
    pills = {**GRAPES, "sequence": 2, "commodity_code": "300490", "description": "paracetamol", "unit": "H87"}
    r = client.post(
        f"{SW}/applications",
        json={"agency": "SENASA", "importer_id": FRUTAS[0], "goods": [GRAPES, pills]},
        headers=tokens.broker,
    )
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert (err["code"], err["pointer"]) == ("GOODS_OUT_OF_SCOPE", "/goods/1/commodity_code")
    assert "controlled by DIGEMID" in err["message"]
    r = client.post(
        f"{SW}/applications",
        json={"agency": "SENASA", "importer_id": FRUTAS[0], "goods": [{**GRAPES, "quantity": False}]},
        headers=tokens.broker,
    )
    assert r.status_code == 422
    assert client.post(f"{SW}/applications", content=b"{", headers=tokens.broker).status_code == 422
    assert client.post(f"{SW}/applications", json={"agency": "SENASA"}, headers=tokens.agency).status_code == 403
    assert client.get(f"{SW}/applications").status_code == 401
    assert client.get(f"{SW}/applications/SWNOTHING", headers=tokens.officer).status_code == 404
