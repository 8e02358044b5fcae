"""Single window speed: applications routed and auto-decided per second, 20 agencies, 500 requirement rules.

Lodges generated declarations (1-6 goods items) through the clearance core with only the single window
subscribed, on a fresh database. Every importer holds a quantity-limited standing licence from every
agency, so each application is decided automatically inside the lodgement (with a conditional drawdown).
Measures, per declaration, the time from the lodge call to the commit, i.e. to "all agencies decided",
and reports applications per second, p50/p99 latency, and the decision times the records state.
Writes benchmarks/results/single_window.json.

    python benchmarks/single_window.py [--count 300] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from clearway import bootstrap
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations import service as declarations
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.mandates import seed as mandates_seed
from clearway.platform.auth import Principal
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from clearway.single_window import catalog, permits, store
from clearway.single_window.model import percentile
from clearway.single_window.schemas import PermitIn, RuleFileIn

ROOT = Path(__file__).resolve().parents[1]
AGENCIES = 20
RULES = 500


def rules_file(rng: random.Random) -> RuleFileIn:
    """Builds 20 automated agencies and 500 rules on the chapters and headings the generator declares."""
    codes = sorted({g.code for g in generator.CATALOGUE})
    agencies = [
        {"code": f"AG{n:02d}", "name": f"Agency {n}", "domain": f"domain {n}", "automated_decisions": True}
        for n in range(1, AGENCIES + 1)
    ]
    rules = []
    for n in range(RULES):
        code = rng.choice(codes)
        spec = rng.choice([code[:2], code[:4], code, f"{code[:2]}-{min(int(code[:2]) + 3, 97):02d}"])
        rules.append(
            {
                "id": f"R{n:04d}",
                "agency": f"AG{n % AGENCIES + 1:02d}",
                "hs": [spec],
                "origins": rng.choice([[], [], ["CN", "VN"], ["CL", "AR", "BR"]]),
                "needs": [{"kind": rng.choice(["permit", "licence", "certificate"]), "name": f"document {n}"}],
                "auto": "standing_licence",
                "effective_from": "2026-01-01",
            }
        )
    return RuleFileIn.model_validate({"agencies": agencies, "requirements": rules}, strict=False)


def setup(runtime: Runtime, rng: random.Random) -> None:
    """Loads the nomenclature, the rules, and a standing licence per importer and agency."""
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        catalog.load(uow, runtime.caches, rules_file(rng), actor="bench")
        rules = catalog.ruleset(uow, runtime.caches)
        for code in rules.agencies:
            scope = sorted({str(s) for s in rules.scope(code, date(2026, 6, 1))})
            agency = Principal(user=f"bench.{code}", role="agency", agency=code)
            for importer, _ in generator.IMPORTERS:
                data = {
                    "holder_id": importer,
                    "hs": scope,
                    "valid_from": "2026-01-01",
                    "valid_to": "2027-12-31",
                    "quantity": "900000000",
                    "unit": "KGM",
                }
                permits.issue(uow, runtime.caches, agency, PermitIn.model_validate(data, strict=False))
        uow.commit()


def lodge_all(runtime: Runtime, count: int, rng: random.Random, prefix: str) -> tuple[list[str], list[float], float]:
    """Lodges generated declarations one by one; returns MRNs, per-declaration milliseconds, and seconds."""
    docs = [generator.declaration(rng, lrn=f"{prefix}-{i:06d}", arrival=date(2026, 11, 28)) for i in range(count)]
    datas = [codec.to_domain(DeclarationIn.model_validate(d, strict=False)) for d in docs]
    latencies, mrns = [], []
    started = time.perf_counter()
    for data in datas:
        broker = Principal(user="bench", role="declarant", party_id=data.declarant.id)
        t0 = time.perf_counter()
        with runtime.uow() as uow:
            result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
        latencies.append((time.perf_counter() - t0) * 1000)
        mrns.append(result.declaration.mrn)
    return mrns, latencies, time.perf_counter() - started


def run(runtime: Runtime, count: int, rng: random.Random) -> dict[str, Any]:
    """Lodges the declarations with the single window subscribed and measures lodge-to-decided latency."""
    mrns, latencies, elapsed = lodge_all(runtime, count, rng, "SWB")
    apps = 0
    decided_ms: list[float] = []
    auto_lat: list[float] = []
    released = 0
    with runtime.uow(readonly=True) as uow:
        for mrn, lat in zip(mrns, latencies, strict=True):
            rows = store.applications_for_mrn(uow.conn, mrn)
            apps += len(rows)
            decided_ms.extend(float(r["decision_ms"]) for r in rows if r["automated"])
            if rows and all(r["automated"] for r in rows):
                auto_lat.append(lat)
            released += declarations.get(uow, mrn).status.value == "08"
    all_auto = len(auto_lat)
    return {
        "declarations": count,
        "applications": apps,
        "applications_per_declaration": round(apps / count, 2),
        "fully_auto_decided_declarations": all_auto,
        "released": released,
        "seconds": round(elapsed, 3),
        "declarations_per_s": round(count / elapsed, 1),
        "applications_routed_and_decided_per_s": round(apps / elapsed, 1),
        "lodge_to_all_decided_ms_p50": round(statistics.median(auto_lat), 2),
        "lodge_to_all_decided_ms_p99": round(percentile(auto_lat, 99), 2),
        "recorded_decision_ms_p50": round(statistics.median(decided_ms), 3) if decided_ms else None,
        "recorded_decision_ms_p99": round(percentile(decided_ms, 99), 3) if decided_ms else None,
    }


def main() -> None:
    """Runs the benchmark, prints the figures and writes the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL; a temporary schema is used")
    args = parser.parse_args()
    rng = random.Random(2026)
    schema = None
    if args.postgres:
        schema = f"sw_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        settings = Settings(
            env="test", database_url=url, secret_key="bench", selectivity_red_rate=0, selectivity_yellow_rate=0
        )
        bootstrap.import_tables()
        runtime = Runtime.build(settings)
        upgrade(runtime.engine)
        setup(runtime, rng)
        plain = Runtime(settings=settings, engine=runtime.engine)  # the core alone, for the baseline
        _, base, _ = lodge_all(plain, args.count, random.Random(7), "BASE")
        bootstrap.wire(runtime, [c for c in bootstrap.capabilities() if c.name == "clearway.single_window"])
        results: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "database": runtime.engine.dialect.name,
            "agencies": AGENCIES,
            "requirement_rules": RULES,
            **run(runtime, args.count, rng),
            "core_lodge_only_ms_p50": round(statistics.median(base), 2),
            "core_lodge_only_ms_p99": round(percentile(base, 99), 2),
        }
        runtime.engine.dispose()
    finally:
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    for key, value in results.items():
        print(f"{key:40} {value}")
    out = ROOT / "benchmarks" / "results" / "single_window.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
