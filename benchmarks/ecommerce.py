"""E-commerce screening benchmark: a generated manifest with planted cases, screened end to end.

    .venv/bin/python benchmarks/ecommerce.py --parcels 1000000

Generates the manifest in a child process (so that the peak memory printed is screening's own), then
ingests, screens, decides and stores it on a fresh SQLite file (or --database-url), and prints parcels
per second, time per stage, peak memory, and the precision and recall of each planted kind.
Writes benchmarks/results/ecommerce.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
KINDS = {
    "split": "split_shipment",
    "undervalued": "undervaluation",
    "recalled": "recalled_product",
    "ip": "ip_infringement",
}


def generate(folder: Path, parcels: int, seed: int) -> None:
    """Writes manifest.csv, truth.csv and the reference lists into the folder."""
    from clearway.ecommerce import generator

    generator.write_reference_lists(folder)
    df, truth = generator.manifest(parcels, seed=seed)
    generator.write_manifest(df, folder / "manifest.csv")
    truth.write_csv(folder / "truth.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--generate-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.parcels, args.seed)
        return

    with tempfile.TemporaryDirectory(prefix="clearway-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-only",
                str(folder),
                "--parcels",
                str(args.parcels),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        generated = time.perf_counter() - start
        size = (folder / "manifest.csv").stat().st_size
        print(f"generated {args.parcels:,} parcels ({size / 1e6:.0f} MB CSV) in {generated:.1f} s")

        import polars as pl

        from clearway import bootstrap
        from clearway.ecommerce import service
        from clearway.platform.migrate import upgrade
        from clearway.platform.settings import Settings

        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(Settings(env="test", database_url=url, data_dir=folder))
        upgrade(runtime.engine)
        with runtime.uow() as uow:
            service.load_recalls(uow, folder / "recalls.csv")
            service.load_brands(uow, folder / "brands.csv")
            uow.commit()

        start = time.perf_counter()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with runtime.uow() as uow, (folder / "manifest.csv").open("rb") as stream:
            report = service.screen_manifest(
                uow, stream, source_name="manifest.csv", country="PE", submitted_by="benchmark", fmt="csv"
            )
            uow.commit()
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        assert report.decided is not None
        truth = pl.read_csv(folder / "truth.csv")
        joined = report.decided.select("parcel_id", "flags").join(truth, on="parcel_id")
        quality = {}
        for kind, flag in KINDS.items():
            planted = joined["kind"] == kind
            caught = joined["flags"].str.contains(flag)
            tp = int((planted & caught).sum())
            quality[kind] = {
                "planted": int(planted.sum()),
                "flagged": int(caught.sum()),
                "precision": round(tp / max(1, int(caught.sum())), 4),
                "recall": round(tp / max(1, int(planted.sum())), 4),
            }
        runtime.engine.dispose()

    result = {
        "parcels": args.parcels,
        "database": url.split(":")[0],
        "seconds_end_to_end": round(elapsed, 2),
        "parcels_per_second": round(report.rows_read / elapsed),
        "cpu_seconds": round(cpu, 1),
        "seconds_per_stage": {k: round(v, 2) for k, v in report.seconds.items()},
        "peak_rss_mb": round(peak_mb),
        "manifest_mb": round(size / 1e6),
        "decisions": report.decisions,
        "flags": report.flags,
        "planted": quality,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }
    print(
        f"screened {report.rows_read:,} parcels end to end in {elapsed:.1f} s = "
        f"{result['parcels_per_second']:,} parcels/s; {cpu:.0f} s of CPU; peak memory {peak_mb:.0f} MB "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    print("decisions: " + ", ".join(f"{k} {v:,}" for k, v in report.decisions.items()))
    for kind, q in quality.items():
        print(
            f"  {kind:<12} planted {q['planted']:>7,}  flagged {q['flagged']:>7,}  "
            f"precision {q['precision']:.3f}  recall {q['recall']:.3f}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ecommerce.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS / 'ecommerce.json'}")


if __name__ == "__main__":
    main()
