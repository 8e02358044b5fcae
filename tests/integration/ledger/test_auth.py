"""Every ledger route asks for a token; role-restricted routes refuse other roles."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from clearway.ledger import api
from tests.conftest import Tokens


def test_every_ledger_route_needs_a_token(client: TestClient) -> None:
    routes = [r for r in api.router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 20
    for route in routes:
        path = (
            route.path.replace("{org_id}", "pe-customs")
            .replace("{credential_id}", "x")
            .replace("{trader_id}", "x")
            .replace("{mrn}", "x")
        )
        for method in route.methods:
            r = client.request(method, path, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json()["errors"][0]["code"] == "UNAUTHENTICATED"


def test_administrative_routes_refuse_traders_and_officers(client: TestClient, tokens: Tokens) -> None:
    org = {"id": "x-org", "name": "X", "country": "PE", "kind": "exporter"}
    for headers in (tokens.broker, tokens.officer, tokens.agency):
        assert client.post("/api/v1/ledger/orgs", json=org, headers=headers).status_code == 403
        assert (
            client.post(
                "/api/v1/ledger/keys/revoke", json={"kid": "did:web:x#key-1", "reason": "r"}, headers=headers
            ).status_code
            == 403
        )
    assert client.post("/api/v1/ledger/orgs", json=org, headers=tokens.admin).status_code == 201
    again = client.post("/api/v1/ledger/orgs", json=org, headers=tokens.admin)
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "ORG_EXISTS"
    bad = client.post("/api/v1/ledger/orgs", json={**org, "id": "Bad Id!", "kind": "pirate"}, headers=tokens.admin)
    assert bad.status_code == 422 and {e["pointer"] for e in bad.json()["errors"]} == {"/id", "/kind"}
