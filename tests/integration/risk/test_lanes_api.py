"""Analysts publish criteria; accepted declarations get their lane in the same request, with reasons."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from tests.conftest import Tokens

PHONES_UNDERVALUED = {
    "name": "phones-below-reference",
    "lane": "red",
    "weight": 6,
    "description": "smartphones under USD 400 per kg",
    "conditions": [
        {"field": "hs", "op": "eq", "value": "851713"},
        {"field": "unit_value", "op": "lt", "value": 400},
    ],
}
GARMENTS_CN = {
    "name": "garments-cn",
    "lane": "yellow",
    "conditions": [
        {"field": "hs_chapter", "op": "in", "value": ["61", "62"]},
        {"field": "origin", "op": "eq", "value": "CN"},
    ],
}


def _publish(client: TestClient, tokens: Tokens, **criteria: Any) -> dict[str, Any]:
    r = client.put("/api/v1/risk/ruleset", json={"note": "test", **criteria}, headers=tokens.supervisor)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _lodge(client: TestClient, tokens: Tokens, lrn: str, **changes: Any) -> dict[str, Any]:
    doc = example_declaration(lrn)
    for key, value in changes.items():
        doc[key] = value
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    return dict(client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json())


def _lane_entry(detail: dict[str, Any]) -> dict[str, Any]:
    return next(h for h in detail["history"] if h["kind"] == "lane_assigned")


def test_without_criteria_the_core_selectivity_decides(client: TestClient, tokens: Tokens) -> None:
    detail = _lodge(client, tokens, "NONE-1")
    assert detail["lane"] == "green"
    assert _lane_entry(detail)["actor"] == "selectivity"


def test_a_matching_rule_sends_the_declaration_to_its_lane_with_reasons(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, rules=[GARMENTS_CN], red_capacity="0.5")
    detail = _lodge(client, tokens, "RULE-1")
    assert detail["lane"] == "yellow"
    assert detail["status"] == "06"
    entry = _lane_entry(detail)
    assert entry["actor"] == "risk-engine"
    assert entry["data"]["reasons"] == ["rule 'garments-cn'"]
    assert entry["data"]["scores"]["rules_hit"] == ["garments-cn"]
    assessment = client.get(f"/api/v1/risk/assessments/{detail['mrn']}", headers=tokens.officer).json()
    assert assessment["lane"] == "yellow" and assessment["ruleset_version"] == 1


def test_new_criteria_apply_to_the_next_declaration_without_restart(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, rules=[GARMENTS_CN])
    assert _lodge(client, tokens, "V-1")["lane"] == "yellow"
    inactive = {**GARMENTS_CN, "active": False}
    assert (
        _publish(client, tokens, rules=[inactive], watchlists=[{"name": "w", "severity": "low", "parties": ["X"]}])[
            "version"
        ]
        == 2
    )
    detail = _lodge(client, tokens, "V-2")
    assert detail["lane"] == "green"
    assert _lane_entry(detail)["data"]["reasons"] == ["no risk criteria matched"]
    versions = client.get("/api/v1/risk/ruleset/versions", headers=tokens.officer).json()
    assert [v["version"] for v in versions] == [2, 1]


def test_item_conditions_must_hold_on_the_same_item(client: TestClient, tokens: Tokens) -> None:
    # Phones are declared at USD 545/kg: the undervaluation rule must not fire; T-shirts are not phones.
    _publish(client, tokens, rules=[PHONES_UNDERVALUED])
    assert _lodge(client, tokens, "UV-1")["lane"] == "green"
    doc = example_declaration("UV-2")
    doc["goods_items"][0]["invoice_amount"] = "9900.00"
    doc["invoice"]["total_amount"] = "22650.00"
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    assert r.json()["lane"] == "red"


def test_red_beyond_the_office_capacity_becomes_a_documentary_check(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, rules=[{**GARMENTS_CN, "lane": "red"}], red_capacity="0.01")
    first = _lodge(client, tokens, "CAP-1")
    second = _lodge(client, tokens, "CAP-2")
    assert first["lane"] == "red"
    assert second["lane"] == "yellow"
    assert "red capacity of office PECLL used today" in _lane_entry(second)["data"]["reasons"][-1]
    assert _lane_entry(second)["data"]["scores"]["capacity_limited"] is True


def test_mandatory_rules_and_critical_watchlists_ignore_capacity(client: TestClient, tokens: Tokens) -> None:
    _publish(
        client,
        tokens,
        red_capacity="0.01",
        watchlists=[{"name": "seizures", "severity": "critical", "parties": ["CN91310000MA1FL"]}],
    )
    lanes = [_lodge(client, tokens, f"CRIT-{i}")["lane"] for i in range(3)]
    assert lanes == ["red", "red", "red"]
    reasons = _lane_entry(_lodge(client, tokens, "CRIT-9"))["data"]["reasons"]
    assert reasons == ["party on watchlist 'seizures' (severity critical)"]


def test_watchlist_severity_sets_the_lane(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, watchlists=[{"name": "audit", "severity": "medium", "parties": ["PE20512345671"]}])
    assert _lodge(client, tokens, "WL-1")["lane"] == "yellow"


def test_random_selection_keeps_a_minimum_share_of_controls(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, random_yellow="1")
    detail = _lodge(client, tokens, "RND-1")
    assert detail["lane"] == "yellow"
    assert _lane_entry(detail)["data"]["reasons"] == ["random selection for a documentary check"]


def test_control_outcomes_give_each_rule_its_hit_rate(client: TestClient, tokens: Tokens) -> None:
    _publish(client, tokens, rules=[GARMENTS_CN])
    results = ["discrepancy", "no_discrepancy", "discrepancy"]
    for i, result in enumerate(results):
        mrn = _lodge(client, tokens, f"HIT-{i}")["mrn"]
        findings: dict[str, Any] = {"result": result}
        if result == "discrepancy":
            findings |= {"kind": "undervaluation", "revenue_recovered": "100.50"}
        r = client.post(
            f"/api/v1/declarations/{mrn}/decisions",
            json={"decision": "release", "reason": "checked", "findings": findings},
            headers=tokens.officer,
        )
        assert r.status_code == 200, r.text
    _lodge(client, tokens, "HIT-3")  # hit, not controlled yet
    rates = client.get("/api/v1/risk/hit-rates", headers=tokens.officer).json()
    assert rates == [
        {
            "rule": "garments-cn",
            "hits": 4,
            "controlled": 3,
            "discrepancies": 2,
            "hit_rate": 0.6667,
            "revenue": "201.00",
        }
    ]


def test_invalid_criteria_are_refused_with_every_problem(client: TestClient, tokens: Tokens) -> None:
    body = {
        "note": "bad",
        "rules": [
            {"name": "a", "lane": "red", "conditions": [{"field": "colour", "op": "eq", "value": "x"}]},
            {"name": "a", "lane": "red", "conditions": [{"field": "unit_value", "op": "lt", "value": "cheap"}]},
        ],
    }
    r = client.put("/api/v1/risk/ruleset", json=body, headers=tokens.supervisor)
    assert r.status_code == 422
    codes = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert codes == {
        ("RULE_FIELD", "/rules/0/conditions/0"),
        ("RULE_NAME_DUPLICATE", "/rules/1/name"),
        ("RULE_VALUE", "/rules/1/conditions/0/value"),
    }
    r = client.put("/api/v1/risk/ruleset", json={"note": "x", "random_red": 2}, headers=tokens.supervisor)
    assert r.status_code == 422
    assert client.get("/api/v1/risk/ruleset", headers=tokens.officer).json()["version"] == 0


def test_only_customs_staff_see_criteria_and_only_analysts_change_them(client: TestClient, tokens: Tokens) -> None:
    assert client.get("/api/v1/risk/ruleset").status_code == 401
    assert client.get("/api/v1/risk/ruleset", headers=tokens.broker).status_code == 403
    assert client.get("/api/v1/risk/hit-rates", headers=tokens.agency).status_code == 403
    r = client.put("/api/v1/risk/ruleset", json={"note": "x"}, headers=tokens.officer)
    assert r.status_code == 403
    mrn = _lodge(client, tokens, "AUTH-1")["mrn"]
    assert client.get(f"/api/v1/risk/assessments/{mrn}", headers=tokens.broker).status_code == 403
    assert client.get("/api/v1/risk/assessments/NOPE", headers=tokens.officer).status_code == 404
