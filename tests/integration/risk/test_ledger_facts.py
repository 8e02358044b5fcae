"""The ledger reaches the lane: AEO facilitation (national or under an MRA), lapsed AEOs, counterfeit flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.ledger import aeo, identity, service
from clearway.ledger.partner import PartnerAdministration
from clearway.ledger.seed import event_subject, passport_subject
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.ledger.conftest import BRAND, IMPORTER, Orgs, orgs  # noqa: F401 (the fixture)

NOW = datetime.now(UTC)
RANDOM_YELLOW = {"random_yellow": "1", "note": "every declaration gets a documentary check"}
NEVER = {"name": "never", "lane": "red", "conditions": [{"field": "hs", "op": "eq", "value": "000000"}]}
GARMENTS_CN = {
    "name": "garments-cn",
    "lane": "yellow",
    "conditions": [
        {"field": "hs_chapter", "op": "in", "value": ["61"]},
        {"field": "origin", "op": "eq", "value": "CN"},
    ],
}


def _publish(client: TestClient, tokens: Tokens, document: dict[str, Any]) -> None:
    # each step replaces the criteria as a whole: removing the previous step's rule is intended
    r = client.put(
        "/api/v1/risk/ruleset?confirm_removals=true", json={"note": "test", **document}, headers=tokens.supervisor
    )
    assert r.status_code == 201, r.text


def _aeo(client: TestClient, tokens: Tokens, status: str, since: date) -> None:
    body = {"trader_id": IMPORTER, "trader_name": "Importaciones Pacífico SAC", "status": status, "reason": "audit"}
    r = client.post("/api/v1/ledger/aeo", json={**body, "effective_from": since.isoformat()}, headers=tokens.supervisor)
    assert r.status_code == 201, r.text


def _lodge(client: TestClient, tokens: Tokens, lrn: str, product_ids: list[list[str]] | None = None) -> dict[str, Any]:
    doc = example_declaration(lrn)
    for item, pids in zip(doc["goods_items"], product_ids or [], strict=False):
        item["product_ids"] = pids
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    detail = client.get(f"/api/v1/declarations/{r.json()['mrn']}", headers=tokens.officer).json()
    entry = next(h for h in detail["history"] if h["kind"] == "lane_assigned")
    return {"lane": detail["lane"], "reasons": entry["data"]["reasons"], "scores": entry["data"].get("scores", {})}


def test_a_national_aeo_has_its_random_check_waived_but_not_a_rule_or_a_lapse(
    client: TestClient, tokens: Tokens
) -> None:
    _publish(client, tokens, RANDOM_YELLOW)
    assert _lodge(client, tokens, "AEO-0")["lane"] == "yellow"  # not an AEO yet
    _aeo(client, tokens, "granted", NOW.date() - timedelta(days=30))
    got = _lodge(client, tokens, "AEO-1")
    assert got["lane"] == "green"
    assert got["reasons"] == ["AEO (national programme) — facilitation (random documentary check waived)"]
    assert got["scores"]["aeo"] == "granted" and got["scores"]["aeo_facilitation"] is True
    # an analyst's yellow rule still applies to an AEO
    _publish(client, tokens, {"rules": [GARMENTS_CN]})
    assert _lodge(client, tokens, "AEO-2")["lane"] == "yellow"
    # a suspended AEO is a risk fact: a documentary check when no criterion applies, and usable in rules
    _aeo(client, tokens, "suspended", NOW.date())
    _publish(client, tokens, {"rules": [NEVER]})
    got = _lodge(client, tokens, "AEO-3")
    assert got["lane"] == "yellow"
    assert got["reasons"] == [
        f"AEO status of {IMPORTER} (national programme) suspended since {NOW.date()}: documentary check"
    ]
    rule = {"name": "lapsed-aeo", "lane": "red", "conditions": [{"field": "aeo", "op": "in", "value": ["suspended"]}]}
    _publish(client, tokens, {"rules": [rule], "red_capacity": "1"})
    assert _lodge(client, tokens, "AEO-4")["lane"] == "red"


def test_an_aeo_recognised_under_an_mra_is_facilitated_unless_on_a_high_watchlist(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    chile = PartnerAdministration("aduana.cl", "CL", NOW - timedelta(days=30))
    chile.publish(IMPORTER, "Importaciones Pacífico SAC", "granted", NOW.date() - timedelta(days=10), "OEA", NOW)
    ctx = service.context(runtime)
    with runtime.uow() as uow:
        identity.register_partner(
            uow,
            org_id="cl-customs",
            name="Aduana de Chile",
            country="CL",
            did_document=chile.did_document(),
            mra_since=NOW.date() - timedelta(days=5),
        )
        aeo.import_export(uow, ctx, chile.export(NOW))
        uow.commit()
    _publish(client, tokens, RANDOM_YELLOW)
    got = _lodge(client, tokens, "MRA-1")
    assert (got["lane"], got["reasons"]) == (
        "green",
        ["AEO (CL, under MRA) — facilitation (random documentary check waived)"],
    )
    high = {"name": "fraud-ring", "severity": "high", "parties": [IMPORTER]}
    _publish(client, tokens, {**RANDOM_YELLOW, "watchlists": [high], "red_capacity": "1"})
    got = _lodge(client, tokens, "MRA-2")
    assert got["lane"] == "red" and not any("facilitation" in r for r in got["reasons"])


def test_a_counterfeit_flag_sends_the_declaration_to_red_in_words(
    client: TestClient,
    tokens: Tokens,
    orgs: Orgs,  # noqa: F811 (the fixture)
) -> None:
    shipped = (NOW - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for kind, subject in (
        ("product_passport", passport_subject("urn:p:fake", origin="VN")),
        ("traceability_event", event_subject("urn:p:fake", BRAND[3], IMPORTER, shipped)),
        ("product_passport", passport_subject("urn:p:real")),
        ("traceability_event", event_subject("urn:p:real", BRAND[3], IMPORTER, shipped)),
    ):
        r = client.post(
            "/api/v1/ledger/credentials", json={"org": BRAND[0], "kind": kind, "subject": subject}, headers=orgs.brand
        )
        assert r.status_code == 201, r.text
    # no criterion applies: the flag alone sends to red (and the AEO gets no facilitation)
    _publish(client, tokens, {"rules": [NEVER], **RANDOM_YELLOW})
    _aeo(client, tokens, "granted", NOW.date() - timedelta(days=30))
    got = _lodge(client, tokens, "FAKE-1", [["urn:p:fake"]])
    assert got["lane"] == "red"
    assert got["reasons"] == [
        "counterfeit check, item 1 urn:p:fake: declared origin CN but the passport says made in VN (ORIGIN_MISMATCH)"
    ]
    assert got["scores"]["counterfeit_flags"] == 1
    # capacity does not turn it into a documentary check
    _publish(client, tokens, {"red_capacity": "0.01", "rules": [GARMENTS_CN]})
    assert _lodge(client, tokens, "FAKE-2", [["urn:p:fake"]])["lane"] == "red"
    assert _lodge(client, tokens, "FAKE-3", [["urn:p:fake"]])["lane"] == "red"
    genuine = _lodge(client, tokens, "REAL-1", [["urn:p:real"]])
    assert genuine["lane"] == "yellow" and genuine["scores"]["counterfeit_flags"] == 0
