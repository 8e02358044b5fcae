"""The lodging pipeline: ports in a fixed order, one write of the final state, control protection, versions kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Declaration, Lane
from clearway.declarations.ports import LaneProposal, LodgingFacts, SupplyChainFacts
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from tests.conftest import HoldRelease, Tokens

API = "/api/v1/declarations"


class Recorder:
    """A port of every kind that records when it is asked (and proposes a lane when told to)."""

    def __init__(self, calls: list[str], lane: Lane | None = None, *, precedence: int = 10, final: bool = False):
        self.calls = calls
        self.lane = lane
        self.precedence = precedence
        self.final = final

    def assess(self, uow: UnitOfWork, decl: Declaration) -> None:
        self.calls.append("assess")

    def route(self, uow: UnitOfWork, decl: Declaration) -> None:
        self.calls.append("route")

    def check(self, uow: UnitOfWork, decl: Declaration, on: date) -> SupplyChainFacts:
        self.calls.append("check")
        return SupplyChainFacts(counterfeit=("test flag",)) if "FAKE" in decl.data.lrn else SupplyChainFacts()

    def propose(self, uow: UnitOfWork, decl: Declaration, facts: LodgingFacts) -> LaneProposal | None:
        self.calls.append(f"propose:{self.precedence}")
        if facts.supply_chain.counterfeit:
            return LaneProposal(Lane.RED, ("counterfeit",), "recorder")
        if self.lane is None:
            return None
        return LaneProposal(self.lane, (f"test {self.lane.value}",), f"p{self.precedence}", final=self.final)

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]:
        self.calls.append("gate")
        return []


def _lodge(client: TestClient, tokens: Tokens, lrn: str) -> dict[str, Any]:
    r = client.post(API, json=example_declaration(lrn), headers=tokens.broker)
    assert r.status_code == 201, r.text
    return client.get(f"{API}/{r.json()['mrn']}", headers=tokens.officer).json()  # type: ignore[no-any-return]


def test_ports_are_asked_in_the_documented_order(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    calls: list[str] = []
    runtime.ports.add(Recorder(calls))
    _lodge(client, tokens, "ORDER-1")
    assert calls == ["assess", "route", "check", "propose:10", "gate"]


def test_the_first_final_proposal_wins_else_the_most_severe(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    calls: list[str] = []
    runtime.ports.add(Recorder(calls, Lane.YELLOW, precedence=60))
    runtime.ports.add(Recorder(calls, Lane.RED, precedence=70))
    detail = _lodge(client, tokens, "SEV-1")
    assert detail["lane"] == "red" and detail["status"] == "05"
    runtime.ports.add(Recorder(calls, Lane.GREEN, precedence=5, final=True))
    calls.clear()
    detail = _lodge(client, tokens, "FINAL-1")
    assert detail["lane"] == "green"
    assert "propose:60" not in calls, "providers after a final proposal are not asked"


def test_supply_chain_facts_reach_the_lane_providers(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    runtime.ports.add(Recorder([]))
    detail = _lodge(client, tokens, "FAKE-1")
    assert detail["lane"] == "red"


def test_lodging_writes_the_declaration_once_and_its_history_in_one_insert(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        r = client.post(API, json=example_declaration("ONCE-1"), headers=tokens.broker)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", seen)
    assert r.status_code == 201
    assert len([s for s in statements if s.startswith("INSERT INTO declarations ")]) == 1
    assert not [s for s in statements if s.startswith("UPDATE declarations ")], "the row is written once"
    history_inserts = [s for s in statements if s.startswith("INSERT INTO declaration_events")]
    assert len(history_inserts) == 1, "the whole history in one multi-row insert"
    detail = client.get(f"{API}/{r.json()['mrn']}", headers=tokens.officer).json()
    assert [h["kind"] for h in detail["history"]][:3] == ["received", "accepted", "lane_assigned"]


@pytest.mark.parametrize("lane", ["red", "yellow"])
def test_a_declarant_cannot_escape_a_notified_control(
    client: TestClient, runtime: Runtime, tokens: Tokens, lane: str
) -> None:
    setattr(runtime.settings, f"selectivity_{lane}_rate", Decimal(1))
    r = client.post(API, json=example_declaration(f"ESC-{lane}"), headers=tokens.broker)
    setattr(runtime.settings, f"selectivity_{lane}_rate", Decimal(0))
    mrn = r.json()["mrn"]
    invalidate = client.post(
        f"{API}/{mrn}/decisions", headers=tokens.broker, json={"decision": "invalidate", "reason": "never mind"}
    )
    assert invalidate.status_code == 409 and invalidate.json()["errors"][0]["code"] == "CONTROL_IN_PROGRESS"
    doc = example_declaration(f"ESC-{lane}")
    doc["goods_items"][0]["description"] = "something else entirely, to hide"
    amend = client.post(
        f"{API}/{mrn}/amendments", headers=tokens.broker, json={"declaration": doc, "reason": "hide it"}
    )
    assert amend.status_code == 409 and amend.json()["errors"][0]["code"] == "CONTROL_IN_PROGRESS"
    status = client.get(f"{API}/{mrn}", headers=tokens.officer).json()["status"]
    assert status == ("05" if lane == "red" else "06")


def test_an_amendment_keeps_the_old_version_and_says_what_changed(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    runtime.ports.add(HoldRelease())
    doc = example_declaration("VER-HOLD-1")
    mrn = client.post(API, json=doc, headers=tokens.broker).json()["mrn"]
    old_description = doc["goods_items"][0]["description"]
    doc["goods_items"][0]["description"] = "Smartphones, 128 GB, model X2"
    r = client.post(f"{API}/{mrn}/amendments", headers=tokens.broker, json={"declaration": doc, "reason": "typo"})
    assert r.status_code == 200, r.text
    amended = [h for h in r.json()["history"] if h["kind"] == "amended"][0]
    change = [c for c in amended["data"]["changes"] if c["pointer"] == "/goods_items/0/description"]
    assert change == [
        {"pointer": "/goods_items/0/description", "old": old_description, "new": doc["goods_items"][0]["description"]}
    ]
    versions = client.get(f"{API}/{mrn}/versions", headers=tokens.broker).json()
    assert [v["kind"] for v in versions] == ["lodged", "amended"]
    assert versions[0]["document"]["goods_items"][0]["description"] == old_description
    assert client.get(f"{API}/{mrn}/versions", headers=tokens.other_broker).status_code == 404


def test_another_partys_lrn_reveals_nothing(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("PROBE-1")
    mrn = client.post(API, json=doc, headers=tokens.broker).json()["mrn"]
    probe = example_declaration("PROBE-1")
    probe["representative"] = {"id": "PE20999999990", "name": "Other broker", "status": "2"}
    probe["goods_items"][0]["description"] = "different content"
    r = client.post(API, json=probe, headers=tokens.other_broker)
    assert r.status_code in {409, 422}
    assert mrn not in r.text


def test_a_withdrawn_red_declaration_gives_its_capacity_slot_back(client: TestClient, tokens: Tokens) -> None:
    garments_red = {
        "name": "garments-cn",
        "lane": "red",
        "conditions": [
            {"field": "hs_chapter", "op": "in", "value": ["61", "62"]},
            {"field": "origin", "op": "eq", "value": "CN"},
        ],
    }
    r = client.put(
        "/api/v1/risk/ruleset",
        json={"note": "test", "rules": [garments_red], "red_capacity": "0.01"},
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text
    first = client.post(API, json=example_declaration("SLOT-1"), headers=tokens.broker).json()
    assert first["lane"] == "red"
    withdrawn = client.post(
        f"{API}/{first['mrn']}/decisions",
        headers=tokens.supervisor,
        json={"decision": "invalidate", "reason": "lodged twice by mistake; confirmed with the broker"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    second = client.post(API, json=example_declaration("SLOT-2"), headers=tokens.broker).json()
    assert second["lane"] == "red", "the withdrawn declaration's red slot is free again"
