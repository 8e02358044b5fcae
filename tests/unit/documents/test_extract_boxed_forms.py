"""Field extraction on boxed forms: the printed representations of Latin American e-invoices (a DANFE of an NF-e,
a printed CFDI), drawn here with reportlab (not read from real files; the real renders are scored by
benchmarks/render_latam.py and benchmarks/real_invoices.py).

The rules tested: under a row of labels, a box's value printed at its right edge belongs to that box, not the
neighbour's value that ends just left of its label; a section header "DESTINATÁRIO / REMETENTE" with a
"NOME / RAZÃO SOCIAL" sub-label over the name; the sender named by a receipt stub ("RECEBEMOS DE X OS
PRODUTOS"); a number box "Nº 000.047.605" when no label names the number, never an instalment's number under
"FATURA / DUPLICATAS"; a goods header with many tax and code columns; year-first dates with slashes; "Cobrar a".
"""

from __future__ import annotations

import io
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract.numbers import parse_date
from clearway.documents.extract.pipeline import extract_document

Text = tuple[float, float, str, float]  # x, y from the top (points), text, font size


def _read(texts: list[Text]) -> dict[str, Any]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for x, y, text, size in texts:
        c.setFont("Helvetica", size)
        c.drawString(x, A4[1] - y, text)
    c.showPage()
    c.save()
    return extract_document(buf.getvalue(), ocr_enabled=False)


