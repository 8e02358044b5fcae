"""Invoices the extractor has never seen (generated from the eval layouts and wordings) read field by field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clearway.documents import generator, scans
from clearway.documents.einvoice_samples import cfdi_invoice, nfe_invoice, ubl_invoice
from clearway.documents.extract import ocr
from clearway.documents.extract.numbers import parse_date, parse_number
from clearway.documents.extract.pipeline import extract_document

pytest.importorskip("reportlab")


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_a_text_pdf_invoice_reads_in_each_language(lang: str) -> None:
    inv = generator.make_invoice(7, "eval", lang=lang)
    out = extract_document(inv.pdf)
    t = inv.truth
    assert out["kind"] == "text-pdf" and out["language"] == lang
    assert out["invoice_number"] == t["invoice_number"]
    assert out["date"] == t["date"]
    assert out["currency"] == t["currency"]
    assert Decimal(str(out["total"])) == t["total"]
    assert out["incoterm"] == t["incoterm"]
    assert [Decimal(str(x["amount"])) for x in out["lines"]] == [x["amount"] for x in t["lines"]]
    assert out["evidence"]["total"]["page"] == 1 and len(out["evidence"]["total"]["bbox"]) == 4
    assert 0 < out["evidence"]["total"]["confidence"] <= 1


def test_structured_e_invoices_are_read_exactly() -> None:
    body, truth = ubl_invoice(5)
    ubl = extract_document(body)
    assert ubl["kind"] == "e-invoice" and ubl["total"] == float(truth["total"]) and ubl["currency"] == "USD"
    cfdi = extract_document(cfdi_invoice())
    assert cfdi["invoice_number"] == "A1234" and cfdi["currency"] == "MXN" and cfdi["total"] == 1160.0
    assert cfdi["seller"]["tax_id"] == {"scheme": "RFC", "id": "EKU9003173C9"}
    nfe = extract_document(nfe_invoice())
    assert nfe["invoice_number"] == "4521" and nfe["date"] == "2026-06-10" and nfe["gross_weight_kg"] == 1030.0
    assert nfe["lines"][0]["quantity"] == 1000.0


@pytest.mark.parametrize(
    ("raw", "decimal", "value"),
    [
        ("1.234,56", ",", "1234.56"),
        ("1,234.56", ".", "1234.56"),
        ("1 234,56", ",", "1234.56"),
        ("12.400", ",", "12400"),
        ("2,5", ",", "2.5"),
        ("1234.56", ".", "1234.56"),
    ],
)
def test_numbers_are_read_with_the_document_decimal_mark(raw: str, decimal: str, value: str) -> None:
    assert parse_number(raw, decimal) == Decimal(value)


def test_dates_in_words_and_numbers() -> None:
    assert str(parse_date("5 de março de 2026")) == "2026-03-05"
    assert str(parse_date("March 5, 2026")) == "2026-03-05"
    assert str(parse_date("05/03/2026")) == "2026-03-05"
    assert str(parse_date("03/05/2026", month_first=True)) == "2026-03-05"
    assert str(parse_date("le 14 juillet 2026")) == "2026-07-14"


@pytest.mark.skipif(ocr.available() is None, reason="Tesseract is not installed (apt-get install tesseract-ocr …)")
def test_a_scan_is_deskewed_and_read() -> None:
    inv = generator.make_invoice(3, "dev")
    out = extract_document(scans.scan(inv.pdf, 3))
    assert out["kind"] == "scan" and out["format"] == "jpeg"
    assert out["invoice_number"] == inv.truth["invoice_number"]
    assert out["incoterm"] == inv.truth["incoterm"]
    assert any("deskewed" in n for n in out["notes"])


def _rotated_scan(pdf: bytes, angle: float, dpi: int) -> bytes:
    import io

    from clearway.documents.extract.layout import render_pdf_pages

    image = render_pdf_pages(pdf, 1, dpi=dpi)[0].rotate(angle, expand=True, fillcolor="white")
    buf = io.BytesIO()
    image.convert("L").save(buf, format="JPEG", quality=60)
    return buf.getvalue()


@pytest.mark.skipif(ocr.available() is None, reason="Tesseract is not installed (apt-get install tesseract-ocr …)")
def test_a_scanned_invoice_turned_five_degrees_yields_its_total() -> None:
    inv = generator.make_invoice(5, "eval")  # a layout the extractor was not developed on
    out = extract_document(_rotated_scan(inv.pdf, 5.0, dpi=200))
    assert out["kind"] == "scan"
    assert any("deskewed by" in n for n in out["notes"])
    assert out["total"] == pytest.approx(float(inv.truth["total"]), abs=0.01)


def test_scans_are_normalised_to_one_width_and_binarised() -> None:
    from PIL import Image

    page = Image.new("L", (800, 1100), 200)
    page.paste(60, (100, 100, 700, 140))  # a dark band of "print" on grey paper
    clean = ocr.normalise(page)
    assert clean.width == ocr.TARGET_WIDTH
    assert set(clean.getdata()) <= {0, 255}
