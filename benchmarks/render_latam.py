"""Printed representations of real LatAm e-invoices, rendered by third-party software, for the extractor benchmark.

The XML samples are real (nfelib 3.2.0's NF-e 4.0 samples, cfdilib 0.7.5's CFDI 3.2 samples; see
``benchmarks/data/real_invoices.json`` "packages" for how to fetch them into ``/tmp/real``). Software we did not write
turns each one into its official printed layout:

- Brazil's DANFE by ``brazilfiscalreport`` 1.3.1 (LGPL-3; fpdf2),
- Mexico's CFDI printed representation by ``satcfdi`` 26.10.1 (MIT; weasyprint).

Both are benchmark tools only: never project dependencies, never installed in the project's venv. Install them in a
throwaway venv and render:

    python3 -m venv /tmp/latam-venv
    /tmp/latam-venv/bin/pip install brazilfiscalreport==1.3.1 satcfdi==26.10.1
    /tmp/latam-venv/bin/python benchmarks/render_latam.py render --root /tmp/real   # writes /tmp/real/latam-render/

then score the extractor on the PDFs (the truth lists them as ``latam-render/*.pdf`` under the root):

    PYTHONPATH=src python benchmarks/real_invoices.py --root /tmp/real \\
        --truth benchmarks/data/latam_renders.json --split dev|eval

The truth (``benchmarks/data/latam_renders.json``) is read from the XML elements by ``truth`` (stdlib only; no
renderer needed), never from the rendered page: NF-e ide/nNF (the DANFE prints it as 000.047.605, also accepted),
ide/dhEmi (or dEmi), total/ICMSTot/vNF, emit/xNome, dest/xNome (null when it is the test-environment placeholder), the
count of det; CFDI @serie + @folio (the folio alone also accepted), @fecha, @total, @Moneda, Emisor@nombre,
Receptor@nombre, the count of Conceptos/Concepto. An NF-e has no currency element and the DANFE prints none, so its
currency is null (not scored), as for other pages that print none. Dev and eval are assigned BY SAMPLE, in sorted
order of the XML file names, alternately (first dev), decided before the extractor was run on any render:

    python benchmarks/render_latam.py truth --root /tmp/real > benchmarks/data/latam_renders.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

NFE_DIR = "nfelib-3.2.0/nfelib/nfe/samples/v4_0/leiauteNFe"
CFDI_FILES = ("cfdilib-0.7.5/tests/demo/cfdv32.xml", "cfdilib-0.7.5/tests/demo/cfdv32.notaxes.xml")
OUT_DIR = "latam-render"
NFE = "{http://www.portalfiscal.inf.br/nfe}"
CFDI = "{http://www.sat.gob.mx/cfd/3}"


def _nfe_samples(root: Path) -> list[Path]:
    return sorted((root / NFE_DIR).glob("*.xml"))


def _cfdi_samples(root: Path) -> list[Path]:
    return [root / f for f in CFDI_FILES]


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def nfe_truth(xml: bytes) -> dict[str, Any]:
    """The fields of an NF-e read from its elements."""
    inf = next(ElementTree.fromstring(xml).iter(f"{NFE}infNFe"))

    def text(path: str) -> str | None:
        el = inf.find("/".join(NFE + part for part in path.split("/")))
        return el.text.strip() if el is not None and el.text else None

    number = text("ide/nNF") or ""
    issued = text("ide/dhEmi") or text("ide/dEmi") or ""
    buyer = text("dest/xNome")
    if buyer and "HOMOLOGACAO" in buyer.upper():  # the test environment's placeholder, not a party
        buyer = None
    printed = f"{int(number):09d}" if number.isdigit() else number
    return {
        "invoice_number": [number, f"{printed[:3]}.{printed[3:6]}.{printed[6:]}"],
        "date": issued[:10] or None,
        "total": _number(text("total/ICMSTot/vNF")),
        "currency": None,
        "seller": text("emit/xNome"),
        "buyer": buyer,
        "lines": len(inf.findall(f"{NFE}det")),
    }


def cfdi_truth(xml: bytes) -> dict[str, Any]:
    """The fields of a CFDI 3.2 read from its attributes."""
    top = ElementTree.fromstring(xml)
    emisor, receptor = top.find(f"{CFDI}Emisor"), top.find(f"{CFDI}Receptor")
    conceptos = top.find(f"{CFDI}Conceptos")
    folio, serie = top.get("folio") or "", top.get("serie") or ""
    return {
        "invoice_number": [serie + folio, folio] if serie else folio,
        "date": (top.get("fecha") or "")[:10] or None,
        "total": _number(top.get("total")),
        "currency": top.get("Moneda"),
        "seller": emisor.get("nombre") if emisor is not None else None,
        "buyer": receptor.get("nombre") if receptor is not None else None,
        "lines": len(conceptos.findall(f"{CFDI}Concepto")) if conceptos is not None else None,
    }


def _rendered(xml: Path, family: str) -> str:
    return f"{OUT_DIR}/{xml.stem}.{family}.pdf"


def truth(root: Path) -> dict[str, Any]:
    documents = []
    for family, samples, read, language, renderer in (
        ("danfe", _nfe_samples(root), nfe_truth, "pt", "brazilfiscalreport 1.3.1"),
        ("cfdi", _cfdi_samples(root), cfdi_truth, "es", "satcfdi 26.10.1"),
    ):
        for i, xml in enumerate(samples):
            documents.append(
                {
                    "file": _rendered(xml, family),
                    "source_xml": str(xml.relative_to(root)),
                    "renderer": renderer,
                    "split": "dev" if i % 2 == 0 else "eval",
                    "kind": "text-pdf",
                    "language": language,
                    "layout": family,
                    "truth": read(xml.read_bytes()),
                }
            )
    return {
        "about": (
            "Printed representations (DANFE, CFDI) of the real NF-e and CFDI XML samples, rendered by third-party "
            "software (benchmarks/render_latam.py render); truth read from the XML elements by "
            "benchmarks/render_latam.py truth, not labelled by hand. Dev/eval by sample, alternately in sorted "
            "order, decided before the extractor was run on a render. invoice_number may list equivalent forms "
            "(the DANFE's zero-padded 000.047.605; CFDI serie+folio or the folio alone)."
        ),
        "documents": documents,
    }


def render(root: Path) -> int:
    try:
        from brazilfiscalreport.danfe import Danfe  # type: ignore[import-not-found]
    except ImportError:
        Danfe = None
    try:
        from satcfdi import render as sat_render  # type: ignore[import-not-found]
        from satcfdi.cfdi import CFDI as SatCFDI  # type: ignore[import-not-found]
    except ImportError:
        sat_render = SatCFDI = None
    if Danfe is None and sat_render is None:
        print(
            "render_latam: skipped: neither brazilfiscalreport nor satcfdi is installed in this Python "
            f"({sys.executable}); see this script's docstring for the throwaway venv",
            file=sys.stderr,
        )
        return 0
    out = root / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    if Danfe is None:
        print("render_latam: DANFE skipped: brazilfiscalreport is not installed", file=sys.stderr)
    else:
        for xml in _nfe_samples(root):
            Danfe(xml=xml.read_text(encoding="utf-8")).output(str(root / _rendered(xml, "danfe")))
            made += 1
    if sat_render is None:
        print("render_latam: CFDI skipped: satcfdi is not installed", file=sys.stderr)
    else:
        for xml in _cfdi_samples(root):
            sat_render.pdf_write(SatCFDI.from_file(str(xml)), str(root / _rendered(xml, "cfdi")))
            made += 1
    print(f"render_latam: {made} PDF(s) in {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("render", "truth"))
    parser.add_argument("--root", type=Path, required=True, help="folder with the unpacked nfelib and cfdilib sdists")
    args = parser.parse_args()
    if args.action == "truth":
        print(json.dumps(truth(args.root), indent=1, ensure_ascii=False))
        return 0
    return render(args.root)


if __name__ == "__main__":
    sys.exit(main())
