"""Officers act on declarations; every action is recorded; no lost update."""

from __future__ import annotations

import threading
from decimal import Decimal

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from tests.conftest import HoldRelease, Tokens


def _controlled(client: TestClient, runtime: Runtime, tokens: Tokens, lrn: str, lane: str = "red") -> str:
    if lane == "red":
        runtime.settings.selectivity_red_rate = Decimal(1)
    else:
        runtime.settings.selectivity_yellow_rate = Decimal(1)
    r = client.post("/api/v1/declarations", json=example_declaration(lrn), headers=tokens.broker)
    runtime.settings.selectivity_red_rate = runtime.settings.selectivity_yellow_rate = Decimal(0)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def test_red_lane_goes_to_physical_check_and_officer_releases_with_findings(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    mrn = _controlled(client, runtime, tokens, "RED-1")
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["status"] == "05"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={
            "decision": "release",
            "reason": "inspection found 10 more phones than declared",
            "findings": {"result": "discrepancy", "kind": "quantity", "revenue_recovered": "812.40"},
        },
    )
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["status"] == "08"
    last = detail["history"][-1]
    assert last["kind"] == "control_result" and last["data"]["revenue_recovered"] == "812.40"
    release = [h for h in detail["history"] if h["kind"] == "release"][0]
    assert release["actor"] == "officer.rojas" and release["status_from"] == "05" and release["status_to"] == "08"
    notes = client.get(f"/api/v1/declarations/{mrn}/notifications", headers=tokens.broker).json()
    assert [n["status"] for n in notes if n["status"]] == ["01", "05", "08"]
    after = notes[-1]["id"]
    assert client.get(f"/api/v1/declarations/{mrn}/notifications?after={after}", headers=tokens.broker).json() == []


def test_a_decision_needs_a_reason_and_a_permitted_role(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    mrn = _controlled(client, runtime, tokens, "ROLE-1", lane="yellow")
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "release", "reason": ""},
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.broker,
        json={"decision": "release", "reason": "please release"},
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "detain", "reason": "invoice looks forged"},
    )
    assert r.json()["status"] == "52"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "release", "reason": "documents verified"},
    )
    assert r.status_code == 403  # only a supervisor releases detained goods
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.supervisor,
        json={"decision": "release", "reason": "forgery not confirmed by the issuer"},
    )
    assert r.json()["status"] == "08"


def test_transitions_are_enforced(client: TestClient, tokens: Tokens) -> None:
    mrn = client.post("/api/v1/declarations", json=example_declaration("TRANS-1"), headers=tokens.broker).json()["mrn"]
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "request_documents", "reason": "late check"},
    )
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "STATUS_TRANSITION"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "clear", "reason": "all settled"},
    )
    assert r.json()["status"] == "09"


def test_two_officers_deciding_at_once_one_wins_the_other_gets_409(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    mrn = _controlled(client, runtime, tokens, "RACE-1")
    version = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["version"]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def act(headers: dict[str, str], decision: str) -> None:
        barrier.wait()
        r = client.post(
            f"/api/v1/declarations/{mrn}/decisions",
            headers=headers,
            json={"decision": decision, "reason": "decided at the same time", "expected_version": version},
        )
        results.append(r.status_code)

    threads = [
        threading.Thread(target=act, args=(tokens.officer, "release")),
        threading.Thread(target=act, args=(tokens.officer2, "detain")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    history = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
    assert len([h for h in history if h["kind"] in {"release", "detain"}]) == 1


def _held(client: TestClient, runtime: Runtime, tokens: Tokens, lrn: str) -> str:
    runtime.ports.add(HoldRelease())
    r = client.post("/api/v1/declarations", json=example_declaration(lrn), headers=tokens.broker)
    assert r.status_code == 201 and r.json()["status"] == "01", r.text
    return str(r.json()["mrn"])


def test_amendment_before_release_and_not_after(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    mrn = _held(client, runtime, tokens, "AMEND-HOLD-1")
    corrected = example_declaration("AMEND-HOLD-1")
    corrected["goods_items"][2]["quantity"] = "520"
    r = client.post(
        f"/api/v1/declarations/{mrn}/amendments",
        headers=tokens.broker,
        json={"reason": "supplier shipped 20 more T-shirts", "declaration": corrected},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "07"
    amended = [h for h in r.json()["history"] if h["kind"] == "amended"][-1]
    assert amended["data"]["changed"] == ["goods_items/3"]
    assert {"pointer": "/goods_items/2/quantity", "old": "500", "new": "520"} in amended["data"]["changes"]
    bad = example_declaration("AMEND-HOLD-1")
    bad["goods_items"][0]["commodity_code"] = "000000"
    r = client.post(
        f"/api/v1/declarations/{mrn}/amendments",
        headers=tokens.broker,
        json={"reason": "typo", "declaration": bad},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/declaration/goods_items/0/commodity_code"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "physical_check", "reason": "quantity changed: check the goods"},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/declarations/{mrn}/amendments",
        headers=tokens.broker,
        json={"reason": "too late", "declaration": corrected},
    )
    assert r.status_code == 409


def test_invalidation_on_the_traders_request(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    mrn = _held(client, runtime, tokens, "INV-HOLD-1")
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.broker,
        json={"decision": "invalidate", "reason": "goods not shipped; order cancelled"},
    )
    assert r.status_code == 200 and r.json()["status"] == "10"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        headers=tokens.officer,
        json={"decision": "release", "reason": "release anyway"},
    )
    assert r.status_code == 409


def test_officer_queue_is_red_first_then_oldest(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    _controlled(client, runtime, tokens, "Q-YELLOW", lane="yellow")
    _controlled(client, runtime, tokens, "Q-RED", lane="red")
    queue = client.get("/api/v1/declarations?queue=true&office=PECLL", headers=tokens.officer).json()["data"]
    assert [d["lrn"] for d in queue][:2] == ["Q-RED", "Q-YELLOW"]