def _right(x1: float, y: float, text: str, size: float = 6) -> Text:
    """Text ending at x1 (a value at a box's right edge)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return (x1 - stringWidth(text, "Helvetica", size), y, text, size)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


def _danfe(
    stub: str = "RECEBEMOS DE Granja Serrana OS PRODUTOS CONSTANTES DA NOTA FISCAL INDICADA ABAIXO.",
    number_box: str = "Nº 000.047.605",
    extra: list[Text] | None = None,
) -> dict[str, Any]:
    """A DANFE-like page: receipt stub, number box, recipient block, tax boxes, goods with tax columns."""
    return _read(
        [
            (17, 20, stub, 5),
            (250, 70, "DANFE", 12),
            (250, 90, number_box, 8),
            (17, 130, "DESTINATÁRIO / REMETENTE", 5),
            (17, 140, "NOME / RAZÃO SOCIAL", 5),
            (400, 140, "CNPJ / CPF", 5),
            (500, 140, "DATA DA EMISSÃO", 5),
            (17, 148, "MERCADO CENTRAL DO NORTE", 6),
            (400, 148, "57.647.232/0001-53", 6),
            (500, 148, "15/08/2018", 6),
            (17, 180, "CÁLCULO DO IMPOSTO", 5),
            (17, 190, "VALOR DO FRETE", 5),
            (187, 190, "DESCONTO", 5),
            (300, 190, "VALOR APROX. TRIBUTOS", 5),
            (442, 190, "VALOR TOTAL DA NOTA", 5),
            _right(180, 198, "0,00"),
            _right(296, 198, "12,50"),
            _right(437, 198, "99,00"),
            _right(578, 198, "610,37"),
            (17, 230, "CÓDIGO", 5),
            (60, 230, "DESCRIÇÃO DOS PRODUTOS / SERVIÇOS", 5),
            (250, 230, "NCM/SH", 5),
            (285, 230, "CST CFOP", 5),
            (320, 230, "UN.", 5),
            (345, 230, "QTD.", 5),
            (385, 230, "V.UNIT.", 5),
            (422, 230, "V.TOTAL", 5),
            (460, 230, "BC.ICMS", 5),
            (492, 230, "V.ICMS", 5),
            (520, 230, "V.IPI", 5),
            (545, 230, "%ICMS %IPI", 5),
            *[
                t
                for i, (desc, qty, price, total) in enumerate(
                    [("GRANOLA 800G", "12,0000", "12,8400", "154,08"), ("AVEIA 500G", "4,0000", "12,8400", "51,36")]
                )
                for t in (
                    (17, 238 + 8 * i, f"10{i}", 5),
                    (60, 238 + 8 * i, desc, 5),
                    (250, 238 + 8 * i, "19041000", 5),
                    (285, 238 + 8 * i, "070 5910", 5),
                    (320, 238 + 8 * i, "UN", 5),
                    _right(362, 238 + 8 * i, qty, 5),
                    _right(400, 238 + 8 * i, price, 5),
                    _right(437, 238 + 8 * i, total, 5),
                    _right(473, 238 + 8 * i, total, 5),
                    _right(501, 238 + 8 * i, "18,49", 5),
                    _right(530, 238 + 8 * i, "0,00", 5),
                    (545, 238 + 8 * i, "18,00 0,00", 5),
                )
            ],
            *(extra or []),
        ]
    )


def test_a_boxed_total_is_the_value_at_its_own_box_edge_not_the_neighbours() -> None:
    out = _danfe()
    assert out["total"] == 610.37  # not 99,00, which ends just left of the label, in the box before it


def test_the_recipient_is_the_name_under_nome_razao_social() -> None:
    out = _danfe()
    assert _name(out["buyer"]) == "MERCADO CENTRAL DO NORTE"
    assert out["date"] == "2018-08-15"


def test_the_receipt_stub_names_the_sender() -> None:
    out = _danfe()
    assert _name(out["seller"]) == "Granja Serrana"


def test_a_receipt_stub_of_someone_else_does_not_make_the_buyer_the_seller() -> None:
    # the stub names the sender; the recipient's name printed below must stay the buyer, never the seller
    out = _danfe(stub="RECEBEMOS DE Granja Serrana OS PRODUTOS. DESTINATARIO: MERCADO CENTRAL DO NORTE")
    assert _name(out["seller"]) == "Granja Serrana"
    assert _name(out["buyer"]) == "MERCADO CENTRAL DO NORTE"


def test_the_number_box_gives_the_number_when_no_label_does() -> None:
    assert _danfe()["invoice_number"] == "000.047.605"
    assert _danfe(number_box="Nº000.047.605")["invoice_number"] == "000.047.605"


def test_an_instalment_number_under_fatura_duplicatas_is_not_the_invoice_number() -> None:
    out = _danfe(
        number_box="Nº 000.047.605",
        extra=[(17, 110, "FATURA / DUPLICATAS", 5), (17, 118, "NÚMERO", 5), (17, 124, "0000664350", 5)],
    )
    assert out["invoice_number"] == "000.047.605"


def test_a_number_sign_inside_an_address_is_not_an_invoice_number() -> None:
    out = _danfe(number_box="Rua das Flores, Nº 120")
    assert out["invoice_number"] != "120"


def test_a_goods_header_with_tax_and_code_columns_is_still_read() -> None:
    lines = _danfe()["lines"]
    assert [(r["description"], r["quantity"], r["amount"]) for r in lines] == [
        ("GRANOLA 800G", 12.0, 154.08),
        ("AVEIA 500G", 4.0, 51.36),
    ]


def test_code_and_tax_columns_alone_are_not_a_goods_table() -> None:
    out = _read(
        [
            (60, 60, "Factura No: A-1", 10),
            (60, 100, "CST", 8),
            (120, 100, "CFOP", 8),
            (180, 100, "BC.ICMS", 8),
            (260, 100, "V.ICMS", 8),
            (60, 112, "070", 8),
            (120, 112, "5910", 8),
            (180, 112, "102,73", 8),
            (260, 112, "18,49", 8),
        ]
    )
    assert not out.get("lines")


def test_year_first_dates_with_slashes_or_dots() -> None:
    assert str(parse_date("Fecha: 2024/07/05")) == "2024-07-05"
    assert str(parse_date("2024.07.05")) == "2024-07-05"
    assert parse_date("2024/13/05") is None  # never year, day, month


def test_cobrar_a_names_the_buyer() -> None:
    out = _read(
        [
            (60, 50, "Talleres Norte S.A. de C.V.", 12),
            (60, 100, "Factura: F-2231", 10),
            (300, 100, "Fecha: 2024/07/05", 10),
            (60, 130, "Cobrar a:", 10),
            (60, 144, "Distribuidora del Bajío", 10),
            (60, 158, "León, Guanajuato", 10),
            (300, 220, "Total: 1,160.00 MXN", 10),
        ]
    )
    assert _name(out["buyer"]) == "Distribuidora del Bajío"
    assert _name(out["seller"]) == "Talleres Norte S.A. de C.V."
    assert out["date"] == "2024-07-05"
    assert out["invoice_number"] == "F-2231"
