"""Field accuracy of invoice extraction per kind (text PDF, scan, e-invoice) and seconds per page.

Invoices are generated (``clearway.documents.generator``) from the *eval* layouts and label wordings, which the
extractor was not developed on; half of them are degraded into scans (rotation, blur, noise, JPEG).

    PYTHONPATH=src python benchmarks/documents.py [--n 40] [--split eval]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clearway.documents import generator, scans
from clearway.documents.einvoice_samples import ubl_invoice
from clearway.documents.extract import ocr
from clearway.documents.extract.pipeline import extract_document

FIELDS = (
    "invoice_number",
    "date",
    "currency",
    "total",
    "net",
    "tax",
    "seller",
    "buyer",
    "incoterm",
    "origin",
    "gross_weight_kg",
    "net_weight_kg",
    "lines",
)


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.01")


def _name_eq(got: Any, want: str) -> bool:
    name = (got or {}).get("name") if isinstance(got, dict) else got
    return bool(name) and " ".join(str(name).lower().split()) == " ".join(want.lower().split())


def score(out: dict[str, Any], truth: dict[str, Any]) -> dict[str, bool]:
    """Tells, field by field, whether the extraction equals the truth exactly (amounts to the cent)."""
    res: dict[str, bool] = {}
    for f in FIELDS:
        got, want = out.get(f), truth.get(f)
        if f in {"total", "net", "tax", "gross_weight_kg", "net_weight_kg"}:
            res[f] = _num_eq(got, want)
        elif f in {"seller", "buyer"}:
            res[f] = _name_eq(got, want)
        elif f == "origin":
            res[f] = (got or {}).get("country") == want
        elif f == "lines":
            got = got or []
            res[f] = len(got) == len(want) and all(
                _num_eq(g.get("quantity"), w["quantity"])
                and _num_eq(g.get("unit_price"), w["unit_price"])
                and _num_eq(g.get("amount"), w["amount"])
                for g, w in zip(got, want, strict=False)
            )
        else:
            res[f] = got == want
    return res


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (Tesseract runs as a subprocess)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=40, help="invoices generated (half become scans)")
    parser.add_argument("--split", default="eval", choices=["dev", "eval"])
    parser.add_argument("--out", default="benchmarks/results/documents.json")
    args = parser.parse_args()
    hits: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    seconds: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)  # CPU seconds (this process + Tesseract): one core's cost
    failures: list[dict[str, Any]] = []
    have_ocr = ocr.available() is not None
    for seed in range(args.n):
        inv = generator.make_invoice(seed, args.split)
        cases = [("text-pdf", inv.pdf)]
        if seed % 2 == 1:
            if not have_ocr:
                continue
            cases = [("scan", scans.scan(inv.pdf, seed, as_pdf=seed % 4 == 3))]
        for kind, body in cases:
            started, cpu0 = time.perf_counter(), _cpu()
            out = extract_document(body)
            seconds[kind].append((time.perf_counter() - started) / max(out["pages"], 1))
            cpu[kind].append((_cpu() - cpu0) / max(out["pages"], 1))
            for f, ok in score(out, inv.truth).items():
                hits[kind][f].append(ok)
                if not ok and len(failures) < 60:
                    failures.append(
                        {
                            "kind": kind,
                            "seed": seed,
                            "layout": inv.layout,
                            "lang": inv.lang,
                            "field": f,
                            "got": out.get(f),
                            "want": inv.truth.get(f),
                        }
                    )
    for seed in range(max(args.n // 4, 5)):
        body, truth = ubl_invoice(seed)
        started = time.perf_counter()
        out = extract_document(body)
        seconds["e-invoice"].append(time.perf_counter() - started)
        for f, ok in score(out, truth).items():
            if truth.get(f) is not None:
                hits["e-invoice"][f].append(ok)
    report: dict[str, Any] = {"split": args.split, "n": args.n, "ocr": have_ocr, "kinds": {}}
    for kind, per_field in hits.items():
        all_hits = [h for hs in per_field.values() for h in hs]
        report["kinds"][kind] = {
            "documents": len(seconds[kind]),
            "field_accuracy": round(sum(all_hits) / len(all_hits), 4),
            "per_field": {f: round(sum(h) / len(h), 3) for f, h in per_field.items()},
            "seconds_per_page_median": round(statistics.median(seconds[kind]), 3),
            "seconds_per_page_p95": round(sorted(seconds[kind])[int(0.95 * (len(seconds[kind]) - 1))], 3),
        }
        if cpu[kind]:
            report["kinds"][kind]["cpu_seconds_per_page_median"] = round(statistics.median(cpu[kind]), 3)
            report["kinds"][kind]["cpu_seconds_per_page_p95"] = round(
                sorted(cpu[kind])[int(0.95 * (len(cpu[kind]) - 1))], 3
            )
        k = report["kinds"][kind]
        print(
            f"{kind:10s} docs={k['documents']:3d} field accuracy={k['field_accuracy']:.1%} "
            f"s/page median={k['seconds_per_page_median']} p95={k['seconds_per_page_p95']} "
            f"(CPU s/page median={k.get('cpu_seconds_per_page_median', '-')} "
            f"p95={k.get('cpu_seconds_per_page_p95', '-')})"
        )
        print("           " + ", ".join(f"{f}={v:.0%}" for f, v in k["per_field"].items()))
    if not have_ocr:
        print("scan: skipped (tesseract is not installed)")
    report["failures"] = failures
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
