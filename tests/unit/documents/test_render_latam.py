"""The LatAm render benchmark's own logic, on XML written here (the real samples are not in the repository): the
truth read from NF-e and CFDI elements, the skip when no renderer is installed, and the scorer's equivalent
invoice-number forms."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_latam = _load("render_latam")

_NFE = """<?xml version="1.0" encoding="UTF-8"?>
<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe"><NFe><infNFe Id="NFe1" versao="4.00">
<ide><nNF>47605</nNF><dhEmi>2018-08-15T16:16:43-03:00</dhEmi></ide>
<emit><xNome>Alimentos Ltda.</xNome></emit>
<dest><xNome>{dest}</xNome></dest>
<det nItem="1"><prod><xProd>GRANOLA</xProd></prod></det>
<det nItem="2"><prod><xProd>AVEIA</xProd></prod></det>
<total><ICMSTot><vProd>513.60</vProd><vNF>610.37</vNF></ICMSTot></total>
</infNFe></NFe></nfeProc>"""

_CFDI = """<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" serie="VAU" folio="611"
 fecha="2015-12-24T12:34:10" total="3248.00" subTotal="2800.00" Moneda="USD">
<cfdi:Emisor rfc="VAU111017CG9" nombre="Vauxoo S.A. de C.V."/>
<cfdi:Receptor rfc="ECI0006019E0" nombre="Escuela Culinaria Internacional S.C."/>
<cfdi:Conceptos><cfdi:Concepto cantidad="40" descripcion="Despliegue" importe="2800.00"/></cfdi:Conceptos>
</cfdi:Comprobante>"""


def test_nfe_truth_comes_from_its_elements() -> None:
    truth = render_latam.nfe_truth(_NFE.format(dest="SUPERMERCADOS LTDA").encode())
    assert truth == {
        "invoice_number": ["47605", "000.047.605"],  # as the XML says it and as a DANFE prints it
        "date": "2018-08-15",
        "total": 610.37,  # vNF, not the goods' vProd
        "currency": None,  # no currency element, none printed: not scored
        "seller": "Alimentos Ltda.",
        "buyer": "SUPERMERCADOS LTDA",
        "lines": 2,
    }


def test_the_test_environments_placeholder_recipient_is_no_buyer() -> None:
    xml = _NFE.format(dest="NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL").encode()
    assert render_latam.nfe_truth(xml)["buyer"] is None


def test_cfdi_truth_comes_from_its_attributes() -> None:
    truth = render_latam.cfdi_truth(_CFDI.encode())
    assert truth == {
        "invoice_number": ["VAU611", "611"],
        "date": "2015-12-24",
        "total": 3248.0,
        "currency": "USD",
        "seller": "Vauxoo S.A. de C.V.",
        "buyer": "Escuela Culinaria Internacional S.C.",
        "lines": 1,
    }


def test_the_split_is_by_sample_alternately(tmp_path: Path) -> None:
    nfe_dir = tmp_path / render_latam.NFE_DIR
    nfe_dir.mkdir(parents=True)
    for name in ("b.xml", "a.xml", "c.xml"):
        (nfe_dir / name).write_text(_NFE.format(dest="X LTDA"), encoding="utf-8")
    for rel in render_latam.CFDI_FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(_CFDI, encoding="utf-8")
    docs = render_latam.truth(tmp_path)["documents"]
    danfe = [(Path(d["source_xml"]).name, d["split"]) for d in docs if d["layout"] == "danfe"]
    assert danfe == [("a.xml", "dev"), ("b.xml", "eval"), ("c.xml", "dev")]
    assert [d["split"] for d in docs if d["layout"] == "cfdi"] == ["dev", "eval"]
    assert all(d["file"].startswith("latam-render/") and d["file"].endswith(".pdf") for d in docs)


def test_render_skips_with_a_message_without_the_renderers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("brazilfiscalreport", "brazilfiscalreport.danfe", "satcfdi", "satcfdi.cfdi"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    assert render_latam.render(tmp_path) == 0
    assert "skipped" in capsys.readouterr().err
    assert not (tmp_path / render_latam.OUT_DIR).exists()  # nothing written


def test_the_scorer_accepts_any_equivalent_number_and_nothing_else() -> None:
    real_invoices = _load("real_invoices")
    truth = {"invoice_number": ["47605", "000.047.605"], "total": 610.37}
    assert real_invoices.score({"invoice_number": "000.047.605", "total": 610.37}, truth)["invoice_number"]
    assert real_invoices.score({"invoice_number": "47605"}, truth)["invoice_number"]
    assert not real_invoices.score({"invoice_number": "000.047.606"}, truth)["invoice_number"]
    assert not real_invoices.score({"invoice_number": "57.647.232/0001-53"}, truth)["invoice_number"]
    assert real_invoices.score({"invoice_number": "VAU-611"}, {"invoice_number": "VAU611"})["invoice_number"]
