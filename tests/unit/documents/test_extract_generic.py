"""Field extraction on invoice layouts the extractor has never seen, drawn here with reportlab.

Each layout is written in the test (not by the project's generator): label wordings in German, Italian, Spanish,
French and English, totals that must be chosen by their arithmetic, currencies printed only as a symbol, numeric
dates whose order depends on the document, parties printed without the usual labels.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract.pipeline import extract_document

Text = tuple[float, float, str]  # x, y from the top (points), text


def _pdf(*pages: list[Text], size: float = 10) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in pages:
        c.setFont("Helvetica", size)
        for x, y, text in page:
            c.drawString(x, A4[1] - y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


_PADDING: list[Text] = [
    (40, 700, "Ref. 0001 / 0002 / 0003 / 0004 / 0005 / 0006"),
    (40, 714, "Thanks - Gracias - Obrigado - Merci - Danke - Grazie"),
]


def _read(*pages: list[Text]) -> dict[str, Any]:
    """Reads a text PDF (a footer keeps short layouts above the word count under which a PDF is a scan)."""
    return extract_document(_pdf(*[[*page, *_PADDING] for page in pages]), ocr_enabled=False)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


def test_a_german_invoice_reads_its_labels_table_and_totals() -> None:
    out = _read(
        [
            (40, 50, "Nordlicht Maschinenbau GmbH"),
            (40, 64, "Hafenstrasse 12, 20457 Hamburg, Deutschland"),
            (40, 110, "Kunde:"),
            (40, 124, "Andes Importaciones SAC"),
            (40, 138, "Av. Argentina 2450, Lima, Peru"),
            (330, 110, "Rechnungsnummer:"),
            (440, 110, "RE-2024-0815"),
            (330, 124, "Rechnungsdatum:"),
            (440, 124, "07.05.2024"),
            (330, 138, "Lieferbedingungen:"),
            (440, 138, "FCA Hamburg"),
            (40, 190, "Pos."),
            (80, 190, "Beschreibung"),
            (300, 190, "Menge"),
            (370, 190, "Einzelpreis"),
            (470, 190, "Betrag"),
            (40, 206, "1"),
            (80, 206, "Zahnradpumpe ZP-40"),
            (300, 206, "4"),
            (370, 206, "1.250,00"),
            (470, 206, "5.000,00"),
            (80, 220, "Seriennummern 4401-4404"),
            (40, 236, "2"),
            (80, 236, "Dichtungssatz"),
            (300, 236, "10"),
            (370, 236, "35,50"),
            (470, 236, "355,00"),
            (330, 280, "Nettobetrag"),
            (470, 280, "5.355,00"),
            (330, 294, "MwSt. 0 %"),
            (470, 294, "0,00"),
            (330, 308, "Gesamtbetrag EUR"),
            (470, 308, "5.355,00"),
        ]
    )
    assert out["invoice_number"] == "RE-2024-0815"
    assert out["date"] == "2024-05-07"
    assert out["total"] == 5355.0 and out["net"] == 5355.0 and out["tax"] == 0.0
    assert out["currency"] == "EUR"
    assert out["incoterm"] == "FCA"
    assert _name(out["buyer"]) == "Andes Importaciones SAC"
    assert "Nordlicht Maschinenbau GmbH" in _name(out["seller"])
    assert [(line["quantity"], line["amount"]) for line in out["lines"]] == [(4.0, 5000.0), (10.0, 355.0)]
    assert "Seriennummern" in out["lines"][0]["description"]  # the note under a line stays with it


def test_an_italian_invoice_with_month_words_and_iva() -> None:
    out = _read(
        [
            (40, 50, "Fornitore:"),
            (40, 64, "Ceramiche del Sole S.r.l."),
            (40, 78, "Via Emilia 44, Modena, Italia"),
            (320, 50, "Fattura n."),
            (420, 50, "2024/118"),
            (320, 64, "Data fattura:"),
            (420, 64, "3 marzo 2024"),
            (40, 120, "Cliente:"),
            (40, 134, "Casa Bonita Ltda"),
            (40, 148, "Rua Augusta 1200, Sao Paulo, Brasil"),
            (40, 200, "Descrizione"),
            (260, 200, "Quantita"),
            (340, 200, "Prezzo unitario"),
            (470, 200, "Importo"),
            (40, 216, "Piastrelle gres 60x60"),
            (260, 216, "300"),
            (340, 216, "12,40"),
            (470, 216, "3.720,00"),
            (340, 260, "Imponibile"),
            (470, 260, "3.720,00"),
            (340, 274, "IVA 0% art. 8"),
            (470, 274, "0,00"),
            (340, 288, "Totale documento"),
            (470, 288, "3.720,00 EUR"),
        ]
    )
    assert out["invoice_number"] == "2024/118"
    assert out["date"] == "2024-03-03"
    assert out["total"] == 3720.0 and out["currency"] == "EUR"
    assert _name(out["seller"]) == "Ceramiche del Sole S.r.l."
    assert _name(out["buyer"]) == "Casa Bonita Ltda"
    assert len(out["lines"]) == 1 and out["lines"][0]["unit_price"] == 12.4


def test_the_total_is_the_labelled_amount_equal_to_net_plus_tax_not_the_largest() -> None:
    out = _read(
        [
            (40, 50, "Factura N°"),
            (140, 50, "F001-000482"),
            (40, 64, "Fecha de emision:"),
            (140, 64, "14/02/2025"),
            (40, 100, "Senores:"),
            (140, 100, "Comercial Los Andes S.A.C."),
            (300, 300, "Op. gravadas"),
            (470, 300, "S/ 2.500,00"),
            (300, 314, "IGV 18%"),
            (470, 314, "S/ 450,00"),
            (300, 328, "Importe total"),
            (470, 328, "S/ 2.950,00"),
            (300, 342, "Total anticipos recibidos"),
            (470, 342, "S/ 9.000,00"),
        ]
    )
    assert out["total"] == 2950.0
    assert out["net"] == 2500.0 and out["tax"] == 450.0
    assert out["currency"] == "PEN"
    assert out["invoice_number"] == "F001-000482"
    assert _name(out["buyer"]) == "Comercial Los Andes S.A.C."


def test_without_net_and_tax_the_largest_labelled_total_is_taken() -> None:
    out = _read(
        [
            (40, 50, "Invoice No: 7781"),
            (40, 64, "Date: 2025-06-30"),
            (300, 300, "Total items"),
            (470, 300, "3"),
            (300, 314, "Total shipping"),
            (470, 314, "USD 40.00"),
            (300, 328, "Total"),
            (470, 328, "USD 1,240.00"),
        ]
    )
    assert out["total"] == 1240.0 and out["currency"] == "USD"


def _symbol_invoice(seller: str, address: str, amount: str, extra: list[Text] | None = None) -> dict[str, Any]:
    return _read(
        [
            (40, 50, seller),
            (40, 64, address),
            (350, 50, "Invoice #"),
            (430, 50, "INV-3307"),
            (350, 64, "Invoice date"),
            (430, 64, "15 March 2025"),
            (40, 110, "Bill To:"),
            (40, 124, "Caribe Customs Brokers Ltd"),
            (300, 250, "Total due"),
            (430, 250, amount),
            *(extra or []),
        ]
    )


@pytest.mark.parametrize(
    ("address", "amount", "code"),
    [
        ("12 Harbour Street, Kingston, Jamaica", "$ 48,300.00", "JMD"),
        ("Av. Winston Churchill 95, Santo Domingo, Republica Dominicana", "$ 48,300.00", "DOP"),
        ("5 Frederick Street, Port of Spain, Trinidad and Tobago", "$ 48,300.00", "TTD"),
        ("Bay Street, Nassau, Bahamas", "$ 48,300.00", "BSD"),
        ("Broad Street, Bridgetown, Barbados", "$ 48,300.00", "BBD"),
        ("1200 Brickell Ave, Miami FL 33131, United States", "$ 48,300.00", "USD"),
        ("Jeremie Street, Castries", "EC$ 48,300.00", "XCD"),
        ("Main Street, Castries", "RD$ 48,300.00", "DOP"),
        ("Duke Street, Kingston", "J$ 48,300.00", "JMD"),
        ("Avenida Bolivar, Managua, Nicaragua", "C$ 48,300.00", "NIO"),
        ("King Street West, Toronto, Canada", "C$ 48,300.00", "CAD"),
    ],
)
def test_a_currency_printed_only_as_a_symbol_is_read_from_the_sellers_country(
    address: str, amount: str, code: str
) -> None:
    out = _symbol_invoice("Island Traders Ltd", address, amount)
    assert out["total"] == 48300.0
    assert out["currency"] == code


def test_a_code_printed_elsewhere_names_the_bare_dollar_sign() -> None:
    out = _symbol_invoice(
        "Island Traders Ltd",
        "12 Harbour Street, Kingston, Jamaica",
        "$ 1,000.00",
        [(40, 300, "All amounts in USD")],
    )
    assert out["currency"] == "USD"


@pytest.mark.parametrize(
    ("address", "extra", "iso"),
    [
        ("1200 Brickell Ave, Miami FL 33131, United States", [], "2025-03-04"),  # US: month first
        ("12 Harbour Street, Kingston, Jamaica", [], "2025-04-03"),  # elsewhere: day first
        # the document's own unambiguous date (25/04) says day first, even from the United States
        (
            "1200 Brickell Ave, Miami FL 33131, United States",
            [(350, 78, "Due date"), (430, 78, "25/04/2025")],
            "2025-04-03",
        ),
    ],
)
def test_numeric_date_order_follows_the_document(address: str, extra: list[Text], iso: str) -> None:
    out = _read(
        [
            (40, 50, "Island Traders Ltd"),
            (40, 64, address),
            (350, 50, "Invoice No"),
            (430, 50, "A-100"),
            (350, 64, "Invoice Date"),
            (430, 64, "03/04/2025"),
            *extra,
            (300, 250, "Total"),
            (430, 250, "USD 10.00"),
        ]
    )
    assert out["date"] == iso


def test_a_spanish_invoice_reads_numeric_dates_day_first() -> None:
    out = _read([(40, 50, "Factura No 0091"), (40, 64, "Fecha: 03/04/2025"), (300, 200, "Total"), (430, 200, "100,00")])
    assert out["date"] == "2025-04-03"


def test_parties_without_seller_label_attn_prefix_and_shipping_block_beside_billing() -> None:
    out = _read(
        [
            (40, 40, "Blue Mountain Coffee Traders Invoice"),
            (40, 54, "14 Hope Road, Kingston, Jamaica"),
            (350, 90, "Invoice Number:"),
            (450, 90, "BMC-2231"),
            (40, 130, "Billing Address"),
            (300, 130, "Shipping Address"),
            (40, 144, "Attn: Cafe Andino S.A."),
            (300, 144, "Almacen Callao"),
            (40, 158, "Jr. Puno 410, Lima"),
            (300, 158, "Av. Gambetta 200, Callao"),
            (300, 300, "Total"),
            (450, 300, "$ 9,870.00"),
        ]
    )
    assert _name(out["seller"]) == "Blue Mountain Coffee Traders"
    assert _name(out["buyer"]) == "Cafe Andino S.A."  # not "Shipping Address", not "Attn: …"
    assert out["currency"] == "JMD"


def test_a_letter_layout_buyer_is_the_block_under_the_senders_return_address() -> None:
    out = _read(
        [
            (40, 40, "Alpenglas AG - Seestrasse 5 - 8002 Zurich"),
            (40, 70, "Importadora Quito Cia. Ltda."),
            (40, 84, "Av. Amazonas 1200"),
            (40, 98, "Quito, Ecuador"),
            (330, 140, "Rechnungsnr."),
            (430, 140, "44120"),
            (330, 154, "Datum"),
            (430, 154, "12. Juni 2024"),
            (330, 300, "Total CHF"),
            (450, 300, "812,40"),
        ]
    )
    assert _name(out["seller"]) == "Alpenglas AG"
    assert _name(out["buyer"]) == "Importadora Quito Cia. Ltda."
    assert out["date"] == "2024-06-12"
    assert out["currency"] == "CHF"


def test_a_goods_table_continues_on_the_next_page_under_the_same_header() -> None:
    header: list[Text] = [
        (40, 150, "Description"),
        (300, 150, "Qty"),
        (370, 150, "Unit price (USD)"),
        (480, 150, "Amount"),
    ]
    first = [(40, 50, "Commercial Invoice No: CI-900"), (40, 64, "Date: 2025-01-20"), *header]
    second = [(40, 50, "Commercial Invoice No: CI-900 (page 2)"), *header]
    for i in range(3):
        y = 170 + 20 * i
        first += [(40, y, f"Valve type {i}"), (300, y, "2"), (370, y, "10.00"), (480, y, "20.00")]
    second += [(40, 170, "Valve type 3"), (300, 170, "1"), (370, 170, "15.00"), (480, 170, "15.00")]
    second += [(370, 220, "Total"), (480, 220, "75.00")]
    out = _read(first, second)
    assert len(out["lines"]) == 4
    assert out["total"] == 75.0
    assert out["lines"][0]["unit_price"] == 10.0  # "(USD)" in the header does not hide the price column


def test_an_invoice_number_glued_to_its_sign_is_read_and_other_words_are_not_cut() -> None:
    out = _read([(40, 50, "Facture N°562044 du 02/07/2025"), (300, 200, "Total TTC"), (430, 200, "29,99 €")])
    assert out["invoice_number"] == "562044"
    assert out["total"] == 29.99 and out["currency"] == "EUR"
    other = _read([(40, 50, "Invoice No: NO12345"), (300, 200, "Total"), (430, 200, "1.00 USD")])
    assert other["invoice_number"] == "NO12345"  # a number that starts with letters keeps them


def test_a_transparent_png_is_read_on_white_not_black() -> None:
    from PIL import Image

    from clearway.documents.inspect import open_image_frames

    img = Image.new("RGBA", (40, 20), (0, 0, 0, 0))  # fully transparent, black underneath
    img.putpixel((5, 5), (0, 0, 0, 255))  # one opaque black dot of "ink"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    frame = open_image_frames(buf.getvalue())[0]
    assert frame.getpixel((0, 0)) == (255, 255, 255)
    assert frame.getpixel((5, 5)) == (0, 0, 0)


def test_a_price_printed_under_the_quantity_column_is_placed_by_the_line_arithmetic() -> None:
    out = _read(
        [
            (40, 50, "Invoice No: T-55"),
            (40, 64, "Date: 2025-02-11"),
            (40, 150, "Description"),
            (300, 150, "Qty"),
            (420, 150, "Unit price"),
            (500, 150, "Amount"),
            (40, 170, "Brass valve 1/2 inch"),
            (300, 170, "12 pcs"),
            (350, 170, "7.50"),  # printed far left of its header
            (500, 170, "90.00"),
            (420, 200, "Total"),
            (500, 200, "90.00"),
        ]
    )
    line = out["lines"][0]
    assert (line["quantity"], line["unit_price"], line["amount"]) == (12.0, 7.5, 90.0)
    assert line["unit"] == "pcs"


def test_decimal_marks_a_scan_lost_are_put_back_only_when_the_lines_then_add_up() -> None:
    from decimal import Decimal as D

    from clearway.documents.extract.fields import lost_decimals

    def rows() -> list[dict[str, Any]]:
        return [
            {"quantity": D(30), "unit_price": D(49562), "amount": D(1486860)},  # "495.62" and "14868.60" misread
            {"quantity": D(18), "unit_price": D(1229), "amount": D("221.22")},  # only the price lost its mark
            {"quantity": D(270), "unit_price": D("4.00"), "amount": D("1080.00")},
        ]

    fixed = rows()
    lost_decimals(fixed, [D("16169.82")])
    assert [(r["unit_price"], r["amount"]) for r in fixed] == [
        (D("495.62"), D("14868.60")),
        (D("12.29"), D("221.22")),
        (D("4.00"), D("1080.00")),
    ]
    untouched = rows()
    lost_decimals(untouched, [D("999.99")])  # no reading adds up to the net: the amounts stay as read
    assert untouched[0]["amount"] == D(1486860)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ('"Distribuidora Andina SAS', "Distribuidora Andina SAS"),
        ("Shenzhen Bright Electronics Co. Lid", "Shenzhen Bright Electronics Co. Ltd"),
        ("Attn: Nordlicht Technik CmbH", "Nordlicht Technik GmbH"),
        ("Razón social: Lid", "Lid"),  # a one-word name is left as printed
    ],
)
def test_party_names_lose_quotes_prefixes_and_ocr_misreadings_of_the_legal_form(printed: str, name: str) -> None:
    from clearway.documents.extract.parties import clean_name

    assert clean_name(printed) == name
