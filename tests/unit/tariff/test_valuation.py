"""Worked examples, computed by hand here: customs value, duties, taxes, preference, currency, incoterms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clearway.core.issues import ValidationFailed
from clearway.declarations.model import Declaration, DeclarationData, Document
from clearway.tariff.model import DutyLine, ExchangeRate, Rounding, TaxRule, apportion, rate_in_force
from tests.unit.tariff.helpers import declaration, item, levy, run, schedule

D = Decimal


def test_ad_valorem_fob_in_dollars_with_freight_and_insurance_apportioned_by_value() -> None:
    # FOB: freight 200.00 and insurance 40.00 USD are added. USD = 3.800 PEN on the acceptance date.
    # Prices: 1000.00 USD = 3800.00 PEN; 3000.00 USD = 11400.00 PEN (weights 1 : 3).
    # Freight 760.00 PEN -> 190.00 + 570.00; insurance 152.00 PEN -> 38.00 + 114.00.
    # Customs values: 3800 + 190 + 38 = 4028.00; 11400 + 570 + 114 = 12084.00.
    # Item 1, phones (8517, 0%): duty 0.00; IGV 16% of 4028.00 = 644.48; IPM 2% = 80.56.
    # Item 2, T-shirts (6109, 11%): duty 1329.24; base 13413.24: IGV 2146.1184 -> 2146.12; IPM 268.2648 -> 268.26.
    # Fee 23.60 rounded to the sol: 24. Total 644.48 + 80.56 + 1329.24 + 2146.12 + 268.26 + 24 = 4492.66.
    decl = declaration(
        [item(1, "851713", "1000.00"), item(2, "610910", "3000.00")],
        incoterm="FOB",
        freight="200.00",
        insurance="40.00",
    )
    a = run(decl)
    first, second = a.items
    assert (first.price, first.freight, first.insurance, first.customs_value) == (
        D("3800.00"),
        D("190.00"),
        D("38.00"),
        D("4028.00"),
    )
    assert (second.price, second.freight, second.insurance, second.customs_value) == (
        D("11400.00"),
        D("570.00"),
        D("114.00"),
        D("12084.00"),
    )
    assert levy(a, 1, "DUTY") == D("0.00") and levy(a, 1, "IGV") == D("644.48") and levy(a, 1, "IPM") == D("80.56")
    assert levy(a, 2, "DUTY") == D("1329.24")
    assert levy(a, 2, "IGV") == D("2146.12") and levy(a, 2, "IPM") == D("268.26")
    assert [lv.amount for lv in a.declaration_levies] == [D("24")]
    assert a.total == D("4492.66")
    assert a.totals == {"DUTY": D("1329.24"), "IGV": D("2790.60"), "IPM": D("348.82"), "TDA": D("24")}
    assert a.currency == "PEN" and a.exchange_rates[0].rate == D("3.800")
    assert a.customs_value == D("16112.00")


def test_specific_duty_per_kilogram_in_national_currency() -> None:
    # Maize (1005): 0.05 PEN per kg net. 15000 kg -> 750.00. Invoice in PEN, CIF: no conversion.
    # IGV 16% of (10000.00 + 750.00) = 1720.00; IPM 2% = 215.00.
    maize = item(1, "100590", "10000.00", unit="KGM", quantity="15000", net_mass="15000.000", gross_mass="15100.000")
    maize["invoice_currency"] = "PEN"
    a = run(declaration([maize], currency="PEN"), rates=())
    assert a.items[0].customs_value == D("10000.00")
    duty = a.items[0].levies[0]
    assert duty.amount == D("750.00") and duty.quantity == D("15000.000") and duty.quantity_unit == "KGM"
    assert levy(a, 1, "IGV") == D("1720.00") and levy(a, 1, "IPM") == D("215.00")
    assert a.exchange_rates == ()


def test_specific_duty_stops_at_its_maximum() -> None:
    # 25000 kg x 0.05 = 1250.00, above the 1000.00 maximum: 1000.00.
    maize = item(1, "100590", "16000.00", unit="KGM", quantity="25000", net_mass="25000.000", gross_mass="25100.000")
    a = run(declaration([maize]))
    duty = a.items[0].levies[0]
    assert duty.amount == D("1000.00")
    assert "maximum" in (duty.note or "")


def test_compound_duty_with_its_minimum_and_excise_in_the_vat_base() -> None:
    # Wine (2204): 6% + 1.20 PEN/LTR, at least 50.00. 20 LTR at 100.00 USD CIF = 380.00 PEN.
    # 6% of 380.00 = 22.80, plus 20 x 1.20 = 24.00: 46.80 < 50.00 -> the minimum, 50.00.
    # Excise 20% of (380.00 + 50.00) = 86.00. IGV 16% of (380 + 50 + 86 = 516.00) = 82.56; IPM 2% = 10.32.
    small = item(1, "220421", "100.00", unit="LTR", quantity="20")
    a = run(declaration([small]))
    duty = a.items[0].levies[0]
    assert duty.amount == D("50.00") and "minimum" in (duty.note or "")
    assert duty.rate_text == "6% + 1.20 PEN/LTR (min 50.00)"
    assert levy(a, 1, "ISC") == D("86.00")
    assert levy(a, 1, "IGV") == D("82.56") and levy(a, 1, "IPM") == D("10.32")
    # 200 LTR at 1000.00 USD = 3800.00 PEN: 228.00 + 240.00 = 468.00, above the minimum.
    large = item(1, "220421", "1000.00", unit="LTR", quantity="200")
    assert run(declaration([large])).items[0].levies[0].amount == D("468.00")


def test_preference_granted_with_qualifying_origin_and_certificate() -> None:
    # Chilean grapes under the Pacific Alliance with a certificate N954: 0% instead of 6%.
    grapes = item(1, "080610", "1000.00", origin_country="CL", preference="PA")
    decl = declaration([grapes])
    decl.data = _with_documents(decl, ("N954", "PA-CL-1", None))
    a = run(decl)
    assert a.items[0].preference_applied == "PA"
    assert levy(a, 1, "DUTY") == D("0.00")
    assert any("granted" in n for n in a.items[0].notes)


@pytest.mark.parametrize(
    ("origin", "preference", "documents", "why"),
    [
        ("CL", "PA", (), "no proof of origin"),
        ("CL", "PA", (("N954", "PA-CL-1", 2),), "no proof of origin"),  # certificate for another item
        ("US", "PA", (("N954", "PA-US-1", None),), "origin US does not qualify"),
        ("CL", "ZZ", (("N954", "X", None),), "not a trade agreement"),
    ],
)
def test_preference_refused_falls_back_to_mfn_and_says_why(
    origin: str, preference: str, documents: tuple[tuple[str, str, int | None], ...], why: str
) -> None:
    # Refused: MFN 6% of 3800.00 PEN = 228.00.
    decl = declaration([item(1, "080610", "1000.00", origin_country=origin, preference=preference)])
    decl.data = _with_documents(decl, *documents)
    a = run(decl)
    assert a.items[0].preference_applied is None
    assert levy(a, 1, "DUTY") == D("228.00")
    assert any(why in n for n in a.items[0].notes)


@pytest.mark.parametrize(
    ("incoterm", "customs_value"),
    [
        # Invoice 1000.00 USD, freight 100.00, insurance 10.00; USD = 3.800 PEN.
        ("EXW", "4218.00"),  # (1000 + 100 + 10) x 3.8: buyer pays carriage and insurance
        ("FCA", "4218.00"),
        ("FOB", "4218.00"),
        ("CFR", "3838.00"),  # (1000 + 10) x 3.8: freight in the price, insurance added
        ("CPT", "3838.00"),
        ("CIF", "3800.00"),  # 1000 x 3.8: both in the price
        ("CIP", "3800.00"),
        ("DAP", "3800.00"),  # delivered: the price as invoiced, nothing deducted
        ("DDP", "3800.00"),
    ],
)
def test_each_incoterm_group_builds_the_cif_value(incoterm: str, customs_value: str) -> None:
    decl = declaration([item(1, "950300", "1000.00")], incoterm=incoterm, freight="100.00", insurance="10.00")
    a = run(decl)
    assert a.items[0].customs_value == D(customs_value)
    assert levy(a, 1, "DUTY") == (D(customs_value) * D("0.10")).quantize(D("0.01"))


def test_most_specific_code_wins() -> None:
    sched = schedule(
        duties=(
            DutyLine("851713", ad_valorem=D("5")),
            DutyLine("85171300", ad_valorem=D("7")),
            DutyLine("8517130010", ad_valorem=D("9")),
        )
    )
    assert sched.duty_line("8517130010") is not None and sched.duty_line("8517130010").code == "8517130010"  # type: ignore[union-attr]
    picks = {code: sched.duty_line(code).code for code in ("8517130020", "85171399", "851762")}  # type: ignore[union-attr]
    assert picks == {"8517130020": "85171300", "85171399": "851713", "851762": "8517"}
    # 1000.00 USD = 3800.00 PEN at 9% = 342.00
    a = run(declaration([item(1, "8517130010", "1000.00")]), sched)
    assert a.items[0].tariff_line == "8517130010" and levy(a, 1, "DUTY") == D("342.00")


@pytest.mark.parametrize(("mode", "expected"), [("half_up", "100.01"), ("half_even", "100.00"), ("down", "100.00")])
def test_rounding_is_configured_per_tax(mode: str, expected: str) -> None:
    # Customs value 1000.05 PEN (CIF, in PEN), duty 0%; a 10% tax is exactly 100.005.
    taxes = (TaxRule("VAT", "VAT", "vat", rate=D("10"), rounding=Rounding(D("0.01"), mode)),)
    phone = item(1, "851713", "1000.05", invoice_currency="PEN")
    a = run(declaration([phone], currency="PEN"), schedule(taxes=taxes), rates=())
    assert levy(a, 1, "VAT") == D(expected)


def test_every_problem_preventing_assessment_is_reported_at_once() -> None:
    wine = item(2, "220421", "100.00", unit="H87")  # wine is charged per litre
    unknown = item(3, "640399", "100.00")  # no line for 6403 in the test schedule
    decl = declaration([item(1, "851713", "100.00"), wine, unknown], incoterm="FOB")  # no freight, no insurance
    with pytest.raises(ValidationFailed) as err:
        run(decl, rates=())  # and no USD rate
    found = {(i.code, i.pointer) for i in err.value.issues}
    assert found == {
        ("EXCHANGE_RATE_MISSING", "/invoice/currency"),
        ("FREIGHT_REQUIRED", "/invoice/freight"),
        ("INSURANCE_REQUIRED", "/invoice/insurance"),
        ("TARIFF_UNIT_MISMATCH", "/goods_items/1/unit"),
        ("DUTY_RATE_MISSING", "/goods_items/2/commodity_code"),
    }
    assert all(i.message for i in err.value.issues)


def test_the_rate_in_force_is_the_latest_published_on_or_before_the_day_and_recent() -> None:
    rates = [ExchangeRate("USD", date(2026, 11, 20), D("3.70")), ExchangeRate("USD", date(2026, 11, 27), D("3.80"))]
    assert rate_in_force(rates, "USD", date(2026, 11, 27)).rate == D("3.80")  # type: ignore[union-attr]
    assert rate_in_force(rates, "USD", date(2026, 11, 26)).rate == D("3.70")  # type: ignore[union-attr]
    assert rate_in_force(rates, "USD", date(2026, 12, 4)).rate == D("3.80")  # type: ignore[union-attr]
    assert rate_in_force(rates, "USD", date(2026, 12, 5)) is None  # more than 7 days old
    assert rate_in_force(rates, "USD", date(2026, 11, 19)) is None
    assert rate_in_force(rates, "EUR", date(2026, 11, 27)) is None


def test_apportioned_shares_add_up_to_the_cent() -> None:
    shares = apportion(D("100.00"), [D("1"), D("1"), D("1")])
    assert shares == [D("33.34"), D("33.33"), D("33.33")] and sum(shares) == D("100.00")
    assert apportion(D("0.05"), [D("10"), D("0")]) == [D("0.05"), D("0.00")]


def _with_documents(decl: Declaration, *docs: tuple[str, str, int | None]) -> DeclarationData:
    extra = tuple(Document(type=t, reference=r, item_sequence=s) for t, r, s in docs)
    return replace(decl.data, documents=decl.data.documents + extra)


def test_a_procedure_that_suspends_duties_leaves_the_item_without_levies() -> None:
    # Item 1 enters a customs warehouse (procedure 71): valued, nothing charged. Item 2 is released for
    # home use (40): 10% of 3800.00 = 380.00 as usual. The declaration fee is charged once.
    sched = replace(schedule(), relief_procedures={"71": "customs warehousing"})
    decl = declaration([item(1, "950300", "1000.00", procedure_code="7100"), item(2, "950300", "1000.00")])
    a = run(decl, sched)
    warehoused, released = a.items
    assert released.levies
    assert warehoused.customs_value == D("3800.00") and warehoused.levies == ()
    assert warehoused.notes == ("duties and taxes suspended under procedure 71 (customs warehousing)",)
    assert levy(a, 2, "DUTY") == D("380.00")
    assert a.totals["TDA"] == D("24")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("net_mass", "-300000.000", "TARIFF_BASE_NOT_POSITIVE"),
        ("net_mass", "0.000", "TARIFF_BASE_NOT_POSITIVE"),
        ("net_mass", "NaN", "TARIFF_BASE_NOT_POSITIVE"),
        ("quantity", "-15000", "TARIFF_BASE_NOT_POSITIVE"),
        ("quantity", "sNaN", "TARIFF_BASE_NOT_POSITIVE"),
        ("invoice_amount", "-10000.00", "TARIFF_BASE_NEGATIVE"),
        ("invoice_amount", "Infinity", "TARIFF_BASE_NEGATIVE"),
    ],
)
def test_a_negative_zero_or_undefined_base_is_refused_never_assessed(field: str, value: str, code: str) -> None:
    # Finding 3: maize at 0.05 PEN/kg with net mass -300,000 kg was assessed at -15,000 duty and -2,393.62 IGV.
    maize = item(1, "100590", "10000.00", unit="KGM", quantity="300000", net_mass="300000.000", gross_mass="300100.000")
    decl = declaration([maize], incoterm="CIF", currency="PEN")
    # built past the API's schema (which refuses NaN), as another channel or a bug might hand it over
    changes: dict[str, Any] = {field: D(value)}
    bad_item = replace(decl.data.goods_items[0], **changes)
    decl = replace(decl, data=replace(decl.data, goods_items=type(decl.data.goods_items)([bad_item])))
    with pytest.raises(ValidationFailed) as err:
        run(decl)
    assert (code, f"/goods_items/0/{field}") in [(i.code, i.pointer) for i in err.value.issues]


def test_negative_freight_cannot_lower_the_duty() -> None:
    phones = item(1, "610910", "1000.00")
    with pytest.raises(ValidationFailed) as err:
        run(declaration([phones], incoterm="FOB", freight="-5000.00", insurance="0"))
    assert [(i.code, i.pointer) for i in err.value.issues] == [("TARIFF_BASE_NEGATIVE", "/invoice/freight")]
