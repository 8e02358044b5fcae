"""Gender-equality indicators in the spirit of the WCO GEOAT (2023), with small-group disclosure control.

Every figure counts people of one gender group (women, men, other or not stated) in one group of the staff
(a grade, a function, frontline or not, leadership or not, an office, a year's recruits or promotions).
A count under the minimum group size ``k`` (but above zero) is suppressed, and so is a whole row whose total
is under ``k``. Because a table shows its margins (row totals and, when its rows partition the staff, column
totals), one suppressed cell alone in a row or column could be recomputed by subtraction; a complementary
cell is then suppressed too, repeatedly, until no line has exactly one hidden cell. Shares and rates are
shown only when every count they are computed from is shown. Pure Python, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clearway.workforce.model import StaffMember, gender_group

COLUMNS = ("women", "men", "other")
DEFAULT_MIN_GROUP = 5
TREND_YEARS = 5


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table: counts per gender group (None where suppressed), total, and the share of women."""

    key: str
    counts: dict[str, int | None]
    total: int | None
    share_women: Decimal | None

    @property
    def hidden(self) -> bool:
        """Tells whether anything on the line is suppressed."""
        return self.total is None or any(v is None for v in self.counts.values())


@dataclass(frozen=True, slots=True)
class Table:
    """A table of counts by gender group, with its total line when its rows partition the same staff."""

    key: str
    rows: tuple[Row, ...]
    total: Row | None
    suppressed: int  # how many counts are hidden (primary and complementary)

    def row(self, key: str) -> Row:
        """Returns the line of a key."""
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate per gender group (e.g. promotions per 100 staff), None where it would disclose a small group."""

    key: str
    women: Decimal | None
    men: Decimal | None
    ratio: Decimal | None  # women's rate over men's (1 = parity)


@dataclass(frozen=True, slots=True)
class Indicators:
    """The year's indicators: distributions, flows, rates and the trend, all already disclosure-controlled."""

    year: int
    as_of: date
    min_group: int
    headcount: Table
    by_grade: Table
    by_function: Table
    by_frontline: Table
    by_leadership: Table
    by_office: Table
    recruitment: Table
    promotion: Table
    training: Table
    rates: tuple[Rate, ...]
    trend: Table  # one independent line per year: share of women on the staff
    trend_leadership: Table  # one independent line per year: share of women in leadership

    @property
    def tables(self) -> tuple[Table, ...]:
        """Returns every table in report order."""
        return (
            self.headcount,
            self.by_grade,
            self.by_function,
            self.by_frontline,
            self.by_leadership,
            self.by_office,
            self.recruitment,
            self.promotion,
            self.training,
            self.trend,
            self.trend_leadership,
        )

    @property
    def suppressed(self) -> int:
        """Returns how many counts are hidden across the report."""
        return sum(t.suppressed for t in self.tables)


