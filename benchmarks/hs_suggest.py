"""HS suggestions: top-1/top-5 at 6 and 4 digits on hand-labelled marketplace titles, a sanity set, and latency.

    PYTHONPATH=src python benchmarks/hs_suggest.py [--hs /work/shared/data/hs/harmonized-system.csv]
        [--data-dir var] [--lexical-only] [--labels benchmarks/data/hs_marketplace_tuning.csv]

Runs on 2 threads (OMP/OpenBLAS limited before numpy loads). Labels: benchmarks/data/hs_marketplace_labels.csv
(see the .md next to it). Sanity set: 300 subheadings of the nomenclature queried by their own description.
Translated set: 60 of the held-out titles in Spanish, Portuguese and French
(benchmarks/data/hs_marketplace_translated.csv, 20 each). Dense retrieval and the reranker are used when the
nomenclature's embeddings are cached in --data-dir (``clearway hs embed``); --lexical-only measures without.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import argparse
import csv
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clearway.classification.model import Index  # noqa: E402
from clearway.reference.model import parse_hs_csv  # noqa: E402

SHARED = ROOT.parent.parent / "shared" / "data"


def _shared(*parts: str) -> Path:
    for base in (Path("/work/shared/data"), SHARED, ROOT.parent / "shared" / "data"):
        if (base.joinpath(*parts)).exists():
            return base.joinpath(*parts)
    raise SystemExit(f"shared data not found: {'/'.join(parts)}")


def _rates(index: Index, items: list[tuple[str, str | None, str]]) -> dict[str, Any]:
    hits = {"top1_6": 0, "top5_6": 0, "top1_4": 0, "top5_4": 0, "abstained": 0}
    latencies = []
    for text, category, label in items:
        started = time.perf_counter()
        s = index.suggest(text, category)
        latencies.append(time.perf_counter() - started)
        codes = [c.hs6 for c in s.candidates]
        hits["top1_6"] += bool(codes) and codes[0] == label
        hits["top5_6"] += label in codes
        hits["top1_4"] += bool(codes) and codes[0][:4] == label[:4]
        hits["top5_4"] += label[:4] in {c[:4] for c in codes}
        hits["abstained"] += s.abstain
    n = len(items)
    latencies.sort()
    return {
        "n": n,
        **{k: round(v / n, 3) for k, v in hits.items()},
        "p50_ms": round(1000 * latencies[n // 2], 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (n - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hs", type=Path, default=None)
    parser.add_argument("--labels", type=Path, default=ROOT / "benchmarks/data/hs_marketplace_labels.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/hs_suggest.json")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var", help="where 'clearway hs embed' wrote")
    parser.add_argument("--lexical-only", action="store_true", help="do not use the cached embeddings")
    parser.add_argument("--translated", type=Path, default=ROOT / "benchmarks/data/hs_marketplace_translated.csv")
    args = parser.parse_args()
    hs_path = args.hs or _shared("hs", "harmonized-system.csv")
    with hs_path.open(encoding="utf-8-sig", newline="") as fh:
        entries = parse_hs_csv(fh)
    started = time.perf_counter()
    index = Index(entries)
    from clearway.classification import service

    retrieval = "lexical only (--lexical-only)" if args.lexical_only else service.attach_dense(index, args.data_dir)
    build_s = time.perf_counter() - started
    print(f"retrieval: {retrieval}")
    if index.dense is not None:
        index.suggest("warm-up query")  # the encoder loads once per process
    labels = list(csv.DictReader(args.labels.open(encoding="utf-8")))
    categories: dict[str, str] = {}
    try:
        with _shared("marketplace", "flipkart-listings.csv").open(encoding="utf-8") as fh:
            wanted = {r["listing_id"] for r in labels}
            categories = {r["listing_id"]: r["category"] for r in csv.DictReader(fh) if r["listing_id"] in wanted}
    except SystemExit:
        pass
    report: dict[str, Any] = {
        "nomenclature": str(hs_path),
        "subheadings": len(index.codes),
        "index_build_s": round(build_s, 2),
        "retrieval": retrieval,
        "labels": str(args.labels),
    }
    report["marketplace_title"] = _rates(index, [(r["title"], None, r["hs6"]) for r in labels])
    report["marketplace_title_certain"] = _rates(
        index, [(r["title"], None, r["hs6"]) for r in labels if r["certain"] == "1"]
    )
    if categories:
        report["marketplace_title_and_category"] = _rates(
            index, [(r["title"], categories.get(r["listing_id"]), r["hs6"]) for r in labels]
        )
    if args.translated.exists() and args.labels.name == "hs_marketplace_labels.csv":
        translated = list(csv.DictReader(args.translated.open(encoding="utf-8")))
        report["translated_english_originals"] = _rates(index, [(r["english"], None, r["hs6"]) for r in translated])
        report["translated_all"] = _rates(index, [(r["title"], None, r["hs6"]) for r in translated])
        for lang in ("es", "pt", "fr"):
            report[f"translated_{lang}"] = _rates(
                index, [(r["title"], None, r["hs6"]) for r in translated if r["lang"] == lang]
            )
    # The risk fact: how often a correct declared code is called into question, how often a wrong one is caught.
    rng = random.Random(7)
    codes = sorted(index.codes)
    flagged_right = sum(service.disagreement(index, r["title"], r["hs6"]) is not None for r in labels)
    wrong = [(r["title"], rng.choice([c for c in codes if c[:2] != r["hs6"][:2]])) for r in labels]
    caught = sum(service.disagreement(index, t, c) is not None for t, c in wrong)
    report["disagreement"] = {
        "correct_codes_flagged": round(flagged_right / len(labels), 3),
        "wrong_chapter_codes_flagged": round(caught / len(labels), 3),
    }
    print(
        f"disagreement: correct codes flagged {flagged_right}/{len(labels)}, "
        f"codes of another chapter flagged {caught}/{len(labels)}"
    )
    sanity = sorted(index.codes, key=lambda c: hashlib.sha256(f"hs-sanity:{c}".encode()).hexdigest())[:300]
    report["sanity_own_descriptions"] = _rates(index, [(index.entries[c].description, None, c) for c in sanity])
    for name, r in report.items():
        if isinstance(r, dict) and "n" in r:
            print(
                f"{name:32s} n={r['n']:4d} top1@6={r['top1_6']:.1%} top5@6={r['top5_6']:.1%} "
                f"top1@4={r['top1_4']:.1%} top5@4={r['top5_4']:.1%} abstain={r['abstained']:.1%} "
                f"p50={r['p50_ms']} ms p95={r['p95_ms']} ms"
            )
    print(f"index built in {report['index_build_s']} s for {report['subheadings']} subheadings")
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    report["first_run"] = previous.get("first_run") or {k: v for k, v in report.items() if k != "first_run"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
