"""A model trained on the platform's own export is promoted and scores declarations as they are accepted."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from clearway.core.issues import DomainError
from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.risk import facts, service, warehouse
from clearway.risk.learning import jobs, mapping
from tests.conftest import Tokens

RISKY_IMPORTER = "PE20512345671"  # the example declaration's importer


def _platform_history(path: Path, rows: int = 400) -> Path:
    """Synthetic export rows: one importer's declarations were always found wrong, the others rarely."""
    rng = random.Random(7)
    importers = [RISKY_IMPORTER, "PE20601122333", "PE20455667781", "PE20333444551", "PE20987654326"]
    records = []
    for i in range(rows):
        importer = rng.choice(importers)
        fraud = importer == RISKY_IMPORTER or rng.random() < 0.05
        records.append(
            {
                "item_id": f"H{i}-1",
                "mrn": f"H{i}",
                "accepted_at": f"2026-0{1 + i % 9}-{1 + i % 27:02d}T10:00:00+00:00",
                "office": "PECLL",
                "declarant": "PE20100047218",
                "importer": importer,
                "exporter": rng.choice(["CN91310000MA1FL", "VN0312345678"]),
                "representative": "PE20100047218",
                "commodity_code": rng.choice(["851713", "847130", "610910"]),
                "origin_country": rng.choice(["CN", "VN"]),
                "loading_country": "CN",
                "net_mass": str(rng.randint(10, 500)),
                "invoice_amount": str(rng.randint(1000, 50000)),
                "transport_mode": "1",
                "procedure_code": "4000",
                "incoterm": "FOB",
                "invoice_currency": "USD",
                "item_count": "3",
                "lane": "red",
                "discrepancy": "1" if fraud else "0",
                "revenue_recovered": "",
            }
        )
    pd.DataFrame(records).to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def platform_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("platform")
    history = _platform_history(root / "export.parquet")
    out = root / "model"
    jobs.train(mapping.load("platform"), [history], out, params={"n_estimators": 60})
    return out


def test_a_promoted_model_scores_each_accepted_declaration_and_explains_itself(
    client: TestClient, runtime: Runtime, tokens: Tokens, platform_model: Path
) -> None:
    with runtime.uow() as uow:
        record = service.promote_model(uow, platform_model, by="analyst")
        uow.commit()
    r = client.put(
        "/api/v1/risk/ruleset",
        json={"note": "model thresholds", "model_red_above": "0.6", "model_yellow_above": "0.3", "red_capacity": "1"},
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text
    lodged = client.post("/api/v1/declarations", json=example_declaration("MODEL-1"), headers=tokens.broker).json()
    assert lodged["lane"] == "red"
    detail = client.get(f"/api/v1/declarations/{lodged['mrn']}", headers=tokens.officer).json()
    entry = next(h for h in detail["history"] if h["kind"] == "lane_assigned")
    model = entry["data"]["scores"]["model"]
    assert model["version"] == record["version"]
    assert model["score"] >= 0.6
    reasons = entry["data"]["reasons"]
    assert reasons[0].startswith(f"risk model {record['version']} scores")
    assert any("past fraud rate of the importer" in r for r in reasons[1:])
    # Another importer, with a clean record, is not sent to control by the model.
    doc = example_declaration("MODEL-2")
    doc["importer"]["id"] = "PE20601122333"
    other = client.post("/api/v1/declarations", json=doc, headers=tokens.broker).json()
    assert other["lane"] == "green"
    with runtime.uow() as uow:
        service.retire_model(uow)
        uow.commit()
    third = client.post("/api/v1/declarations", json=example_declaration("MODEL-3"), headers=tokens.broker).json()
    assert third["lane"] == "green"  # criteria without rules and no model: nothing selects it


def test_a_model_trained_on_other_columns_cannot_be_promoted(runtime: Runtime, tmp_path: Path) -> None:
    meta = {"format": 1, "version": "kcs-x", "mapping": mapping.load("kcs").as_dict()}
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    with runtime.uow() as uow, pytest.raises(DomainError) as err:
        service.promote_model(uow, tmp_path, by="analyst")
    assert err.value.code == "MODEL_NOT_ONLINE"


def test_the_export_carries_each_item_with_its_control_outcome(
    client: TestClient, runtime: Runtime, tokens: Tokens, tmp_path: Path
) -> None:
    client.put(
        "/api/v1/risk/ruleset",
        json={"note": "all yellow", "random_yellow": "1"},
        headers=tokens.supervisor,
    )
    mrn = client.post("/api/v1/declarations", json=example_declaration("EXP-1"), headers=tokens.broker).json()["mrn"]
    client.post("/api/v1/declarations", json=example_declaration("EXP-2"), headers=tokens.broker)
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        json={"decision": "release", "reason": "checked", "findings": {"result": "discrepancy", "kind": "origin"}},
        headers=tokens.officer,
    )
    assert r.status_code == 200, r.text
    with runtime.uow(readonly=True) as uow:
        count = warehouse.export(uow, tmp_path / "x.parquet")
    frame = pd.read_parquet(tmp_path / "x.parquet")
    assert count == len(frame) == 6
    assert set(facts.EXPORT_COLUMNS) <= set(frame.columns)
    by_mrn = frame.groupby("mrn")["discrepancy"].agg(set).to_dict()
    assert by_mrn[mrn] == {"1"}
    assert [v for k, v in by_mrn.items() if k != mrn] == [{""}]
