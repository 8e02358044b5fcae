"""The schedule and the exchange rates are data the administration edits: bad rows are all reported."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clearway.core.issues import ValidationFailed
from clearway.tariff import schedule_io
from clearway.tariff.rates_demo import as_csv, demo_rates
from clearway.tariff.seed import demo_schedule_path

GOOD = """
name: Test tariff
currency: PEN
agreements:
  - {code: PA, name: Pacific Alliance, origins: [CL, CO, MX], proof_documents: [N954]}
duties:
  - {code: "8517", ad_valorem: "0"}
  - {code: "2204", ad_valorem: 6, specific: "1.20", unit: LTR, minimum: "50"}
  - {code: "0806", agreement: PA, ad_valorem: "0"}
taxes:
  - {code: IGV, name: IGV, kind: vat, rate: "16", base: "customs_value+duty+excise"}
  - {code: TDA, kind: fee, amount: "23.60", per: declaration, rounding: {quantum: "1", mode: half_even}}
"""


def _issues(text: str) -> set[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as err:
        schedule_io.parse_schedule_yaml(text)
    return {(i.code, i.pointer) for i in err.value.issues}


def test_a_valid_schedule_loads_with_its_lines_agreements_and_taxes() -> None:
    s = schedule_io.parse_schedule_yaml(GOOD)
    assert len(s.duties) == 3 and set(s.agreements) == {"PA"}
    wine = s.duty_line("22042100")
    assert wine is not None and wine.ad_valorem == Decimal("6") and wine.minimum == Decimal("50")
    assert s.duty_line("080610", "PA") is not None and s.duty_line("080610") is None
    assert s.taxes[1].rounding.mode == "half_even"
    # what is stored reads back the same
    assert schedule_io.schedule_from_dict(schedule_io.schedule_as_dict(s)) == s


def test_every_bad_row_is_reported_with_a_pointer() -> None:
    bad = """
currency: PEN
agreements:
  - {code: PA, origins: [CL, XX], proof_documents: [N954]}
duties:
  - {code: "851", ad_valorem: "0"}
  - {code: 8517, ad_valorem: "0"}
  - {code: "6109"}
  - {code: "2204", specific: "1.2"}
  - {code: "0806", agreement: CAN, ad_valorem: "0"}
  - {code: "9503", ad_valorem: "ten"}
  - {code: "9506", ad_valorem: "6", minimum: "10", maximum: "5"}
  - {code: "9503", ad_valorem: "-1"}
  - {code: "3004", ad_valorem: "0"}
  - {code: "3004", ad_valorem: "1"}
taxes:
  - {code: IGV, kind: vat}
  - {code: TDA, kind: fee, amount: "5", base: "price"}
