"""How often each confidence band the console shows (high / medium / low) is right, on the real sample invoices.

The bands are fixed in ``clearway.documents.panel`` (high >= 0.85, medium >= 0.6, low below) from the extractor's
design, not tuned here; this measures them. Same documents, truth and scoring as ``real_invoices.py`` (see its
docstring for how to unpack them), split by 'dev' (looked at while building the extractor) and 'eval' (not):

    PYTHONPATH=src python benchmarks/document_confidence.py --root /tmp/real [--split eval|dev|all]

A field counts in the band of its evidence's confidence; fields without a truth, and documents the upload checks
refuse (no field, no confidence), are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clearway.core.issues import ValidationFailed  # noqa: E402
from clearway.documents.extract.pipeline import extract_document  # noqa: E402
from clearway.documents.panel import band  # noqa: E402
from real_invoices import _embedded_pdf, score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="folder with the unpacked sdists and wheels")
    parser.add_argument("--truth", type=Path, default=ROOT / "benchmarks/data/real_invoices.json")
    parser.add_argument("--split", choices=("eval", "dev", "all"), default="all")
    args = parser.parse_args()
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (split, band) -> [right, all]
    kinds: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])  # (split, kind, band)
    refused = 0
    for d in truth["documents"]:
        if args.split != "all" and d["split"] != args.split:
            continue
        path = args.root / d["file"]
        if not path.exists():
            print(f"missing {d['file']}", file=sys.stderr)
            continue
        body = _embedded_pdf(path.read_bytes()) if d.get("embedded") == "ubl-pdf" else path.read_bytes()
        try:
            out = extract_document(body)
        except ValidationFailed:
            refused += 1
            continue
        for name, ok in score(out, d["truth"]).items():
            level = band((out.get("evidence", {}).get(name) or {}).get("confidence")) or "none"
            for key, table in (((d["split"], level), tally), ((d["split"], d["kind"], level), kinds)):
                table[key][0] += int(ok)  # type: ignore[index]
                table[key][1] += 1  # type: ignore[index]
    print("| split | band | right / fields | share right |")
    print("|---|---|---|---|")
    for (split, level), (right, total) in sorted(tally.items()):
        print(f"| {split} | {level} | {right} / {total} | {right / total:.0%} |")
    print("\nby kind of document:")
    for (split, kind, level), (right, total) in sorted(kinds.items()):
        print(f"  {split:4} {kind:12} {level:6} {right:3} / {total:3}")
    print(f"refused by the upload checks (not counted): {refused}")


if __name__ == "__main__":
    main()
