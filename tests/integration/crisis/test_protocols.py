"""Crisis protocols end to end: activation by two supervisors sends listed humanitarian consignments to the
priority lane with the protocol named; deactivation restores normal selection; everything audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.crisis.conftest import IMPOSTOR, activate, mask_import

PANDEMIC = "pandemic-medical-supplies"


def _lane_entry(client: TestClient, mrn: str, officer: dict[str, str]) -> dict[str, Any]:
    found = client.get(f"/api/v1/declarations/{mrn}", headers=officer)
    assert found.status_code == 200, found.text
    return next(e for e in found.json()["history"] if e["kind"] == "lane_assigned")


def test_activation_sends_a_mask_import_to_a_relief_organisation_to_the_priority_lane_and_deactivation_restores(
    runtime: Runtime,
    client: TestClient,
    tokens: Tokens,
    supervisor2: dict[str, str],
    red_cross: dict[str, str],
    packs: list[str],
) -> None:
    before = client.post("/api/v1/declarations", json=mask_import("MASK-0"), headers=red_cross)
    assert before.status_code == 201, before.text
    assert "crisis" not in _lane_entry(client, before.json()["mrn"], tokens.officer)["reason"]

    activation = activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    r = client.post("/api/v1/declarations", json=mask_import("MASK-1"), headers=red_cross)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    lane = _lane_entry(client, mrn, tokens.officer)
    assert lane["data"]["lane"] == "green" and lane["data"]["source"] == "crisis"
    assert "Pandemic medical supplies" in lane["reason"] and "630790" in lane["reason"]
    assert "post-clearance control" in lane["reason"]
    listed = client.get("/api/v1/crisis/declarations", headers=tokens.officer).json()
    assert [i["mrn"] for i in listed["items"]] == [mrn]
    assert listed["items"][0]["post_clearance_control"] is True

    r = client.post(
        f"/api/v1/crisis/activations/{activation}/deactivate",
        json={"reason": "emergency lifted by decree 2026-009"},
        headers=supervisor2,
    )
    assert r.status_code == 202, r.text
    still = client.post("/api/v1/declarations", json=mask_import("MASK-2"), headers=red_cross)
    assert _lane_entry(client, still.json()["mrn"], tokens.officer)["data"]["source"] == "crisis"  # until approved
    ok = client.post(
        f"/api/v1/approvals/{r.json()['approval']['id']}/approve", json={"reason": "lifted"}, headers=tokens.supervisor
    )
    assert ok.status_code == 200, ok.text
    after = client.post("/api/v1/declarations", json=mask_import("MASK-3"), headers=red_cross)
    lane = _lane_entry(client, after.json()["mrn"], tokens.officer)
    assert lane["data"]["source"] != "crisis" and "crisis" not in lane["reason"]

    audit = client.get("/api/v1/audit?action=crisis.", headers=tokens.admin).json()
    actions = [(e["action"], e["actor"]) for e in audit["entries"]]
    assert ("crisis.activate", "supervisor.huaman") in actions
    assert ("crisis.deactivate", "supervisor.quispe") in actions
    asked = client.get("/api/v1/audit?action=approvals.request", headers=tokens.admin).json()["entries"]
    assert {e["actor"] for e in asked} == {"supervisor.quispe", "supervisor.huaman"}


def test_a_single_supervisor_cannot_activate_alone(
    client: TestClient, tokens: Tokens, red_cross: dict[str, str], packs: list[str]
) -> None:
    r = client.post(
        f"/api/v1/crisis/packs/{PANDEMIC}/activate", json={"reason": "I decide alone today"}, headers=tokens.supervisor
    )
    assert r.status_code == 202
    approval = r.json()["approval"]["id"]
    own = client.post(f"/api/v1/approvals/{approval}/approve", json={"reason": "me again"}, headers=tokens.supervisor)
    assert own.status_code == 403 and own.json()["errors"][0]["code"] == "APPROVAL_SAME_PERSON"
    admin = client.post(f"/api/v1/approvals/{approval}/approve", json={"reason": "admin"}, headers=tokens.admin)
    assert admin.status_code == 403  # an administrator is not a customs supervisor
    assert client.get("/api/v1/crisis/activations", headers=tokens.officer).json() == []
    d = client.post("/api/v1/declarations", json=mask_import("ALONE-1"), headers=red_cross)
    assert client.get("/api/v1/crisis/declarations", headers=tokens.officer).json()["total"] == 0
    assert d.status_code == 201
    again = client.post(
        f"/api/v1/crisis/packs/{PANDEMIC}/activate", json={"reason": "asking twice, same"}, headers=tokens.supervisor
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "CRISIS_PENDING"


def test_a_declarant_or_an_officer_cannot_ask_for_activation(
    client: TestClient, tokens: Tokens, red_cross: dict[str, str], packs: list[str]
) -> None:
    for who in (red_cross, tokens.broker, tokens.officer, tokens.agency, tokens.admin):
        r = client.post(
            f"/api/v1/crisis/packs/{PANDEMIC}/activate", json={"reason": "let me through fast"}, headers=who
        )
        assert r.status_code == 403, r.text
    assert client.get("/api/v1/crisis/requests", headers=tokens.officer).json() == []
    assert client.get("/api/v1/crisis/requests", headers=red_cross).status_code == 403


def test_a_consignee_merely_named_like_a_relief_organisation_is_not_prioritised(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], impostor: dict[str, str], packs: list[str]
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    activate(client, "disaster-relief", supervisor2, tokens.supervisor, reason="earthquake decree 2026-77")
    r = client.post("/api/v1/declarations", json=mask_import("FAKE-1", IMPOSTOR), headers=impostor)
    assert r.status_code == 201, r.text
    lane = _lane_entry(client, r.json()["mrn"], tokens.officer)
    assert lane["data"]["source"] != "crisis" and "crisis" not in lane["reason"]
    under = client.get("/api/v1/crisis/declarations", headers=tokens.officer).json()["items"]
    # masks are medical supplies: the late-documents waiver applies to anyone; the priority lane does not
    assert [m["kind"] for m in under[0]["measures"]] == ["crisis_measure"]


def test_unlisted_goods_to_a_relief_organisation_are_not_prioritised_by_the_pandemic_pack(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], red_cross: dict[str, str], packs: list[str]
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    r = client.post("/api/v1/declarations", json=mask_import("PHONES-1", code="851713"), headers=red_cross)
    assert r.status_code == 201, r.text
    assert _lane_entry(client, r.json()["mrn"], tokens.officer)["data"]["source"] != "crisis"


def test_another_party_sees_nothing_of_someone_elses_declarations_through_crisis_endpoints(
    client: TestClient,
    tokens: Tokens,
    supervisor2: dict[str, str],
    red_cross: dict[str, str],
    impostor: dict[str, str],
    packs: list[str],
) -> None:
    activate(client, PANDEMIC, tokens.supervisor, supervisor2)
    mrn = client.post("/api/v1/declarations", json=mask_import("MINE-1"), headers=red_cross).json()["mrn"]
    own = client.get("/api/v1/crisis/declarations", headers=red_cross).json()
    assert [i["mrn"] for i in own["items"]] == [mrn]
    assert own["items"][0]["lane"] is None and own["items"][0]["post_clearance_control"] is None
    for who in (impostor, tokens.broker, tokens.other_broker):
        r = client.get("/api/v1/crisis/declarations?provisional=false&overdue=false", headers=who)
        assert r.status_code == 200 and r.json()["total"] == 0 and mrn not in r.text
    assert client.get("/api/v1/crisis/declarations", headers=tokens.agency).status_code == 403
    for path in ("/api/v1/crisis/packs", "/api/v1/crisis/activations", "/api/v1/crisis/dashboard"):
        assert client.get(path, headers=impostor).status_code == 403, path
    public = client.get("/api/v1/crisis/active", headers=impostor).json()
    assert [p["pack_id"] for p in public] == [PANDEMIC] and mrn not in str(public)
    done = client.post(
        f"/api/v1/crisis/declarations/{mrn}/completion",
        json={"reason": "not mine", "declaration": mask_import("MINE-1")},
        headers=impostor,
    )
    assert done.status_code == 404 and "Cruz Roja" not in done.text


def test_loading_a_broken_pack_through_the_api_lists_every_error_and_a_trader_cannot_load(
    client: TestClient, tokens: Tokens, red_cross: dict[str, str]
) -> None:
    from clearway.crisis.seed import packs_dir

    text = (packs_dir() / "disaster-relief.yaml").read_text(encoding="utf-8")
    broken = text.replace("start: 2026-01-01", "start: 2026-02-30").replace('hs6: "630622"', 'hs6: "63062"')
    headers = {"Content-Type": "application/yaml", "X-Change-Reason": "test"}
    r = client.post("/api/v1/crisis/packs", content=broken.encode(), headers={**tokens.admin, **headers})
    assert r.status_code == 422
    assert {(e["code"], e["pointer"]) for e in r.json()["errors"]} == {
        ("PACK_DATE", "/start"),
        ("PACK_HS_FORMAT", "/goods/relief_goods/codes/0/hs6"),
    }
    assert client.get("/api/v1/crisis/packs", headers=tokens.officer).json() == []
    denied = client.post("/api/v1/crisis/packs", content=text.encode(), headers={**red_cross, **headers})
    assert denied.status_code == 403
    ok = client.post("/api/v1/crisis/packs", content=text.encode(), headers={**tokens.supervisor, **headers})
    assert ok.status_code == 201 and ok.json()["warnings"]  # the demo nomenclature is not a full HS: said so
    assert "format only" in ok.json()["warnings"][0]


def test_the_openapi_spec_names_the_json_body_of_each_request(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    bodies = {
        "/api/v1/crisis/packs/{pack_id}/activate": "ActivateIn",
        "/api/v1/crisis/activations/{activation_id}/deactivate": "DeactivateIn",
        "/api/v1/crisis/declarations/{mrn}/completion": "AmendmentIn",
    }
    for path, schema in bodies.items():
        body = paths[path]["post"]["requestBody"]
        assert body == {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }, path
