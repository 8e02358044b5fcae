"""Rules an administration relies on: which goods each agency controls, versions by date, decisions, figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clearway.core.issues import Conflict, ValidationFailed
from clearway.single_window.model import (
    Agency,
    AgencyDecision,
    AppStatus,
    GoodsLine,
    HsSpec,
    Need,
    Permit,
    Requirement,
    RuleSet,
    check_decision,
    needs_text,
    percentile,
    validate_requirement,
)


def line(code: str, origin: str = "CL", seq: int = 1, procedure: str = "4000", end_use: str | None = None) -> GoodsLine:
    return GoodsLine(seq, code, "goods", origin, procedure, Decimal(100), "KGM", Decimal(100), end_use)


def rule(rule_id: str, agency: str, *hs: str, **kw: object) -> Requirement:
    base: dict[str, object] = {
        "needs": (Need("certificate", "phytosanitary certificate"),),
        "effective_from": date(2026, 1, 1),
    }
    base.update(kw)
    return Requirement(rule_id, agency, tuple(HsSpec.parse(h) for h in hs), **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "code", "expected"),
    [
        ("08", "080610", True),
        ("08", "090111", False),
        ("06-14", "100590", True),
        ("06-14", "150100", False),
        ("8517", "851713", True),
        ("8517", "851810", False),
        ("300490", "3004901000", True),
        ("0601-0699", "060310", True),
        ("0601-0699", "070200", False),
    ],
)
def test_an_hs_spec_matches_chapters_headings_codes_and_ranges(spec: str, code: str, expected: bool) -> None:
    assert HsSpec.parse(spec).matches(code) is expected


@pytest.mark.parametrize("bad", ["8", "08x", "14-06", "08-1499", "", "123"])
def test_a_malformed_hs_spec_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        HsSpec.parse(bad)


def test_a_spec_is_within_the_union_of_an_agencys_scope() -> None:
    scope = [HsSpec.parse("06-07"), HsSpec.parse("08"), HsSpec.parse("09-14")]
    assert HsSpec.parse("06-14").within_any(scope)
    assert HsSpec.parse("0806").within_any(scope)
    assert not HsSpec.parse("06-15").within_any(scope)
    assert not HsSpec.parse("30").within_any(scope)


def test_origin_procedure_and_end_use_narrow_a_rule() -> None:
    r = rule("R", "SENASA", "1005", origins=frozenset({"AR"}), procedures=("40",), end_uses=frozenset({"feed"}))
    assert r.applies_to(line("100590", "AR", end_use="feed"))
    assert not r.applies_to(line("100590", "US"))
    assert not r.applies_to(line("100590", "AR", procedure="7100"))
    assert not r.applies_to(line("100590", "AR", end_use="seed"))
    # an end use nobody declared is routed, to be safe
    assert r.applies_to(line("100590", "AR"))


def test_routing_groups_goods_per_agency_with_the_versions_in_force_that_day() -> None:
    old = rule("FRUIT", "SENASA", "08", effective_to=date(2026, 6, 1))
    new = rule("FRUIT", "SENASA", "0806", effective_from=date(2026, 6, 1), version=2)
    meds = rule("MEDS", "DIGEMID", "30")
    rules = RuleSet({}, [old, new, meds])
    goods = [line("080390", seq=1), line("080610", seq=2), line("300490", seq=3), line("847130", seq=4)]
    may = rules.route(goods, date(2026, 5, 31))
    assert may.agencies == ["DIGEMID", "SENASA"]
    assert [g.sequence for g in may.by_agency["SENASA"][1]] == [1, 2]
    july = rules.route(goods, date(2026, 7, 1))
    assert [g.sequence for g in july.by_agency["SENASA"][1]] == [2]
    assert july.by_agency["SENASA"][0] == (new,)
    assert rules.route(goods, date(2025, 12, 31)).agencies == []


def test_a_rule_for_an_unknown_agency_or_need_kind_is_refused() -> None:
    r = rule("R", "NOPE", "08", needs=(Need("blessing", "x"),), auto="always")
    codes = {i.code for i in validate_requirement(r, ["SENASA"], "")}
    assert codes == {"AGENCY_UNKNOWN", "NEED_KIND", "AUTO_MODE"}


def test_decisions_follow_the_application_lifecycle() -> None:
    assert check_decision(AppStatus.SUBMITTED, AgencyDecision.APPROVE, "", []) is AppStatus.APPROVED
    assert check_decision(AppStatus.INFO_REQUESTED, AgencyDecision.REFUSE, "", ["fake"]) is AppStatus.REFUSED
    with pytest.raises(ValidationFailed):
        check_decision(AppStatus.SUBMITTED, AgencyDecision.REFUSE, "", ["  "])
    with pytest.raises(ValidationFailed):
        check_decision(AppStatus.SUBMITTED, AgencyDecision.REQUEST_INFO, " ", [])
    with pytest.raises(Conflict):
        check_decision(AppStatus.APPROVED, AgencyDecision.REFUSE, "", ["late"])


def test_a_permit_counts_goods_in_its_own_unit() -> None:
    permit = Permit(
        "P-1",
        "SENASA",
        "PE1",
        "permit",
        False,
        (HsSpec.parse("08"),),
        date(2026, 1, 1),
        date(2026, 12, 31),
        "TNE",
        Decimal(10),
        Decimal(10),
    )
    assert permit.draw_for([line("080610"), line("080390", seq=2)]) == Decimal("0.2")
    assert permit.valid_on(date(2026, 12, 31)) and not permit.valid_on(date(2027, 1, 1))
    pieces = GoodsLine(1, "080610", "g", "CL", "4000", Decimal(5), "H87", Decimal(1))
    per_piece = Permit(
        "P-2",
        "SENASA",
        "PE1",
        "permit",
        False,
        (HsSpec.parse("08"),),
        date(2026, 1, 1),
        date(2026, 12, 31),
        "NAR",
        Decimal(10),
        Decimal(10),
    )
    with pytest.raises(Exception, match="counts NAR"):
        per_piece.draw_for([pieces])


def test_blockers_name_what_is_missing() -> None:
    needs = [
        {"kind": "certificate", "name": "phytosanitary certificate"},
        {"kind": "inspection", "name": "plant health inspection"},
    ]
    assert needs_text(needs) == "phytosanitary certificate missing; plant health inspection pending"
    assert Agency("SENASA", "Servicio", "plant health").label == "SENASA (plant health)"


def test_percentiles_interpolate_between_ranks() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 90) == pytest.approx(7.6)
    assert percentile([5.0], 90) == 5.0
    with pytest.raises(ValueError):
        percentile([], 50)
