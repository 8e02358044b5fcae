"""Field extraction on letter-like and ZUGFeRD-like layouts, drawn here with reportlab (not read from real files).

The rules tested: text turned sideways in a margin, dates and clock times that do not decide the decimal mark,
currency symbols not read inside words, totals "including tax", a label of another field beside a party's label,
a name that starts with a label word, two-line table headers, discount lines under a goods line, the addressee
under a salutation, and the seller named only by a legal mention.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract.numbers import currencies_in, decimal_separator
from clearway.documents.extract.pipeline import extract_document

Text = tuple[float, float, str]  # x, y from the top (points), text
Turned = tuple[float, float, str]  # x, y from the top where the turned text starts, text (read bottom to top)

_PADDING: list[Text] = [
    (40, 760, "Vielen Dank - Merci - Thank you - Gracias - Obrigado - Grazie"),
    (40, 774, "Seite 1 von 1 - Page 1 of 1 - Pagina 1 de 1"),
]


def _pdf(texts: list[Text], turned: list[Turned] | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    for x, y, text in [*texts, *_PADDING]:
        c.drawString(x, A4[1] - y, text)
    for x, y, text in turned or []:
        c.saveState()
        c.translate(x, A4[1] - y)
        c.rotate(90)
        c.setFont("Helvetica", 7)
        c.drawString(0, 0, text)
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def _read(texts: list[Text], turned: list[Turned] | None = None) -> dict[str, Any]:
    return extract_document(_pdf(texts, turned), ocr_enabled=False)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


def _zugferd_like(turned: list[Turned] | None = None) -> dict[str, Any]:
    """A German invoice laid out like the ZUGFeRD samples: labelled blocks, a two-line table header."""
    return _read(
        [
            (40, 40, "Rechnungsersteller"),
            (52, 54, "Nordwerk GmbH"),
            (52, 68, "Werkstraße 20"),
            (52, 82, "80333 München"),
            (360, 68, "Rechnungsnummer"),
            (500, 68, "RN-88213"),
            (360, 82, "Rechnungsdatum"),
            (500, 82, "12.03.2024"),
            (40, 110, "Rechnungsempfänger"),
            (360, 110, "Kundennummer"),
            (500, 110, "K-20211"),
            (52, 124, "Talhof AG"),
            (52, 138, "Kundenstraße 15"),
            (52, 152, "69876 Frankfurt"),
            (60, 200, "Unsere"),
            (300, 200, "Menge"),
            (420, 200, "Preis/"),
            (60, 210, "Art.Nr."),
            (180, 210, "Artikelbeschreibung"),
            (335, 210, "einheit"),
            (420, 210, "Einheit"),
            (520, 210, "Entgelt"),
            (60, 230, "TB100"),
            (180, 230, "Trennblätter A4"),
            (300, 230, "20"),
            (335, 230, "Stk."),
            (420, 230, "9,90"),
            (515, 230, "198,00"),
            (180, 244, "GTIN: 4012345001235"),
            (350, 258, "abzgl. 10% Rabatt"),
            (520, 258, "-19,80"),
            (60, 272, "JB50"),
            (180, 272, "Joghurt Banane"),
            (300, 272, "50"),
            (335, 272, "Stk."),
            (420, 272, "5,50"),
            (515, 272, "275,00"),
            (60, 300, "Rechnungssumme Netto (excl. USt.)"),
            (515, 300, "453,20"),
            (60, 314, "Steuerbasisbetrag USt. 19%"),
            (470, 314, "178,20"),
            (515, 314, "33,86"),
            (60, 328, "Rechnungssumme Brutto (inkl. USt.)"),
            (515, 328, "506,39"),
        ],
        turned,
    )


def test_a_zugferd_like_invoice_reads_its_parties_two_line_header_and_gross_total() -> None:
    out = _zugferd_like()
    assert out["invoice_number"] == "RN-88213" and out["date"] == "2024-03-12"
    # "Nordwerk GmbH" under "Rechnungsersteller"; the "Kundennummer" label beside "Rechnungsempfänger" is not a name
    assert _name(out["seller"]) == "Nordwerk GmbH"
    assert _name(out["buyer"]) == "Talhof AG"
    # the total "inkl. USt." is the total although it names the tax
    assert out["total"] == pytest.approx(506.39)
    lines = out["lines"]
    assert len(lines) == 2  # the discount under the first line is not a goods line
    assert [(ln["quantity"], ln["unit_price"], ln["amount"]) for ln in lines] == [
        (pytest.approx(20), pytest.approx(9.90), pytest.approx(198.00)),
        (pytest.approx(50), pytest.approx(5.50), pytest.approx(275.00)),
    ]


def test_a_sideways_margin_note_does_not_break_the_table_or_the_totals() -> None:
    # "ZUGFeRD Beispiel COMFORT - Copyright 2014" turned along the left margin, crossing the table and the totals
    out = _zugferd_like(turned=[(22, 340, "Beispielrechnung COMFORT 2014 - Copyright Musterverband e.V.")])
    assert len(out["lines"]) == 2
    assert out["total"] == pytest.approx(506.39)
    assert _name(out["buyer"]) == "Talhof AG"


def test_a_seller_named_only_by_a_legal_mention_along_the_margin() -> None:
    out = _read(
        [
            (40, 40, "Date de facture : 02/11/2019"),
            (40, 54, "N° de facture : 11608848301659"),
            (330, 90, "M DUPONT JEAN"),
            (330, 104, "ALPINEX SARL"),
            (330, 118, "35 B RUE DES LILAS"),
            (330, 132, "69100 VILLEURBANNE"),
            (40, 180, "Montant de la facture"),
            (500, 180, "12,99 €"),
            (40, 194, "Total TTC"),
            (500, 194, "12,99 €"),
        ],
        turned=[(584, 560, "ONDIX TELECOM - Société Anonyme au capital de 1 000 000 € - RCS PARIS 397 480 930")],
    )
    assert _name(out["seller"]) == "ONDIX TELECOM"
    # the addressee printed after "M" (Monsieur), over a company and an address
    assert _name(out["buyer"]) == "DUPONT JEAN"
    assert out["currency"] == "EUR" and out["total"] == pytest.approx(12.99)


def test_a_legal_mention_never_overrides_the_letterhead() -> None:
    out = _read(
        [
            (40, 40, "Verdier Frères SARL"),
            (40, 54, "12 quai du Port, 13002 Marseille"),
            (330, 54, "Facture n° F-2024-17"),
            (330, 68, "Date : 14/03/2024"),
            (40, 200, "Total TTC"),
            (500, 200, "240,00 €"),
            (40, 720, "Sud Logistique - SAS au capital de 10 000 € - transporteur"),
        ]
    )
    assert _name(out["seller"]) == "Verdier Frères SARL"


def test_the_addressee_under_a_salutation_line_is_the_buyer_in_a_letter() -> None:
    out = _read(
        [
            (70, 40, "Hanse Versicherung"),
            (70, 54, "Versicherungsverein Musterstadt a.G."),
            (70, 90, "Herrn"),
            (70, 104, "Max Mustermann"),
            (70, 118, "Musterstr. 11"),
            (70, 132, "12346 Bad Musterhausen"),
            (70, 170, "Tel.: 0123/45678"),
            (70, 184, "Mo.-Fr. 08.30 - 12.30 Uhr"),
            (70, 198, "Mo.-Fr. 14.00 - 17.00 Uhr"),
            (70, 230, "Beitragsrechnung"),
            (420, 230, "24. Januar 2014"),
            (70, 250, "Beitrag für den Zeitraum vom 06.12.2013 bis zum 06.12.2014, fällig am 06.12.2013."),
            (70, 280, "Gesamtbeitrag"),
            (290, 280, "50,00 €"),
            (70, 294, "Versicherungsteuer 19 %"),
            (295, 294, "9,50 €"),
            (70, 308, "Rechnungsbeitrag"),
            (290, 308, "59,50 €"),
        ]
    )
    assert _name(out["buyer"]) == "Max Mustermann"
    # the dates and office hours (06.12.2013, 08.30) do not make the point the decimal mark: 59,50 is 59.50
    assert out["total"] == pytest.approx(59.50)
    assert out["date"] == "2014-01-24"


def test_a_salutation_without_an_address_under_it_names_no_buyer() -> None:
    out = _read(
        [
            (70, 40, "Hanse Versicherung"),
            (70, 90, "Herrn"),
            (70, 104, "Bitte beachten Sie"),
            (70, 118, "die neuen Bedingungen"),
            (70, 230, "Rechnungsbeitrag"),
            (290, 230, "59,50 €"),
        ]
    )
    assert out["buyer"] is None


def test_dates_and_clock_times_do_not_decide_the_decimal_mark() -> None:
    assert decimal_separator("Mo.-Fr. 08.30 - 12.30 Uhr, vom 06.12.2013 bis 06.12.2014: 50,00 € und 9,50 €") == ","
    # the amounts still decide when they use the point
    assert decimal_separator("Invoice of 06.12.2013, total 1,234.56 USD, tax 12.50") == "."


def test_a_currency_symbol_is_not_read_inside_a_word() -> None:
    assert [c for c, _ in currencies_in("vos SMS/MMS illimités 24h/24, 12,99 €")] == ["EUR"]
    assert ("PEN", "S/") in currencies_in("Total S/ 1,250.00")
    assert ("PEN", "S/.") in currencies_in("Total S/.1,250.00")
    assert ("BRL", "R$") in currencies_in("Total R$ 99,00")
    assert not any(c == "BRL" for c, _ in currencies_in("BAR$ 12"))


def test_a_total_including_tax_is_a_total_and_the_tax_line_is_not() -> None:
    # no net printed: the total can only be the line that names the tax it includes
    out = _read(
        [
            (40, 40, "Kestrel Tools Ltd"),
            (330, 54, "Invoice No. KT-5531"),
            (330, 68, "Invoice date: 2024-05-02"),
            (40, 214, "VAT 19%"),
            (500, 214, "190.00"),
            (40, 228, "Total incl. VAT"),
            (500, 228, "1,190.00"),
        ]
    )
    assert out["total"] == pytest.approx(1190.00)
    assert Decimal(str(out["tax"])) == Decimal("190.00")


def test_a_header_on_two_lines_names_the_columns_under_its_upper_words() -> None:
    # the lower line alone names only the description and the amount: the upper line names quantity and price
    out = _read(
        [
            (40, 40, "Kestrel Tools Ltd"),
            (330, 54, "Invoice No. KT-5532"),
            (330, 68, "Invoice date: 2024-05-03"),
            (300, 150, "Quantity"),
            (420, 150, "Unit price"),
            (60, 160, "Description"),
            (305, 160, "(pcs)"),
            (425, 160, "(GBP)"),
            (520, 160, "Amount"),
            (60, 180, "Torque wrench TW-40"),
            (305, 180, "4"),
            (425, 180, "62.50"),
            (515, 180, "250.00"),
            (60, 194, "Socket set 1/2in"),
            (305, 194, "10"),
            (425, 194, "18.00"),
            (515, 194, "180.00"),
            (60, 220, "Total"),
            (515, 220, "430.00"),
        ]
    )
    assert [(ln["description"], ln["quantity"], ln["unit_price"]) for ln in out["lines"]] == [
        ("Torque wrench TW-40", pytest.approx(4), pytest.approx(62.50)),
        ("Socket set 1/2in", pytest.approx(10), pytest.approx(18.00)),
    ]


@pytest.mark.parametrize("name", ["Lieferant GmbH", "Vendor Inc.", "Fornitore S.r.l."])
def test_a_company_name_that_starts_with_a_party_label_is_a_name(name: str) -> None:
    out = _read(
        [
            (40, 40, name),
            (40, 54, "Via Roma 1, 20121 Milano"),
            (330, 54, "Invoice No. V-77"),
            (330, 68, "Invoice date: 2024-05-03"),
            (40, 200, "Total"),
            (500, 200, "99.00"),
        ]
    )
    assert _name(out["seller"]) == name
