"""Assessment throughput: duties and taxes of 10-item declarations under the demo tariff.

Measures (1) assessments per second of the valuation itself (customs value, conversion, duty lookup,
preference, excise, IGV/IPM, fees) on in-memory declarations, and (2) lodgements per second through the
clearance core on a SQLite file with and without the tariff subscribed (assessment stored, history entry,
release gate), so the difference is what assessment adds to acceptance. PostgreSQL too when
CLEARWAY_BENCH_DATABASE_URL is set. Writes benchmarks/results/tariff.json.

    python benchmarks/tariff.py [--seconds 3] [--lodgements 200]

`assessments_per_second(items=10)` is imported by benchmarks/interchange.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from clearway import bootstrap
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.model import Declaration, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.mandates import seed as mandates_seed
from clearway.platform.auth import Principal
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from clearway.tariff import rates_demo, schedule_io
from clearway.tariff import service as tariff_service
from clearway.tariff.seed import demo_schedule_path
from clearway.tariff.valuation import assess

RESULTS = Path(__file__).parent / "results"
TODAY = date(2026, 11, 30)


def _docs(n: int, items: int, prefix: str, arrival: date = TODAY) -> list[dict[str, Any]]:
    rng = random.Random(11)
    return [generator.declaration(rng, lrn=f"{prefix}-{i:06d}", arrival=arrival, items=items) for i in range(n)]


def assessments_per_second(items: int = 10, seconds: float = 2.0) -> float:
    """Returns how many declarations of `items` goods items the valuation assesses per second (one core)."""
    schedule = schedule_io.parse_schedule_yaml(demo_schedule_path().read_text(encoding="utf-8"))
    rates = {r.currency: r for r in rates_demo.demo_rates(TODAY, back=0, ahead=0)}
    accepted = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    decls = [
        Declaration(
            id=f"d{k}",
            mrn=f"26PE{k:014d}",
            data=codec.to_domain(DeclarationIn.model_validate(doc, strict=False)),
            status=Status.ACCEPTED,
            lodged_at=accepted,
            accepted_at=accepted,
        )
        for k, doc in enumerate(_docs(200, items, "BENCH"))
    ]

    def one(k: int) -> None:
        assess(decls[k % len(decls)], schedule, schedule_id="bench", rates=rates.get, assessed_at=accepted)

    one(0)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        one(count)
        count += 1
    return count / (time.perf_counter() - start)


def _runtime(url: str | None, data_dir: Path, with_tariff: bool) -> Runtime:
    settings = Settings(
        env="test",
        database_url=url or f"sqlite:///{data_dir / 'bench.db'}",
        data_dir=data_dir,
        secret_key="bench",
        selectivity_red_rate=0,
        selectivity_yellow_rate=0,
    )
    bootstrap.import_tables()
    runtime = Runtime.build(settings)
    upgrade(runtime.engine)
    if with_tariff:
        bootstrap.wire(
            runtime, [c for c in bootstrap.capabilities() if c.name == "clearway.tariff"]
        )  # the tariff alone
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        if with_tariff:
            tariff_service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="bench")
            tariff_service.load_rates(uow, rates_demo.demo_rates(runtime.clock().date()))
        uow.commit()
    return runtime


@contextmanager
def _scratch(url: str | None) -> Iterator[str | None]:
    """Yields the database URL to use: on PostgreSQL a fresh schema, dropped afterwards."""
    if url is None:
        yield None
        return
    schema = f"bench_tariff_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def lodgements_per_second(url: str | None, n: int, items: int, with_tariff: bool) -> dict[str, float]:
    """Lodges n declarations one transaction each; returns the rate and how many were held for payment."""
    with tempfile.TemporaryDirectory() as tmp, _scratch(url) as scratch_url:
        runtime = _runtime(scratch_url, Path(tmp), with_tariff)
        tag = f"{'T' if with_tariff else 'N'}{int(time.time())}"
        docs = [codec.to_domain(DeclarationIn.model_validate(d, strict=False)) for d in _docs(n, items, tag)]
        held = 0
        start = time.perf_counter()
        for data in docs:
            broker = Principal(user="bench", role="declarant", party_id=data.declarant.id)
            with runtime.uow() as uow:
                result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
                uow.commit()
            held += result.declaration.status is Status.ACCEPTED
        elapsed = time.perf_counter() - start
        runtime.engine.dispose()
    return {"per_second": round(n / elapsed, 1), "held_for_payment": held}


def main() -> None:
    """Runs the measurements, prints them and writes the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--lodgements", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    for items in (1, 10):
        rate = assessments_per_second(items=items, seconds=args.seconds)
        results[f"assessments_per_second_{items}_items"] = round(rate, 1)
        print(f"valuation, {items:>2}-item declarations: {rate:8.1f} assessments/s")
    backends = {"sqlite": None}
    if os.environ.get("CLEARWAY_BENCH_DATABASE_URL"):
        backends["postgresql"] = os.environ["CLEARWAY_BENCH_DATABASE_URL"]
    for name, url in backends.items():
        for with_tariff in (False, True):
            out = lodgements_per_second(url, args.lodgements, 10, with_tariff)
            key = f"lodge_10_items_{name}_{'with' if with_tariff else 'without'}_tariff"
            results[key] = out
            print(
                f"lodge 10-item declarations on {name:<10} {'with' if with_tariff else 'without'} tariff: "
                f"{out['per_second']:7.1f}/s ({out['held_for_payment']} held for payment)"
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "tariff.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {RESULTS / 'tariff.json'}")


if __name__ == "__main__":
    main()
