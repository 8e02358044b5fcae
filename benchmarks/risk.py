"""Risk engine speed: batch scoring of synthetic declarations, and the online assessment on acceptance.

(1) Batch: a RiskModel trained on synthetic history scores N declarations (default 1,000,000): declarations per
second for features + model, next to the booster's bare predict on the same (precomputed) matrix.
(2) Online: lodging demo declarations through the clearance core on a SQLite file with the demo criteria in force,
with and without a promoted platform model; p50/p99 latency of the risk engine's own step (criteria, history
look-ups, model, capacity, lane) and of the whole lodgement. Writes benchmarks/results/risk.json.

    python benchmarks/risk.py [--rows 1000000] [--lodgements 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clearway import bootstrap
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.mandates import seed as mandates_seed
from clearway.platform.auth import Principal
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from clearway.risk import service
from clearway.risk.learning import jobs, mapping
from clearway.risk.learning.estimators import RiskModel
from clearway.risk.schemas import RuleSetIn
from clearway.risk.seed import DEMO_CRITERIA

RESULTS = Path(__file__).parent / "results"


def synthetic(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Returns canonical declarations with a planted signal (risky importers, undervalued lines)."""
    rng = np.random.default_rng(seed)
    hs = rng.integers(100000, 100000 + 2000, rows).astype(str)
    origin = rng.choice(np.array(["CN", "VN", "KR", "US", "DE", "BD", "IN", "MX"]), rows)
    importer_ids = rng.integers(0, 20000, rows)
    mass = rng.lognormal(5, 1.5, rows)
    unit = rng.lognormal(3, 0.5, rows) * (1 + (importer_ids % 7 == 0))
    frame = pd.DataFrame(
        {
            "id": np.arange(rows).astype(str),
            "date": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D"),
            "office": rng.integers(10, 40, rows).astype(str),
            "declarant": ("D" + pd.Series(rng.integers(0, 1000, rows)).astype(str)).to_numpy(),
            "importer": ("I" + pd.Series(importer_ids).astype(str)).to_numpy(),
            "seller": ("S" + pd.Series(rng.integers(0, 15000, rows)).astype(str)).to_numpy(),
            "courier": "",
            "hs": hs,
            "origin": origin,
            "departure": origin,
            "net_mass": mass,
            "value": mass * unit,
            "tax_rate": rng.choice(np.array([0.0, 8.0, 13.0]), rows),
            "cat__import_type": rng.choice(np.array(["11", "21"]), rows),
        }
    )
    risky = (importer_ids % 11 == 0) | (unit < np.exp(2.3))
    y = (rng.random(rows) < np.where(risky, 0.7, 0.08)).astype(int)
    return frame, y


def batch(rows: int) -> dict[str, Any]:
    """Trains on 50,000 synthetic declarations and scores `rows` of them."""
    train_x, train_y = synthetic(50_000, 1)
    model = RiskModel(n_estimators=300).fit(train_x, train_y)
    x, _ = synthetic(rows, 2)
    t0 = time.perf_counter()
    scores = model.risk_score(x)
    full = time.perf_counter() - t0
    matrix = model.matrix(x)
    t0 = time.perf_counter()
    bare = model.booster_.predict(matrix)
    bare_s = time.perf_counter() - t0
    assert np.allclose(scores, bare)
    return {
        "rows": rows,
        "trees": 300,
        "features": len(matrix.columns),
        "features_and_model_seconds": round(full, 2),
        "declarations_per_second": round(rows / full),
        "bare_predict_seconds": round(bare_s, 2),
        "bare_predict_per_second": round(rows / bare_s),
    }


