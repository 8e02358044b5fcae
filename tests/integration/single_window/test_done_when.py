"""Issue 5, done when: medicines and fresh fruit go to two agencies, each decides, then customs releases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from clearway.core.time import FixedClock
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.single_window.helpers import agency_headers, fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"


def test_fruit_and_medicines_are_released_once_both_agencies_approve(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    digemid = agency_headers(runtime, "agency.digemid", "DIGEMID")
    clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    runtime.clock = clock

    lodged = client.post("/api/v1/declarations", json=fruit_and_medicines("SW-DONE-1"), headers=tokens.broker)
    assert lodged.status_code == 201, lodged.text
    mrn = lodged.json()["mrn"]
    assert lodged.json()["status"] == "01"  # green lane, but held for the agencies

    window = client.get(f"{SW}/declarations/{mrn}", headers=tokens.broker).json()
    assert sorted(a["agency"] for a in window["applications"]) == ["DIGEMID", "SENASA"]
    assert all(a["status"] == "submitted" for a in window["applications"])
    assert (
        "SENASA (plant and animal health) has not approved: phytosanitary certificate missing; "
        "plant health inspection pending"
    ) in window["release_blockers"]
    assert any(b.startswith("DIGEMID (medicines) has not approved") for b in window["release_blockers"])

    senasa_queue = client.get(f"{SW}/applications", headers=tokens.agency).json()
    assert [a["agency"] for a in senasa_queue["data"]] == ["SENASA"]
    senasa_app = senasa_queue["data"][0]
    assert [g["commodity_code"] for g in senasa_app["goods"]] == ["080610"]
    digemid_app = next(a for a in window["applications"] if a["agency"] == "DIGEMID")
    # SENASA's user cannot reach DIGEMID's application, nor decide it
    assert client.get(f"{SW}/applications/{digemid_app['id']}", headers=tokens.agency).status_code == 404
    r = client.post(
        f"{SW}/applications/{digemid_app['id']}/decisions", json={"decision": "approve"}, headers=tokens.agency
    )
    assert r.status_code == 404

    clock.now += timedelta(hours=2, minutes=30)
    r = client.post(
        f"{SW}/applications/{senasa_app['id']}/decisions",
        json={"decision": "approve", "conditions": ["inspect at the bonded warehouse"]},
        headers=tokens.agency,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    assert r.json()["automated"] is False
    detail = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()
    assert detail["status"] == "01"
    assert [b for b in detail["release_blockers"] if "SENASA" in b] == []
    assert any("DIGEMID (medicines) has not approved" in b for b in detail["release_blockers"])

    clock.now += timedelta(hours=3, minutes=30)
    r = client.post(f"{SW}/applications/{digemid_app['id']}/decisions", json={"decision": "approve"}, headers=digemid)
    assert r.status_code == 200, r.text
    detail = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()
    assert detail["status"] == "08"
    kinds = [h["kind"] for h in detail["history"]]
    assert kinds.count("agency_decision") == 2
    assert kinds.index("agencies_routed") < kinds.index("release")

    report = client.get(f"{SW}/report", headers=tokens.officer).json()
    by_agency = {row["agency"]: row for row in report["agencies"]}
    assert by_agency["SENASA"]["decided"] == 1
    assert by_agency["DIGEMID"]["decided"] == 1
    assert by_agency["SENASA"]["median_hours"] == 2.5
    assert by_agency["SENASA"]["median_manual_hours"] == 2.5
    assert by_agency["DIGEMID"]["median_hours"] == 6.0
    assert by_agency["DIGEMID"]["automated"] == 0
    assert report["released"] == 1
    assert report["release_median_hours"] == 6.0
    # an agency sees only its own figures
    own = client.get(f"{SW}/report", headers=tokens.agency).json()
    assert [row["agency"] for row in own["agencies"]] == ["SENASA"]
