"""Mandates: a trader names as importer or declarant only itself or a party that mandated it (findings 1, 10)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearway.declarations.examples import example_declaration
from clearway.mandates.cli import app as mandates_cli
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.tariff import service as tariff_service
from clearway.tariff.model import ExchangeRate
from clearway.tariff.seed import demo_schedule_path
from tests.conftest import Tokens

PACIFICO = "PE20512345671"  # importer.pacifico's party (src/clearway/demo/users.py)
ATTACKER = "PE20999999990"  # tokens.other_broker's party


def _token(runtime: Runtime, user: str, party: str) -> dict[str, str]:
    with runtime.uow() as uow:
        token = auth.create_token(uow, user=user, role="declarant", party_id=party)
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def pacifico(runtime: Runtime) -> dict[str, str]:
    return _token(runtime, "importer.pacifico", PACIFICO)


def _as_attacker(lrn: str, *, declarant: str = ATTACKER, importer: str = PACIFICO) -> dict[str, Any]:
    doc = example_declaration(lrn)
    doc["declarant"] = {"id": declarant, "name": "Someone", "country": "PE"}
    doc["representative"] = {"id": ATTACKER, "name": "Attacker SAC", "country": "PE", "representation": "direct"}
    doc["importer"] = {"id": importer, "name": "Importaciones Pacífico SAC", "country": "PE"}
    return doc


def _codes(r: Any) -> list[tuple[str, str]]:
    return [(e["code"], e["pointer"]) for e in r.json()["errors"]]


def _grant(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    payload = {"principal_id": PACIFICO, "agent_id": ATTACKER, "reason": "broker appointed", **body}
    return client.post("/api/v1/mandates", json=payload, headers=headers)


def test_naming_another_party_as_importer_without_a_mandate_is_refused(
    client: TestClient, tokens: Tokens, pacifico: dict[str, str]
) -> None:
    r = client.post("/api/v1/declarations", json=_as_attacker("NOM-1"), headers=tokens.other_broker)
    assert r.status_code == 422
    assert _codes(r) == [("NO_MANDATE", "/importer/id")]
    assert "mandate" in r.json()["errors"][0]["message"]
    assert client.get("/api/v1/declarations", headers=pacifico).json()["count"] == 0


def test_naming_another_party_as_declarant_with_oneself_as_representative_is_refused(
    client: TestClient, tokens: Tokens
) -> None:
    r = client.post("/api/v1/declarations", json=_as_attacker("NOM-2", declarant=PACIFICO), headers=tokens.other_broker)
    assert r.status_code == 422
    assert _codes(r) == [("NO_MANDATE", "/declarant/id"), ("NO_MANDATE", "/importer/id")]


def test_a_mandate_granted_by_the_importer_lets_the_broker_lodge_until_revoked(
    client: TestClient, tokens: Tokens, pacifico: dict[str, str]
) -> None:
    granted = _grant(client, pacifico, procedures=["40"])
    assert granted.status_code == 201, granted.text
    mandate = granted.json()
    assert mandate["status"] == "active" and mandate["granted_by"] == "importer.pacifico"
    ok = client.post("/api/v1/declarations", json=_as_attacker("NOM-3"), headers=tokens.other_broker)
    assert ok.status_code == 201, ok.text
    assert client.get("/api/v1/declarations", headers=pacifico).json()["count"] == 1

    revoked = client.post(
        f"/api/v1/mandates/{mandate['id']}/revoke", json={"reason": "contract ended"}, headers=pacifico
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert [(h["kind"], h["actor"]) for h in revoked.json()["history"]] == [
        ("granted", "importer.pacifico"),
        ("revoked", "importer.pacifico"),
    ]
    assert revoked.json()["revoke_reason"] == "contract ended"
    again = client.post(f"/api/v1/mandates/{mandate['id']}/revoke", json={"reason": "twice"}, headers=pacifico)
    assert again.status_code == 409
    refused = client.post("/api/v1/declarations", json=_as_attacker("NOM-4"), headers=tokens.other_broker)
    assert refused.status_code == 422 and _codes(refused) == [("NO_MANDATE", "/importer/id")]


def test_an_expired_mandate_or_one_for_another_procedure_does_not_count(
    client: TestClient, runtime: Runtime, tokens: Tokens, pacifico: dict[str, str]
) -> None:
    now = runtime.clock()
    expired = _grant(
        client,
        pacifico,
        valid_from=(now - timedelta(days=30)).isoformat(),
        valid_to=(now - timedelta(days=1)).isoformat(),
    )
    assert expired.status_code == 201 and expired.json()["status"] == "expired"
    later = _grant(client, pacifico, valid_from=(now + timedelta(days=1)).isoformat())
    assert later.status_code == 201 and later.json()["status"] == "pending"
    other_procedure = _grant(client, pacifico, procedures=["51", "2100"])
    assert other_procedure.status_code == 201
    r = client.post("/api/v1/declarations", json=_as_attacker("NOM-5"), headers=tokens.other_broker)
    assert r.status_code == 422 and _codes(r) == [("NO_MANDATE", "/importer/id")]
    assert "4000" in r.json()["errors"][0]["message"]


def test_only_the_principal_or_an_admin_on_evidence_grants(
    client: TestClient, tokens: Tokens, pacifico: dict[str, str]
) -> None:
    # a trader may not mandate itself on another's behalf
    assert _grant(client, tokens.other_broker).status_code == 403
    for role in (tokens.officer, tokens.supervisor, tokens.agency):
        assert _grant(client, role).status_code == 403
    assert client.post("/api/v1/mandates", json={}, headers={}).status_code == 401
    no_evidence = _grant(client, tokens.admin)
    assert no_evidence.status_code == 422 and _codes(no_evidence) == [("EVIDENCE_REQUIRED", "/evidence")]
    registered = _grant(client, tokens.admin, evidence="notarised power of attorney 2026-118")
    assert registered.status_code == 201 and registered.json()["granted_role"] == "admin"
    bad = _grant(client, pacifico, agent_id=PACIFICO, procedures=["4O"])
    assert bad.status_code == 422
    assert {c for c, _ in _codes(bad)} == {"MANDATE_SELF", "PROCEDURE_CODE"}
    lookalike = _grant(client, pacifico, agent_id="PE2099999999\u0410")
    assert lookalike.status_code == 422


def test_the_principal_and_the_agent_see_a_mandate_and_nobody_else(
    client: TestClient, runtime: Runtime, tokens: Tokens, pacifico: dict[str, str]
) -> None:
    mandate_id = _grant(client, pacifico).json()["id"]
    stranger = _token(runtime, "importer.stranger", "PE20888777661")
    for who in (pacifico, tokens.other_broker, tokens.officer, tokens.admin):
        assert client.get(f"/api/v1/mandates/{mandate_id}", headers=who).status_code == 200
    assert client.get(f"/api/v1/mandates/{mandate_id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/mandates/{mandate_id}", headers=tokens.agency).status_code == 404
    assert client.get("/api/v1/mandates", headers=stranger).json()["total"] == 0
    assert mandate_id not in client.get("/api/v1/mandates", headers=tokens.agency).text
    assert mandate_id in client.get("/api/v1/mandates", headers=tokens.other_broker).text
    refused = client.post(f"/api/v1/mandates/{mandate_id}/revoke", json={"reason": "not mine"}, headers=stranger)
    assert refused.status_code == 404
    officer = client.post(f"/api/v1/mandates/{mandate_id}/revoke", json={"reason": "why"}, headers=tokens.officer)
    assert officer.status_code == 403
    # the agent may renounce it
    renounced = client.post(
        f"/api/v1/mandates/{mandate_id}/revoke",
        json={"reason": "we no longer represent them"},
        headers=tokens.other_broker,
    )
    assert renounced.status_code == 200 and renounced.json()["revoked_by"] == "broker.other"


def test_an_amendment_may_not_name_a_party_without_a_mandate(
    client: TestClient, runtime: Runtime, tokens: Tokens
) -> None:
    with runtime.uow() as uow:  # duties due hold the declaration open (status 01), so it may be amended
        tariff_service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        yesterday = runtime.clock().date() - timedelta(days=1)
        tariff_service.load_rates(uow, [ExchangeRate("USD", yesterday, Decimal("3.8"))])
        uow.commit()
    r = client.post("/api/v1/declarations", json=example_declaration("NOM-AM-1"), headers=tokens.broker)
    assert r.status_code == 201 and r.json()["status"] == "01", r.text
    mrn = r.json()["mrn"]
    changed = example_declaration("NOM-AM-1")
    changed["importer"] = {"id": "PE20888777661", "name": "Not a client", "country": "PE"}
    amended = client.post(
        f"/api/v1/declarations/{mrn}/amendments",
        headers=tokens.broker,
        json={"reason": "change of importer", "declaration": changed},
    )
    assert amended.status_code == 422, amended.text
    assert _codes(amended) == [("NO_MANDATE", "/declaration/importer/id")]
    detail = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()
    assert detail["declaration"]["importer"]["id"] == PACIFICO


def test_the_cli_registers_lists_and_revokes(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("clearway.mandates.cli.open_runtime", lambda: runtime)
    runner = CliRunner()
    refused = runner.invoke(mandates_cli, ["grant", PACIFICO, PACIFICO, "--reason", "x", "--evidence", "doc 1"])
    assert refused.exit_code == 1 and "MANDATE_SELF" in refused.output
    done = runner.invoke(
        mandates_cli,
        ["grant", PACIFICO, ATTACKER, "--reason", "power of attorney", "--evidence", "doc 7", "--procedure", "40"],
    )
    assert done.exit_code == 0, done.output
    mandate_id = done.output.split("mandate ")[1].split(":")[0].strip()
    listed = runner.invoke(mandates_cli, ["list", "--party", ATTACKER])
    assert listed.exit_code == 0 and "active" in listed.output and "1 of 1 mandate(s)" in listed.output
    revoked = runner.invoke(mandates_cli, ["revoke", mandate_id, "--reason", "ended"])
    assert revoked.exit_code == 0, revoked.output
    listed = runner.invoke(mandates_cli, ["list", "--party", ATTACKER])
    assert "revoked" in listed.output and "1 of 1 mandate(s)" in listed.output
