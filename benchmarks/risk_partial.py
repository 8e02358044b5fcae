"""Risk engine quality with partial, biased labels: the outcome known only where someone inspected.

On the shared KCS files (2020 = history, 2021 Q1 = the unseen later quarter), the labels of the history are
kept only for (a) a random 10% of the declarations, or (b) a rule-chosen 7% (``policies.rule_priority``:
undervaluation and high value against the HS6 × origin median, new importer — declared data only) plus a
random 3% of the rest. Every other history label is erased (unlabelled, never a negative). The recorded
selection probability of each labelled row is its propensity (rule picks 1, random picks 0.03 / 0.93).

Choices are made on the history only: each correction (``ipw``, ``none``, ``soft``) and each trade-off λ is
trained on 2020-01 … 2020-09 and measured on 2020 Q4 with the partial labels an administration would have
(precision weighted by 1 / propensity); the chosen ones are then trained on all of 2020 and measured on 2021
Q1 with its full labels. Writes benchmarks/results/risk_partial.json.

    python benchmarks/risk_partial.py [--data ../shared/data/kcs] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clearway.risk.learning import data, mapping, objectives, policies
from clearway.risk.learning.estimators import CORRECTIONS, RiskModel
from clearway.risk.learning.evaluate import at_share

RESULTS = Path(__file__).parent / "results"
TEST_FROM, TEST_TO = pd.Timestamp("2021-01-01", tz="UTC"), pd.Timestamp("2021-04-01", tz="UTC")
VALID_FROM = pd.Timestamp("2020-10-01", tz="UTC")


def revenue_of(frame: pd.DataFrame) -> np.ndarray:
    """Revenue at risk of a declaration if fraudulent: value × tax rate (the KCS files have no recovered figure)."""
    return np.asarray((frame["value"].fillna(0) * frame["tax_rate"].fillna(0) / 100).to_numpy(dtype=float))


def scenario(history: pd.DataFrame, name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Returns (labels with NaN where not inspected, propensity) for the history under a selection scenario."""
    rng = np.random.default_rng(seed)
    n = len(history)
    y = history[data.FRAUD].to_numpy(dtype=float)
    chosen = np.zeros(n, dtype=bool)
    p = np.full(n, np.nan)
    if name == "random10":
        chosen[rng.choice(n, round(0.10 * n), replace=False)] = True
        p[:] = 0.10
    elif name == "rule7_random3":
        score = policies.rule_priority(history, history, new_importer=policies.first_seen(history))
        top = np.argsort(-score, kind="stable")[: round(0.07 * n)]
        chosen[top] = True
        rest = np.flatnonzero(~chosen)
        rate = round(0.03 * n) / len(rest)
        chosen[rng.choice(rest, round(0.03 * n), replace=False)] = True
        p[:] = rate
        p[top] = 1.0
    else:
        raise ValueError(name)
    return np.where(chosen, y, np.nan), p


def weighted_at_share(key: np.ndarray, y: np.ndarray, w: np.ndarray, rev: np.ndarray, share: float) -> dict[str, float]:
    """Precision and revenue caught at a share, from labelled rows standing for the population (weights 1/p)."""
    order = np.argsort(-key, kind="stable")
    cw = np.cumsum(w[order])
    top = order[: max(1, int(np.searchsorted(cw, share * w.sum())) + 1)]
    at_risk = w * y * rev
    return {
        "precision": float((w * y)[top].sum() / w[top].sum()),
        "revenue_caught": float(at_risk[top].sum() / at_risk.sum()) if at_risk.sum() else 0.0,
    }


