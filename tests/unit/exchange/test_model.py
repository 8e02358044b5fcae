"""The exchange's domain rules: how an export is recognised, how pairs match, how gaps are computed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from clearway.declarations import codec
from clearway.declarations.model import Declaration, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.exchange.model import (
    alert_issues,
    backoff,
    destination,
    fob_value,
    gaps,
    import_index,
    is_export,
    is_import,
    match_basis,
    summary_of,
    time_problem,
)
from tests.integration.exchange.docs import export_doc, import_doc

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def decl(doc: dict[str, Any], mrn: str = "26CLX") -> Declaration:
    data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    return Declaration(id="x", mrn=mrn, data=data, status=Status.RELEASED, lodged_at=NOW, released_at=NOW)


def test_exports_are_told_apart_by_type_or_export_procedures() -> None:
    assert is_export(decl(export_doc("E1")))
    imp = decl(import_doc("I1", value="100"))
    assert is_import(imp) and not is_export(imp)
    disguised = import_doc("I2", value="100")
    disguised["goods_items"][0]["procedure_code"] = "1000"  # a permanent export declared on an IM form
    assert is_export(decl(disguised))
    assert destination(decl(export_doc("E1"))) == "PE"


def test_summary_carries_references_parties_items_and_terms() -> None:
    s = summary_of(decl(export_doc("E1", value="48000.00", ucr="UCR-1", bl="BL-1")), country="CL")
    assert (s["ucr"], s["transport_document"], s["containers"]) == ("UCR-1", "BL-1", ["MSCU1234565"])
    assert s["items"][0]["hs6"] == "220421" and s["incoterm"] == "FOB" and s["value"] == "48000.00"
    assert s["exporter"]["id"] == "CL760864285" and s["consignee"]["country"] == "PE"


def _pair(**changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    e = summary_of(decl(export_doc("E1", value="48000.00", ucr="UCR-1", bl="BL-1")), country="CL")
    i = import_index(decl(import_doc("I1", value="19200.00", ucr="UCR-1", bl="BL-1"), mrn="26PEX"))
    i.update(changes)
    return e, i


def test_matching_prefers_ucr_then_transport_document_then_parties_hs_and_dates() -> None:
    e, i = _pair()
    assert match_basis(e, i) == "ucr"
    e, i = _pair(ucr=None)
    assert match_basis(e, i) == "transport_document"
    e, i = _pair(ucr=None, containers=["OTHR7654321"])
    assert match_basis(e, i) == "parties_hs_dates"  # a different container is no transport-document match
    e, i = _pair(ucr=None, transport_document=None)
    assert match_basis(e, i) == "parties_hs_dates"
    far = (datetime.fromisoformat(e["date"]) + timedelta(days=31)).date().isoformat()
    e, i = _pair(ucr=None, transport_document=None, date=far)
    assert match_basis(e, i) is None
    e, i = _pair(ucr=None, transport_document=None, consignee={"id": "PE999", "name": "x", "country": "PE"})
    assert match_basis(e, i) is None


def test_matching_across_hs_versions_falls_back_to_the_heading() -> None:
    e, i = _pair(ucr=None, transport_document=None)
    i["items"] = [{**i["items"][0], "hs6": "220429"}]  # same heading 2204, another subheading
    assert match_basis(e, i) == "parties_hs_dates"
    i["items"] = [{**i["items"][0], "hs6": "850440"}]
    assert match_basis(e, i) is None


def test_value_gap_after_fob_cif_adjustment() -> None:
    e, i = _pair()
    [value, *_] = gaps(e, i, basis="ucr", import_mrn="26PEX")
    assert value.code == "VALUE_GAP" and value.severity == "high"
    # 19,200 CIF less 700 declared freight and insurance = 18,500 FOB against 48,000 FOB
    assert Decimal(value.figures["import_fob"]) == Decimal("18500.00")
    assert value.reason.startswith("exported from CL at 48,000 USD FOB, imported at 19,200 USD CIF: −61%")
    e, i = _pair(value="48700.00")
    [value, *_] = gaps(e, i, basis="ucr", import_mrn="26PEX")
    assert value.severity == "low"  # 48,700 CIF is 48,000 FOB plus the declared charges


def test_cif_without_declared_charges_uses_the_imf_factor() -> None:
    amount, how = fob_value({"value": "11000", "incoterm": "CIF"})
    assert amount == Decimal(10000) and "1.10" in how
    assert fob_value({"value": "5", "incoterm": "FOB"})[0] == Decimal(5)


def test_quantity_mass_hs_and_origin_gaps() -> None:
    e, i = _pair()
    i["items"] = [{**i["items"][0], "quantity": "6000", "net_mass": "4000", "hs6": "220429", "origin": "AR"}]
    codes = {f.code for f in gaps(e, i, basis="ucr", import_mrn="26PEX")}
    assert {"QUANTITY_GAP", "MASS_GAP", "HS_MISMATCH", "ORIGIN_MISMATCH"} <= codes


def _value_fact(e: dict[str, Any], i: dict[str, Any], **kw: Any) -> Any:
    [f] = [f for f in gaps(e, i, basis="ucr", import_mrn="26PEX", **kw) if f.code in {"VALUE_GAP", "CURRENCY_DIFFERS"}]
    return f


def test_different_currencies_without_official_rates_are_not_compared() -> None:
    e, i = _pair(currency="EUR")
    f = _value_fact(e, i)
    assert f.code == "CURRENCY_DIFFERS" and "no official rate for EUR, USD" in f.reason
    # a rate for one of the two is not enough
    f = _value_fact(e, i, national="PEN", rates=lambda cur, on: Decimal("3.75") if cur == "USD" else None)
    assert f.code == "CURRENCY_DIFFERS" and "no official rate for EUR" in f.reason


def test_different_currencies_compare_in_national_currency_at_the_official_rates() -> None:
    # exported at 48,000 USD FOB; imported at 69,375 PEN CIF (18,500 USD FOB-equivalent at 3.75, plus 700 USD
    # of charges declared in PEN: 2,625) — the same −61% as in US dollars
    e, i = _pair(currency="PEN", value="72000.00", freight="2000.00", insurance="625.00")
    rates = {"USD": Decimal("3.75")}
    seen: list[tuple[str, Any]] = []

    def rate(cur: str, on: Any) -> Decimal | None:
        seen.append((cur, on))
        return rates.get(cur)

    f = _value_fact(e, i, national="PEN", rates=rate)
    assert f.code == "VALUE_GAP" and f.severity == "high" and f.figures["compared_in"] == "PEN"
    assert Decimal(f.figures["export_fob"]) == Decimal("180000.00")  # 48,000 × 3.75
    assert Decimal(f.figures["import_fob"]) == Decimal("69375.00")
    assert "imported at 72,000 PEN CIF: −61%" in f.reason and "1 USD = 3.75 PEN" in f.reason
    assert seen == [("USD", datetime.fromisoformat(e["date"]).date())]  # the export's own day, once


def test_hs_2017_codes_match_what_hs_2022_made_of_them() -> None:
    from clearway.reference.hs_correlation import current

    e, i = _pair(ucr=None, transport_document=None)
    e["items"] = [{**e["items"][0], "hs6": "851712"}]  # HS 2017: telephones for cellular networks
    i["items"] = [{**i["items"][0], "hs6": "851713"}]  # HS 2022: smartphones
    assert match_basis(e, i, current()) == "parties_hs_dates"
    assert "HS_MISMATCH" not in {f.code for f in gaps(e, i, basis="ucr", import_mrn="26PEX", hs=current())}
    assert "HS_MISMATCH" in {f.code for f in gaps(e, i, basis="ucr", import_mrn="26PEX")}  # without the table
    # HS 2017 9405.40 became 9405.41/42/49: a lamp exported under 9405.40 never matches a chair under 9401.31
    e["items"] = [{**e["items"][0], "hs6": "940540"}]
    i["items"] = [{**i["items"][0], "hs6": "940131"}]
    assert match_basis(e, i, current()) is None


def test_backoff_doubles_and_caps() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(40).total_seconds() == 600


def test_time_window() -> None:
    w = timedelta(minutes=5)
    assert time_problem(NOW - timedelta(minutes=4), NOW, w) is None
    assert time_problem(NOW - timedelta(minutes=6), NOW, w).code == "EXPIRED"  # type: ignore[union-attr]
    assert time_problem(NOW + timedelta(minutes=6), NOW, w).code == "FUTURE"  # type: ignore[union-attr]


def test_alert_form_checks() -> None:
    assert alert_issues({"kind": "seizure", "what": "cocaine", "parties": [{"id": "CL1"}]}) == []
    codes = {i.code for i in alert_issues({"kind": "x", "what": " ", "hs_code": "12", "parties": [{"name": "n"}]})}
    assert codes == {"ALERT_KIND", "REQUIRED", "HS_FORMAT"}
