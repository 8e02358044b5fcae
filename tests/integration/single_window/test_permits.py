"""Permits: automated decisions under standing licences, drawdown, and no overdraw under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal

from fastapi.testclient import TestClient

from clearway.core.issues import Conflict
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.model import DeclarationData
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.single_window import permit_store, permits
from clearway.single_window.model import GoodsLine
from tests.conftest import Tokens
from tests.integration.single_window.helpers import agency_headers, fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"
FRUTAS = ("PE20333444551", "Frutas del Sur SAC")


def _licence(client: TestClient, headers: dict[str, str], **kw: object) -> dict[str, object]:
    body = {"holder_id": FRUTAS[0], "hs": ["08"], "valid_from": "2026-01-01", "valid_to": "2027-12-31", **kw}
    r = client.post(f"{SW}/permits", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_pre_approved_importer_is_decided_automatically_and_released_at_once(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    digemid = agency_headers(runtime, "agency.digemid", "DIGEMID")
    senasa_licence = _licence(client, tokens.agency, quantity="20", unit="TNE", number="SENASA-L-0001")
    _licence(client, digemid, hs=["30"])

    r = client.post("/api/v1/declarations", json=fruit_and_medicines("SW-AUTO-1", FRUTAS), headers=tokens.broker)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "08"  # released in the same request
    window = client.get(f"{SW}/declarations/{r.json()['mrn']}", headers=tokens.broker).json()
    assert {a["agency"]: a["status"] for a in window["applications"]} == {"DIGEMID": "approved", "SENASA": "approved"}
    senasa = next(a for a in window["applications"] if a["agency"] == "SENASA")
    assert senasa["automated"] is True
    assert senasa["decided_by"] == "clearway:auto"
    assert senasa["message"].startswith("decided automatically in ")
    assert "standing licence SENASA-L-0001" in senasa["message"]
    assert senasa["decision_ms"] < 10_000
    permit = client.get(f"{SW}/permits/{senasa_licence['number']}", headers=tokens.agency).json()
    assert Decimal(permit["remaining"]) == Decimal("8")  # 12 000 kg of grapes drawn from 20 t
    assert [d["mrn"] for d in permit["drawdowns"]] == [r.json()["mrn"]]

    # a second shipment needs 12 t, only 8 t are left: the agency decides by hand, nothing is overdrawn
    r2 = client.post("/api/v1/declarations", json=fruit_and_medicines("SW-AUTO-2", FRUTAS), headers=tokens.broker)
    assert r2.status_code == 201
    assert r2.json()["status"] == "01"
    window2 = client.get(f"{SW}/declarations/{r2.json()['mrn']}", headers=tokens.broker).json()
    assert {a["agency"]: a["status"] for a in window2["applications"]} == {"DIGEMID": "approved", "SENASA": "submitted"}
    permit = client.get(f"{SW}/permits/{senasa_licence['number']}", headers=tokens.agency).json()
    assert Decimal(permit["remaining"]) == Decimal("8")


def test_a_declaration_citing_a_permit_draws_it_down_and_is_refused_when_it_would_overdraw(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    _licence(client, tokens.agency, standing=False, kind="permit", quantity="15", unit="TNE", number="SENASA-P-7")
    digemid = agency_headers(runtime, "agency.digemid", "DIGEMID")
    _licence(client, digemid, hs=["30"])
    doc = fruit_and_medicines("SW-CITE-1", FRUTAS)
    doc["documents"].append({"type": "C644", "reference": "SENASA-P-7", "item_sequence": 1})
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "08"
    doc2 = fruit_and_medicines("SW-CITE-2", FRUTAS)
    doc2["documents"].append({"type": "C644", "reference": "SENASA-P-7", "item_sequence": 1})
    r2 = client.post("/api/v1/declarations", json=doc2, headers=tokens.broker)
    assert r2.status_code == 409
    err = r2.json()["errors"][0]
    assert err["code"] == "PERMIT_EXHAUSTED"
    assert "3.000 TNE left" in err["message"]
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 1  # nothing half saved


def test_citing_a_permit_for_other_goods_is_a_clear_422(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    _licence(client, tokens.agency, standing=False, kind="permit", hs=["0805"], number="SENASA-P-9")
    doc = fruit_and_medicines("SW-SCOPE-1", FRUTAS)
    doc["documents"].append({"type": "C644", "reference": "SENASA-P-9"})
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["code"] == "PERMIT_OUT_OF_SCOPE"
    assert err["pointer"] == "/documents/2/reference"
    assert "1 (080610)" in err["message"]


def test_an_agency_cannot_issue_a_permit_for_goods_it_does_not_control(client: TestClient, tokens: Tokens) -> None:
    load_demo_rules(client, tokens.admin)
    body = {"holder_id": FRUTAS[0], "hs": ["08", "3004"], "valid_from": "2026-01-01", "valid_to": "2026-12-31"}
    r = client.post(f"{SW}/permits", json=body, headers=tokens.agency)
    assert r.status_code == 422
    assert [(e["code"], e["pointer"]) for e in r.json()["errors"]] == [("PERMIT_OUT_OF_SCOPE", "/hs/1")]
    assert client.post(f"{SW}/permits", json=body, headers=tokens.broker).status_code == 403


def test_two_declarations_racing_for_the_last_tonnes_cannot_both_win(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    _licence(client, tokens.agency, standing=False, kind="permit", quantity="10", unit="TNE", number="SENASA-P-RACE")
    line = GoodsLine(1, "080610", "grapes", "CL", "4000", Decimal(3000), "KGM", Decimal(3000))
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(n: int) -> None:
        barrier.wait()
        try:
            with runtime.uow() as uow:
                permit = permit_store.get_permit(uow.conn, "SENASA-P-RACE")
                assert permit is not None
                permits.draw(uow, permit, [line], mrn=None, app_id=f"T{n}", actor="test")
                uow.commit()
            result = "won"
        except Conflict as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["PERMIT_EXHAUSTED"] * 3 + ["won"] * 3
    with runtime.uow(readonly=True) as uow:
        permit = permit_store.get_permit(uow.conn, "SENASA-P-RACE")
        assert permit is not None and permit.remaining == Decimal("1.000")
        assert len(permit_store.drawdowns(uow.conn, "SENASA-P-RACE")) == 3


def test_declarations_lodged_at_once_citing_the_same_permit_cannot_overdraw_it(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    _licence(client, tokens.agency, standing=False, kind="permit", quantity="15", unit="TNE", number="SENASA-P-LAST")
    docs = []
    for n in range(4):
        doc = fruit_and_medicines(f"SW-RACE-{n}", FRUTAS)  # 12 t of grapes each; 15 t on the permit
        doc["documents"].append({"type": "C644", "reference": "SENASA-P-LAST", "item_sequence": 1})
        docs.append(codec.to_domain(DeclarationIn.model_validate(doc, strict=False)))
    barrier = threading.Barrier(len(docs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def lodge(data: DeclarationData) -> None:
        broker = Principal(user="broker.andina", role="declarant", party_id=data.declarant.id)
        barrier.wait()
        try:
            with runtime.uow() as uow:
                lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
                uow.commit()
            result = "lodged"
        except Conflict as exc:
            result = exc.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=lodge, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["PERMIT_EXHAUSTED"] * 3 + ["lodged"]
    permit = client.get(f"{SW}/permits/SENASA-P-LAST", headers=tokens.agency).json()
    assert Decimal(permit["remaining"]) == Decimal("3")
    assert len(permit["drawdowns"]) == 1
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 1
