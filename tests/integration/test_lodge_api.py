"""A broker lodges declarations over HTTP: MRN or every error at once; idempotent; safe on bad input."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from clearway.core.ids import is_valid_mrn
from clearway.declarations.examples import example_declaration
from tests.conftest import Tokens


def test_lodging_the_example_returns_an_mrn_and_a_history(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=example_declaration(), headers=tokens.broker)
    assert r.status_code == 201, r.text
    body = r.json()
    assert is_valid_mrn(body["mrn"])
    assert body["mrn"].startswith("26PE") or body["mrn"][2:4] == "PE"
    # selectivity is 0 in tests: green lane, nothing blocks release
    assert body["status"] == "08"
    detail = client.get(f"/api/v1/declarations/{body['mrn']}", headers=tokens.broker).json()
    kinds = [h["kind"] for h in detail["history"]]
    assert kinds == ["received", "accepted", "release"]
    assert detail["lane"] is None  # traders do not see the lane or its reasons
    officer_view = client.get(f"/api/v1/declarations/{body['mrn']}", headers=tokens.officer).json()
    assert officer_view["lane"] == "green"
    assert "lane_assigned" in [h["kind"] for h in officer_view["history"]]


def test_a_retry_with_the_same_lrn_returns_the_same_mrn(client: TestClient, tokens: Tokens) -> None:
    first = client.post("/api/v1/declarations", json=example_declaration("RETRY-1"), headers=tokens.broker)
    second = client.post("/api/v1/declarations", json=example_declaration("RETRY-1"), headers=tokens.broker)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["mrn"] == first.json()["mrn"]
    assert second.json()["replayed"] is True
    listed = client.get("/api/v1/declarations", headers=tokens.broker).json()
    assert [d["lrn"] for d in listed["data"]].count("RETRY-1") == 1


def test_reusing_an_lrn_for_different_content_is_refused(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("REUSE-1")
    assert client.post("/api/v1/declarations", json=doc, headers=tokens.broker).status_code == 201
    doc["goods_items"][0]["quantity"] = "301"
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 409
    assert r.json()["errors"][0]["code"] == "LRN_REUSED"


def test_every_problem_is_reported_at_once_with_pointers(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("BAD-1")
    doc["goods_items"][0]["commodity_code"] = "999999"
    doc["goods_items"][1]["origin_country"] = "XX"
    doc["goods_items"][2]["description"] = "gift"
    doc["goods_items"][2]["net_mass"] = "500.000"
    doc["consignment"]["loading_place"] = "CN-SH"
    doc["invoice"]["currency"] = "ZZZ"
    doc["total_items"] = 4
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422
    found = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert ("CODE_HS_UNKNOWN", "/goods_items/0/commodity_code") in found
    assert ("CODE_COUNTRY", "/goods_items/1/origin_country") in found
    assert ("DESCRIPTION_TOO_VAGUE", "/goods_items/2/description") in found
    assert ("MASS_NET_EXCEEDS_GROSS", "/goods_items/2/net_mass") in found
    assert ("CODE_LOCODE", "/consignment/loading_place") in found
    assert ("CODE_CURRENCY", "/invoice/currency") in found
    assert ("TOTAL_ITEMS_MISMATCH", "/total_items") in found
    assert all(e["message"] for e in r.json()["errors"])
    # nothing was saved
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 0


def test_wrong_types_and_missing_fields_are_422_not_500(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("TYPES-1")
    doc["goods_items"][0]["quantity"] = False
    doc["consignment"]["transport_mode"] = "1"
    del doc["importer"]
    doc["surprise"] = 1
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422
    found = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert ("REQUIRED", "/importer") in found
    assert ("UNKNOWN_FIELD", "/surprise") in found
    assert any(p == "/goods_items/0/quantity" for _, p in found)
    assert any(p == "/consignment/transport_mode" for _, p in found)


def test_malformed_json_deep_nesting_and_huge_bodies_are_refused(client: TestClient, tokens: Tokens) -> None:
    headers = {**tokens.broker, "Content-Type": "application/json"}
    r = client.post("/api/v1/declarations", content=b'{"type": "IM",', headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "JSON_INVALID"
    deep = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/api/v1/declarations", content=deep, headers=headers)
    assert r.status_code == 422
    huge = b'{"lrn": "' + b"x" * 10_000_000 + b'"}'
    r = client.post("/api/v1/declarations", content=huge, headers=headers)
    assert r.status_code == 413
    assert r.json()["errors"][0]["code"] == "BODY_TOO_LARGE"
    r = client.post("/api/v1/declarations", content=b"<x/>", headers={**tokens.broker, "Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "MEDIA_TYPE"


def test_every_endpoint_needs_a_valid_token(client: TestClient, tokens: Tokens) -> None:
    assert client.post("/api/v1/declarations", json=example_declaration()).status_code == 401
    assert client.get("/api/v1/declarations").status_code == 401
    bad = {"Authorization": "Bearer cw_not-a-real-token"}
    assert client.get("/api/v1/declarations", headers=bad).status_code == 401
    assert client.get("/api/v1/reference/hs?prefix=85").status_code == 401


def test_a_trader_sees_only_its_own_declarations(client: TestClient, tokens: Tokens) -> None:
    mrn = client.post("/api/v1/declarations", json=example_declaration("MINE-1"), headers=tokens.broker).json()["mrn"]
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.other_broker).status_code == 404
    assert client.get(f"/api/v1/declarations/{mrn}/notifications", headers=tokens.other_broker).status_code == 404
    assert client.get("/api/v1/declarations", headers=tokens.other_broker).json()["count"] == 0
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.agency).status_code == 404


def test_a_trader_cannot_lodge_in_another_partys_name(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=example_declaration("IMPOSTOR-1"), headers=tokens.other_broker)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "DECLARANT_NOT_CALLER"


def test_officers_cannot_lodge(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=example_declaration(), headers=tokens.officer)
    assert r.status_code == 403


def test_batch_lodges_each_declaration_on_its_own(client: TestClient, tokens: Tokens) -> None:
    bad = example_declaration("BATCH-BAD")
    bad["goods_items"][0]["description"] = "parts"
    body = {"declarations": [example_declaration("BATCH-1"), bad, example_declaration("BATCH-2"), {"x": 1}]}
    r = client.post("/api/v1/declarations/batch", content=json.dumps(body), headers=tokens.broker)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["accepted"] == 2 and out["rejected"] == 2
    assert out["results"][1]["errors"][0]["code"] == "DESCRIPTION_TOO_VAGUE"
    assert out["results"][3]["status"] == "rejected"
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 2


def test_the_openapi_spec_publishes_the_declaration_schema_with_a_valid_example(
    client: TestClient, tokens: Tokens
) -> None:
    spec = client.get("/openapi.json").json()
    assert "DeclarationIn" in spec["components"]["schemas"]
    body = spec["paths"]["/api/v1/declarations"]["post"]["requestBody"]["content"]["application/json"]
    example = body["examples"]["import"]["value"]
    assert client.post("/api/v1/declarations", json=example, headers=tokens.broker).status_code == 201


def test_health_and_readiness(client: TestClient, tokens: Tokens) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["migrations"] == "current"
    assert "clearway_http_requests_total" in client.get("/metrics", headers=tokens.admin).text


def test_concurrent_retries_of_one_lrn_get_one_mrn_and_no_error(client: TestClient, tokens: Tokens) -> None:
    import threading

    barrier = threading.Barrier(4)
    answers: list[tuple[int, str]] = []

    def lodge() -> None:
        barrier.wait()
        r = client.post("/api/v1/declarations", json=example_declaration("RACE-LRN"), headers=tokens.broker)
        answers.append((r.status_code, r.json().get("mrn", r.text)))

    threads = [threading.Thread(target=lodge) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in answers) == [200, 200, 200, 201]
    assert len({mrn for _, mrn in answers}) == 1
