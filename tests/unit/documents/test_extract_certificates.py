"""Certificates of origin with numbered boxes, in English, Spanish, Portuguese and French, drawn with reportlab.

Real certificates (Form A, EUR.1, the ALADI, Mercosur and Pacific Alliance certificates, CARICOM's) number their
boxes — "1. Exporter (name, full address, country)", "Casilla 3: Productor" — and the reader takes a label after
a box number ("1.", "1)", "(1)", "1 -", "Box 1", "Casilla 1", "Campo 1", "Case 1", "Quadro 1") and skips the hint
after it of what goes in the box; a number before anything else is not a label, so numbered goods lines stay goods.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract import labels as L
from clearway.documents.extract.pipeline import extract_document

Text = tuple[float, float, str, float]  # x, y from the top (points), text, font size


def _pdf(texts: list[Text]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for x, y, text, size in texts:
        c.setFont("Helvetica-Bold" if size > 10 else "Helvetica", size)
        c.drawString(x, A4[1] - y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _certificate(
    title: str, number: str, boxes: list[tuple[str, list[str]]], *, scanned: bool = False
) -> dict[str, Any]:
    """A one-column certificate: the title and its number on the first line, then each box's title with its
    lines under it, indented; ``scanned``: the page rendered to a PNG and read by OCR."""
    texts: list[Text] = [(40, 50, title, 14), (380, 50, number, 9)]
    y = 90.0
    for head, lines in boxes:
        texts.append((40, y, head, 9))
        for line in lines:
            y += 12
            texts.append((54, y, line, 9))
        y += 24
    if not scanned:
        return extract_document(_pdf(texts), ocr_enabled=False)
    from clearway.documents.extract.layout import render_pdf_pages

    buf = io.BytesIO()
    render_pdf_pages(_pdf(texts), 1)[0].convert("L").save(buf, format="PNG")
    return extract_document(buf.getvalue(), ocr_enabled=True)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


def _english(box: str = "{n}.", *, scanned: bool = False) -> dict[str, Any]:
    def b(n: int) -> str:
        return box.format(n=n)

    return _certificate(
        "CERTIFICATE OF ORIGIN",
        "Certificate No. GB-2026-00417",
        [
            (
                f"{b(1)} Exporter (name, full address, country)",
                ["Brightvolt Components Ltd", "VAT GB123456789", "12 Harbour Road, Leeds LS1 4AB", "United Kingdom"],
            ),
            (
                f"{b(2)} Consignee (name, full address, country)",
                ["Andes Importaciones SAC", "RUC 20512345671", "Av. Argentina 1234, Lima", "Peru"],
            ),
            (f"{b(3)} Producer", ["Leeds Metalworks Ltd, Leeds, United Kingdom"]),
            (f"{b(4)} Country of origin", ["United Kingdom"]),
            (f"{b(5)} Invoice No. INV-7781 of 02/03/2026", []),
            (f"{b(6)} Marks and numbers; number and kind of packages; description of goods", ["20 cartons, lamps"]),
            (f"{b(7)} Certification", ["Date of issue: 14/03/2026", "Chamber of Commerce of Leeds"]),
        ],
        scanned=scanned,
    )


@pytest.mark.parametrize("box", ["{n}.", "{n})", "({n})", "{n} -", "Box {n}", "Case {n}", "Box {n}:"])
def test_an_english_certificate_with_numbered_boxes_yields_its_parties_number_date_and_origin(box: str) -> None:
    out = _english(box)
    assert _name(out["seller"]) == "Brightvolt Components Ltd"
    assert out["seller"]["tax_id"] == {"scheme": "VAT", "id": "GB123456789"}
    assert _name(out["buyer"]) == "Andes Importaciones SAC"
    assert out["buyer"]["tax_id"] == {"scheme": "RUC", "id": "20512345671"}
    # the consignee's block ends at the next box: the producer is not an address line of the consignee's
    assert not any("Leeds" in a for a in out["buyer"]["address"])
    assert out["certificate_number"] == "GB-2026-00417"
    assert out["invoice_number"] == "INV-7781"  # the invoice it covers, not the certificate's number
    assert out["date"] == "2026-03-14"  # the date of issue, not the invoice's date printed above it
    assert out["origin"]["country"] == "GB"
    assert out["evidence"]["certificate_number"]["page"] == 1


def test_a_scanned_certificate_with_numbered_boxes_is_read_by_ocr_the_same_way() -> None:
    from clearway.documents.extract import ocr

    if ocr.available() is None:
        pytest.skip("Tesseract is not installed")
    out = _english(scanned=True)
    assert out["kind"] == "scan"
    assert _name(out["seller"]) == "Brightvolt Components Ltd"
    assert _name(out["buyer"]) == "Andes Importaciones SAC"
    assert out["certificate_number"] == "GB-2026-00417"
    assert out["date"] == "2026-03-14"
    assert out["origin"]["country"] == "GB"


def test_the_box_hint_is_never_read_as_a_name() -> None:
    out = _english()
    for role in ("seller", "buyer"):
        block = [out[role]["name"], *out[role]["address"]]
        assert not any("address" in line or "(" in line for line in block), block


def test_a_spanish_certificate_numbered_casilla_yields_its_fields() -> None:
    out = _certificate(
        "CERTIFICADO DE ORIGEN",
        "Certificado N° AR-000123",
        [
            (
                "Casilla 1: Exportador (nombre, dirección, país)",
                ["Metalúrgica del Plata S.A.", "CUIT 30-71234567-1", "Av. Corrientes 1234, Buenos Aires", "Argentina"],
            ),
            ("Casilla 2: Productor", ["Fundición Rosario S.R.L., Rosario, Argentina"]),
            (
                "Casilla 3: Consignatario (nombre, dirección, país)",
                ["Distribuidora Andina Ltda.", "Calle 80 # 45-10, Bogotá", "Colombia"],
            ),
            ("Casilla 4: País de origen", ["Argentina"]),
            ("Casilla 5: Factura comercial N° A-0001-00004567", []),
            ("Casilla 6: Observaciones", ["Ninguna"]),
            ("Casilla 7: Certificación de origen", ["Fecha de emisión: 04/03/2026", "Cámara de Exportadores"]),
        ],
    )
    assert _name(out["seller"]) == "Metalúrgica del Plata S.A."
    assert not any("Rosario" in a for a in out["seller"]["address"])  # "Casilla 2: Productor" ends the block
    assert _name(out["buyer"]) == "Distribuidora Andina Ltda."
    assert out["certificate_number"] == "AR-000123"
    assert out["date"] == "2026-03-04"
    assert out["origin"]["country"] == "AR"
    assert out["language"] == "es"


def test_a_portuguese_certificate_numbered_campo_and_quadro_yields_its_fields() -> None:
    out = _certificate(
        "CERTIFICADO DE ORIGEM",
        "Certificado nº BR-2026-0042",
        [
            (
                "Campo 1 - Exportador (nome, endereço, país)",
                [
                    "Calçados Serra Gaúcha Ltda",
                    "CNPJ 11.222.333/0001-81",
                    "Rua das Flores 100, Novo Hamburgo",
                    "Brasil",
                ],
            ),
            ("Quadro 2 - Importador (nome, endereço, país)", ["Comercial Pacífico S.A.", "Santiago", "Chile"]),
            ("Campo 3 - País de origem", ["Brasil"]),
            ("Campo 4 - Data de emissão", ["10/02/2026"]),
        ],
    )
    assert _name(out["seller"]) == "Calçados Serra Gaúcha Ltda"
    assert out["seller"]["tax_id"]["scheme"] == "CNPJ"
    assert _name(out["buyer"]) == "Comercial Pacífico S.A."
    assert out["certificate_number"] == "BR-2026-0042"
    assert out["date"] == "2026-02-10"
    assert out["origin"]["country"] == "BR"


def test_a_french_certificate_numbered_in_brackets_yields_its_fields() -> None:
    out = _certificate(
        "CERTIFICAT D'ORIGINE",
        "N° du certificat : FR-77-00912",
        [
            ("(1) Exportateur (nom, adresse, pays)", ["Verrerie du Rhône SARL", "12 quai Perrache, Lyon", "France"]),
            ("(2) Destinataire (nom, adresse, pays)", ["Maison Caraïbe Ltd", "Kingston", "Jamaica"]),
            ("(3) Pays d'origine : France", []),
            ("(4) Date de délivrance : 05/01/2026", []),
        ],
    )
    assert _name(out["seller"]) == "Verrerie du Rhône SARL"
    assert _name(out["buyer"]) == "Maison Caraïbe Ltd"
    assert out["certificate_number"] == "FR-77-00912"
    assert out["date"] == "2026-01-05"
    assert out["origin"]["country"] == "FR"


def test_a_hint_that_runs_on_to_the_next_line_is_not_the_exporter() -> None:
    out = _certificate(
        "CERTIFICATE OF ORIGIN",
        "Certificate No. 2026/118",
        [
            (
                "1. Goods consigned from (Exporter's business name, address,",
                ["country)", "Lanka Teas (Pvt) Ltd", "Colombo"],
            ),
            ("2. Goods consigned to (Consignee's name, address, country)", ["Nordic Tea Importers AB", "Sweden"]),
        ],
    )
    assert _name(out["seller"]) == "Lanka Teas (Pvt) Ltd"
    assert _name(out["buyer"]) == "Nordic Tea Importers AB"
    assert out["certificate_number"] == "2026/118"


def test_an_invoice_reads_no_certificate_number_and_keeps_its_first_labelled_date() -> None:
    out = _certificate(
        "COMMERCIAL INVOICE",
        "Invoice No. INV-55",
        [("Date", ["13/02/2026"]), ("Seller", ["Acme Ltd", "London"]), ("Date of issue", ["15/02/2026"])],
    )
    assert out["certificate_number"] is None
    assert out["invoice_number"] == "INV-55"
    assert out["date"] == "2026-02-13"  # the issue-date preference is a certificate's only


def _invoice_with_numbered_lines() -> dict[str, Any]:
    texts: list[Text] = [
        (40, 50, "COMMERCIAL INVOICE", 14),
        (380, 50, "Invoice No. INV-9001", 9),
        (40, 80, "Seller", 9),
        (54, 92, "Brightvolt Components Ltd", 9),
        (40, 140, "Description", 9),
        (300, 140, "Qty", 9),
        (380, 140, "Unit price", 9),
        (480, 140, "Amount", 9),
    ]
    rows = [
        ("1. 20 cartons of shoes", "20", "15.00", "300.00"),
        ("2. Total station surveying kit", "1", "500.00", "500.00"),
        ("3) Tax-free samples of leather", "4", "2.50", "10.00"),
        ("Box 4 Notes and pads", "10", "1.00", "10.00"),
    ]
    y = 152.0
    for desc, qty, price, amount in rows:
        texts += [(40, y, desc, 9), (300, y, qty, 9), (380, y, price, 9), (480, y, amount, 9)]
        y += 12
    texts += [(40, y + 12, "5. Remarks", 9), (40, y + 36, "Total", 9), (480, y + 36, "820.00", 9)]
    return extract_document(_pdf(texts), ocr_enabled=False)


def test_numbered_goods_lines_stay_goods_lines_even_when_a_label_word_follows_the_number() -> None:
    out = _invoice_with_numbered_lines()
    lines = out["lines"]
    assert [ln["description"] for ln in lines] == [
        "1. 20 cartons of shoes",
        "2. Total station surveying kit",
        "3) Tax-free samples of leather",
        "Box 4 Notes and pads",
    ]
    assert [ln["amount"] for ln in lines] == [300.0, 500.0, 10.0, 10.0]
    assert out["total"] == 820.0


def test_a_box_number_is_passed_over_only_before_a_label() -> None:
    assert L.starts_with_label(L.norm("1. Exporter"), L.SELLER) == "exporter"
    assert L.starts_with_label(L.norm("Casilla 3: Consignatario"), L.BUYER) == "consignatario"
    assert L.starts_with_label(L.norm("Quadro 2 - Importador"), L.BUYER) == "importador"
    assert L.starts_with_label(L.norm("Campo 4 Fecha de emisión"), L.DATE) == "fecha de emision"
    assert L.starts_with_label(L.norm("1. 20 cartons of shoes"), L.SELLER + L.BUYER + L.STOP_TABLE) is None
    assert L.starts_with_label(L.norm("123 Exporter Street"), L.SELLER) is None  # a street number, not a box
    assert L.starts_with_label(L.norm("1. Exporter"), L.SELLER, boxed=False) is None
    assert L.unbox("1.5 kg of tea") == "1.5 kg of tea"
    assert L.unbox("(2) Consignee") == "Consignee"
    assert L.box_hint("name, full address, country") and L.box_hint("nombre, dirección, país")
    assert not L.box_hint("USD") and not L.box_hint("lbs") and not L.box_hint("IVA incluido")


def _eur1() -> dict[str, Any]:
    """An EUR.1-like page in two columns: the exporter's box beside the serial and box 2, the consignee's beside
    the country of origin, the customs endorsement's place and date."""
    return extract_document(
        _pdf(
            [
                (40, 50, "EUR.1 MOVEMENT CERTIFICATE", 12),
                (40, 80, "1. Exporter (Name, full address, country)", 7),
                (300, 80, "No A 000417", 9),
                (54, 92, "Brightvolt Components Ltd", 9),
                (300, 92, "2. Certificate used in preferential trade between", 7),
                (54, 104, "12 Harbour Road, Leeds", 9),
                (314, 104, "the United Kingdom and Peru", 9),
                (54, 116, "United Kingdom", 9),
                (40, 140, "3. Consignee (Name, full address, country) (Optional)", 7),
                (300, 140, "4. Country of origin", 7),
                (54, 152, "Andes Importaciones SAC", 9),
                (314, 152, "United Kingdom", 9),
                (54, 164, "Lima, Peru", 9),
                (300, 176, "5. Country of destination", 7),
                (314, 188, "Peru", 9),
                (40, 220, "11. CUSTOMS ENDORSEMENT", 7),
                (54, 232, "Place and date: Leeds, 14/03/2026", 9),
            ]
        ),
        ocr_enabled=False,
    )


