"""The admin audit log and four-eyes approvals: every admin change leaves who/when/what/why; weakening a
control waits for a second person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from clearway.platform import audit, cli_support
from clearway.platform.cli import audit_app
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.single_window.helpers import load_demo_rules

SW = "/api/v1/single-window"
SENASA = {"code": "SENASA", "name": "Servicio Nacional de Sanidad Agraria", "domain": "plant health"}


def _audit(client: TestClient, tokens: Tokens, **params: str) -> list[dict[str, object]]:
    r = client.get("/api/v1/audit", params=params, headers=tokens.supervisor)
    assert r.status_code == 200, r.text
    return list(r.json()["entries"])


def test_admin_changes_are_audited_with_actor_old_and_new_values_and_reason(client: TestClient, tokens: Tokens) -> None:
    r = client.put(f"{SW}/agencies/SENASA", json=SENASA, headers=tokens.admin)
    assert r.status_code == 200
    renamed = {**SENASA, "name": "SENASA Perú"}
    r = client.put(
        f"{SW}/agencies/SENASA", json=renamed, headers={**tokens.admin, "X-Change-Reason": "official name changed"}
    )
    assert r.status_code == 200
    entries = _audit(client, tokens, action="single_window.agency")
    assert [e["actor"] for e in entries] == ["admin", "admin"]
    last = entries[-1]
    assert last["target"] == "agency:SENASA"
    assert last["before"]["name"] == SENASA["name"]  # type: ignore[index]
    assert last["after"]["name"] == "SENASA Perú"  # type: ignore[index]
    assert last["reason"] == "official name changed"
    assert last["request_id"]


def test_only_supervisors_and_admins_read_the_audit_log(client: TestClient, tokens: Tokens) -> None:
    for who in (tokens.broker, tokens.officer, tokens.agency):
        assert client.get("/api/v1/audit", headers=who).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit", headers=tokens.admin).status_code == 200
    assert client.get("/api/v1/audit?after=9223372036854775808", headers=tokens.admin).status_code == 422
    assert client.get("/api/v1/audit?limit=100000", headers=tokens.admin).status_code == 422


def test_switching_on_automated_decisions_needs_a_second_person(client: TestClient, tokens: Tokens) -> None:
    assert client.put(f"{SW}/agencies/SENASA", json=SENASA, headers=tokens.admin).status_code == 200
    r = client.put(
        f"{SW}/agencies/SENASA",
        json={**SENASA, "automated_decisions": True},
        headers={**tokens.admin, "X-Change-Reason": "standing licences are reliable"},
    )
    assert r.status_code == 202, r.text
    request_id = r.json()["approval"]["id"]
    agencies = client.get(f"{SW}/agencies", headers=tokens.officer).json()
    assert agencies[0]["automated_decisions"] is False  # nothing changed yet
    # the requester cannot approve its own change, an officer or a trader cannot either
    r = client.post(f"/api/v1/approvals/{request_id}/approve", json={"reason": "fine by me"}, headers=tokens.admin)
    assert r.status_code == 403
    assert r.json()["errors"][0]["code"] == "APPROVAL_SAME_PERSON"
    for who in (tokens.officer, tokens.broker, tokens.agency):
        r = client.post(f"/api/v1/approvals/{request_id}/approve", json={"reason": "fine by me"}, headers=who)
        assert r.status_code == 403
    pending = client.get("/api/v1/approvals", headers=tokens.supervisor).json()
    assert [p["id"] for p in pending] == [request_id]
    r = client.post(
        f"/api/v1/approvals/{request_id}/approve", json={"reason": "checked the licences"}, headers=tokens.supervisor
    )
    assert r.status_code == 200, r.text
    assert client.get(f"{SW}/agencies", headers=tokens.officer).json()[0]["automated_decisions"] is True
    again = client.post(f"/api/v1/approvals/{request_id}/reject", json={"reason": "late"}, headers=tokens.supervisor)
    assert again.status_code == 409
    actions = [(e["action"], e["actor"]) for e in _audit(client, tokens)]
    assert ("approvals.request", "admin") in actions
    assert ("approvals.approve", "supervisor.quispe") in actions
    assert ("single_window.agency.put", "supervisor.quispe") in actions


def test_a_rejected_retirement_changes_nothing(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    before = client.get(f"{SW}/requirements?agency=SUCAMEC", headers=tokens.officer).json()
    assert before
    r = client.post(
        f"{SW}/requirements/SUCAMEC-WEAPONS/retire", json={"effective_to": "2026-06-30"}, headers=tokens.admin
    )
    assert r.status_code == 202
    request_id = r.json()["approval"]["id"]
    r = client.post(
        f"/api/v1/approvals/{request_id}/reject", json={"reason": "weapons stay licensed"}, headers=tokens.supervisor
    )
    assert r.status_code == 200
    assert client.get(f"{SW}/requirements?agency=SUCAMEC", headers=tokens.officer).json() == before
    r = client.post(f"/api/v1/approvals/{request_id}/approve", json={"reason": "after all"}, headers=tokens.supervisor)
    assert r.status_code == 409


def test_a_file_cannot_switch_an_existing_agency_to_automated_decisions(client: TestClient, tokens: Tokens) -> None:
    assert client.put(f"{SW}/agencies/SENASA", json=SENASA, headers=tokens.admin).status_code == 200
    doc = {"agencies": [{**SENASA, "automated_decisions": True}]}
    r = client.post(f"{SW}/requirements/load", json=doc, headers=tokens.admin)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "code": "NEEDS_APPROVAL",
        "message": r.json()["errors"][0]["message"],
        "pointer": "/agencies/0/automated_decisions",
    }


def test_the_audit_log_refuses_update_and_delete(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        audit.record(uow, actor="admin", role="admin", action="test.x", target="t", after={"a": 1}, reason="r")
        uow.commit()
    for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with runtime.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.conn.execute(text(statement))
    with runtime.uow(readonly=True) as uow:
        assert [e.actor for e in audit.entries(uow)] == ["admin"]


def test_ledger_and_tariff_admin_changes_and_token_revocation_are_audited(client: TestClient, tokens: Tokens) -> None:
    r = client.post(
        "/api/v1/tariff/accounts",
        json={"id": "GA-AUDIT-1", "party_id": "PE20100047218", "kind": "guarantee", "limit": "1000.00"},
        headers={**tokens.admin, "X-Change-Reason": "bank guarantee received"},
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/v1/ledger/aeo",
        json={
            "trader_id": "PE20100047218",
            "trader_name": "Andina",
            "status": "suspended",
            "effective_from": "2026-01-01",
            "reason": "audit findings",
        },
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text
    mine = client.get("/api/v1/tokens", headers=tokens.broker).json()
    assert [t["user"] for t in mine] == ["broker.andina"]
    r = client.delete(f"/api/v1/tokens/{mine[0]['id']}", headers=tokens.other_broker)
    assert r.status_code == 404  # another user's token
    r = client.delete(f"/api/v1/tokens/{mine[0]['id']}", headers=tokens.admin)
    assert r.status_code == 204
    assert client.get("/api/v1/tokens", headers=tokens.broker).status_code == 401
    actions = {e["action"]: e for e in _audit(client, tokens)}
    assert actions["tariff.account.open"]["reason"] == "bank guarantee received"
    assert actions["ledger.aeo.publish"]["after"]["status"] == "suspended"  # type: ignore[index]
    assert actions["platform.token.revoke"]["actor"] == "admin"


def test_cli_lists_the_audit_log(runtime: Runtime, tokens: Tokens, client: TestClient) -> None:
    client.put(f"{SW}/agencies/SENASA", json=SENASA, headers=tokens.admin)
    cli_support.set_runtime_factory_result(runtime)
    result = CliRunner().invoke(audit_app, ["list", "--json", "--action", "single_window."])
    assert result.exit_code == 0, result.output
    assert '"target": "agency:SENASA"' in result.output
