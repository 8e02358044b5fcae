"""Carriers submit manifests over HTTP and fetch their decisions in bulk; officers see everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from clearway.ecommerce import generator, lists
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.unit.ecommerce.helpers import csv_bytes, parcel

CSV = {"Content-Type": "text/csv"}


def _load_lists(runtime: Runtime, tmp_path: Path) -> None:
    recalls, brands = generator.write_reference_lists(tmp_path)
    with runtime.uow() as uow:
        lists.load_recalls(uow, recalls)
        lists.load_brands(uow, brands)
        uow.commit()


def _manifest() -> bytes:
    rows = [parcel(f"P{i:03d}") for i in range(30)]
    rows.append(parcel("KETTLE", description="Acmeline electric kettle KX200", hs_code="851671"))
    rows.append(parcel("VAGUE", description="gift"))
    rows.append(parcel("P000"))  # duplicate parcel id
    rows.append(parcel("X" * 70))  # too long to be an id
    data = csv_bytes(rows)
    return data + b"BROKEN,row\n"


def test_a_carrier_submits_a_manifest_and_fetches_its_decisions(
    client: TestClient, tokens: Tokens, runtime: Runtime, tmp_path: Path
) -> None:
    _load_lists(runtime, tmp_path)
    r = client.post("/api/v1/ecommerce/manifests?country=PE", content=_manifest(), headers={**tokens.broker, **CSV})
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["rows_read"] == 35 and report["rows_accepted"] == 32 and report["rows_rejected"] == 3
    assert report["duplicates"] == 1
    assert {x["codes"] for x in report["rejects"]} == {"ROW_MALFORMED", "PARCEL_ID_DUPLICATE", "PARCEL_ID_TOO_LONG"}
    assert report["summary"]["decisions"]["refuse"] == 1
    first = client.get(f"{report['links']['decisions']}?limit=20", headers=tokens.broker).json()
    second = client.get(
        f"{report['links']['decisions']}?limit=20&after={first['next_after']}", headers=tokens.broker
    ).json()
    decisions = {d["parcel_id"]: d for d in first["data"] + second["data"]}
    assert len(decisions) == 32 and second["next_after"] is None
    assert decisions["KETTLE"]["decision"] == "refuse" and decisions["KETTLE"]["flags"] == ["recalled_product"]
    assert decisions["KETTLE"]["reasons"] == "" and decisions["KETTLE"]["score"] is None  # risk reasons hidden
    assert decisions["VAGUE"]["issues"] == ["DESCRIPTION_VAGUE"]
    assert "does not say what the goods are" in decisions["VAGUE"]["reasons"]
    officer = client.get(f"{report['links']['decisions']}?decision=refuse", headers=tokens.officer).json()
    assert [d["parcel_id"] for d in officer["data"]] == ["KETTLE"]
    assert "RC-2026-001" in officer["data"][0]["reasons"]
    listed = client.get("/api/v1/ecommerce/manifests", headers=tokens.broker).json()
    assert listed["count"] == 1


def test_another_party_cannot_see_a_manifest(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/ecommerce/manifests", content=_manifest(), headers={**tokens.broker, **CSV})
    link = r.json()["links"]
    for url in (link["self"], link["decisions"]):
        assert client.get(url, headers=tokens.other_broker).status_code == 404
        assert client.get(url, headers=tokens.officer).status_code == 200
        assert client.get(url).status_code == 401
        assert client.get(url, headers=tokens.agency).status_code == 403
    assert client.get("/api/v1/ecommerce/manifests", headers=tokens.other_broker).json()["count"] == 0
    assert client.get("/api/v1/ecommerce/aggregates", headers=tokens.broker).status_code == 403


def test_bad_uploads_are_refused_with_clear_errors_and_nothing_saved(client: TestClient, tokens: Tokens) -> None:
    headers = {**tokens.broker, **CSV}
    r = client.post("/api/v1/ecommerce/manifests", content=b"parcel_id,description\nP1,shoes\n", headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "MANIFEST_HEADER"
    r = client.post("/api/v1/ecommerce/manifests", content=b"", headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "BODY_EMPTY"
    r = client.post(
        "/api/v1/ecommerce/manifests", content=_manifest(), headers={**tokens.broker, "Content-Type": "text/plain"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "MEDIA_TYPE"
    r = client.post("/api/v1/ecommerce/manifests?country=ZZ", content=_manifest(), headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "COUNTRY_UNKNOWN"
    r = client.post("/api/v1/ecommerce/manifests", content=b"x" * 2_100_000, headers=headers)
    assert r.status_code == 413
    r = client.post("/api/v1/ecommerce/manifests", content=_manifest(), headers={**tokens.officer, **CSV})
    assert r.status_code == 403
    assert client.get("/api/v1/ecommerce/manifests", headers=tokens.officer).json()["count"] == 0


def test_officers_see_top_risky_sellers_and_daily_trends(
    client: TestClient, tokens: Tokens, runtime: Runtime, tmp_path: Path
) -> None:
    _load_lists(runtime, tmp_path)
    today = runtime.clock().strftime("%Y-%m-%dT08:00:00Z")
    rows = [parcel(f"N{i}", seller_id="S1", shipped_at=today) for i in range(10)]
    rows += [
        parcel(f"K{i}", seller_id="S666", description="Cuddlo plush toy Bear B-12", hs_code="950300", shipped_at=today)
        for i in range(3)
    ]
    r = client.post("/api/v1/ecommerce/manifests", content=csv_bytes(rows), headers={**tokens.broker, **CSV})
    assert r.status_code == 201, r.text
    agg = client.get("/api/v1/ecommerce/aggregates?days=7", headers=tokens.officer).json()
    assert agg["sellers"][0] == {"key": "S666", "parcels": 3, "flagged": 3, "refused": 3}
    assert [s["key"] for s in agg["sellers"]] == ["S666"]
    assert agg["days"][-1]["parcels"] == 13 and agg["days"][-1]["refuse"] == 3


def test_only_officers_record_findings_and_only_on_parcels_that_exist(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    r = client.post(
        "/api/v1/ecommerce/manifests?country=PE",
        content=csv_bytes([parcel("P1"), parcel("P2")]),
        headers={**tokens.broker, **CSV},
    )
    assert r.status_code == 201, r.text
    url = f"/api/v1/ecommerce/manifests/{r.json()['id']}/parcels/P1/finding"
    body = {"confirmed": True, "reason": "invoice shows 90 USD"}
    # the carrier cannot vouch for or against a seller, nor can a plain token holder
    assert client.post(url, json=body, headers=tokens.broker).status_code == 403
    assert client.post(url, json=body, headers=tokens.agency).status_code == 403
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json={"confirmed": True, "reason": ""}, headers=tokens.officer).status_code == 422
    missing = url.replace("/P1/", "/NOPE/")
    assert client.post(missing, json=body, headers=tokens.officer).status_code == 404
    ok = client.post(url, json=body, headers=tokens.officer)
    assert ok.status_code == 201, ok.text
    assert ok.json()["seller_id"] == "S1" and ok.json()["officer"] and ok.json()["confirmed"] is True


def test_a_carrier_cannot_make_another_carriers_parcels_of_a_seller_risky_by_findings(
    client: TestClient, tokens: Tokens
) -> None:
    def submit(headers: dict[str, str], rows: list[dict[str, str]]) -> tuple[str, dict[str, dict[str, Any]]]:
        r = client.post("/api/v1/ecommerce/manifests?country=PE", content=csv_bytes(rows), headers={**headers, **CSV})
        assert r.status_code == 201, r.text
        got = client.get(f"{r.json()['links']['decisions']}?limit=50", headers=headers).json()["data"]
        return r.json()["id"], {d["parcel_id"]: d for d in got}

    shirts = [parcel(f"P{i}", seller_id="S2", declared_value="2.00") for i in range(2)]
    manifest, _ = submit(tokens.broker, shirts)
    body = {"confirmed": True, "reason": "invoice shows 90 USD"}
    for pid in ("P0", "P1"):
        url = f"/api/v1/ecommerce/manifests/{manifest}/parcels/{pid}/finding"
        assert client.post(url, json=body, headers=tokens.broker).status_code == 403
        assert client.post(url, json=body, headers=tokens.other_broker).status_code == 403
    _, got = submit(tokens.other_broker, [parcel("Q1", seller_id="S2")])
    assert got["Q1"]["flags"] == [] and got["Q1"]["decision"] == "release"
    # officers' findings do weigh on the other carrier's parcels of that seller, of the same heading only
    for pid in ("P0", "P1"):
        url = f"/api/v1/ecommerce/manifests/{manifest}/parcels/{pid}/finding"
        assert client.post(url, json=body, headers=tokens.officer).status_code == 201
    shoes = parcel("Q3", seller_id="S2", description="Zentro running shoes", hs_code="640411")
    _, got = submit(tokens.other_broker, [parcel("Q2", seller_id="S2"), shoes])
    assert got["Q2"]["flags"] == ["risky_seller"] and got["Q3"]["flags"] == []