def test_a_two_column_certificate_keeps_each_box_to_its_own_value() -> None:
    out = _eur1()
    # the cell beside a hinted label is the next box, not the exporter's name
    assert _name(out["seller"]) == "Brightvolt Components Ltd"
    assert out["seller"]["address"] == ["12 Harbour Road, Leeds", "United Kingdom"]
    assert _name(out["buyer"]) == "Andes Importaciones SAC"
    assert out["certificate_number"] == "A000417"
    assert out["invoice_number"] is None
    assert out["date"] == "2026-03-14"
    assert out["origin"] == {"country": "GB", "statement": "Country of origin United Kingdom"}


def test_an_invoice_whose_first_lines_print_an_amount_in_euros_is_no_certificate() -> None:
    out = _certificate(
        "INVOICE",
        "EUR 1,250.00",
        [
            ("Invoice No.", ["INV-88"]),
            ("Date", ["13/02/2026"]),
            ("Seller", ["Acme Trading Ltd", "14 Mill Lane, Bristol", "United Kingdom"]),
            ("Nº 000.047", []),
            ("Date of issue", ["15/02/2026"]),
            ("Remarks", ["Goods shipped by sea, payment on receipt of the documents"]),
        ],
    )
    assert out["certificate_number"] is None
    assert out["invoice_number"] == "INV-88"
    assert out["date"] == "2026-02-13"
