"""Risk engine quality with partial, biased labels: the outcome known only where someone inspected.

On the shared KCS files (2020 = history, 2021 Q1 = the unseen later quarter), the labels of the history are
kept only for (a) a random 10% of the declarations, or (b) a rule-chosen 7% (``policies.rule_priority``:
undervaluation and high value against the HS6 × origin median, new importer — declared data only) plus a
random 3% of the rest. Every other history label is erased (unlabelled, never a negative). The recorded
selection probability of each labelled row is its propensity (rule picks 1, random picks 0.03 / 0.93).

Choices are made on the history only: each variant (``VARIANTS``: corrections, medians, research estimators)
and each trade-off λ is trained on the months before 2020 Q3 and before 2020 Q4 and measured on that quarter
with the partial labels an administration would have (precision weighted by 1 / propensity, mean of the two
quarters); every variant is then trained on all of 2020 and measured on 2021 Q1 with its full labels — the
chosen one is the figure that counts, the others are reported for the record. Writes
benchmarks/results/risk_partial.json.

An upper bound is measured too: every history label known. Candidates = estimator variants (``--variants``) ×
feature sets (``--feature-sets``: without, with the default, with the wide repeat-consignment rates), compared
side by side; ``--choose-by`` says what the validation maximises (``precision``: weighted precision@5%;
``auc``: weighted ROC AUC; ``chance-precision``: precision@5% on the chance-selected rows only).

    python benchmarks/risk_partial.py [--data ../shared/data/kcs] [--trees 300] [--seed 0] [--quick]
        [--variants "all|V1;V2"] [--feature-sets "no repeat,repeat,repeat wide"]
        [--choose-by precision|auc|chance-precision]
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
VALIDATION_FOLDS = (
    (pd.Timestamp("2020-07-01", tz="UTC"), pd.Timestamp("2020-10-01", tz="UTC")),
    (pd.Timestamp("2020-10-01", tz="UTC"), pd.Timestamp("2021-01-01", tz="UTC")),
)


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


# Every variant tried, by name: (correction, settings). ``pu``, ``dr`` and ``anchor-only`` are research variants
# built here from the same features (not offered by ``risk train``); the others are ``RiskModel`` settings.
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "ipw (cap 10)": ("ipw", {}),
    "ipw (cap 3)": ("ipw", {"max_weight": 3.0}),
    "none": ("none", {}),
    "soft": ("soft", {}),
    "anchor": ("anchor", {}),
    "ipw (cap 10), medians all": ("ipw", {"medians": "all"}),
    "ipw (cap 3), medians all": ("ipw", {"medians": "all", "max_weight": 3.0}),
    "none, medians all": ("none", {"medians": "all"}),
    "soft, medians all": ("soft", {"medians": "all"}),
    "anchor, medians all": ("anchor", {"medians": "all"}),
    "anchor-only, medians all": ("anchor-only", {"medians": "all"}),
    "pu (Elkan-Noto), medians all": ("pu", {"medians": "all"}),
    "dr pseudo-outcomes, medians all": ("dr", {"medians": "all"}),
}


class _Research:
    """Scores of a research variant: trees on a pseudo-target built from the labels and the propensities."""

    def __init__(self, kind: str, trees: int, medians: str, repeat: str, counts: str = "off") -> None:
        self.kind, self.trees, self.medians, self.repeat, self.counts = kind, trees, medians, repeat, counts

    def fit(self, x: pd.DataFrame, y: np.ndarray, p: np.ndarray) -> _Research:
        import lightgbm as lgb

        from clearway.risk.learning.estimators import _lgbm_params
        from clearway.risk.learning.features import HistoryFeatures

        lab = ~np.isnan(y)
        chance = lab & (p < 1)
        self.features = HistoryFeatures(medians=self.medians, repeat=self.repeat, counts=self.counts)
        mat = self.features.fit_transform(x, y, prior=float(np.mean(y[chance])) if chance.any() else None)
        base = RiskModel(n_estimators=self.trees)
        params = _lgbm_params(base)

        def train(rows: np.ndarray, target: np.ndarray, **kw: Any) -> Any:
            return lgb.train({**params, **kw}, lgb.Dataset(mat.iloc[rows], target), num_boost_round=self.trees)

        every = np.arange(len(y))
        if self.kind == "anchor-only":  # trees on the chance-selected rows only (encodings from all labels)
            rows = np.flatnonzero(chance)
            self.boosters = [train(rows, y[rows])]
        elif self.kind == "pu":
            # Elkan–Noto with a learned propensity: P(fraud | x) = P(inspected and fraud | x) / P(inspected | x).
            # Both classifiers read every row; neither treats an uninspected row as clean, only as not inspected.
            hit = (lab & (np.nan_to_num(y) == 1)).astype(float)
            self.boosters = [train(every, hit), train(every, lab.astype(float))]
        elif self.kind == "dr":
            # Doubly robust pseudo-outcome: m(x) + s (y − m(x)) / e, regressed on every row (m from labelled rows).
            rows = np.flatnonzero(lab)
            m = train(rows, y[rows]).predict(mat)
            e = np.where(lab, np.clip(np.nan_to_num(p, nan=1.0), 0.1, 1.0), 1.0)
            pseudo = m + np.where(lab, (np.nan_to_num(y) - m) / e, 0.0)
            self.boosters = [train(every, pseudo, objective="regression")]
        else:
            raise ValueError(self.kind)
        return self

    def risk_score(self, x: pd.DataFrame) -> np.ndarray:
        mat = self.features.encode(x)
        if self.kind == "pu":
            return np.asarray(
                np.clip(self.boosters[0].predict(mat) / np.clip(self.boosters[1].predict(mat), 1e-3, None), 0, 1)
            )
        return np.asarray(self.boosters[0].predict(mat), dtype=float)


# Feature sets compared side by side (``HistoryFeatures(repeat=..., counts=...)``): without the repeat-consignment
# rates, with the default ones, with the wider set; with the label-free repetition counts (``counts``: training
# rows counted against the earlier declarations, or against every other one).
FEATURE_SETS: dict[str, dict[str, str]] = {
    "no repeat": {"repeat": "off"},
    "repeat": {"repeat": "default"},
    "repeat wide": {"repeat": "wide"},
    "repeat + counts before": {"repeat": "default", "counts": "before"},
    "repeat + counts others": {"repeat": "default", "counts": "others"},
    "repeat wide + counts before": {"repeat": "wide", "counts": "before"},
    "repeat wide + counts others": {"repeat": "wide", "counts": "others"},
}
DEFAULT_FEATURE_SETS = ("no repeat", "repeat", "repeat wide")
CHOOSE_BY = ("precision", "auc", "chance-precision")


def fit(
    x: pd.DataFrame, y: np.ndarray, p: np.ndarray, variant: str, trees: int, features: dict[str, str] | None = None
) -> Any:
    correction, settings = VARIANTS[variant]
    feats = {"repeat": "default", "counts": "off", **(features or {})}
    if correction in CORRECTIONS:
        # One thread: on a shared machine LightGBM's OpenMP threads wait on each other (20x slower with two).
        model = RiskModel(correction=correction, n_estimators=trees, n_jobs=1, **feats, **settings)
        return model.fit(x, y, propensity=p)
    return _Research(correction, trees, settings.get("medians", "labelled"), **feats).fit(x, y, p)


def validation_score(score: np.ndarray, y: np.ndarray, p: np.ndarray, how: str) -> float:
    """What the validation maximises, from the partially labelled rows of a validation quarter.

    ``precision``: precision@5% with each labelled row weighted by 1/propensity (standing for the population);
    ``auc``: the same-weighted ROC AUC (the whole ranking, less noisy than a top 5% of a few hundred rows);
    ``chance-precision``: precision@5% among the rows selected by chance only (the unbiased sample, unweighted).
    """
    from sklearn.metrics import roc_auc_score

    w = 1.0 / p
    if how == "precision":
        return weighted_at_share(score, y, w, np.zeros(len(y)), 0.05)["precision"]
    if how == "auc":
        return float(roc_auc_score(y, score, sample_weight=w)) if len(np.unique(y)) == 2 else 0.5
    if how == "chance-precision":
        chance = p < 1
        return weighted_at_share(
            score[chance], y[chance], np.ones(int(chance.sum())), np.zeros(int(chance.sum())), 0.05
        )["precision"]
    raise ValueError(how)


SPLITS = (0.005, 0.01, 0.015, 0.02)


def split_at_share(
    scores: np.ndarray, stake: np.ndarray, y: np.ndarray, w: np.ndarray, rev: np.ndarray, share: float, part: float
) -> dict[str, float]:
    """Capacity split instead of one priority: ``part`` of the population by expected revenue, the rest by fraud.

    The top ``part`` (by weight) of p × stake, then the highest fraud scores among the others up to ``share``.
    """
    total = w.sum()
    by_rev = np.argsort(-(scores * stake), kind="stable")
    take = np.zeros(len(y), dtype=bool)
    take[by_rev[: int(np.searchsorted(np.cumsum(w[by_rev]), part * total))]] = True
    rest = np.flatnonzero(~take)
    by_fraud = rest[np.argsort(-scores[rest], kind="stable")]
    room = share * total - w[take].sum()
    take[by_fraud[: int(np.searchsorted(np.cumsum(w[by_fraud]), room)) + 1]] = True
    at_risk = w * y * rev
    return {
        "precision": float((w * y)[take].sum() / w[take].sum()),
        "revenue_caught": float(at_risk[take].sum() / at_risk.sum()) if at_risk.sum() else 0.0,
    }


def coverage(history: pd.DataFrame, test: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
    """Share of the test declarations whose key has at least one inspected declaration in the history."""
    from clearway.risk.learning.keys import frame_keys

    names = ["hs6_origin", "hs6_origin_departure", "same_value", "same_mass", "hs6_same_value", "hs6_same_mass"]
    kh, kt = frame_keys(history, names), frame_keys(test, names)
    lab = ~np.isnan(y)
    out = {name: float(kt[name].isin(set(kh[name][lab])).mean()) for name in names}
    any_repeat = np.zeros(len(test), dtype=bool)
    for name in names[2:]:
        any_repeat |= kt[name].isin(set(kh[name][lab])).to_numpy()
    out["any repeat key"] = float(any_repeat.mean())
    return out


def twin_reach(
    history: pd.DataFrame, test: pd.DataFrame, y: np.ndarray, fraud: np.ndarray, rev: np.ndarray
) -> dict[str, float]:
    """What the inspected labels can reach through exact repeats (a measurement on the test labels, not a choice).

    KCS frauds are a property of the consignment: declarations with the same HS code and declared value (or net
    mass) share their label almost always, whatever the importer. A test declaration whose consignment repeats an
    inspected *fraudulent* one is the model's likeliest find. Returns the share of the test declarations with
    such a twin, their fraud rate, their share of the revenue at risk, and the fraud rate of the others.
    """
    from clearway.risk.learning.keys import frame_keys

    names = ["hs6_same_value", "hs6_same_mass"]
    kh, kt = frame_keys(history, names), frame_keys(test, names)
    lab = ~np.isnan(y)
    found = lab & (np.nan_to_num(y) == 1)
    twin = np.zeros(len(test), dtype=bool)
    for name in names:
        twin |= kt[name].isin(set(kh[name][found])).to_numpy()
    at_risk = fraud * rev
    return {
        "share_with_inspected_fraudulent_twin": float(twin.mean()),
        "fraud_rate_of_those": float(fraud[twin].mean()) if twin.any() else 0.0,
        "revenue_at_risk_share_of_those": float(at_risk[twin].sum() / at_risk.sum()) if at_risk.sum() else 0.0,
        "fraud_rate_of_the_others": float(fraud[~twin].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data" / "kcs")
    parser.add_argument("--trees", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="fewer trees and variants (a smoke run)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random part of the label selection")
    parser.add_argument(
        "--variants",
        default="all",
        help=f"estimator variants separated by ';' (names hold commas), or 'all' ({'; '.join(VARIANTS)})",
    )
    parser.add_argument(
        "--feature-sets",
        default=",".join(DEFAULT_FEATURE_SETS),
        help=f"comma-separated, of: {', '.join(FEATURE_SETS)}",
    )
    parser.add_argument("--choose-by", choices=CHOOSE_BY, default="precision", help="what validation maximises")
    parser.add_argument("--scenarios", default="random10,rule7_random3", help="comma-separated scenarios")
    parser.add_argument("--out", type=Path, default=RESULTS / "risk_partial.json")
    args = parser.parse_args()
    trees = 60 if args.quick else args.trees
    names = list(VARIANTS) if args.variants == "all" else [v.strip() for v in args.variants.split(";")]
    if args.quick and args.variants == "all":
        names = [*list(VARIANTS)[:3], "anchor, medians all"]
    sets = [f.strip() for f in args.feature_sets.split(",")]
    for bad in [v for v in names if v not in VARIANTS] + [f for f in sets if f not in FEATURE_SETS]:
        parser.error(f"unknown variant or feature set: {bad!r}")
    # Each candidate = an estimator variant with a feature set.
    candidates = [(v, f) for f in sets for v in names]

    def label(c: tuple[str, str]) -> str:
        return f"{c[0]} | {c[1]}"

    started = time.perf_counter()
    m = mapping.load("kcs")
    files = [args.data / "df_syn_train_eng.csv", args.data / "df_syn_valid_eng.csv"]
    frame = data.read(files, m, labels=True).sort_values(data.DATE, kind="stable").reset_index(drop=True)
    history = frame[frame[data.DATE] < TEST_FROM].reset_index(drop=True)
    test = frame[(frame[data.DATE] >= TEST_FROM) & (frame[data.DATE] < TEST_TO)].reset_index(drop=True)
    x_hist = history.drop(columns=[data.FRAUD, data.CRITICAL])
    x_test = test.drop(columns=[data.FRAUD, data.CRITICAL])
    fraud_test, rev_test, stake_test = test[data.FRAUD].to_numpy(), revenue_of(test), objectives.at_stake(x_test)
    results: dict[str, Any] = {
        "data": {
            "history": {"rows": len(history), "fraud_rate": float(history[data.FRAUD].mean())},
            "test": {"rows": len(test), "window": "2021-01-01 – 2021-03-31", "fraud_rate": float(fraud_test.mean())},
        },
        "trees": trees,
        "seed": args.seed,
        "choose_by": args.choose_by,
        "validation": f"mean over 2020 Q3 and Q4 (each trained on the months before) of {args.choose_by}",
        "scenarios": {},
    }

    def test_figures_of(scores: np.ndarray, lam: float) -> dict[str, Any]:
        by_obj = {
            "fraud": scores,
            "revenue": scores * stake_test,
            "balanced": objectives.priority(scores, stake_test, lam),
        }
        out: dict[str, Any] = {
            obj: {f"{q:.0%}": at_share(key, fraud_test, q, revenue=rev_test) for q in (0.01, 0.05, 0.10)}
            for obj, key in by_obj.items()
        }
        out["frontier"] = objectives.frontier(scores, stake_test, fraud_test, rev_test, shares=(0.05, 0.10))
        ones = np.ones(len(scores))
        out["split_5%"] = {
            f"{part:.1%}": split_at_share(scores, stake_test, fraud_test, ones, rev_test, 0.05, part) for part in SPLITS
        }
        return out

    # Upper bound: every history label known (no selection), each feature set, no correction needed.
    upper: dict[str, Any] = {}
    full_y = history[data.FRAUD].to_numpy(dtype=float)
    for fs in sets:
        scores = fit(x_hist, full_y, np.ones(len(full_y)), "none", trees, FEATURE_SETS[fs]).risk_score(x_test)
        upper[fs] = test_figures_of(scores, 0.0)["fraud"]
        print(f"[full labels] test 2021 Q1, {fs}: precision@5% {upper[fs]['5%']['precision']:.3f}", flush=True)
    results["upper_bound_full_labels"] = upper
    for name in [s.strip() for s in args.scenarios.split(",")]:
        y, p = scenario(history, name, seed=args.seed)
        lab = ~np.isnan(y)
        entry: dict[str, Any] = {
            "labelled": int(lab.sum()),
            "labelled_fraud_rate": float(np.nanmean(y)),
            "test_coverage": coverage(x_hist, x_test, y),
            "test_twin_reach": twin_reach(x_hist, x_test, y, fraud_test, rev_test),
        }
        print(f"[{name}] test declarations whose key has an inspected past: {entry['test_coverage']}", flush=True)
        print(f"[{name}] test declarations with an inspected fraudulent twin: {entry['test_twin_reach']}", flush=True)
        # 1. choices on the history only: two folds (train before Q3 → Q3, before Q4 → Q4), partial labels.
        choice: dict[str, Any] = {}
        for cand in candidates:
            per_fold, crit, splits = [], [], []
            for start, end in VALIDATION_FOLDS:
                before = (history[data.DATE] < start).to_numpy()
                inside = np.flatnonzero(((history[data.DATE] >= start) & (history[data.DATE] < end)).to_numpy() & lab)
                xv = x_hist.iloc[inside]
                model = fit(
                    x_hist[before].reset_index(drop=True), y[before], p[before], *cand[:1], trees, FEATURE_SETS[cand[1]]
                )
                sv = model.risk_score(xv)
                yv, wv = y[inside], 1.0 / p[inside]
                rv, stake_v = revenue_of(history.iloc[inside]), objectives.at_stake(xv)
                crit.append(validation_score(sv, yv, p[inside], args.choose_by))
                splits.append({f"{q:.1%}": split_at_share(sv, stake_v, yv, wv, rv, 0.05, q) for q in SPLITS})
                per_fold.append(
                    {
                        f"{lam:.1f}": weighted_at_share(objectives.priority(sv, stake_v, lam), yv, wv, rv, 0.05)
                        for lam in objectives.TRADEOFFS
                    }
                )
            choice[label(cand)] = {
                "criterion": float(np.mean(crit)),
                "split": {
                    q: {k: float(np.mean([f[q][k] for f in splits])) for k in ("precision", "revenue_caught")}
                    for q in splits[0]
                },
                **{
                    lam: {k: float(np.mean([f[lam][k] for f in per_fold])) for k in ("precision", "revenue_caught")}
                    for lam in per_fold[0]
                },
            }
            print(
                f"[{name}] validation, {label(cand)}: {args.choose_by} {choice[label(cand)]['criterion']:.3f}"
                f" (weighted precision@5% {choice[label(cand)]['0.0']['precision']:.3f})",
                flush=True,
            )
        best = max(candidates, key=lambda c: choice[label(c)]["criterion"])
        # The smallest λ whose top 5% holds half the revenue at risk, on validation.
        ok = [lam for lam in objectives.TRADEOFFS if choice[label(best)][f"{lam:.1f}"]["revenue_caught"] >= 0.5]
        lam_star = min(ok) if ok else 1.0
        # The smallest revenue share of a capacity split whose validation top 5% holds half the revenue at risk.
        split_ok = [q for q, f in choice[label(best)]["split"].items() if f["revenue_caught"] >= 0.5]
        split_star = split_ok[0] if split_ok else f"{SPLITS[-1]:.1%}"
        entry["validation"] = {
            "figures": choice,
            "chosen_variant": label(best),
            "chosen_tradeoff": lam_star,
            "chosen_split": split_star,
        }
        # 2. every candidate on all of 2020, measured on 2021 Q1 (the chosen one is the figure that counts).
        test_figures: dict[str, Any] = {}
        for cand in candidates:
            scores = fit(x_hist, y, p, cand[0], trees, FEATURE_SETS[cand[1]]).risk_score(x_test)
            test_figures[label(cand)] = test_figures_of(scores, lam_star)
            f5 = test_figures[label(cand)]["fraud"]["5%"]
            print(f"[{name}] test 2021 Q1, {label(cand)}: precision@5% {f5['precision']:.3f}", flush=True)
        entry["test"] = test_figures
        entry["rule_only_test"] = at_share(policies.rule_priority(x_test, x_hist), fraud_test, 0.05, revenue=rev_test)
        results["scenarios"][name] = entry
        chosen = test_figures[label(best)]
        print(f"[{name}] side by side, precision@5% validation ({args.choose_by}) / test 2021 Q1:")
        print(f"    {'variant':34s}" + "".join(f"{fs:>22s}" for fs in sets))
        for v in names:
            cells = [
                f"{choice[label((v, fs))]['criterion']:.3f} / "
                f"{test_figures[label((v, fs))]['fraud']['5%']['precision']:.3f}"
                for fs in sets
            ]
            print(f"    {v:34s}" + "".join(f"{c:>22s}" for c in cells))
        print(f"[{name}] chosen on 2020 Q3+Q4 by {args.choose_by}: {label(best)}, balanced trade-off {lam_star}")
        for obj in ("fraud", "revenue", "balanced"):
            f = chosen[obj]["5%"]
            print(
                f"[{name}] test 2021 Q1, {obj:8s}: precision@5% {f['precision']:.3f}  "
                f"revenue@5% {f['revenue_caught']:.3f}"
            )
        f = chosen["split_5%"][split_star]
        print(
            f"[{name}] test 2021 Q1, split {split_star} by revenue + the rest by fraud (chosen on validation): "
            f"precision@5% {f['precision']:.3f}  revenue@5% {f['revenue_caught']:.3f}"
        )
        for q, f in chosen["split_5%"].items():
            print(f"    split {q}: {f['precision']:.3f} / {f['revenue_caught']:.3f}")
        print(f"[{name}] frontier at 5% (λ: precision / revenue):")
        for pt in chosen["frontier"]:
            if pt["share"] == 0.05:
                print(f"    {pt['tradeoff']:.1f}: {pt['precision']:.3f} / {pt['revenue_caught']:.3f}")
    results["seconds"] = time.perf_counter() - started
    results["machine"] = {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), "utf-8")
    print(f"written {args.out} in {results['seconds']:.0f} s")


if __name__ == "__main__":
    main()
