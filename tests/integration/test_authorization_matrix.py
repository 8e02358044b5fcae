"""The authorization matrix: every route of the app, as another party's declarant or agency, with party A's
resource ids, answers no 2xx that touches A's resources and never shows A's identifiers, not even inside
JWS or base64 payloads. Routes come from the app's own OpenAPI spec and, for the console, from app.routes.
SQLite only, one app: it must stay fast."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from clearway.ledger.seed import origin_subject
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from tests.conftest import BROKER_PARTY, Tokens
from tests.integration.ledger.conftest import EXPORTER, Orgs
from tests.integration.ledger.conftest import orgs as orgs
from tests.integration.single_window.helpers import agency_headers, fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"
# Answer 2xx to anyone signed in, by design, even with another party's id in the path.
PUBLIC_BY_DESIGN = {
    ("get", "/api/v1/ledger/dids/{org_id}/did.json"): "DID documents are public keys, published for partners",
    ("get", "/api/v1/ledger/status/{org_id}"): "a status list is public so that verifiers can check revocation",
    ("get", "/api/v1/exchange/identity"): "what a partner administration needs to pair (DID, keys, URL) is public",
}
# Answer 2xx to government users of another agency, by design (coordinated border management).
AGENCIES_MAY = {
    ("get", "/api/v1/ledger/aeo/{trader_id}"): "a trader's AEO status is shared with the border agencies",
}
# Open without a token.
ANONYMOUS = {
    "/api/v1/exchange/identity",
    "/healthz",
    "/readyz",
    "/openapi.json",
    "/docs",
    "/redoc",
    "/console/login",
    "/",
    "/console",
    "/console/",
}


@dataclass
class PartyA:
    """Party A's resources and every identifier that must not reach another party."""

    path_values: dict[str, str]
    secrets: set[str] = field(default_factory=set)


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, sqlite_template: Any, tmp_path: Any) -> Iterator[str]:
    """SQLite only: the matrix runs once, fast."""
    import shutil

    path = tmp_path / "clearway.db"
    shutil.copy(sqlite_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def party_a(runtime: Runtime, client: TestClient, tokens: Tokens, orgs: Orgs, settings: Settings) -> PartyA:
    """Party A (the broker, and the exporter on the ledger) with a declaration, permit, account, credential."""
    load_demo_rules(client, tokens.admin)
    senasa = agency_headers(runtime, "agency.senasa.a", "SENASA")
    doc = fruit_and_medicines("MTX-A-LRN-1", importer=(BROKER_PARTY, "Agencia de Aduanas Andina SAC"))
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    decl = r.json()
    window = client.get(f"{SW}/declarations/{decl['mrn']}", headers=tokens.broker).json()
    app_id = window["applications"][0]["id"] if window.get("applications") else "none"
    permit = client.post(
        f"{SW}/permits",
        json={"holder_id": BROKER_PARTY, "hs": ["08"], "valid_from": "2026-01-01", "valid_to": "2027-12-31"},
        headers=senasa,
    )
    assert permit.status_code == 201, permit.text
    number = permit.json()["number"]
    account = client.post(
        "/api/v1/tariff/accounts",
        json={"id": "GA-MTX-A-77", "party_id": BROKER_PARTY, "kind": "guarantee", "limit": "5000.00"},
        headers=tokens.admin,
    )
    assert account.status_code == 201, account.text
    cred = client.post(
        "/api/v1/ledger/credentials",
        json={"org": EXPORTER[0], "kind": "certificate_of_origin", "subject": origin_subject()},
        headers=orgs.exporter,
    )
    assert cred.status_code == 201, cred.text
    with runtime.uow(readonly=True) as uow:
        token_id = auth.list_tokens(uow, user="broker.andina")[0].id
    values = {
        "mrn": decl["mrn"],
        "number": number,
        "app_id": app_id,
        "credential_id": cred.json()["id"],
        "trader_id": BROKER_PARTY,
        "org_id": EXPORTER[0],
        "token_id": str(token_id),
        "code": "SENASA",
        "rule_id": "SENASA-PHYTO-FRESH-FRUIT",
        "request_id": "00000000-0000-0000-0000-000000000000",
        "manifest_id": "none",
        "version": "1",
    }
    secrets = {decl["mrn"], "MTX-A-LRN-1", number, "GA-MTX-A-77", cred.json()["id"], cred.json()["jwt"]}
    secrets.add(app_id) if app_id != "none" else None
    return PartyA(values, {s for s in secrets if s})


_B64 = re.compile(r"[A-Za-z0-9_\-+/]{16,}={0,2}")


def _haystack(text: str) -> str:
    """The answer with every base64/base64url run (JWS segments too) decoded and appended."""
    found = [text]
    for run in _B64.findall(text):
        for part in run.split("."):
            padded = part + "=" * (-len(part) % 4)
            for decode in (base64.urlsafe_b64decode, base64.b64decode):
                try:
                    found.append(decode(padded).decode("utf-8", "ignore"))
                    break
                except (binascii.Error, ValueError):
                    continue
    return "\n".join(found)


def _leaks(body: str, request_text: str, a: PartyA) -> list[str]:
    hay = _haystack(body)
    return [s for s in a.secrets if s in hay and s not in request_text]


def _fill(path: str, a: PartyA) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: a.path_values.get(m.group(1), "x"), path)


