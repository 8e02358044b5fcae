"""Lodging throughput: declarations of 3 items through the HTTP API with concurrent clients.

Uses wrk (Debian package `wrk`) as the load generator when installed, else an httpx async client.

Prints declarations per second and p50/p99 latency on SQLite (and PostgreSQL when
CLEARWAY_BENCH_DATABASE_URL is set), the batch endpoint's rate, and a bare FastAPI endpoint's rate measured
in the same run. Writes benchmarks/results/lodge.json.

    python benchmarks/lodge.py [--requests 3000] [--concurrency 16] [--workers 1] [--profile 200]

First prints where the time of one lodgement goes (each step of declarations/lodging.py, in µs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import _wrk
from _server import serve
from _stages import print_profile, profile
from clearway.demo import generator

RESULTS = Path(__file__).parent / "results"


def make_docs(n: int, prefix: str) -> list[dict[str, Any]]:
    rng = random.Random(7)
    return [
        generator.declaration(rng, lrn=f"{prefix}-{i:07d}", arrival=date(2026, 11, 28), items=3, importer_index=i)
        for i in range(n)
    ]


async def _fire(
    base: str, path: str, bodies: list[bytes], headers: dict[str, str], concurrency: int
) -> tuple[float, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                t = time.perf_counter()
                r = await client.post(path, content=body)
                latencies.append(time.perf_counter() - t)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return elapsed, latencies, statuses


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def bench_backend(name: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    subprocess.run(
        [sys.executable, "-m", "clearway", "db", "upgrade"], env={**os.environ, **env}, check=True, capture_output=True
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "clearway",
            "reference",
            "load",
            "--hs",
            str(Path(__file__).parents[1] / "src/clearway/demo/data/demo_hs.csv"),
        ],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    subprocess.run(  # the demo importers mandate the broker that lodges for them
        [sys.executable, "-m", "clearway", "mandates", "seed-demo"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    token = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearway",
            "token",
            "create",
            "--user",
            "bench.broker",
            "--role",
            "declarant",
            "--party",
            "PE20100047218",
        ],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    tag = f"{name}-{int(time.time())}"
    docs = make_docs(args.requests, f"B{tag}")
    for d in docs:
        d["declarant"]["id"] = "PE20100047218"
    bodies = [json.dumps(d).encode() for d in docs]
    batch_docs = make_docs(args.batch_total, f"BB{tag}")
    for d in batch_docs:
        d["declarant"]["id"] = "PE20100047218"
    batches = [
        json.dumps({"declarations": batch_docs[i : i + args.batch_size]}).encode()
        for i in range(0, len(batch_docs), args.batch_size)
    ]
    template = dict(docs[0])
    template["lrn"] = "__LRN__"
    with serve("clearway.asgi:app", env, workers=args.workers) as base:
        asyncio.run(_fire(base, "/api/v1/declarations", bodies[:50], headers, 4))  # warm-up
        if _wrk.available() and not args.python_client:
            w = _wrk.run(
                base,
                "/api/v1/declarations",
                json.dumps(template),
                token,
                seconds=args.seconds,
                connections=args.concurrency,
                prefix=f"W{tag}-",
            )
            n, elapsed, p50, p99, statuses = (
                w["requests"],
                w["seconds"],
                w["p50_ms"],
                w["p99_ms"],
                {"errors": w["errors"]},
            )
            client = "wrk"
        else:
            elapsed, lat, statuses = asyncio.run(
                _fire(base, "/api/v1/declarations", bodies[50:], headers, args.concurrency)
            )
            n, p50, p99, client = len(bodies) - 50, pct(lat, 0.5), pct(lat, 0.99), "httpx"
        b_elapsed, _, b_statuses = asyncio.run(
            _fire(base, "/api/v1/declarations/batch", batches, headers, max(1, args.workers))
        )
    out = {
        "backend": name,
        "client": client,
        "declarations": n,
        "seconds": round(elapsed, 2),
        "declarations_per_second": round(n / elapsed, 1),
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "statuses": statuses,
        "batch_declarations_per_second": round(len(batch_docs) / b_elapsed, 1),
        "batch_size": args.batch_size,
        "batch_statuses": b_statuses,
    }
    print(
        f"{name:>10}: {out['declarations_per_second']:>7} declarations/s  p50 {out['p50_ms']} ms  "
        f"p99 {out['p99_ms']} ms  ({client}, {statuses});  batch of {args.batch_size}: "
        f"{out['batch_declarations_per_second']} declarations/s"
    )
    return out


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """Creates a throw-away PostgreSQL schema for the run and drops it afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"cw_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_bare(args: argparse.Namespace) -> dict[str, Any]:
    with serve("_bare_app:app", {}, workers=args.workers) as base:
        if _wrk.available() and not args.python_client:
            w = _wrk.run(base, "/noop", "{}", "", seconds=args.seconds, connections=args.concurrency, prefix="x")
            rate, p50, p99, client = w["per_second"], w["p50_ms"], w["p99_ms"], "wrk"
        else:
            bodies = [b"{}"] * args.requests
            asyncio.run(_fire(base, "/noop", bodies[:50], {}, 4))
            elapsed, lat, _ = asyncio.run(_fire(base, "/noop", bodies, {}, args.concurrency))
            rate, p50, p99, client = len(bodies) / elapsed, pct(lat, 0.5), pct(lat, 0.99), "httpx"
    out = {"client": client, "requests_per_second": round(rate, 1), "p50_ms": round(p50, 1), "p99_ms": round(p99, 1)}
    print(
        f"{'bare':>10}: {out['requests_per_second']:>7} requests/s      p50 {out['p50_ms']} ms  p99 {out['p99_ms']} ms"
        f"  ({client}; a FastAPI endpoint that does nothing)"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--batch-total", type=int, default=4000)
    parser.add_argument("--seconds", type=int, default=15, help="duration of each wrk run")
    parser.add_argument("--python-client", action="store_true", help="use httpx even when wrk is installed")
    parser.add_argument("--profile", type=int, default=200, help="lodgements timed per stage in process (0: skip)")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count()},
        "workers": args.workers,
        "concurrency": args.concurrency,
        "items_per_declaration": 3,
    }
    if args.profile:
        with tempfile.TemporaryDirectory() as tmp:
            results["stages_us"] = profile(args.profile, Path(tmp))
        print_profile(results["stages_us"])
    results["bare_fastapi"] = bench_bare(args)
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = bench_backend("sqlite", {"CLEARWAY_DATA_DIR": tmp, "CLEARWAY_LOG_LEVEL": "WARNING"}, args)
    pg = os.environ.get("CLEARWAY_BENCH_DATABASE_URL")
    if pg:
        with scratch_schema(pg) as url:
            results["postgresql"] = bench_backend(
                "postgresql", {"CLEARWAY_DATABASE_URL": url, "CLEARWAY_LOG_LEVEL": "WARNING"}, args
            )
    else:
        print("postgresql: skipped (set CLEARWAY_BENCH_DATABASE_URL; the run uses a scratch schema it drops)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lodge.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"written {RESULTS / 'lodge.json'}")


if __name__ == "__main__":
    main()
