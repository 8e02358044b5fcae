"""GEOAT indicators on a hand-worked staff list; small groups hidden and not recoverable by subtraction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clearway.workforce.indicators import COLUMNS, Table, compute, protect
from clearway.workforce.model import StaffMember

TODAY = date(2026, 6, 30)


def person(
    sid: str,
    gender: str,
    grade: str,
    *,
    lead: bool = False,
    entry: date = date(2015, 1, 1),
    exit_: date | None = None,
    promoted: bool = False,
    hours: int = 0,
    office: str = "PECLL",
) -> StaffMember:
    return StaffMember(
        staff_id=sid,
        name=f"Person {sid}",
        gender=gender,
        grade=grade,
        function="management" if lead else "control",
        office=office if not lead else "PELIM",
        frontline=not lead,
        leadership=lead,
        entry_date=entry,
        exit_date=exit_,
        promotions=(date(2025, 5, 1),) if promoted else (),
        training={2025: Decimal(hours)} if hours else {},
    )


def hand_worked() -> list[StaffMember]:
    """12 + 5 recruited women and 18 + 5 recruited men in G1; 5 women and 10 men leading in G3; one woman left."""
    staff = [person(f"W{i}", "F", "G1", promoted=i <= 6, hours=10 if i <= 9 else 0) for i in range(1, 13)]
    staff += [person(f"M{i}", "M", "G1", promoted=i <= 5, hours=20 if i <= 15 else 0) for i in range(1, 19)]
    staff += [person(f"L{i}", "F", "G3", lead=True, entry=date(2005, 1, 1)) for i in range(1, 6)]
    staff += [person(f"K{i}", "M", "G3", lead=True, entry=date(2005, 1, 1)) for i in range(1, 11)]
    staff += [person(f"RW{i}", "F", "G1", entry=date(2025, 3, 1)) for i in range(1, 6)]
    staff += [person(f"RM{i}", "M", "G1", entry=date(2025, 3, 1)) for i in range(1, 6)]
    staff.append(person("X1", "F", "G1", exit_=date(2024, 6, 30)))
    return staff


def counts(table: Table, key: str) -> tuple[int | None, ...]:
    row = table.total if key == "total" else table.row(key)
    assert row is not None
    return (*(row.counts[c] for c in COLUMNS), row.total)


def test_indicators_match_the_hand_worked_figures() -> None:
    ind = compute(hand_worked(), 2025, TODAY, 5)
    assert ind.as_of == date(2025, 12, 31)
    assert counts(ind.headcount, "staff") == (22, 33, 0, 55) and ind.headcount.rows[0].share_women == Decimal("40.0")
    assert counts(ind.by_grade, "G1") == (17, 23, 0, 40) and ind.by_grade.row("G1").share_women == Decimal("42.5")
    assert counts(ind.by_grade, "G3") == (5, 10, 0, 15) and ind.by_grade.row("G3").share_women == Decimal("33.3")
    assert counts(ind.by_grade, "total") == (22, 33, 0, 55)
    assert counts(ind.by_leadership, "leadership") == (5, 10, 0, 15)
    assert counts(ind.recruitment, "recruited") == (5, 5, 0, 10) and ind.recruitment.rows[0].share_women == 50
    assert counts(ind.promotion, "promoted") == (6, 5, 0, 11)
    rates = {r.key: r for r in ind.rates}
    assert (rates["promotion_rate"].women, rates["promotion_rate"].men) == (Decimal("27.3"), Decimal("15.2"))
    assert rates["promotion_rate"].ratio == Decimal("1.80")
    assert (rates["training_participation"].women, rates["training_participation"].men) == (
        Decimal("40.9"),
        Decimal("45.5"),
    )
    assert (rates["training_hours_per_person"].women, rates["training_hours_per_person"].men) == (
        Decimal("4.1"),
        Decimal("9.1"),
    )
    trend = {r.key: r.share_women for r in ind.trend.rows}
    assert trend["2025"] == Decimal("40.0") and trend["2024"] == Decimal("37.8")  # X1 left mid-2024
    assert ind.suppressed == 0


def _derivable(table: Table) -> list[str]:
    """What an attacker recomputes by subtraction, repeatedly, from the shown cells and totals."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    grid: list[list[int | None]] = [[*(r.counts[c] for c in COLUMNS), r.total] for r in rows]
    found = []
    changed = True
    while changed:
        changed = False
        lines = [[(r, c) for c in range(4)] for r in range(len(grid))]
        if table.total is not None:
            lines += [[(r, c) for r in range(len(grid))] for c in range(4)]
        for line in lines:
            unknown = [cell for cell in line if grid[cell[0]][cell[1]] is None]
            if len(unknown) != 1:
                continue
            r, c = unknown[0]
            *parts, margin = [grid[x][y] for x, y in line]
            known = [v for v in parts if v is not None]
            if margin is None:
                grid[r][c] = sum(known)
            else:
                grid[r][c] = margin - sum(known)
            found.append(f"{rows[r].key}/{c}")
            changed = True
    return found


def test_a_small_group_is_hidden_and_cannot_be_recomputed_from_the_totals() -> None:
    staff = [*hand_worked(), person("S1", "F", "G4"), person("S2", "F", "G4")]  # two women alone in G4
    ind = compute(staff, 2025, TODAY, 5)
    g4 = ind.by_grade.row("G4")
    assert g4.counts["women"] is None and g4.total is None and g4.share_women is None
    assert ind.by_grade.suppressed > 3  # complementary cells hidden too
    for table in ind.tables:
        assert _derivable(table) == [], table.key
    assert ind.by_grade.total is not None and ind.by_grade.total.total == 57  # the grand total is still shown


def test_recruits_under_the_minimum_are_hidden_with_their_complement() -> None:
    staff = [s for s in hand_worked() if s.staff_id not in {"RW1", "RW2", "RW3"}]  # 2 women, 5 men recruited
    ind = compute(staff, 2025, TODAY, 5)
    row = ind.recruitment.rows[0]
    assert row.counts["women"] is None and row.counts["men"] is None and row.total == 7
    assert row.share_women is None


@pytest.mark.parametrize("k", [3, 5, 10])
def test_no_shown_count_is_under_the_minimum(k: int) -> None:
    ind = compute([*hand_worked(), person("S1", "X", "G9"), person("S2", "U", "G1")], 2025, TODAY, k)
    for table in ind.tables:
        for row in (*table.rows, *([table.total] if table.total else [])):
            for value in (*row.counts.values(), row.total):
                assert value is None or value == 0 or value >= k, (table.key, row.key)
        assert _derivable(table) == [], table.key


def test_protect_hides_a_whole_table_when_the_grand_total_is_small() -> None:
    assert protect([[2, 1, 0, 3], [2, 1, 0, 3]], 5, partition=True) == [[True] * 4, [True] * 4]
    assert protect([[6, 7, 0, 13]], 5, partition=False) == [[False] * 4]
