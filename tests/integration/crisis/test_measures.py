"""The other measures of a protocol in force: provisional declarations with a deadline, export licences,
penalties for late documents waived, and the dashboard that compares protocol and normal declarations."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from clearway.core.time import FixedClock
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.crisis.conftest import RED_CROSS, activate, mask_import

PANDEMIC = "pandemic-medical-supplies"


def _incomplete(lrn: str) -> dict[str, object]:
    doc = mask_import(lrn)
    doc["goods_items"][0].pop("invoice_amount")  # type: ignore[index]
    doc["invoice"].pop("incoterm")  # type: ignore[attr-defined]
    return doc


def test_an_incomplete_declaration_is_refused_without_a_protocol_and_accepted_provisionally_with_one(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], red_cross: dict[str, str], packs: list[str]
) -> None:
    refused = client.post("/api/v1/declarations", json=_incomplete("PROV-0"), headers=red_cross)
    assert refused.status_code == 422
    assert {(e["code"], e["pointer"]) for e in refused.json()["errors"]} == {
        ("REQUIRED", "/invoice/incoterm"),
        ("REQUIRED", "/goods_items/0/invoice_amount"),
    }
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    r = client.post("/api/v1/declarations", json=_incomplete("PROV-1"), headers=red_cross)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    decl = client.get(f"/api/v1/declarations/{mrn}", headers=red_cross).json()
    entry = next(e for e in decl["history"] if e["kind"] == "provisional_acceptance")
    assert "complete" in entry["reason"] and entry["data"]["protocol"] == PANDEMIC
    assert {w["pointer"] for w in entry["data"]["waived"]} == {"/invoice/incoterm", "/goods_items/0/invoice_amount"}
    listed = client.get("/api/v1/crisis/declarations?provisional=true", headers=red_cross).json()["items"]
    assert [(i["mrn"], i["overdue"]) for i in listed] == [(mrn, False)]
    assert listed[0]["deadline"] == entry["data"]["deadline"]

    # other issues are never waived: a wrong HS code still refuses the declaration, with every issue
    wrong = _incomplete("PROV-2")
    wrong["goods_items"][0]["commodity_code"] = "999999"  # type: ignore[index]
    bad = client.post("/api/v1/declarations", json=wrong, headers=red_cross)
    assert bad.status_code == 422
    assert {e["code"] for e in bad.json()["errors"]} >= {"CODE_HS_UNKNOWN", "REQUIRED"}

    # the declarant completes it (after release too); it leaves the provisional list
    complete = client.post(
        f"/api/v1/crisis/declarations/{mrn}/completion",
        json={"reason": "final invoice received", "declaration": mask_import("PROV-1")},
        headers=red_cross,
    )
    assert complete.status_code == 200, complete.text
    assert any(e["kind"] == "completed" for e in complete.json()["history"])
    row = client.get("/api/v1/crisis/declarations?provisional=true", headers=tokens.officer).json()["items"][0]
    assert row["completed_at"] is not None
    twice = client.post(
        f"/api/v1/crisis/declarations/{mrn}/completion",
        json={"reason": "again", "declaration": mask_import("PROV-1")},
        headers=red_cross,
    )
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "NOT_PROVISIONAL"


def test_overdue_provisional_declarations_are_listed(
    runtime: Runtime,
    client: TestClient,
    tokens: Tokens,
    supervisor2: dict[str, str],
    red_cross: dict[str, str],
    packs: list[str],
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    mrn = client.post("/api/v1/declarations", json=_incomplete("LATE-1"), headers=red_cross).json()["mrn"]
    assert client.get("/api/v1/crisis/declarations?overdue=true", headers=tokens.officer).json()["total"] == 0
    later = FixedClock(runtime.clock() + timedelta(days=31))
    runtime.clock = later  # type: ignore[method-assign]
    overdue = client.get("/api/v1/crisis/declarations?overdue=true", headers=tokens.officer).json()
    assert [(i["mrn"], i["overdue"]) for i in overdue["items"]] == [(mrn, True)]


def test_an_export_of_listed_protective_equipment_waits_for_its_export_licence(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], red_cross: dict[str, str], packs: list[str]
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    doc = mask_import("EXP-1")
    doc["type"] = "EX"
    doc["exporter"] = {"id": RED_CROSS[0], "name": RED_CROSS[1], "country": "PE"}
    doc["importer"] = {"id": "EC1790000001", "name": "Cruz Roja Ecuatoriana", "country": "EC"}
    doc["goods_items"][0]["procedure_code"] = "1000"
    doc["goods_items"][0]["origin_country"] = "PE"
    r = client.post("/api/v1/declarations", json=doc, headers=red_cross)
    assert r.status_code == 201, r.text
    blocked = client.get(f"/api/v1/declarations/{r.json()['mrn']}", headers=tokens.officer).json()
    assert blocked["status"] != "08"
    assert any("export licence X002" in e["reason"] for e in blocked["history"] if e["kind"] == "release_pending")
    doc["lrn"] = "EXP-2"
    doc["documents"] = [*doc["documents"], {"type": "X002", "reference": "MINSA-EXP-2026-0042"}]
    ok = client.post("/api/v1/declarations", json=doc, headers=red_cross).json()
    history = client.get(f"/api/v1/declarations/{ok['mrn']}", headers=tokens.officer).json()["history"]
    assert not any("export licence" in e["reason"] for e in history)


def test_late_document_penalties_waived_show_on_the_declaration_and_the_dashboard_compares(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], red_cross: dict[str, str], packs: list[str]
) -> None:
    client.post("/api/v1/declarations", json=mask_import("NORMAL-1", code="851713"), headers=red_cross)
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    mrn = client.post("/api/v1/declarations", json=mask_import("WAIVE-1"), headers=red_cross).json()["mrn"]
    history = client.get(f"/api/v1/declarations/{mrn}", headers=red_cross).json()["history"]
    waiver = next(e for e in history if e["kind"] == "crisis_measure")
    assert "penalties for late documents waived" in waiver["reason"] and waiver["data"]["protocol"] == PANDEMIC
    board = client.get("/api/v1/crisis/dashboard", headers=tokens.officer)
    assert board.status_code == 200, board.text
    figures = board.json()
    assert figures["under_protocols"]["lodged"] == 1 and figures["normal"]["lodged"] == 1
    assert [p["key"] for p in figures["protocols"]] == [PANDEMIC]
    assert (
        client.get("/api/v1/crisis/dashboard?start=2026-12-01&end=2026-01-01", headers=tokens.officer).status_code
        == 422
    )


def test_another_party_cannot_borrow_a_relief_organisations_id_to_get_priority_or_provisional_acceptance(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], packs: list[str]
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    for lrn, doc in (("BORROW-1", mask_import("BORROW-1")), ("BORROW-2", _incomplete("BORROW-2"))):
        doc["declarant"] = {"id": "PE20999999990", "name": "Other broker", "country": "PE"}  # type: ignore[index]
        r = client.post("/api/v1/declarations", json=doc, headers=tokens.other_broker)
        assert r.status_code == 422, (lrn, r.text)
        assert [(e["code"], e["pointer"]) for e in r.json()["errors"]] == [("NO_MANDATE", "/importer/id")], lrn
    assert client.get("/api/v1/crisis/declarations", headers=tokens.officer).json()["total"] == 0
    assert client.get("/api/v1/declarations", headers=tokens.other_broker).json()["count"] == 0
