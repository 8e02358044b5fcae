"""The risk-training simulator's domain: answers, their checks, the scores and the debrief (plain Python, no I/O).

An exercise shows N past declarations and an inspection budget (at most ``red`` physical inspections and
``yellow`` documentary checks). The trainee gives each declaration a lane — green, yellow or red — and a reason
for every red. A control (yellow or red) that meets a fraudulent declaration is a hit; on a clean one it is a
false alarm; a fraudulent declaration left green is missed. The same budget is then spent by the risk engine
(the model's ranking: its ``red`` highest scores red, the next ``yellow`` yellow), by random selection (its
exact expectation, so no luck enters the comparison) and by the best possible choice (the oracle that knows
the outcomes). The score out of 100 is the mean of two shares of that best: frauds found and revenue caught.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from clearway.core.issues import Issue, pointer

LANES = ("green", "yellow", "red")
CONTROLLED = frozenset({"yellow", "red"})
MAX_REASON = 500
MAX_SIGNALS = 8
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Budget:
    """How many controls of each kind the trainee may order in one exercise."""

    red: int
    yellow: int

    @property
    def total(self) -> int:
        """Returns the number of controls the budget allows (red and yellow)."""
        return self.red + self.yellow


@dataclass(frozen=True, slots=True)
class Signal:
    """One feature of the model and what it added to a declaration's score (log-odds; positive = riskier)."""

    feature: str
    contribution: float
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Truth:
    """What the exercise hides until it is answered: the outcome of a case and the model's view of it."""

    case: str
    fraud: bool
    revenue: Decimal
    model_score: float
    kind: str | None = None
    critical: bool = False
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """The lane a trainee chose for one declaration, with the reason (required for red) and signals cited."""

    case: str
    lane: str
    reason: str = ""
    signals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Figures:
    """How one selection did: controls, hits, false alarms, missed frauds, precision and revenue caught."""

    controlled: float
    hits: float
    false_alarms: float
    missed: float
    precision: float
    revenue_caught: Decimal
    revenue_at_risk: Decimal
    revenue_share: float

    def as_dict(self) -> dict[str, object]:
        """Returns the figures as JSON-ready values (money as strings)."""
        return {
            "controlled": self.controlled,
            "hits": self.hits,
            "false_alarms": self.false_alarms,
            "missed": self.missed,
            "precision": self.precision,
            "revenue_caught": str(self.revenue_caught),
            "revenue_at_risk": str(self.revenue_at_risk),
            "revenue_share": self.revenue_share,
        }


@dataclass(frozen=True, slots=True)
class CaseReview:
    """The debrief of one declaration: what the trainee chose, what it was, what the model saw."""

    case: str
    lane: str
    reason: str
    verdict: str  # hit, false_alarm, missed, cleared
    fraud: bool
    kind: str | None
    revenue: Decimal
    model_score: float
    engine_lane: str
    signals: tuple[Signal, ...]
    cited: tuple[str, ...]
    cited_and_seen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """The scored exercise: the trainee against the engine, random selection and the best possible."""

    points: float
    trainee: Figures
    engine: Figures
    random: Figures
    best: Figures
    reviews: tuple[CaseReview, ...]
    missed_signals: tuple[tuple[str, int, float], ...]  # feature, frauds it flagged that were missed, weight
    beat_engine: bool
    beat_random: bool
    extra: dict[str, object] = field(default_factory=dict)


