"""The online path builds exactly the batch features of a declaration, without a pandas frame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from clearway.risk import facts, online
from clearway.risk.learning import data, jobs, mapping, registry
from tests.integration.risk.test_online_model import _platform_history


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> registry.LoadedModel:
    root = tmp_path_factory.mktemp("online")
    history = _platform_history(root / "export.parquet", rows=300)
    jobs.train(mapping.load("platform"), [history], root / "model", params={"n_estimators": 20})
    return registry.load(root / "model")


def _rows() -> list[dict[str, Any]]:
    seen = {
        "item_id": "N1-1",
        "mrn": "N1",
        "accepted_at": "2026-11-30T09:15:00+00:00",
        "office": "PECLL",
        "declarant": "PE20100047218",
        "importer": "PE20512345671",
        "exporter": "CN91310000MA1FL",
        "representative": "PE20100047218",
        "commodity_code": "851713",
        "origin_country": "CN",
        "loading_country": "CN",
        "net_mass": "120.5",
        "invoice_amount": "65700.00",
        "transport_mode": "1",
        "procedure_code": "4000",
        "incoterm": "FOB",
        "invoice_currency": "USD",
        "item_count": "3",
    }
    unseen = {
        **seen,
        "item_id": "N2-1",
        "accepted_at": "2025-12-31T23:59:59-05:00",  # before the importer was last seen; another offset
        "importer": "PE20000000001",
        "representative": "",
        "commodity_code": "940360",
        "origin_country": "MX",
        "net_mass": "0",
        "invoice_amount": "not a number",
        "incoterm": "DDP",
        "item_count": "",
    }
    return [seen, unseen, {**seen, "item_id": "N3-1", "importer": "PE20601122333", "net_mass": "-5"}]


def test_online_and_batch_features_agree_for_the_same_declaration(loaded: registry.LoadedModel) -> None:
    rows = _rows()
    assert set(rows[0]) == set(facts.EXPORT_COLUMNS)  # the rows the platform exports for a declaration
    batch = loaded.model.matrix(data.canonical(pd.DataFrame(rows), loaded.mapping, labels=False))
    names, fast = online.matrix(loaded.model, loaded.mapping, rows)
    assert names == list(batch.columns)
    expected = np.column_stack(
        [
            batch[c].cat.codes.replace(-1, np.nan).to_numpy(dtype=float)
            if isinstance(batch[c].dtype, pd.CategoricalDtype)
            else batch[c].to_numpy(dtype=float)
            for c in names
        ]
    )
    np.testing.assert_allclose(fast, expected, rtol=1e-9, atol=1e-6, equal_nan=True)
    assert np.isnan(fast[1, names.index("days_since_importer_seen")])  # a new importer has no past
    booster = loaded.model.booster_
    np.testing.assert_allclose(booster.predict(fast), booster.predict(batch), rtol=1e-12)