def fit(x: pd.DataFrame, y: np.ndarray, p: np.ndarray, correction: str, quick: bool) -> RiskModel:
    # One thread: on a shared machine LightGBM's OpenMP threads wait on each other (20x slower with two).
    model = RiskModel(correction=correction, n_estimators=200 if quick else 500, n_jobs=1)
    return model.fit(x, y, propensity=p)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data" / "kcs")
    parser.add_argument("--quick", action="store_true", help="fewer trees (a smoke run)")
    args = parser.parse_args()
    started = time.perf_counter()
    m = mapping.load("kcs")
    files = [args.data / "df_syn_train_eng.csv", args.data / "df_syn_valid_eng.csv"]
    frame = data.read(files, m, labels=True).sort_values(data.DATE, kind="stable").reset_index(drop=True)
    history = frame[frame[data.DATE] < TEST_FROM].reset_index(drop=True)
    test = frame[(frame[data.DATE] >= TEST_FROM) & (frame[data.DATE] < TEST_TO)].reset_index(drop=True)
    x_hist = history.drop(columns=[data.FRAUD, data.CRITICAL])
    x_test = test.drop(columns=[data.FRAUD, data.CRITICAL])
    fraud_test, rev_test, stake_test = test[data.FRAUD].to_numpy(), revenue_of(test), objectives.at_stake(x_test)
    early = (history[data.DATE] < VALID_FROM).to_numpy()
    results: dict[str, Any] = {
        "data": {
            "history": {"rows": len(history), "fraud_rate": float(history[data.FRAUD].mean())},
            "test": {"rows": len(test), "window": "2021-01-01 – 2021-03-31", "fraud_rate": float(fraud_test.mean())},
        },
        "scenarios": {},
    }
    for name in ("random10", "rule7_random3"):
        y, p = scenario(history, name)
        lab = ~np.isnan(y)
        entry: dict[str, Any] = {"labelled": int(lab.sum()), "labelled_fraud_rate": float(np.nanmean(y))}
        # 1. choices on the history only: train on 2020-01..09, measure on 2020 Q4's partial labels.
        valid_rows = np.flatnonzero(~early & lab)
        xv = x_hist.iloc[valid_rows]
        yv, wv = y[valid_rows], 1.0 / p[valid_rows]
        rv, sv = revenue_of(history.iloc[valid_rows]), objectives.at_stake(xv)
        choice: dict[str, Any] = {}
        for correction in CORRECTIONS:
            model = fit(x_hist[early], y[early], p[early], correction, args.quick)
            sv_scores = model.risk_score(xv)
            choice[correction] = {
                f"{lam:.1f}": weighted_at_share(objectives.priority(sv_scores, sv, lam), yv, wv, rv, 0.05)
                for lam in objectives.TRADEOFFS
            }
            print(
                f"[{name}] validation 2020 Q4, {correction}: precision@5% {choice[correction]['0.0']['precision']:.3f}"
            )
        best = max(CORRECTIONS, key=lambda c: choice[c]["0.0"]["precision"])
        # The smallest λ whose top 5% holds half the revenue at risk, on validation.
        ok = [lam for lam in objectives.TRADEOFFS if choice[best][f"{lam:.1f}"]["revenue_caught"] >= 0.5]
        lam_star = min(ok) if ok else 1.0
        entry["validation"] = {"figures": choice, "chosen_correction": best, "chosen_tradeoff": lam_star}
        # 2. the chosen settings (and the others, for the record) on all of 2020, measured on 2021 Q1.
        test_figures: dict[str, Any] = {}
        for correction in CORRECTIONS:
            model = fit(x_hist, y, p, correction, args.quick)
            scores = model.risk_score(x_test)
            by_obj = {
                "fraud": scores,
                "revenue": scores * stake_test,
                "balanced": objectives.priority(scores, stake_test, lam_star),
            }
            test_figures[correction] = {
                obj: {f"{q:.0%}": at_share(key, fraud_test, q, revenue=rev_test) for q in (0.01, 0.05, 0.10)}
                for obj, key in by_obj.items()
            }
            test_figures[correction]["frontier"] = objectives.frontier(
                scores, stake_test, fraud_test, rev_test, shares=(0.05, 0.10)
            )
        entry["test"] = test_figures
        entry["rule_only_test"] = at_share(policies.rule_priority(x_test, x_hist), fraud_test, 0.05, revenue=rev_test)
        results["scenarios"][name] = entry
        chosen = test_figures[best]
        print(f"[{name}] chosen on 2020 Q4: correction {best}, balanced trade-off {lam_star}")
        for obj in ("fraud", "revenue", "balanced"):
            f = chosen[obj]["5%"]
            print(
                f"[{name}] test 2021 Q1, {obj:8s}: precision@5% {f['precision']:.3f}  "
                f"revenue@5% {f['revenue_caught']:.3f}"
            )
    results["seconds"] = time.perf_counter() - started
    results["machine"] = {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "risk_partial.json"
    out.write_text(json.dumps(results, indent=2), "utf-8")
    print(f"written {out} in {results['seconds']:.0f} s")


if __name__ == "__main__":
    main()
