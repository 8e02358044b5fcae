"""Load times of the risk, e-commerce and ledger console pages on the full demo data, signed in.

Seeds the demo as ``make demo`` does (the criteria, a screened manifest of 3,000 generated parcels for
carrier.demo, the ledger's organisations, credentials and AEO entries), serves it with uvicorn in a
subprocess, signs in through the login form, then requests each page sequentially and prints the median, p95
and max response times. Writes benchmarks/results/console_capability_pages.json. Target: under 300 ms.

    python benchmarks/console_capability_pages.py [--requests 20]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _console_demo import demo_server, sign_in
from console import TARGET_MS, measure

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    args = parser.parse_args()
    with demo_server() as (base, which):
        if not which.startswith("full"):
            raise SystemExit(f"these pages need the full demo; got the {which}")
        clients = {u: httpx.Client(timeout=30) for u in ("officer.rojas", "supervisor.quispe", "carrier.demo")}
        for user, client in clients.items():
            sign_in(client, base, user)
        listing = clients["carrier.demo"].get(base + "/console/ecommerce").text
        manifest = re.search(r"/console/ecommerce/manifests/([\w-]{36})", listing)
        if manifest is None:
            raise SystemExit("the demo carrier has no manifest")
        officer, analyst, carrier = clients["officer.rojas"], clients["supervisor.quispe"], clients["carrier.demo"]
        pages = {
            "risk criteria (officer)": (officer, "/console/risk"),
            "criteria as YAML (analyst)": (analyst, "/console/risk/yaml"),
            "e-commerce, held parcels (officer)": (officer, "/console/ecommerce"),
            "manifest, held (officer)": (officer, f"/console/ecommerce/manifests/{manifest.group(1)}"),
            "my manifests (carrier)": (carrier, "/console/ecommerce"),
            "manifest, 100 parcels (carrier)": (carrier, f"/console/ecommerce/manifests/{manifest.group(1)}"),
            "credentials and AEO (officer)": (officer, "/console/ledger"),
        }
        results = {}
        print(f"{'page':38} {'median':>9} {'p95':>9} {'max':>9}")
        for name, (client, path) in pages.items():
            results[name] = measure(client, base + path, args.requests)
            r = results[name]
            print(f"{name:38} {r['median_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms {r['max_ms']:>7.1f}ms")
        for client in clients.values():
            client.close()
    worst = max(r["p95_ms"] for r in results.values())
    print(f"slowest p95 {worst:.1f} ms — target {TARGET_MS} ms: {'met' if worst < TARGET_MS else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "benchmark": "console capability pages load",
        "data": f"{which}: demo criteria, 3,000 generated parcels, demo ledger; SQLite",
        "requests_per_page": args.requests,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "target_ms": TARGET_MS,
        "pages": results,
    }
    (RESULTS / "console_capability_pages.json").write_text(json.dumps(out, indent=2))
    print(f"wrote {RESULTS / 'console_capability_pages.json'}")


if __name__ == "__main__":
    main()
