"""API messages of the workforce capability (strict: no coercion, no unknown fields)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
UserName = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class CourseOut(BaseModel):
    """A course of the catalogue."""

    code: str
    title: str
    provider: str = Field(description="internal, clikc (WCO CLiKC! e-learning) or external")
    hours: Decimal
    validity_months: int | None = Field(description="how long the competency it grants holds; null: no expiry")
    competency: str | None
    description: str


class CataloguePatchIn(_Strict):
    """Courses to add or replace, and optionally every requirement (kind of work → competencies)."""

    courses: list[dict[str, object]] = Field(default_factory=list, max_length=500)
    requirements: dict[str, list[dict[str, str]]] | None = Field(default=None, max_length=100)
    reason: str = Field(min_length=3, max_length=1000)


class RequirementOut(BaseModel):
    """A competency a kind of work requires."""

    work_kind: str
    competency: str
    description: str


class RecordOut(BaseModel):
    """An officer's education record."""

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
    certificate_reference: str | None
    recorded_by: str
    recorded_at: datetime
    note: str


class CompetencyOut(BaseModel):
    """Where an officer stands on one competency."""

    competency: str
    state: str = Field(description="current, expired or missing")
    valid_until: date | None
    course_code: str | None


class OfficerRecordsOut(BaseModel):
    """An officer's education records and competencies."""

    officer: str
    records: list[RecordOut]
    competencies: list[CompetencyOut]


class AssignmentIn(_Strict):
    """Assign an officer to a declaration's control; ``override_reason`` to proceed despite a missing competency."""

    mrn: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
    officer: UserName
    override_reason: str | None = Field(default=None, max_length=1000)
    note: str = Field(default="", max_length=1000)


class AssignmentOut(BaseModel):
    """A control assignment."""

    id: str
    mrn: str
    officer: str
    work_kind: str
    required: list[str]
    missing: list[str]
    override_reason: str | None
    assigned_by: str
    assigned_at: datetime
    note: str


class CheckOut(BaseModel):
    """What a declaration's control requires and what the officer lacks."""

    mrn: str
    officer: str
    work_kind: str
    required: list[str]
    missing: list[CompetencyOut]


class StaffImportOut(BaseModel):
    """The result of a staff import."""

    added: int
    updated: int


class RowOut(BaseModel):
    """One line of an indicator table; null where a figure is suppressed (a group under the minimum size)."""

    key: str
    women: int | None
    men: int | None
    other: int | None
    total: int | None
    share_women: Decimal | None = Field(description="percent")


class TableOut(BaseModel):
    """An indicator table."""

    key: str
    rows: list[RowOut]
    total: RowOut | None
    suppressed: int


class RateOut(BaseModel):
    """A rate by gender (percent, or hours per person) and the women/men ratio."""

    key: str
    women: Decimal | None
    men: Decimal | None
    ratio: Decimal | None


class IndicatorsOut(BaseModel):
    """The year's gender-equality indicators (GEOAT), small groups suppressed."""

    year: int
    as_of: date
    min_group: int
    suppressed: int
    tables: list[TableOut]
    rates: list[RateOut]
