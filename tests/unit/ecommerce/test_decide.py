"""Outcomes: the column-wise rules equal the domain rules; the inspection lane keeps to its capacity."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import polars as pl

from clearway.ecommerce import decide
from clearway.ecommerce.model import Flag, Outcome
from clearway.ecommerce.model import decide as decide_one
from clearway.ecommerce.screening import why
from tests.unit.ecommerce.helpers import cfg


def _frame(flag_sets: list[set[Flag]], day: date = date(2026, 11, 1)) -> pl.DataFrame:
    data: dict[str, list[object]] = {"parcel_id": [f"P{i:04d}" for i in range(len(flag_sets))]}
    for f in Flag:
        data[why(f)] = [f"because {f.value}" if f in s else None for s in flag_sets]
    data["day"] = [day] * len(flag_sets)
    return pl.DataFrame(data, schema={"parcel_id": pl.String, **{why(f): pl.String for f in Flag}, "day": pl.Date})


def test_vectorised_outcomes_equal_the_domain_rule_for_every_flag_combination() -> None:
    flags = list(Flag)
    sets = [set(c) for n in range(len(flags) + 1) for c in combinations(flags, n)]
    out = decide.outcomes(_frame(sets))
    for s, decision, joined in zip(sets, out["decision"], out["flags"], strict=True):
        assert decision == decide_one(s).value, s
        assert set(filter(None, joined.split(";"))) == {f.value for f in s}


def test_inspection_capacity_keeps_the_riskiest_and_holds_the_rest_for_documents() -> None:
    sets = [{Flag.UNDERVALUATION}] * 6 + [{Flag.IP_INFRINGEMENT, Flag.UNDERVALUATION}] * 2 + [set()] * 92
    out = decide.apply_capacity(decide.outcomes(_frame(sets)), cfg(inspection_share=0.05))
    inspected = out.filter(pl.col("decision") == Outcome.HOLD_INSPECTION.value)
    assert inspected.height == 5
    assert set(out["parcel_id"][6:8]) <= set(inspected["parcel_id"])
    moved = out.filter(pl.col("reasons").str.contains("inspection capacity"))
    assert moved.height == 3 and set(moved["decision"]) == {Outcome.HOLD_DOCUMENTS.value}
    assert out["parcel_id"].to_list() == sorted(out["parcel_id"].to_list())  # order kept


def test_parcels_already_inspected_that_day_use_up_the_capacity() -> None:
    day = date(2026, 11, 1)
    sets = [{Flag.UNDERVALUATION}] * 4 + [set()] * 96
    out = decide.apply_capacity(decide.outcomes(_frame(sets, day)), cfg(inspection_share=0.05), {day: (100, 8)})
    assert out.filter(pl.col("decision") == "hold_inspection").height == 2
