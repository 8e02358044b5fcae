"""Declarations accepted at the same time cannot both take an office's last red slot."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.risk import store
from tests.conftest import Tokens

GARMENTS_RED = {
    "name": "garments-cn",
    "lane": "red",
    "conditions": [{"field": "hs_chapter", "op": "eq", "value": "61"}, {"field": "origin", "op": "eq", "value": "CN"}],
}


def test_simultaneous_lodgements_share_the_red_capacity(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    r = client.put(
        "/api/v1/risk/ruleset",
        json={"note": "one red a day", "rules": [GARMENTS_RED], "red_capacity": "0.01"},
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text

    def lodge(i: int) -> str:
        res = client.post("/api/v1/declarations", json=example_declaration(f"RACE-{i}"), headers=tokens.broker)
        assert res.status_code == 201, res.text
        return str(res.json()["lane"])

    with ThreadPoolExecutor(6) as pool:
        lanes = list(pool.map(lodge, range(6)))
    assert sorted(lanes) == ["red", "yellow", "yellow", "yellow", "yellow", "yellow"]
    with runtime.uow(readonly=True) as uow:
        (office_day,) = {
            (a["office"], a["day"]) for a in map(dict, uow.conn.execute(store.risk_assessments.select()).mappings())
        }
        assert store.reds_used(uow.conn, *office_day) == 1