def check_answers(answers: Sequence[Answer], cases: Sequence[str], budget: Budget) -> list[Issue]:
    """Returns every problem with a set of answers at once (unknown or repeated case, lane, reason, budget)."""
    issues: list[Issue] = []
    known = set(cases)
    seen: set[str] = set()
    for i, a in enumerate(answers):
        if a.case not in known:
            issues.append(
                Issue(
                    "CASE_NOT_IN_EXERCISE",
                    f"declaration '{a.case[:40]}' is not in this exercise",
                    pointer("answers", i, "case"),
                )
            )
        elif a.case in seen:
            issues.append(Issue("DUPLICATE_CASE", f"declaration '{a.case}' is answered twice", pointer("answers", i)))
        seen.add(a.case)
        if a.lane not in LANES:
            issues.append(Issue("LANE_UNKNOWN", "the lane is green, yellow or red", pointer("answers", i, "lane")))
        if a.lane == "red" and not a.reason.strip():
            issues.append(
                Issue(
                    "REASON_REQUIRED",
                    "give a reason for every red lane (what you would inspect, and why)",
                    pointer("answers", i, "reason"),
                )
            )
        if len(a.reason) > MAX_REASON:
            issues.append(
                Issue(
                    "REASON_TOO_LONG", f"a reason has at most {MAX_REASON} characters", pointer("answers", i, "reason")
                )
            )
        if len(a.signals) > MAX_SIGNALS:
            issues.append(
                Issue("TOO_MANY_SIGNALS", f"cite at most {MAX_SIGNALS} signals", pointer("answers", i, "signals"))
            )
    missing = [c for c in cases if c not in seen]
    if missing:
        issues.append(
            Issue(
                "ANSWER_MISSING",
                f"{len(missing)} declaration(s) have no lane: {', '.join(missing[:5])}"
                + ("…" if len(missing) > 5 else ""),
                pointer("answers"),
            )
        )
    reds = sum(1 for a in answers if a.lane == "red")
    yellows = sum(1 for a in answers if a.lane == "yellow")
    if reds > budget.red:
        issues.append(
            Issue(
                "BUDGET_EXCEEDED",
                f"{reds} red lanes chosen; the budget allows {budget.red} physical inspections",
                pointer("answers"),
            )
        )
    if yellows > budget.yellow:
        issues.append(
            Issue(
                "BUDGET_EXCEEDED",
                f"{yellows} yellow lanes chosen; the budget allows {budget.yellow} documentary checks",
                pointer("answers"),
            )
        )
    return issues


def engine_lanes(truths: Sequence[Truth], budget: Budget) -> dict[str, str]:
    """Returns the lanes the risk engine gives within the budget: highest scores red, the next ones yellow."""
    order = sorted(truths, key=lambda t: (-t.model_score, t.case))
    lanes = dict.fromkeys((t.case for t in truths), "green")
    for i, t in enumerate(order[: budget.total]):
        lanes[t.case] = "red" if i < budget.red else "yellow"
    return lanes


def _share(part: Decimal, whole: Decimal) -> float:
    return float(part / whole) if whole else 0.0


def figures(lanes: Mapping[str, str], truths: Sequence[Truth]) -> Figures:
    """Returns how a choice of lanes did against the outcomes."""
    at_risk = sum((t.revenue for t in truths if t.fraud), Decimal(0))
    controlled = [t for t in truths if lanes.get(t.case) in CONTROLLED]
    hits = [t for t in controlled if t.fraud]
    caught = sum((t.revenue for t in hits), Decimal(0))
    frauds = sum(1 for t in truths if t.fraud)
    return Figures(
        controlled=len(controlled),
        hits=len(hits),
        false_alarms=len(controlled) - len(hits),
        missed=frauds - len(hits),
        precision=len(hits) / len(controlled) if controlled else 0.0,
        revenue_caught=caught.quantize(CENT, ROUND_HALF_UP),
        revenue_at_risk=at_risk.quantize(CENT, ROUND_HALF_UP),
        revenue_share=_share(caught, at_risk),
    )