def _routes(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    out = [(m, p) for p, ops in spec["paths"].items() for m in ops if m in {"get", "post", "put", "delete", "patch"}]
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and not route.include_in_schema and route.path.startswith("/console"):
            out.extend((m.lower(), route.path) for m in route.methods if m != "HEAD")
    return sorted(set(out))


def test_every_route_needs_a_token(client: TestClient, party_a: PartyA) -> None:
    open_ = []
    for method, path in _routes(client):
        if path in ANONYMOUS or path.startswith(("/console/static", "/docs", "/redoc")):
            continue
        url = _fill(path, party_a)
        r = client.request(method, url, json={}, follow_redirects=False)
        if r.status_code < 300 or (path.startswith("/console") and r.status_code not in (303, 401, 403)):
            open_.append(f"{method.upper()} {path} -> {r.status_code}")
        assert not _leaks(r.text, url, party_a), (method, path)
    assert open_ == []


def test_no_route_gives_party_a_to_another_party(
    runtime: Runtime, client: TestClient, tokens: Tokens, orgs: Orgs, party_a: PartyA
) -> None:
    foreign_agency = agency_headers(runtime, "agency.sucamec.x", "SUCAMEC")  # no part in A's goods
    attackers = {"other declarant": tokens.other_broker, "other agency": foreign_agency, "other ledger org": orgs.brand}
    problems = []
    for who, headers in attackers.items():
        token = headers["Authorization"].removeprefix("Bearer ")
        for method, path in _routes(client):
            if path.startswith(("/console/static", "/docs", "/redoc")) or path in ANONYMOUS:
                continue
            url = _fill(path, party_a)
            names_a = any("{" + k + "}" in path for k in ("mrn", "number", "app_id", "credential_id", "token_id"))
            names_a = names_a or ("{trader_id}" in path)
            if path.startswith("/console"):
                client.cookies.set("clearway_token", token)
                r = client.request(method, url, data={}, follow_redirects=False)
                client.cookies.clear()
            else:
                r = client.request(method, url, json={}, headers=headers, follow_redirects=False)
            allowed = (method, path) in PUBLIC_BY_DESIGN or (who == "other agency" and (method, path) in AGENCIES_MAY)
            if 200 <= r.status_code < 300 and names_a and not allowed:
                problems.append(f"{who}: {method.upper()} {path} -> {r.status_code}")
            leaked = _leaks(r.text, url, party_a)
            if leaked:
                problems.append(f"{who}: {method.upper()} {path} -> {r.status_code} shows {sorted(leaked)}")
    assert problems == [], "\n".join(problems)


def test_cross_tenant_writes_with_party_a_resources_are_refused(
    client: TestClient, tokens: Tokens, party_a: PartyA
) -> None:
    mrn = party_a.path_values["mrn"]
    b = tokens.other_broker
    writes = [
        ("post", f"/api/v1/declarations/{mrn}/payments", {"amount": "1.00", "method": "cash", "reference": "X-1"}),
        ("post", f"/api/v1/declarations/{mrn}/amendments", {"reason": "mine now", "changes": {}}),
        ("post", f"/api/v1/declarations/{mrn}/decisions", {"decision": "release", "reason": "x"}),
        ("post", f"/api/v1/ledger/credentials/{party_a.path_values['credential_id']}/revoke", {"reason": "x"}),
        ("delete", f"/api/v1/tokens/{party_a.path_values['token_id']}", None),
    ]
    for method, url, body in writes:
        r = client.request(method, url, json=body, headers=b)
        assert r.status_code in (403, 404, 422), (url, r.status_code, r.text[:200])
        assert not _leaks(r.text, url + json.dumps(body), party_a), url
