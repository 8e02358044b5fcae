"""What crisis protocols cost a lodgement: declarations lodged in-process with no protocol, then with both shipped
packs active (relief consignments prioritised, others matched against the lists and passed on).

Prints lodgements per second and the mean time of the crisis ports (relief, lane, export gate) per lodgement on
SQLite (a temporary file). Writes benchmarks/results/crisis.json. Generated declarations (the demo generator);
figures on a shared 2-core machine are floors.

    python benchmarks/crisis.py [--n 300]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from clearway import bootstrap
from clearway.crisis import reporting, service
from clearway.crisis.seed import APPROVES, ASKS, packs_dir, relief_consignment
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.mandates import seed as mandates_seed
from clearway.platform import approvals
from clearway.platform.auth import Principal
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service

RESULTS = Path(__file__).parent / "results"


def _lodge_all(runtime: Any, docs: list[dict[str, Any]]) -> tuple[float, float]:
    """Lodges the documents; returns (seconds in all, seconds inside the crisis service calls)."""
    spent = [0.0]
    originals = {name: getattr(service, name) for name in ("priority", "relieve", "export_blockers", "waivers")}

    def timed(fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t

        return wrapper

    for name, fn in originals.items():
        setattr(service, name, timed(fn))
    start = time.perf_counter()
    try:
        for doc in docs:
            data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
            who = Principal(user="bench", role="declarant", party_id=data.declarant.id)
            with runtime.uow() as uow:
                lodging.lodge(uow, data, principal=who, ctx=declarations_api.lodge_context(runtime, uow))
                uow.commit()
    finally:
        for name, fn in originals.items():
            setattr(service, name, fn)
    return time.perf_counter() - start, spent[0]


def _generated(rng: random.Random, prefix: str, n: int) -> list[dict[str, Any]]:
    arrival = date(2026, 11, 28)
    return [
        generator.declaration(rng, lrn=f"{prefix}-{i:06d}", arrival=arrival, items=3, importer_index=i)
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            env="test", database_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp), secret_key="bench-secret"
        )
        runtime = bootstrap.build_runtime(settings)
        upgrade(runtime.engine)
        runtime.caches["platform.migrated"] = True
        with runtime.uow() as uow:
            reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
            mandates_seed.grant_demo_mandates(uow)
            uow.commit()
        normal = [
            generator.declaration(rng, lrn=f"N-{i:06d}", arrival=date(2026, 11, 28), items=3, importer_index=i)
            for i in range(args.n)
        ]
        off_s, off_ports = _lodge_all(runtime, normal)
        with runtime.uow() as uow:
            for path in sorted(packs_dir().glob("*.yaml")):
                service.load_pack(
                    uow,
                    path.read_text(encoding="utf-8"),
                    principal=Principal("admin", "admin"),
                    reason="bench",
                    known_hs=None,
                )
            for pack in ("disaster-relief", "pandemic-medical-supplies"):
                cr = service.request_activation(uow, pack, principal=ASKS, reason="benchmark activation")
                approvals.approve(uow, cr.id, APPROVES, reason="benchmark")
            uow.commit()
        mixed = [
            generator.declaration(rng, lrn=f"A-{i:06d}", arrival=date(2026, 11, 28), items=3, importer_index=i)
            for i in range(args.n)
        ]
        relief = [
            relief_consignment(f"R-{i:06d}", date(2026, 11, 28), ("630622", "Family tents", "10", "90.000", "300.00"))
            for i in range(args.n // 5)
        ]
        on_s, on_ports = _lodge_all(runtime, mixed)
        relief_s, relief_ports = _lodge_all(runtime, relief)
        with runtime.uow(readonly=True) as uow:
            under = reporting.affected(uow, Principal("bench", "officer"), limit=1)[1]
        runtime.engine.dispose()
    out = {
        "data": "generated (demo generator, 3 items each) and relief consignments; SQLite temporary file",
        "declarations": args.n,
        "no_protocol_per_s": round(args.n / off_s, 1),
        "two_protocols_active_per_s": round(args.n / on_s, 1),
        "relief_consignments_per_s": round(len(relief) / relief_s, 1),
        "crisis_ports_ms_per_lodgement_inactive": round(1000 * off_ports / args.n, 3),
        "crisis_ports_ms_per_lodgement_active": round(1000 * on_ports / args.n, 3),
        "crisis_ports_ms_per_relief_lodgement": round(1000 * relief_ports / len(relief), 3),
        "declarations_under_protocols": under,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crisis.json").write_text(json.dumps(out, indent=2))
    for k, v in out.items():
        sys.stdout.write(f"{k}: {v}\n")


if __name__ == "__main__":
    main()