def random_figures(truths: Sequence[Truth], budget: Budget) -> Figures:
    """Returns the expected figures of a uniform random draw of the budget's controls (exact, no luck)."""
    n = len(truths)
    k = min(budget.total, n)
    frauds = sum(1 for t in truths if t.fraud)
    at_risk = sum((t.revenue for t in truths if t.fraud), Decimal(0))
    share = Decimal(k) / Decimal(n) if n else Decimal(0)
    hits = k * frauds / n if n else 0.0
    caught = at_risk * share
    return Figures(
        controlled=k,
        hits=hits,
        false_alarms=k - hits,
        missed=frauds - hits,
        precision=frauds / n if n and k else 0.0,
        revenue_caught=caught.quantize(CENT, ROUND_HALF_UP),
        revenue_at_risk=at_risk.quantize(CENT, ROUND_HALF_UP),
        revenue_share=_share(caught, at_risk),
    )


def best_lanes(truths: Sequence[Truth], budget: Budget) -> dict[str, str]:
    """Returns the oracle's lanes: the frauds with the most revenue at stake first, within the budget."""
    order = sorted(truths, key=lambda t: (not t.fraud, -t.revenue, t.case))
    lanes = dict.fromkeys((t.case for t in truths), "green")
    for i, t in enumerate(o for o in order[: budget.total] if o.fraud):
        lanes[t.case] = "red" if i < budget.red else "yellow"
    return lanes


def points(mine: Figures, best: Figures) -> float:
    """Returns the score out of 100: the mean share of the best possible frauds found and revenue caught."""
    parts = []
    if best.hits:
        parts.append(mine.hits / best.hits)
    if best.revenue_caught > 0:
        parts.append(float(mine.revenue_caught / best.revenue_caught))
    if not parts:
        return 100.0 if mine.false_alarms == 0 else 0.0
    return round(100.0 * sum(parts) / len(parts), 1)


def _verdict(lane: str, fraud: bool) -> str:
    if lane in CONTROLLED:
        return "hit" if fraud else "false_alarm"
    return "missed" if fraud else "cleared"


def score(answers: Iterable[Answer], truths: Sequence[Truth], budget: Budget, *, top_signals: int = 3) -> Result:
    """Scores checked answers against the outcomes, the engine, random selection and the best possible."""
    by_case = {a.case: a for a in answers}
    lanes = {t.case: by_case[t.case].lane if t.case in by_case else "green" for t in truths}
    engine = engine_lanes(truths, budget)
    mine, eng = figures(lanes, truths), figures(engine, truths)
    rnd, best = random_figures(truths, budget), figures(best_lanes(truths, budget), truths)
    reviews = []
    missed: dict[str, list[float]] = defaultdict(list)
    for t in truths:
        a = by_case.get(t.case, Answer(t.case, "green"))
        verdict = _verdict(lanes[t.case], t.fraud)
        raising = tuple(s for s in sorted(t.signals, key=lambda s: -s.contribution) if s.contribution > 0)
        shown = (
            raising[:top_signals]
            if verdict != "false_alarm"
            else tuple(sorted(t.signals, key=lambda s: -abs(s.contribution))[:top_signals])
        )
        if verdict == "missed":
            for s in shown:
                missed[s.feature].append(s.contribution)
        seen = {s.feature for s in raising[:top_signals]}
        reviews.append(
            CaseReview(
                case=t.case,
                lane=lanes[t.case],
                reason=a.reason,
                verdict=verdict,
                fraud=t.fraud,
                kind=t.kind,
                revenue=t.revenue,
                model_score=t.model_score,
                engine_lane=engine[t.case],
                signals=shown,
                cited=a.signals,
                cited_and_seen=tuple(s for s in a.signals if s in seen),
            )
        )
    summary = tuple(
        sorted(((f, len(v), round(sum(v), 4)) for f, v in missed.items()), key=lambda x: (-x[1], -x[2], x[0]))
    )
    mine_points, engine_points = points(mine, best), points(eng, best)
    return Result(
        points=mine_points,
        trainee=mine,
        engine=eng,
        random=rnd,
        best=best,
        reviews=tuple(reviews),
        missed_signals=summary,
        beat_engine=mine_points > engine_points,
        beat_random=mine_points > points(rnd, best),
        extra={"engine_points": engine_points, "random_points": points(rnd, best)},
    )
