"""Does exploration pay? ``clearway risk simulate`` over several seeds, each exploration method against the rest.

Replays the shared KCS files (2020-01-01 … 2021-03-31) week by week (``clearway.risk.learning.simulate``):
warm-up fully inspected, the budget falling to 10%, each policy learning only from what it inspected. Per seed
the single policies (random, rules, model) and ``model+explore`` with each exploration method; the figure is
the mean over the weeks at 10% of the normalised revenue (and precision), then mean ± standard deviation over
the seeds. Exploration's hit rate against exploitation's is reported per method. Writes
benchmarks/results/risk_simulate.json.

    python benchmarks/risk_simulate.py [--data ../shared/data/kcs] [--seeds 3] [--methods uncertainty,bate]
        [--trees 60] [--retrain-every 8] [--tradeoff 0.2] [--explore-share 0.1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from clearway.risk.learning import mapping
from clearway.risk.learning import simulate as sim

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data" / "kcs")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="run seeds first-seed … first-seed + seeds - 1")
    parser.add_argument("--out", type=Path, default=RESULTS / "risk_simulate.json")
    parser.add_argument(
        "--merge", type=Path, nargs="*", default=None, help="merge the per-seed runs of earlier JSON files instead"
    )
    parser.add_argument("--methods", default="uncertainty,bate")
    parser.add_argument("--trees", type=int, default=60)
    parser.add_argument("--retrain-every", type=int, default=8)
    parser.add_argument("--tradeoff", type=float, default=0.2)
    parser.add_argument("--explore-share", type=float, default=0.10)
    parser.add_argument("--explore-pool", type=float, default=None, help="exploration among the next pool × budget")
    parser.add_argument("--quick", action="store_true", help="the 2020 file's first 20 weeks only (a smoke run)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.merge:
        runs = {}
        seen: set[tuple[str, int]] = set()
        for path in args.merge:
            found = json.loads(path.read_text("utf-8"))
            first = int(found.get("settings", {}).get("first_seed", 0))
            for policy, per_seed in found["runs"].items():
                for i, figures in enumerate(per_seed):
                    # The same policy and seed from two files (e.g. the baselines each run repeats) counts once.
                    if (policy, first + i) not in seen:
                        seen.add((policy, first + i))
                        runs.setdefault(policy, []).append(figures)
        report(runs, {"merged": [str(p) for p in args.merge]}, args.out, started)
        return
    files = [args.data / "df_syn_train_eng.csv"]
    if not args.quick:
        files.append(args.data / "df_syn_valid_eng.csv")
    frame, fraud, revenue = sim.load(mapping.load("kcs"), files)
    if args.quick:
        keep = (frame["date"] < frame["date"].min() + np.timedelta64(140, "D")).to_numpy()
        frame, fraud, revenue = frame[keep].reset_index(drop=True), fraud[keep], revenue[keep]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    runs: dict[str, list[dict[str, Any]]] = {}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        base = sim.SimConfig(
            policies=("random", "rules", "model"),
            tradeoff=args.tradeoff,
            explore_share=args.explore_share,
            explore_pool=args.explore_pool,
            n_estimators=args.trees,
            retrain_every=args.retrain_every,
            seed=seed,
        )
        result = sim.simulate(frame, fraud, revenue, base)
        for policy, figures in result["summary"].items():
            runs.setdefault(policy, []).append(figures)
        for method in methods:
            cfg = sim.SimConfig(**{**sim.asdict(base), "policies": ("model+explore",), "explore_method": method})
            result = sim.simulate(frame, fraud, revenue, cfg)
            runs.setdefault(f"model+explore ({method})", []).append(result["summary"]["model+explore"])
        print(f"seed {seed} done ({time.perf_counter() - started:.0f} s)", flush=True)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "merge"}
    report(
        runs, {"files": [f.name for f in files], "declarations": len(frame), "settings": settings}, args.out, started
    )


def report(runs: dict[str, list[dict[str, Any]]], about: dict[str, Any], path: Path, started: float) -> None:
    """Prints mean ± spread over the seeds per policy and writes them (with the per-seed runs) as JSON."""
    summary: dict[str, Any] = {}
    for policy, per_seed in runs.items():
        entry: dict[str, Any] = {}
        for key in ("norm_revenue", "norm_precision", "precision", "revenue_caught"):
            values = np.array([f[key] for f in per_seed])
            entry[key] = {"mean": float(values.mean()), "std": float(values.std(ddof=0)), "per_seed": values.tolist()}
        for key in ("explore_hit_rate", "model_hit_rate", "explore_inspected", "model_inspected"):
            if key in per_seed[0]:
                entry[key] = float(np.mean([f[key] for f in per_seed]))
        summary[policy] = entry
    best_single = max(("random", "rules", "model"), key=lambda p: summary[p]["norm_revenue"]["mean"])
    print(f"{'policy':32s} {'norm. revenue':>18s} {'norm. precision':>18s}  explore hit vs exploit hit")
    for policy, e in summary.items():
        hits = f"{e['explore_hit_rate']:.3f} vs {e['model_hit_rate']:.3f}" if "explore_hit_rate" in e else "–"
        print(
            f"{policy:32s} {e['norm_revenue']['mean']:.3f} ± {e['norm_revenue']['std']:.3f}      "
            f"{e['norm_precision']['mean']:.3f} ± {e['norm_precision']['std']:.3f}   {hits}"
        )
    print(f"best single policy by normalised revenue: {best_single}")
    out = {
        **about,
        "seeds": len(runs["model"]),
        "summary": summary,
        "runs": runs,
        "best_single_policy": best_single,
        "seconds": time.perf_counter() - started,
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2), "utf-8")
    print(f"written {path} in {out['seconds']:.0f} s")


if __name__ == "__main__":
    main()