"""
    found = _issues(bad)
    assert found >= {
        ("TARIFF_AGREEMENT", "/agreements/0/origins"),
        ("TARIFF_CODE", "/duties/0/code"),
        ("TARIFF_CODE", "/duties/1/code"),  # unquoted: YAML would drop leading zeros
        ("TARIFF_RATE_REQUIRED", "/duties/2/ad_valorem"),
        ("TARIFF_UNIT", "/duties/3/unit"),
        ("TARIFF_AGREEMENT", "/duties/4/agreement"),
        ("TARIFF_NUMBER", "/duties/5/ad_valorem"),
        ("TARIFF_BOUNDS", "/duties/6/minimum"),
        ("TARIFF_NUMBER", "/duties/7/ad_valorem"),
        ("TARIFF_DUPLICATE", "/duties/9/code"),
        ("TARIFF_TAX", "/taxes/0/rate"),
        ("TARIFF_TAX", "/taxes/1/base"),
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("currency: PEN\nduties: [", "TARIFF_YAML"),
        ("- just\n- a list", "TARIFF_STRUCTURE"),
        ("currency: PEN\nduties: []", "TARIFF_EMPTY"),
        ("currency: XYZ\nduties:\n  - {code: '8517', ad_valorem: '0'}", "TARIFF_CURRENCY"),
    ],
)
def test_malformed_files_are_refused_clearly(text: str, code: str) -> None:
    assert code in {c for c, _ in _issues(text)}


def test_csv_duty_lines_replace_the_lines_and_keep_agreements_and_taxes() -> None:
    base = schedule_io.parse_schedule_yaml(GOOD)
    text = (
        "code,agreement,ad_valorem,specific,unit,minimum,maximum,description\n"
        "8517,,0,,,,,Telephones\n"
        "0806,PA,0,,,,,Grapes PA\n"
        "2204,,6,1.20,LTR,50,,Wine\n"
    )
    s = schedule_io.parse_duties_csv(text, base)
    assert len(s.duties) == 3 and s.taxes == base.taxes and s.agreements == base.agreements
    bad = "code,agreement,ad_valorem,specific,unit\n8517,,zero,,\n0806,EU,0,,\n12,,0,,\n"
    with pytest.raises(ValidationFailed) as err:
        schedule_io.parse_duties_csv(bad, base)
    assert {(i.code, i.pointer) for i in err.value.issues} == {
        ("TARIFF_NUMBER", "/2/ad_valorem"),
        ("TARIFF_AGREEMENT", "/3/agreement"),
        ("TARIFF_CODE", "/4/code"),
    }
    with pytest.raises(ValidationFailed) as err:
        schedule_io.parse_duties_csv("hs,rate\n8517,0\n", base)
    assert err.value.issues[0].code == "TARIFF_COLUMNS"


def test_exchange_rates_are_validated_row_by_row() -> None:
    good = schedule_io.parse_rates("currency,valid_from,rate\nUSD,2026-11-27,3.7512\nEUR,2026-11-27,4.05\n", "PEN")
    assert {(r.currency, r.rate) for r in good} == {("USD", Decimal("3.7512")), ("EUR", Decimal("4.05"))}
    bad = (
        "currency,valid_from,rate\n"
        "USD,2026-13-01,3.75\n"
        "PEN,2026-11-27,1\n"
        "USD,2026-11-27,-3\n"
        "EUR,2026-11-27,\n"
        "EUR,2026-11-28,4.0\n"
        "EUR,2026-11-28,4.1\n"
    )
    with pytest.raises(ValidationFailed) as err:
        schedule_io.parse_rates(bad, "PEN")
    assert {(i.code, i.pointer) for i in err.value.issues} == {
        ("RATE_DATE", "/2/valid_from"),
        ("RATE_CURRENCY", "/3/currency"),
        ("TARIFF_NUMBER", "/4/rate"),
        ("RATE_REQUIRED", "/5/rate"),
        ("RATE_DUPLICATE", "/7/valid_from"),
    }


def test_the_demo_schedule_covers_every_code_of_the_demo_nomenclature() -> None:
    s = schedule_io.parse_schedule_yaml(demo_schedule_path().read_text(encoding="utf-8"))
    nomenclature = Path(__file__).resolve().parents[3] / "src" / "clearway" / "demo" / "data" / "demo_hs.csv"
    with nomenclature.open(encoding="utf-8") as fh:
        codes = [r["hscode"] for r in csv.DictReader(fh) if len(r["hscode"]) == 6]
    assert codes and [c for c in codes if s.duty_line(c) is None] == []
    assert {"PA", "CAN"} <= set(s.agreements)


def test_demo_rates_cover_sixty_days_back_and_thirty_ahead_and_read_back() -> None:
    rates = demo_rates(date(2026, 11, 30))
    days = sorted({r.valid_from for r in rates})
    assert days[0] == date(2026, 10, 1) and days[-1] == date(2026, 12, 30) and len(days) == 91
    assert {r.currency for r in rates} == {"USD", "EUR"}
    assert all(Decimal("3.5") < r.rate < Decimal("4.5") for r in rates)
    assert sorted(schedule_io.parse_rates(as_csv(rates), "PEN"), key=str) == sorted(rates, key=str)


def test_relief_procedures_are_read_and_checked() -> None:
    s = schedule_io.parse_schedule_yaml(GOOD + 'relief_procedures: {"71": customs warehousing}\n')
    assert s.relief_procedures == {"71": "customs warehousing"}
    assert ("TARIFF_PROCEDURES", "/relief_procedures") in _issues(GOOD + "relief_procedures: {71: warehousing}\n")