def _platform_model(root: Path) -> Path:
    rng = random.Random(3)
    importers = [imp for imp, _ in generator.IMPORTERS]
    rows = []
    for i in range(3000):
        imp = rng.choice(importers)
        rows.append(
            {
                "item_id": f"H{i}",
                "mrn": f"H{i}",
                "accepted_at": f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}T10:00:00+00:00",
                "office": "PECLL",
                "declarant": "PE20100047218",
                "importer": imp,
                "exporter": "CN91440300MA5G",
                "representative": "",
                "commodity_code": rng.choice(["851713", "847130", "610910", "850760"]),
                "origin_country": rng.choice(["CN", "VN", "BD"]),
                "loading_country": "CN",
                "net_mass": str(rng.randint(10, 900)),
                "invoice_amount": str(rng.randint(500, 90000)),
                "transport_mode": "1",
                "procedure_code": "4000",
                "incoterm": "FOB",
                "invoice_currency": "USD",
                "item_count": "3",
                "discrepancy": "1" if rng.random() < (0.6 if imp.endswith("222") else 0.1) else "0",
            }
        )
    path = root / "export.parquet"
    pd.DataFrame(rows).to_parquet(path, index=False)
    jobs.train(mapping.load("platform"), [path], root / "model", params={"n_estimators": 200})
    return root / "model"


def online(lodgements: int, with_model: bool) -> dict[str, Any]:
    """Lodges demo declarations with the demo criteria in force; times the risk step and the lodgement."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(
            env="test", data_dir=root, secret_key="bench", selectivity_red_rate=0, selectivity_yellow_rate=0
        )
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(settings)
        upgrade(runtime.engine)
        runtime.caches["platform.migrated"] = True
        with runtime.uow() as uow:
            reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
            payload = RuleSetIn.model_validate(DEMO_CRITERIA, strict=False)
            service.publish_ruleset(uow, payload.document(), note="bench", by="bench")
            mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the broker who lodges for them
            if with_model:
                service.promote_model(uow, _platform_model(root), by="bench")
            uow.commit()
        risk_times: list[float] = []
        original = service.assess

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                risk_times.append(time.perf_counter() - t)

        service.assess = timed  # type: ignore[assignment]
        rng = random.Random(5)
        docs = [generator.declaration(rng, lrn=f"B-{i:06d}", arrival=date(2026, 11, 30)) for i in range(lodgements)]
        totals, lanes = [], {"green": 0, "yellow": 0, "red": 0}
        try:
            for doc in docs:
                data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
                broker = Principal(user="b", role="declarant", party_id=data.declarant.id)
                t = time.perf_counter()
                with runtime.uow() as uow:
                    res = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
                    uow.commit()
                totals.append(time.perf_counter() - t)
                lanes[str(res.declaration.lane.value if res.declaration.lane else "green")] += 1
        finally:
            service.assess = original  # type: ignore[assignment]
        runtime.engine.dispose()
    warm_risk, warm_total = risk_times[5:], totals[5:]  # the first calls load caches (and the model)
    return {
        "lodgements": lodgements,
        "model": with_model,
        "lanes": lanes,
        "risk_step_ms_p50": round(statistics.median(warm_risk) * 1000, 2),
        "risk_step_ms_p99": round(float(np.percentile(warm_risk, 99)) * 1000, 2),
        "lodgement_ms_p50": round(statistics.median(warm_total) * 1000, 2),
        "lodgement_ms_p99": round(float(np.percentile(warm_total, 99)) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lodgements", type=int, default=200)
    args = parser.parse_args()
    result: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    result["batch"] = b = batch(args.rows)
    print(f"batch: {b['rows']:,} declarations, {b['features']} features, {b['trees']} trees")
    print(f"  features + model: {b['declarations_per_second']:,}/s ({b['features_and_model_seconds']} s)")
    print(f"  bare predict on the same matrix: {b['bare_predict_per_second']:,}/s ({b['bare_predict_seconds']} s)")
    result["online"] = []
    for with_model in (False, True):
        o = online(args.lodgements, with_model)
        result["online"].append(o)
        label = "criteria + model" if with_model else "criteria only"
        print(f"online ({label}, {o['lodgements']} lodgements on SQLite, lanes {o['lanes']}):")
        print(
            f"  risk step p50 {o['risk_step_ms_p50']} ms, p99 {o['risk_step_ms_p99']} ms; "
            f"whole lodgement p50 {o['lodgement_ms_p50']} ms, p99 {o['lodgement_ms_p99']} ms"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "risk.json").write_text(json.dumps(result, indent=2))
    print(f"written to {RESULTS / 'risk.json'}")


if __name__ == "__main__":
    main()
