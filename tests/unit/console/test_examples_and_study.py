"""The README's example declaration is valid; the Time Release Study splits clearance into WCO stages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from clearway.declarations.dashboard import stage_hours, time_release_study
from clearway.declarations.schemas import DeclarationIn

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "declaration.json"
T0 = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)


def test_the_readme_example_declaration_is_valid() -> None:
    data = DeclarationIn.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")), strict=False)
    assert data.office == "PECLL" and data.goods_items


def timeline(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "office": "PECLL",
        "lane": "red",
        "arrival_date": "2026-11-10",
        "lodged_at": T0 + timedelta(hours=10),
        "accepted_at": T0 + timedelta(hours=10),
        "released_at": T0 + timedelta(hours=60),
        "events": [
            ("assessed", T0 + timedelta(hours=10, minutes=6), ""),
            ("physical_check", T0 + timedelta(hours=10, minutes=6), ""),
            ("agency_decision", T0 + timedelta(hours=30), "SENASA"),
            ("payment", T0 + timedelta(hours=20), ""),
            ("control_result", T0 + timedelta(hours=58), ""),
        ],
    }
    base.update(kw)
    return base


def test_clearance_is_timed_from_arrival_and_split_into_stages() -> None:
    total, stages = stage_hours(timeline())
    assert total == 60
    assert stages["lodgement"] == 10  # arrival (00:00) to lodgement (10:00)
    assert stages["assessment"] == 0.1
    assert round(stages["payment"], 1) == 9.9
    assert stages["agency"] == 20
    assert round(stages["control"], 1) == 47.9
    assert stages["release"] == 2  # from the control result (the last milestone) to release


def test_a_pre_arrival_lodgement_starts_the_clock_at_lodgement() -> None:
    early = timeline(arrival_date="2026-11-12", events=[])
    total, stages = stage_hours(early)
    assert total == 50 and stages == {"lodgement": 0, "release": 50}


def test_the_study_names_the_longest_stage_per_office_lane_and_agency() -> None:
    green = timeline(
        lane="green",
        released_at=T0 + timedelta(hours=10, minutes=6),
        events=[("assessed", T0 + timedelta(hours=10, minutes=6), "")],
    )
    study = time_release_study([timeline(), timeline(), green])
    assert study.overall is not None and study.overall.released == 3
    assert [g.key for g in study.by_lane] == ["red", "green"]
    red = study.by_lane[0]
    assert red.longest_stage == "control" and red.median_hours == 60
    assert study.by_lane[1].longest_stage == "lodgement"  # green: waiting before lodgement is the whole story
    assert [g.key for g in study.by_agency] == ["SENASA"] and study.by_agency[0].released == 2
    assert time_release_study([]).overall is None
