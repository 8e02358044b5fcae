"""The demo attaches invoices to demo declarations: one that matches, one that does not."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.documents import seed, service
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens


def test_the_demo_attaches_a_matching_and_a_disagreeing_invoice(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    mrns = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-{i}"), headers=tokens.broker).json()["mrn"]
        for i in range(2)
    ]
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    assert "invoices attached" in said[-1]
    with runtime.uow(readonly=True) as uow:
        totals = {m: [d.code for d in service.discrepancies(uow, m) if d.code == "DOC_TOTAL"] for m in mrns}
    assert sorted(len(v) for v in totals.values()) == [0, 1]
