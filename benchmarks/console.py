"""Console page load times on the demo data: server response for the main pages, signed in.

Seeds the demo as ``make demo`` does (300 declarations over six weeks; the clearance core's demo alone if
another capability's seed fails), serves it with uvicorn in a subprocess, signs in through the login form,
then requests each page sequentially and prints the median, p95 and max response times.
Writes benchmarks/results/console.json. Target: under 300 ms.

    python benchmarks/console.py [--requests 40]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _console_demo import demo_server, sign_in

RESULTS = Path(__file__).parent / "results"
TARGET_MS = 300


def measure(client: httpx.Client, url: str, n: int) -> dict[str, float]:
    """Requests a page n times (after one warm-up) and returns timings in milliseconds."""
    client.get(url).raise_for_status()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "bytes": len(r.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    args = parser.parse_args()
    with demo_server() as (base, which), httpx.Client(timeout=30) as officer, httpx.Client(timeout=30) as trader:
        sign_in(officer, base, "officer.rojas")
        sign_in(trader, base, "broker.andina")
        listing = officer.get(base + "/console/declarations").text
        mrn = re.search(r"/console/declarations/(\w{18})", listing)
        assert mrn is not None
        pages = {
            "login": (httpx.Client(timeout=30), "/console/login"),
            "queue (officer)": (officer, "/console/queue?office="),
            "declarations (officer)": (officer, "/console/declarations"),
            "declaration detail (officer)": (officer, f"/console/declarations/{mrn.group(1)}"),
            "dashboard, 30 days (officer)": (officer, "/console/dashboard"),
            "dashboard, 366 days (officer)": (officer, "/console/dashboard?start=2000-01-01"),
            "my declarations (trader)": (trader, "/console/declarations"),
            "lodge form (trader)": (trader, "/console/lodge?example=1"),
        }
        results = {}
        print(f"{'page':34} {'median':>9} {'p95':>9} {'max':>9}")
        for name, (client, path) in pages.items():
            results[name] = measure(client, base + path, args.requests)
            r = results[name]
            print(f"{name:34} {r['median_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms {r['max_ms']:>7.1f}ms")
    print(f"data: {which}")
    worst = max(r["p95_ms"] for r in results.values())
    print(f"slowest p95 {worst:.1f} ms — target {TARGET_MS} ms: {'met' if worst < TARGET_MS else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "benchmark": "console page load",
        "data": f"{which}: 300 declarations over 42 days, SQLite",
        "requests_per_page": args.requests,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "target_ms": TARGET_MS,
        "pages": results,
    }
    (RESULTS / "console.json").write_text(json.dumps(out, indent=2))
    print(f"wrote {RESULTS / 'console.json'}")


if __name__ == "__main__":
    main()
