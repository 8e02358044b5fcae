"""Field extraction on ERP report layouts, drawn here with reportlab (not read from real files).

The rules tested: the buyer as the unlabelled address block on the right half of the header (Tryton's and Odoo's
invoice reports, US letters) and what is not it (the seller's own block, a block under the title, a block with a
label), and an invoice number of one digit right after a label that says "No" (the first invoice of a ledger),
but not a bare "Invoice 1" nor a page count.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract.pipeline import extract_document

Text = tuple[float, float, str]  # x, y from the top (points), text


def _read(texts: list[Text]) -> dict[str, Any]:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER)
    c.setFont("Helvetica", 10)
    for x, y, text in texts:
        c.drawString(x, LETTER[1] - y, text)
    c.showPage()
    c.save()
    return extract_document(buf.getvalue(), ocr_enabled=False)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


_BODY: list[Text] = [
    (60, 200, "Date: 03/14/2024"),
    (60, 240, "Description"),
    (300, 240, "Quantity"),
    (380, 240, "Unit Price"),
    (500, 240, "Amount"),
    (60, 258, "Copper wire"),
    (320, 258, "12"),
    (380, 258, "$ 10.00"),
    (500, 258, "$ 120.00"),
    (380, 300, "Total (excl. taxes):"),
    (500, 300, "$ 120.00"),
    (380, 316, "Taxes:"),
    (500, 316, "$ 12.00"),
    (380, 332, "Total:"),
    (500, 332, "$ 132.00"),
]


def _report(number: str = "Invoice No: 7", buyer: list[str] | None = None) -> dict[str, Any]:
    """An invoice laid out like an ERP report: the sender top left, the customer's address alone on the right,
    the title centred under them, then the date, the goods and the totals; no party label anywhere."""
    lines = buyer if buyer is not None else ["Harbor Tools", "88 Pier Road", "Portland, ME"]
    return _read(
        [
            (60, 50, "Quillon Supply"),
            (60, 64, "Dayton, OH"),
            *[(380, 92 + 14 * i, text) for i, text in enumerate(lines)],
            (260, 160, number),
            *_BODY,
        ]
    )


def test_the_buyer_is_the_address_block_alone_on_the_right_of_the_header() -> None:
    out = _report()
    assert _name(out["seller"]) == "Quillon Supply"
    assert _name(out["buyer"]) == "Harbor Tools"
    assert out["total"] == 132.0


def test_a_right_block_of_the_sellers_own_name_is_not_the_buyer() -> None:
    out = _report(buyer=["Quillon Supply", "Dayton, OH"])
    assert _name(out["buyer"]) != "Quillon Supply"


def test_a_name_alone_without_an_address_under_it_is_not_the_buyer() -> None:
    out = _report(buyer=["Harbor Tools"])
    assert _name(out["buyer"]) != "Harbor Tools"


def test_a_right_block_under_the_title_is_not_the_buyer() -> None:
    """Below the invoice-number line the header is over: a box on the right there (payment terms, notes) is not
    an address."""
    out = _read(
        [
            (60, 50, "Quillon Supply"),
            (60, 64, "Dayton, OH"),
            (260, 90, "Invoice No: 7"),
            (380, 120, "Payment Term"),
            (380, 134, "Net thirty days"),
            *_BODY,
        ]
    )
    assert _name(out["buyer"]) not in {"Payment Term", "Net thirty days"}


def test_a_labelled_buyer_still_wins_over_the_right_block() -> None:
    out = _read(
        [
            (60, 50, "Quillon Supply"),
            (60, 64, "Dayton, OH"),
            (380, 92, "Shipping Office"),
            (380, 106, "12 Dock Street"),
            (260, 160, "Invoice No: 7"),
            (60, 180, "Bill to: Meridian Labs"),
            *_BODY,
        ]
    )
    assert _name(out["buyer"]) == "Meridian Labs"


@pytest.mark.parametrize("printed", ["Invoice No: 7", "Invoice N°: 7", "Invoice # 7"])
def test_a_one_digit_number_right_after_a_number_label_is_the_invoice_number(printed: str) -> None:
    assert _report(printed)["invoice_number"] == "7"


@pytest.mark.parametrize("printed", ["Invoice 7", "Invoice No: 0", "Invoice 1 of 2"])
def test_a_bare_digit_after_invoice_or_a_zero_or_a_page_count_is_not_the_number(printed: str) -> None:
    assert _report(printed)["invoice_number"] is None


def test_a_longer_number_is_read_as_before() -> None:
    assert _report("Invoice No: INV-0042")["invoice_number"] == "INV-0042"


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("Invoice Date: 15-Oct-2015", "2015-10-15"),
        ("Date 15-Oct-15", "2015-10-15"),
        ("03/Aug/2014", "2014-08-03"),
        ("Factuurdatum: 7 mei 2016", "2016-05-07"),
        ("16 maart 2015", "2015-03-16"),
        ("1 augustus 2016", "2016-08-01"),
    ],
)
def test_dates_with_the_month_joined_by_hyphens_or_in_dutch(printed: str, iso: str) -> None:
    from clearway.documents.extract.numbers import parse_date

    assert str(parse_date(printed)) == iso


@pytest.mark.parametrize("code", ["INV-12-JAN-99", "12-JAN-99-A", "A12-JAN-2015", "PO/15/OCT/2015"])
def test_a_code_that_holds_a_date_like_part_is_not_a_date(code: str) -> None:
    """An invoice number such as "INV-12-JAN-99" would be refused as a number were it read as a date."""
    from clearway.documents.extract.numbers import parse_date

    assert parse_date(code) is None


def test_an_invoice_number_with_a_date_like_part_is_still_the_number() -> None:
    assert _report("Invoice No: INV-12-JAN-99")["invoice_number"] == "INV-12-JAN-99"


def test_a_party_block_ends_where_the_next_label_starts_its_line() -> None:
    """ "Shipper:" and "Buyer:" stacked with their values in one column: the shipper without a tax id does not
    take the buyer's name, address and RUC as its own (the demo's printed invoices did)."""
    got = _read(
        [
            (40, 40, "COMMERCIAL INVOICE"),
            (40, 70, "Invoice #: INV-000123"),
            (40, 85, "Date: November 20, 2026"),
            (40, 120, "Shipper:"),
            (120, 120, "Shenzhen Brightvolt Electronics Co"),
            (120, 134, "Shenzhen, CN"),
            (40, 148, "Buyer:"),
            (120, 148, "Andes Importaciones SAC"),
            (120, 162, "Av. Argentina 123, Lima"),
            (120, 176, "RUC 20512345674"),
            (40, 230, "Total 25.00 USD"),
        ]
    )
    assert _name(got["seller"]) == "Shenzhen Brightvolt Electronics Co"
    assert got["seller"]["tax_id"] is None
    assert "Andes Importaciones SAC" not in got["seller"]["address"]
    assert _name(got["buyer"]) == "Andes Importaciones SAC"
    assert got["buyer"]["tax_id"] == {"scheme": "RUC", "id": "20512345674"}
