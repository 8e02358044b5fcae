"""Documents and HS suggestions reach the lane: an invoice that contradicts the declared total, a declared code
its description does not support. Traders never read the risk reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations import service as declarations
from clearway.declarations.examples import example_declaration
from clearway.documents import seed as documents_seed
from clearway.platform.runtime import Runtime
from clearway.risk import service as risk
from tests.conftest import HoldRelease, Tokens

TOTAL_SENTENCE = "invoice total 146,250.00 USD, declared 48,750.00 USD"


def _lodge(client: TestClient, tokens: Tokens, doc: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _attach_invoice(client: TestClient, tokens: Tokens, runtime: Runtime, mrn: str, factor: str) -> None:
    with runtime.uow(readonly=True) as uow:
        decl = declarations.get(uow, mrn)
    body = documents_seed.invoice_for(decl, seed=1, total_factor=Decimal(factor))
    r = client.post(
        f"/api/v1/declarations/{mrn}/documents",
        headers=tokens.broker,
        files={"file": ("invoice.pdf", body, "application/pdf")},
        data={"type": "invoice"},
    )
    assert r.status_code == 201, r.text


def _history(client: TestClient, headers: dict[str, str], mrn: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/declarations/{mrn}", headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json()["history"])


def test_an_invoice_attached_after_lodging_with_another_total_sends_a_waiting_green_declaration_to_a_check(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    runtime.ports.add(HoldRelease())  # duties unpaid, say: green but not released yet
    mrn = _lodge(client, tokens, example_declaration("DOC-HOLD-1"))["mrn"]
    _attach_invoice(client, tokens, runtime, mrn, factor="3")
    officer_view = _history(client, tokens.officer, mrn)
    reviewed = [e for e in officer_view if e["kind"] == "lane_reviewed"]
    assert len(reviewed) == 1
    assert TOTAL_SENTENCE in reviewed[0]["data"]["reasons"]
    assert "DOC_TOTAL" in reviewed[0]["data"]["scores"]["documentary"]
    checked = next(e for e in officer_view if e["kind"] == "documents_checked")
    assert TOTAL_SENTENCE in checked["reason"]
    r = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker)
    assert r.json()["status"] == "06"  # documents required
    broker_view = r.json()["history"]
    assert not any(e["kind"] in {"lane_reviewed", "lane_assigned"} for e in broker_view)
    decided = next(e for e in broker_view if e["kind"] == "request_documents")
    assert decided["reason"].startswith(TOTAL_SENTENCE) and "weight" not in decided["reason"]


def test_an_invoice_that_agrees_changes_nothing_and_a_released_declaration_is_flagged_for_audit(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    runtime.ports.add(HoldRelease())
    agreeing = _lodge(client, tokens, example_declaration("DOC-HOLD-2"))["mrn"]
    _attach_invoice(client, tokens, runtime, agreeing, factor="1")
    seen = [e["reason"] for e in _history(client, tokens.officer, agreeing) if e["kind"] == "lane_reviewed"]
    assert not seen, seen
    assert client.get(f"/api/v1/declarations/{agreeing}", headers=tokens.officer).json()["status"] == "01"

    released = _lodge(client, tokens, example_declaration("DOC-REL-3"))["mrn"]
    assert client.get(f"/api/v1/declarations/{released}", headers=tokens.officer).json()["status"] == "08"
    _attach_invoice(client, tokens, runtime, released, factor="3")
    reviewed = [e for e in _history(client, tokens.officer, released) if e["kind"] == "lane_reviewed"]
    assert reviewed and reviewed[0]["data"]["reasons"][-1].endswith("post-clearance audit")
    assert client.get(f"/api/v1/declarations/{released}", headers=tokens.officer).json()["status"] == "08"


def _garment_declared_as_laptop(lrn: str) -> dict[str, Any]:
    doc = example_declaration(lrn)
    shirt = next(g for g in doc["goods_items"] if g["commodity_code"] == "610910")
    shirt["commodity_code"] = "847130"
    return doc


def test_a_declared_code_the_description_does_not_support_is_a_lane_reason_rules_can_use(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    with runtime.uow() as uow:
        risk.publish_ruleset(
            uow,
            {
                "rules": [
                    {
                        "name": "hs-disagrees",
                        "lane": "yellow",
                        "weight": 2,
                        "description": "declared HS code not supported by the description",
                        "conditions": [{"field": "documentary", "op": "contains", "value": "HS_DISAGREES"}],
                    }
                ]
            },
            note="test",
            by="supervisor.quispe",
        )
        uow.commit()
    mrn = _lodge(client, tokens, _garment_declared_as_laptop("HS-BAD-1"))["mrn"]
    lane = next(e for e in _history(client, tokens.officer, mrn) if e["kind"] == "lane_assigned")
    assert lane["data"]["lane"] == "yellow"
    hs = [r for r in lane["data"]["reasons"] if r.startswith("classification: item 3: declared 847130")]
    assert hs and "6109" in hs[0], lane["data"]["reasons"]
    assert "rule 'hs-disagrees'" in " ".join(lane["data"]["reasons"])

    honest = _lodge(client, tokens, example_declaration("HS-OK-2"))["mrn"]
    lane = next(e for e in _history(client, tokens.officer, honest) if e["kind"] == "lane_assigned")
    assert not any(r.startswith("classification:") for r in lane["data"]["reasons"]), lane["data"]["reasons"]


def test_with_the_engine_off_a_code_disagreement_alone_does_not_change_the_lane(
    client: TestClient, tokens: Tokens
) -> None:
    out = _lodge(client, tokens, _garment_declared_as_laptop("HS-BAD-3"))
    lane = next(e for e in _history(client, tokens.officer, out["mrn"]) if e["kind"] == "lane_assigned")
    assert lane["data"]["lane"] == "green"
