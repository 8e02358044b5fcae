"""WCO DM XML throughput: declarations parsed safely and mapped onto the domain per second.

Reads a UK CDS sample (TT_IM001d, 3 goods items) from ../shared/data/wco-dms when present, and always a
generated 10-item declaration built from the example declaration. Also times rendering the notifications
document. Assessments per second for 10-item declarations come from benchmarks/tariff.py when it exposes
`assessments_per_second(items=10)`; otherwise that figure is skipped and the JSON says why.
Writes benchmarks/results/interchange.json.

    python benchmarks/interchange.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import platform
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from clearway.declarations.examples import example_declaration
from clearway.interchange import example, mapping, responses

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "wco-dms" / "samples" / "TT_IM001d" / "TT_IM001d.xml"
TODAY = date(2026, 11, 30)


def _rate(fn: Callable[[], Any], seconds: float) -> float:
    fn()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def ten_item_xml() -> bytes:
    """Returns the example declaration grown to 10 goods items, as WCO DM XML."""
    doc = example_declaration("BENCH-10")
    items = []
    for n in range(10):
        item = copy.deepcopy(doc["goods_items"][n % 3])
        item["sequence"] = n + 1
        items.append(item)
    doc["goods_items"] = items
    doc["total_items"] = 10
    doc["total_packages"] = sum(i["packages"]["count"] for i in items)
    doc["invoice"]["total_amount"] = str(sum(float(i["invoice_amount"]) for i in items)) + "0"
    return example.declaration_xml(doc)


def _tariff_rate() -> tuple[float | None, str]:
    path = ROOT / "benchmarks" / "tariff.py"
    if not path.exists():
        return None, "benchmarks/tariff.py is not there"
    spec = importlib.util.spec_from_file_location("bench_tariff", path)
    if spec is None or spec.loader is None:
        return None, "benchmarks/tariff.py cannot be imported"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, "assessments_per_second", None)
    if fn is None:
        return None, "benchmarks/tariff.py exposes no assessments_per_second(items=10)"
    return float(fn(items=10)), "benchmarks/tariff.py assessments_per_second(items=10)"


def main() -> None:
    """Runs the measurements, prints them and writes the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    generated = ten_item_xml()
    results["generated_10_items_bytes"] = len(generated)
    results["generated_10_items_per_s"] = round(_rate(lambda: mapping.parse(generated, today=TODAY), args.seconds), 1)
    if SAMPLE.exists():
        body = SAMPLE.read_bytes()
        results["uk_sample"] = SAMPLE.name
        results["uk_sample_bytes"] = len(body)
        results["uk_sample_per_s"] = round(_rate(lambda: mapping.parse(body, today=TODAY), args.seconds), 1)
    else:
        results["uk_sample"] = None
        results["uk_sample_skipped"] = "../shared/data/wco-dms is absent"
    data, _ = mapping.parse(generated, today=TODAY)
    ref = responses.DeclarationRef(data.lrn, "26PE0000000000001", 1)
    at = datetime(2026, 11, 30, tzinfo=UTC)
    notes = [responses.ResponseMessage(code, f"R{code}", at, ref) for code in ("02", "01", "06", "05", "08", "09")]
    results["notification_documents_per_s"] = round(
        _rate(lambda: responses.document(notes, country="PE"), args.seconds), 1
    )
    rate, how = _tariff_rate()
    results["assessments_10_items_per_s"] = None if rate is None else round(rate, 1)
    results["assessments_source"] = how
    for key, value in results.items():
        print(f"{key:32} {value}")
    out = ROOT / "benchmarks" / "results" / "interchange.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
