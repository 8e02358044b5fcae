"""Parity with UK CDS on the annotated samples: Clearway's answer against CDS's for each original declaration.

Two sets, reported apart: the samples with CDS's own notifications (DMSACC/DMSCLE accepted, DMSREJ rejected
with its error pointers) — the set the data requirements were tuned on — and the samples whose scenario
comment only states the expected notification, which were kept out of the tuning (held out).
Writes benchmarks/results/cds_parity.json.

    python benchmarks/cds_parity.py
"""

from __future__ import annotations

import csv
import json
import logging
import platform
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from clearway.core.codes import HsEntry, Nomenclature
from clearway.core.issues import ValidationFailed
from clearway.declarations import validation
from clearway.interchange import mapping, parity

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TODAY = date(2026, 11, 30)
log = logging.getLogger("benchmarks.cds_parity")


def _nomenclature() -> Nomenclature:
    with (DATA / "hs" / "harmonized-system.csv").open(encoding="utf-8") as f:
        return Nomenclature.of(HsEntry(r["hscode"], r["description"], int(r["level"])) for r in csv.DictReader(f))


def answer(path: Path, nomenclature: Nomenclature) -> tuple[bool, list[str], str | None]:
    """Lodges a sample through the mapping and the one-pass check: accepted, error paths, category."""
    try:
        data, sources = mapping.parse(path.read_bytes(), today=TODAY)
    except ValidationFailed as exc:
        return False, [i.pointer for i in exc.issues], None
    checked = validation.check(data, validation.CheckContext(nomenclature, today=TODAY))
    paths = [mapping.to_xml_pointer(i.pointer, sources) for i in checked.issues]
    return checked.ok, paths, checked.category.id if checked.category else None


def main() -> dict[str, Any]:
    """Prints the parity figures and writes them as JSON."""
    nomenclature = _nomenclature()
    rows = []
    for sample in parity.samples(DATA / "wco-dms" / "samples"):
        accepted, paths, category = answer(sample.path, nomenclature)
        rows.append(
            {
                "sample": str(sample.path.relative_to(DATA / "wco-dms" / "samples")),
                "labelled_by": sample.labelled_by,
                "cds": "accepted" if sample.outcome.accepted else "rejected",
                "clearway": "accepted" if accepted else "rejected",
                "category": category,
                "agrees": parity.agrees(sample.outcome, accepted, paths),
                "errors": paths,
            }
        )
    result: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(), "python": platform.python_version()}
    for label in ("notifications", "comment"):
        part = [r for r in rows if r["labelled_by"] == label]
        result[label] = {"samples": len(part), "agree": sum(r["agrees"] for r in part)}
        log.warning("%s: %d of %d agree with CDS", label, result[label]["agree"], len(part))
        for r in part:
            if not r["agrees"]:
                log.warning("  differs: %s (CDS %s, Clearway %s)", r["sample"], r["cds"], r["clearway"])
    result["rows"] = rows
    out = ROOT / "benchmarks" / "results" / "cds_parity.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    main()
