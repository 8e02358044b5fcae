"""Workforce domain: courses, education records, competencies required for work, staff records. Pure Python.

The gender-equality indicators and their disclosure control live in :mod:`clearway.workforce.indicators`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

PROVIDERS = ("internal", "clikc", "external")  # clikc: the WCO CLiKC! e-learning platform
RESULTS = ("passed", "failed", "attended")
GENDERS = ("F", "M", "X", "U")  # woman, man, another identity, not stated
GENDER_WORDS = {"F": "women", "M": "men", "X": "other", "U": "other"}  # X and U are reported together
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_HOURS = Decimal(2000)
MAX_VALIDITY_MONTHS = 240


def add_months(day: date, months: int) -> date:
    """Returns the same day ``months`` later (the month's last day when it has fewer days)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Course:
    """A course of the catalogue: who gives it, how long it is, what competency it grants and for how long."""

    code: str
    title: str
    provider: str
    hours: Decimal
    validity_months: int | None = None  # None: the competency does not expire
    competency: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class EducationRecord:
    """An officer's attendance of a course, with its result, score and certificate (file hash or reference)."""

    id: str
    officer: str
    course_code: str
    completed_on: date
    result: str
    hours: Decimal
    score: Decimal | None
    valid_until: date | None
    competency: str | None
    certificate_sha256: str | None
    certificate_name: str | None
    certificate_media_type: str | None
    certificate_reference: str | None
    recorded_by: str
    recorded_at: datetime
    note: str = ""

    def current(self, on: date) -> bool:
        """Tells whether the record proves its competency on a day: passed, and not expired by then."""
        if self.result != "passed" or self.competency is None or self.completed_on > on:
            return False
        return self.valid_until is None or on <= self.valid_until


def valid_until(course: Course, completed_on: date, result: str) -> date | None:
    """Returns the last day a course's competency holds (None when it never expires or was not granted)."""
    if result != "passed" or course.competency is None or course.validity_months is None:
        return None
    return add_months(completed_on, course.validity_months)


@dataclass(frozen=True, slots=True)
class CompetencyStatus:
    """One competency of an officer: held until a day (or without end), expired, or missing."""

    competency: str
    state: str  # current | expired | missing
    valid_until: date | None = None
    course_code: str | None = None


def competency_status(records: list[EducationRecord], competency: str, on: date) -> CompetencyStatus:
    """Returns where an officer stands on one competency on a day, from its education records."""
    relevant = [r for r in records if r.competency == competency and r.result == "passed" and r.completed_on <= on]
    current = [r for r in relevant if r.current(on)]
    if current:
        best = max(current, key=lambda r: r.valid_until or date.max)
        return CompetencyStatus(competency, "current", best.valid_until, best.course_code)
    if relevant:
        last = max(relevant, key=lambda r: r.valid_until or date.min)
        return CompetencyStatus(competency, "expired", last.valid_until, last.course_code)
    return CompetencyStatus(competency, "missing")


def missing_competencies(records: list[EducationRecord], required: list[str], on: date) -> list[CompetencyStatus]:
    """Returns the required competencies an officer does not hold on a day (expired or never held)."""
    found = [competency_status(records, c, on) for c in required]
    return [s for s in found if s.state != "current"]


WORK_KINDS = ("control.red", "control.yellow", "control.green")


def work_kind_for_lane(lane: str | None) -> str:
    """Returns the kind of work a declaration's control is, from its lane (red: physical, yellow: documents)."""
    return f"control.{lane}" if lane in {"red", "yellow", "green"} else "control.green"


@dataclass(frozen=True, slots=True)
class Assignment:
    """A supervisor's assignment of an officer to a declaration's control, with what was missing and why."""

    id: str
    mrn: str
    officer: str
    work_kind: str
    required: tuple[str, ...]
    missing: tuple[str, ...]
    override_reason: str | None
    assigned_by: str
    assigned_at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A person on the administration's staff (personal data: HR only)."""

    staff_id: str
    name: str
    gender: str
    grade: str
    function: str
    office: str
    frontline: bool
    leadership: bool
    entry_date: date
    exit_date: date | None = None
    promotions: tuple[date, ...] = ()
    training: dict[int, Decimal] = field(default_factory=dict)  # year -> hours
    user: str | None = None  # the console user name, when the person has one

    def active_on(self, day: date) -> bool:
        """Tells whether the person is on the staff on a day."""
        return self.entry_date <= day and (self.exit_date is None or self.exit_date > day)

    def hired_in(self, year: int) -> bool:
        """Tells whether the person joined during a year."""
        return self.entry_date.year == year

    def promoted_in(self, year: int) -> bool:
        """Tells whether the person was promoted during a year."""
        return any(p.year == year for p in self.promotions)


def gender_group(code: str) -> str:
    """Returns the reported group of a gender code: women, men, or other (another identity or not stated)."""
    return GENDER_WORDS.get(code, "other")
