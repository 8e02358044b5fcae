"""Building declarations and a small schedule for the tariff's worked examples."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from clearway.declarations import codec
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Declaration, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.tariff.model import (
    Agreement,
    Assessment,
    DutyLine,
    ExchangeRate,
    Rounding,
    Schedule,
    TaxRule,
)
from clearway.tariff.valuation import assess

D = Decimal
ACCEPTED = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
USD_RATE = ExchangeRate("USD", date(2026, 11, 26), D("3.800"))


def schedule(*, duties: tuple[DutyLine, ...] = (), taxes: tuple[TaxRule, ...] | None = None) -> Schedule:
    """A small schedule: MFN and Pacific Alliance lines, IGV 16% and IPM 2%, a 23.60 fee rounded to the sol."""
    base = (
        DutyLine("8517", ad_valorem=D("0")),
        DutyLine("6109", ad_valorem=D("11")),
        DutyLine("1005", specific=D("0.05"), unit="KGM", maximum=D("1000.00")),
        DutyLine("2204", ad_valorem=D("6"), specific=D("1.20"), unit="LTR", minimum=D("50.00")),
        DutyLine("0806", ad_valorem=D("6")),
        DutyLine("0806", agreement="PA", ad_valorem=D("0")),
        DutyLine("9503", ad_valorem=D("10")),
    )
    default_taxes = (
        TaxRule("ISC", "Excise on wine", "excise", rate=D("20"), base="customs_value+duty", applies_to=("2204",)),
        TaxRule("IGV", "IGV", "vat", rate=D("16"), base="customs_value+duty+excise"),
        TaxRule("IPM", "IPM", "vat", rate=D("2"), base="customs_value+duty+excise"),
        TaxRule("TDA", "Clearance fee", "fee", amount=D("23.60"), per="declaration", rounding=Rounding(D("1"))),
    )
    return Schedule.of(
        name="test tariff",
        currency="PEN",
        duties=base + duties,
        agreements=[Agreement("PA", "Pacific Alliance", frozenset({"CL", "CO", "MX"}), frozenset({"N954"}))],
        taxes=default_taxes if taxes is None else taxes,
    )


def item(seq: int, code: str, amount: str, **kw: Any) -> dict[str, Any]:
    """A goods item document with sensible defaults."""
    doc = {
        "sequence": seq,
        "description": f"Goods of heading {code[:4]} for retail sale",
        "commodity_code": code,
        "origin_country": "CN",
        "quantity": "100",
        "unit": "H87",
        "net_mass": "100.000",
        "gross_mass": "120.000",
        "invoice_amount": amount,
        "invoice_currency": "USD",
        "valuation_method": "1",
        "procedure_code": "4000",
        "packages": {"count": 1, "kind": "CT"},
    }
    doc.update(kw)
    return doc


def declaration(
    items: list[dict[str, Any]], *, incoterm: str = "CIF", currency: str = "USD", **invoice: Any
) -> Declaration:
    """An accepted declaration (on 2026-11-27) with the given items and invoice terms."""
    doc = example_declaration("TARIFF-TEST-1")
    doc["goods_items"] = items
    doc["total_items"] = len(items)
    doc["total_packages"] = sum(i["packages"]["count"] for i in items)
    total = sum((D(i["invoice_amount"]) for i in items), D(0))
    doc["invoice"] = {"incoterm": incoterm, "currency": currency, "total_amount": str(total), **invoice}
    data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    return Declaration(
        id="d-1",
        mrn="26PE00000000000001",
        data=data,
        status=Status.ACCEPTED,
        lodged_at=ACCEPTED,
        accepted_at=ACCEPTED,
    )


def run(decl: Declaration, sched: Schedule | None = None, rates: tuple[ExchangeRate, ...] = (USD_RATE,)) -> Assessment:
    """Assesses a declaration with the test schedule and rates."""
    return assess(
        decl,
        sched or schedule(),
        schedule_id="s-1",
        rates=lambda c: next((r for r in rates if r.currency == c), None),
        assessed_at=ACCEPTED,
    )


def levy(a: Assessment, seq: int, code: str) -> Decimal:
    """Returns the amount of a levy on an item."""
    found = next(i for i in a.items if i.sequence == seq)
    return next(lv.amount for lv in found.levies if lv.code == code)
