"""The demo seed publishes criteria under which demo declarations get lanes with reasons."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from clearway.risk import seed
from tests.conftest import Tokens


def test_demo_criteria_send_risky_declarations_to_control(client: TestClient, runtime: Runtime, tokens: Tokens) -> None:
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    assert said == ["risk: criteria version 1 with 4 rules and 2 watchlists"]
    doc = example_declaration("DEMO-1")
    doc["goods_items"][0]["commodity_code"] = "850760"  # lithium battery packs
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    assessment = client.get(f"/api/v1/risk/assessments/{mrn}", headers=tokens.officer).json()
    assert assessment["lane"] == "red"
    assert "lithium-batteries" in assessment["rules_hit"]
    assert any("dangerous goods" in reason for reason in assessment["reasons"])
