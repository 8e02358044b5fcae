"""Transport documents (bill of lading, air waybill) in English, Spanish, Portuguese and French, drawn with
reportlab: the shipper and consignee (seller and buyer), the document's number, the vessel or flight, the ports of
loading and discharge, with numbered boxes or without; and invoices that print such words read none of them."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")

from clearway.documents.extract.pipeline import extract_document
from tests.unit.documents.test_extract_certificates import Text, _pdf


def _read(title: str, number: str, boxes: list[tuple[str, list[str]]]) -> dict[str, Any]:
    texts: list[Text] = [(40, 50, title, 14), (380, 50, number, 9)]
    y = 90.0
    for head, lines in boxes:
        texts.append((40, y, head, 9))
        for line in lines:
            y += 12
            texts.append((54, y, line, 9))
        y += 24
    return extract_document(_pdf(texts), ocr_enabled=False)


def _name(party: Any) -> str:
    return party["name"] if isinstance(party, dict) else ""


CASES = [
    (
        "BILL OF LADING",
        "B/L No. MAEU-240311",
        [
            ("1. Shipper", ["Brightvolt Components Ltd", "12 Harbour Road, Leeds", "United Kingdom"]),
            ("2. Consignee", ["Andes Importaciones SAC", "RUC 20512345671", "Lima, Peru"]),
            ("3. Notify party", ["Same as consignee"]),
            ("4. Vessel / Voyage: MSC Aurora V. 114E", []),
            ("5. Port of loading", ["Felixstowe, United Kingdom"]),
            ("6. Port of discharge", ["Callao, Peru"]),
            ("7. Gross weight", ["1,250.5 kg"]),
            ("Place and date of issue: Felixstowe, 05/03/2026", []),
        ],
        ("Brightvolt Components Ltd", "Andes Importaciones SAC", "MAEU-240311", "MSC Aurora V. 114E"),
        ("Felixstowe, United Kingdom", "Callao, Peru", "2026-03-05"),
    ),
    (
        "CONOCIMIENTO DE EMBARQUE",
        "Conocimiento de embarque N° HLCU-7781",
        [
            ("Casilla 1: Embarcador / Exportador", ["Frutas del Sur S.A.", "Av. Costanera 400, Valparaíso", "Chile"]),
            ("Casilla 2: Consignatario", ["Importadora Caribe S.R.L.", "Santo Domingo"]),
            ("Casilla 3: Notificar a", ["Agencia Naviera Quisqueya"]),
            ("Casilla 4: Buque", ["Cap San Lorenzo"]),
            ("Casilla 5: Puerto de embarque", ["San Antonio, Chile"]),
            ("Casilla 6: Puerto de descarga", ["Caucedo, República Dominicana"]),
            ("Lugar y fecha de emisión: Valparaíso, 14/02/2026", []),
        ],
        ("Frutas del Sur S.A.", "Importadora Caribe S.R.L.", "HLCU-7781", "Cap San Lorenzo"),
        ("San Antonio, Chile", "Caucedo, República Dominicana", "2026-02-14"),
    ),
    (
        "CONHECIMENTO DE EMBARQUE",
        "Conhecimento de embarque nº MSCU-0042",
        [
            ("Campo 1 - Exportador", ["Calçados Serra Gaúcha Ltda", "Novo Hamburgo, Brasil"]),
            ("Campo 2 - Consignatário", ["Comercial Pacífico S.A.", "Santiago, Chile"]),
            ("Campo 3 - Navio", ["MSC Rosa"]),
            ("Campo 4 - Porto de embarque", ["Santos"]),
            ("Campo 5 - Porto de descarga", ["San Antonio"]),
            ("Campo 6 - Data de emissão", ["20/01/2026"]),
        ],
        ("Calçados Serra Gaúcha Ltda", "Comercial Pacífico S.A.", "MSCU-0042", "MSC Rosa"),
        ("Santos", "San Antonio", "2026-01-20"),
    ),
    (
        "LETTRE DE TRANSPORT AÉRIEN",
        "LTA No 057-12345675",
        [
            ("(1) Expéditeur", ["Verrerie du Rhône SARL", "Lyon, France"]),
            ("(2) Destinataire", ["Maison Caraïbe Ltd", "Kingston, Jamaica"]),
            ("(3) Vol : AF 3842", []),
            ("(4) Aéroport de départ : Paris CDG", []),
            ("(5) Aéroport de destination : Kingston KIN", []),
            ("(6) Date d'émission : 08/01/2026", []),
        ],
        ("Verrerie du Rhône SARL", "Maison Caraïbe Ltd", "057-12345675", "AF 3842"),
        ("Paris CDG", "Kingston KIN", "2026-01-08"),
    ),
]


@pytest.mark.parametrize(("title", "number", "boxes", "first", "second"), CASES, ids=["en", "es", "pt", "fr"])
def test_a_transport_document_yields_its_parties_number_vessel_ports_and_date(
    title: str, number: str, boxes: list[tuple[str, list[str]]], first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    out = _read(title, number, boxes)
    shipper, consignee, doc_number, vessel = first
    loading, discharge, issued = second
    assert _name(out["seller"]) == shipper
    assert _name(out["buyer"]) == consignee
    # the consignee's block ends at the next box: the notify party, the vessel are no lines of its address
    assert not any("Agencia" in a or "MSC" in a or "Rosa" in a for a in out["buyer"]["address"])
    assert out["transport_document_number"] == doc_number
    assert out["vessel"] == vessel
    assert out["port_of_loading"] == loading
    assert out["port_of_discharge"] == discharge
    assert out["date"] == issued
    assert out["evidence"]["vessel"]["page"] == 1


def test_an_invoice_whose_goods_are_flights_or_vessel_parts_names_no_vessel_or_port() -> None:
    texts: list[Text] = [
        (40, 50, "INVOICE", 14),
        (380, 50, "Invoice No. INV-31", 9),
        (40, 80, "Seller", 9),
        (54, 92, "Andes Travel SAC", 9),
        (40, 140, "Description", 9),
        (300, 140, "Qty", 9),
        (380, 140, "Unit price", 9),
        (480, 140, "Amount", 9),
        (40, 152, "Flight Lima Cusco for the delegation", 9),
        (300, 152, "2", 9),
        (380, 152, "150.00", 9),
        (480, 152, "300.00", 9),
        (40, 164, "Vessel cleaning kit", 9),
        (300, 164, "1", 9),
        (380, 164, "20.00", 9),
        (480, 164, "20.00", 9),
        (40, 200, "Total", 9),
        (480, 200, "320.00", 9),
    ]
    out = extract_document(_pdf(texts), ocr_enabled=False)
    assert out["vessel"] is None and out["port_of_loading"] is None and out["transport_document_number"] is None
    assert len(out["lines"]) == 2 and out["total"] == 320.0
