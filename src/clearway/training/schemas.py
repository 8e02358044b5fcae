"""API input and output of the risk-training simulator. Inputs are strict; outcomes appear only in results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CaseId = Annotated[str, Field(min_length=1, max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class StartIn(_In):
    """Which course to practise, and optionally from which case bank."""

    course: Annotated[str, Field(min_length=1, max_length=40, description="Course id (GET /courses)")]
    bank: Annotated[str | None, Field(min_length=1, max_length=36, description="Case bank id; default: newest")] = None


class AnswerIn(_In):
    """The lane a trainee gives one declaration; a red lane needs a reason."""

    case: CaseId
    lane: Literal["green", "yellow", "red"]
    reason: Annotated[str, Field(max_length=500, description="Why (required for red)")] = ""
    signals: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60)]],
        Field(max_length=8, description="Signals cited (feature names shown with the case)"),
    ] = []


class AnswersIn(_In):
    """Every declaration of the exercise with its lane, submitted once."""

    answers: Annotated[list[AnswerIn], Field(min_length=1, max_length=60)]


class BudgetOut(BaseModel):
    """The inspection budget: physical inspections (red) and documentary checks (yellow)."""

    red: int
    yellow: int


class CourseOut(BaseModel):
    """A course (scenario pack) and the banks it can draw from."""

    id: str
    version: int
    title: dict[str, str]
    summary: dict[str, str]
    signals: list[str]
    size: int
    frauds: int
    budget: BudgetOut
    banks: list[dict[str, str | int]] = []


class BankOut(BaseModel):
    """A bank of anonymised past cases and the model that scored them."""

    id: str
    name: str
    source: str
    imported_at: datetime
    imported_by: str
    cases: int
    frauds: int
    knows_kinds: bool
    currency: str | None
    model: dict[str, object]


class CaseOut(BaseModel):
    """A past declaration as the trainee sees it: anonymised parties, declared data, trader history."""

    id: str
    month: str
    office: str
    importer: str
    declarant: str
    seller: str
    courier: str
    hs: str
    origin: str
    departure: str
    incoterm: str | None
    transport: str | None
    value: Decimal
    net_mass: Decimal
    unit_value: Decimal | None
    tax_rate: Decimal | None
    currency: str | None
    description: str | None
    history: dict[str, float | None]


class FiguresOut(BaseModel):
    """How one selection did within the budget."""

    controlled: float
    hits: float
    false_alarms: float
    missed: float
    precision: float
    revenue_caught: Decimal
    revenue_at_risk: Decimal
    revenue_share: float


class SignalOut(BaseModel):
    """One feature of the model and what it added to the score (log-odds)."""

    feature: str
    contribution: float
    value: float | None


class ReviewOut(BaseModel):
    """The debrief of one declaration."""

    case: str
    lane: str
    reason: str
    verdict: Literal["hit", "false_alarm", "missed", "cleared"]
    fraud: bool
    kind: str | None
    revenue: Decimal
    model_score: float
    engine_lane: str
    signals: list[SignalOut]
    cited: list[str]
    cited_and_seen: list[str]


class MissedSignalOut(BaseModel):
    """A signal behind frauds the trainee let through."""

    feature: str
    frauds: int
    weight: float


class ResultOut(BaseModel):
    """The score and the debrief: the trainee against the engine, random selection and the best possible."""

    points: float
    engine_points: float
    random_points: float
    beat_engine: bool
    beat_random: bool
    trainee: FiguresOut
    engine: FiguresOut
    random: FiguresOut
    best: FiguresOut
    missed_signals: list[MissedSignalOut]
    reviews: list[ReviewOut]


class ExerciseOut(BaseModel):
    """An exercise: its declarations and budget; once answered, the answers and the result."""

    id: str
    trainee: str
    course: CourseOut
    bank: dict[str, str]
    status: Literal["open", "submitted"]
    started_at: datetime
    submitted_at: datetime | None
    budget: BudgetOut
    cases: list[CaseOut]
    answers: list[dict[str, object]] | None
    result: ResultOut | None


class ExerciseSummaryOut(BaseModel):
    """One line of an exercise list."""

    id: str
    trainee: str
    course: str
    status: str
    started_at: datetime
    submitted_at: datetime | None
    points: float | None
    engine_points: float | None


class ExercisePageOut(BaseModel):
    """A page of exercises."""

    items: list[ExerciseSummaryOut]
    total: int


class ProgressPointOut(BaseModel):
    """One scored exercise in a trainee's history."""

    exercise: str
    course: str
    at: datetime
    points: float | None
    engine_points: float | None
    precision: float | None
    revenue_share: float | None


class CourseProgressOut(BaseModel):
    """A trainee's record on one course."""

    course: str
    attempts: int
    best: float
    last: float | None
    mean: float | None


class ProgressOut(BaseModel):
    """A trainee's scores over time and per course."""

    trainee: str
    exercises: int
    mean_points: float | None
    beat_engine: int
    trend: float | None
    history: list[ProgressPointOut]
    courses: list[CourseProgressOut]


class TraineeOut(BaseModel):
    """One trainee's progress in a line (the supervisor's overview)."""

    trainee: str
    exercises: int
    open: int
    mean_points: float | None
    last_points: float | None
    last_at: datetime | None
    beat_engine: int
    trend: float | None
