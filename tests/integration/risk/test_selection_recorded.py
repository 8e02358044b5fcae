"""Every assessment records why the declaration was (or was not) selected and with which chance; the export
carries it as training columns and ``risk train`` weights the controlled rows by it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.risk import service, warehouse
from clearway.risk.learning import data, jobs, mapping
from clearway.risk.learning.estimators import RiskModel
from tests.conftest import Tokens

WATCHED = "PE20512345671"  # the example declaration's importer: a rule selects every one of its declarations
OTHERS = ["PE20601122333", "PE20455667781", "PE20333444551", "PE20987654326"]
RULE = {
    "name": "importer-under-review",
    "lane": "yellow",
    "conditions": [{"field": "importer", "op": "eq", "value": WATCHED}],
}


def _lodge(client: TestClient, tokens: Tokens, lrn: str, importer: str) -> str:
    doc = example_declaration(lrn)
    doc["importer"]["id"] = importer
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def _control(client: TestClient, tokens: Tokens, mrn: str, result: str) -> None:
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        json={"decision": "release", "reason": "controlled", "findings": {"result": result, "kind": "value"}},
        headers=tokens.officer,
    )
    assert r.status_code == 200, r.text


def test_selection_is_recorded_exported_and_used_as_propensity(
    client: TestClient, runtime: Runtime, tokens: Tokens, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = client.put(
        "/api/v1/risk/ruleset",
        json={"note": "review one importer, 50% random checks", "rules": [RULE], "random_yellow": "0.5"},
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text
    lodged = [(_lodge(client, tokens, f"SEL-W{i}", WATCHED), WATCHED) for i in range(12)]
    lodged += [(_lodge(client, tokens, f"SEL-O{i}", OTHERS[i % 4]), OTHERS[i % 4]) for i in range(18)]
    stored: dict[str, dict[str, Any]] = {}
    with runtime.uow(readonly=True) as uow:
        for mrn, _ in lodged:
            stored[mrn] = service.assessment(uow, mrn)
    for mrn, importer in lodged:
        a = stored[mrn]
        if importer == WATCHED:  # the rule fired: deterministic, chance 1
            assert (a["lane"], a["selection_source"], a["inspection_probability"]) == ("yellow", "rule", 1.0)
        elif a["lane"] == "yellow":  # nothing but the random draw selected it: chance = the random rate
            assert (a["selection_source"], a["inspection_probability"]) == ("random", pytest.approx(0.5))
        else:  # released without control; it still had a 50% chance, which is what training needs
            assert (a["lane"], a["selection_source"], a["inspection_probability"]) == (
                "green",
                "none",
                pytest.approx(0.5),
            )
    random_picks = [m for m, imp in lodged if imp != WATCHED and stored[m]["lane"] == "yellow"]
    released = [m for m, imp in lodged if imp != WATCHED and stored[m]["lane"] == "green"]
    assert random_picks and released, "the draw with a 50% rate over 18 declarations selects some, not all"
    # Officers read why through the API; the trader never learns whether a draw or a rule selected it.
    shown = client.get(f"/api/v1/risk/assessments/{random_picks[0]}", headers=tokens.officer).json()
    assert (shown["selection_source"], shown["inspection_probability"]) == ("random", pytest.approx(0.5))
    assert client.get(f"/api/v1/risk/assessments/{random_picks[0]}", headers=tokens.broker).status_code == 403
    own = client.get(f"/api/v1/declarations/{random_picks[0]}", headers=tokens.broker)
    assert own.status_code == 200 and "selection_source" not in own.text and "inspection_probability" not in own.text
    # Officers record the outcomes of what was controlled: the watched importer's goods were all found wrong.
    for mrn, importer in lodged:
        if stored[mrn]["lane"] == "yellow":
            _control(client, tokens, mrn, "discrepancy" if importer == WATCHED else "no_discrepancy")
    with runtime.uow(readonly=True) as uow:
        warehouse.export(uow, tmp_path / "export.parquet")
    frame = pd.read_parquet(tmp_path / "export.parquet")
    assert {"selection_source", "inspection_probability"} <= set(frame.columns)
    by_mrn = frame.drop_duplicates("mrn").set_index("mrn")
    for mrn in random_picks:
        assert by_mrn.loc[mrn, "selection_source"] == "random"
        assert float(by_mrn.loc[mrn, "inspection_probability"]) == pytest.approx(0.5)
    assert by_mrn.loc[released[0], "discrepancy"] == ""  # never controlled: unlabelled, not clean
    # The platform mapping reads the recorded chance as the propensity, and training receives it.
    canonical = data.read([tmp_path / "export.parquet"], mapping.load("platform"), labels=True)
    assert data.PROPENSITY in canonical.columns
    seen: dict[str, Any] = {}
    fit = RiskModel.fit

    def spy(self: RiskModel, x: pd.DataFrame, y: Any, propensity: Any = None) -> RiskModel:
        seen["y"], seen["p"], seen["importer"] = np.asarray(y, float), np.asarray(propensity), x["importer"].to_numpy()
        return fit(self, x, y, propensity=propensity)

    monkeypatch.setattr(RiskModel, "fit", spy)
    params = {"n_estimators": 5, "min_child_samples": 1}
    meta = jobs.train(mapping.load("platform"), [tmp_path / "export.parquet"], tmp_path / "model", params=params)
    assert meta["propensity_column"] == "inspection_probability"
    assert meta["unlabelled_rows"] == len(frame[frame["discrepancy"] == ""])
    y, p, importer = seen["y"], seen["p"], seen["importer"]
    labelled = ~np.isnan(y)
    assert np.allclose(p[labelled & (importer == WATCHED)], 1.0)
    assert np.allclose(p[labelled & (importer != WATCHED)], 0.5)
    # Unlabelled rows (released) reach the model as unlabelled, never as clean declarations.
    assert np.isnan(y[importer != WATCHED]).sum() == sum(len(frame[frame["mrn"] == m]) for m in released)