def _share(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def protect(grid: list[list[int]], k: int, *, partition: bool) -> list[list[bool]]:
    """Returns which cells of a count grid to hide: ``grid`` is rows × (columns + a total column), and, when
    ``partition``, its last row is the column totals. Primary: counts 0 < n < k, lines whose total is under
    k. Complementary: while a row (or, for a partition, a column) hides exactly one cell, hide its smallest
    other non-zero cell (else a zero), so that no hidden count follows from a shown total by subtraction.
    """
    rows, cols = len(grid), len(grid[0]) if grid else 0
    hide = [[0 < grid[r][c] < k for c in range(cols)] for r in range(rows)]
    for r in range(rows):
        if 0 < grid[r][-1] < k:
            hide[r] = [True] * cols
    if partition and rows and 0 < grid[-1][-1] < k:
        return [[True] * cols for _ in range(rows)]
    lines: list[list[tuple[int, int]]] = [[(r, c) for c in range(cols)] for r in range(rows)]
    if partition:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    for _ in range(rows * cols + 1):
        changed = False
        for line in lines:
            hidden = [cell for cell in line if hide[cell[0]][cell[1]]]
            if len(hidden) != 1:
                continue
            shown = [cell for cell in line if not hide[cell[0]][cell[1]]]
            if not shown:
                continue
            nonzero = [cell for cell in shown if grid[cell[0]][cell[1]] > 0]
            pick = min(nonzero or shown, key=lambda cell: (grid[cell[0]][cell[1]], cell))
            hide[pick[0]][pick[1]] = True
            changed = True
        if not changed:
            break
    return hide


def table(key: str, groups: dict[str, list[StaffMember]], k: int, *, partition: bool) -> Table:
    """Builds a disclosure-controlled table: one line per group (in the order given) and, for a partition of
    the staff, a total line."""
    keys = list(groups)
    grid = [[sum(1 for s in groups[g] if gender_group(s.gender) == col) for col in COLUMNS] for g in keys]
    grid = [[*line, sum(line)] for line in grid]
    if partition:
        grid.append([sum(line[c] for line in grid) for c in range(len(COLUMNS) + 1)])
    hide = protect(grid, k, partition=partition) if grid else []
    out: list[Row] = []
    for r, line in enumerate(grid):
        counts = {col: (None if hide[r][c] else line[c]) for c, col in enumerate(COLUMNS)}
        total = None if hide[r][-1] else line[-1]
        out.append(Row(keys[r] if r < len(keys) else "total", counts, total, _share(counts["women"], total)))
    suppressed = sum(cell for line in hide for cell in line)
    if partition and out:
        return Table(key, tuple(out[:-1]), out[-1], suppressed)
    return Table(key, tuple(out), None, suppressed)


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


def _by(
    staff: Iterable[StaffMember], key: Callable[[StaffMember], str], order: tuple[str, ...] = ()
) -> dict[str, list[StaffMember]]:
    groups: dict[str, list[StaffMember]] = {k: [] for k in order}
    for s in staff:
        groups.setdefault(key(s), []).append(s)
    if order:
        return groups
    return {k: groups[k] for k in sorted(groups, key=_natural)}


def training_hours(member: StaffMember, year: int) -> Decimal:
    """Returns a person's training hours in a year."""
    return member.training.get(year, Decimal(0))


def _rate(key: str, numerator: Row, denominator: Row) -> Rate:
    women = _share(numerator.counts["women"], denominator.counts["women"])
    men = _share(numerator.counts["men"], denominator.counts["men"])
    ratio = None if women is None or men is None or men == 0 else (women / men).quantize(Decimal("0.01"))
    return Rate(key, women, men, ratio)


def _hours_rate(staff: list[StaffMember], year: int, headcount: Row) -> Rate:
    def mean(group: str) -> Decimal | None:
        n = headcount.counts[group]
        if n is None or n == 0:
            return None
        total = sum((training_hours(s, year) for s in staff if gender_group(s.gender) == group), Decimal(0))
        return (total / n).quantize(Decimal("0.1"), ROUND_HALF_UP)

    women, men = mean("women"), mean("men")
    ratio = None if women is None or men is None or men == 0 else (women / men).quantize(Decimal("0.01"))
    return Rate("training_hours_per_person", women, men, ratio)


def as_of(year: int, today: date) -> date:
    """Returns the day a year's figures describe: 31 December, or today for the current year."""
    return min(date(year, 12, 31), today)


def compute(staff: list[StaffMember], year: int, today: date, k: int = DEFAULT_MIN_GROUP) -> Indicators:
    """Computes the year's indicators from the staff records, suppressing every group under ``k`` people."""
    k = max(int(k), 1)
    day = as_of(year, today)
    active = [s for s in staff if s.active_on(day)]
    headcount = table("headcount", {"staff": active}, k, partition=False)
    recruits = [s for s in staff if s.hired_in(year) and s.entry_date <= day]
    promoted = [s for s in active if s.promoted_in(year)]
    trained = [s for s in active if training_hours(s, year) > 0]
    recruitment = table("recruitment", {"recruited": recruits}, k, partition=False)
    promotion = table("promotion", {"promoted": promoted}, k, partition=False)
    training = table("training", {"trained": trained}, k, partition=False)
    head = headcount.rows[0]
    rates = (
        _rate("promotion_rate", promotion.rows[0], head),
        _rate("training_participation", training.rows[0], head),
        _hours_rate(active, year, head),
    )
    years = list(range(year - TREND_YEARS + 1, year + 1))
    per_year = {str(y): [s for s in staff if s.active_on(as_of(y, today))] for y in years}
    leaders = {y: [s for s in members if s.leadership] for y, members in per_year.items()}
    return Indicators(
        year=year,
        as_of=day,
        min_group=k,
        headcount=headcount,
        by_grade=table("grade", _by(active, lambda s: s.grade), k, partition=True),
        by_function=table("function", _by(active, lambda s: s.function), k, partition=True),
        by_frontline=table(
            "frontline",
            _by(active, lambda s: "frontline" if s.frontline else "not_frontline", ("frontline", "not_frontline")),
            k,
            partition=True,
        ),
        by_leadership=table(
            "leadership",
            _by(active, lambda s: "leadership" if s.leadership else "not_leadership", ("leadership", "not_leadership")),
            k,
            partition=True,
        ),
        by_office=table("office", _by(active, lambda s: s.office), k, partition=True),
        recruitment=recruitment,
        promotion=promotion,
        training=training,
        rates=rates,
        trend=table("trend", per_year, k, partition=False),
        trend_leadership=table("trend_leadership", leaders, k, partition=False),
    )
