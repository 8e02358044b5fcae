"""Dashboards and work queues of customs: Time Release Study figures, hit rates, lanes, queue depths."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from clearway.core.issues import Forbidden
from clearway.declarations import stats
from clearway.declarations.model import OPEN_STATUSES, Status
from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.db import UnitOfWork

CUSTOMS_ROLES = frozenset(CUSTOMS_STAFF)
QUEUE_STATUSES: tuple[str, ...] = tuple(sorted(s.value for s in (*OPEN_STATUSES, Status.DETAINED)))
# Clearance-time buckets (hours) of the Time Release Study histogram.
BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("< 1 h", 0, 1),
    ("1–4 h", 1, 4),
    ("4–24 h", 4, 24),
    ("1–3 d", 24, 72),
    ("3–7 d", 72, 168),
    ("> 7 d", 168, float("inf")),
)


@dataclass(frozen=True)
class Period:
    """A dashboard filter: lodgement dates from ``start`` to ``end`` inclusive, optionally one office."""

    start: date
    end: date
    office: str | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """Returns the UTC instants [start 00:00, end + 1 day 00:00)."""
        return (
            datetime.combine(self.start, time(0), tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC),
        )


@dataclass(frozen=True)
class OfficeTimes:
    """Time Release Study figures of one office: lodgement to release, in hours."""

    office: str
    released: int
    median_hours: float
    p90_hours: float


STAGES: tuple[str, ...] = ("lodgement", "assessment", "payment", "agency", "control", "release")


@dataclass(frozen=True)
class StageTimes:
    """Median and 90th percentile of one stage of the Time Release Study, over the declarations it applies to."""

    stage: str
    count: int
    median_hours: float
    p90_hours: float


@dataclass(frozen=True)
class GroupTimes:
    """Time Release Study of one office, lane or agency: arrival (or lodgement) to release, and its longest stage."""

    key: str
    released: int
    median_hours: float
    p90_hours: float
    stages: list[StageTimes]
    longest_stage: str | None


@dataclass
class TimeReleaseStudy:
    """The WCO Time Release Study of a period: total time and per-stage times, per office, lane and agency."""

    overall: GroupTimes | None
    by_office: list[GroupTimes]
    by_lane: list[GroupTimes]
    by_agency: list[GroupTimes]


def _start_of(arrival: Any, lodged: datetime) -> datetime:
    """Returns when the clock starts: arrival of the goods, or lodgement when it came first (pre-arrival)."""
    try:
        arrived = datetime.combine(date.fromisoformat(str(arrival)[:10]), time(0), tzinfo=UTC)
    except ValueError:
        return lodged
    return min(arrived, lodged)


def stage_hours(timeline: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """Splits one released declaration's clearance into WCO stages; returns (total hours, hours per stage).

    The clock starts at arrival (or lodgement when the declaration was lodged before arrival). Stages:
    lodgement (start → lodgement), assessment (lodgement → duties assessed), payment (assessment → last
    payment), agency (lodgement → last agency decision), control (control ordered → result recorded) and
    release (the last of those milestones → release). Stages that did not happen are left out.
    """
    lodged: datetime = timeline["lodged_at"]
    released: datetime = timeline["released_at"]
    start = _start_of(timeline.get("arrival_date"), lodged)

    def hours(a: datetime, b: datetime) -> float:
        return max((b - a).total_seconds(), 0) / 3600

    events = [(k, at) for k, at, _agency in timeline.get("events", []) if at <= released]
    out: dict[str, float] = {"lodgement": hours(start, lodged)}
    milestones = [lodged]
    assessed = next((at for k, at in events if k == "assessed"), None)
    if assessed is not None:
        out["assessment"] = hours(lodged, assessed)
        milestones.append(assessed)
    payments = [at for k, at in events if k == "payment"]
    if payments:
        out["payment"] = hours(assessed or lodged, payments[-1])
        milestones.append(payments[-1])
    agency = [at for k, at in events if k == "agency_decision"]
    if agency:
        out["agency"] = hours(lodged, agency[-1])
        milestones.append(agency[-1])
    ordered = next((at for k, at in events if k in {"physical_check", "request_documents"}), None)
    if ordered is not None:
        result = next((at for k, at in events if k == "control_result" and at >= ordered), released)
        out["control"] = hours(ordered, result)
        milestones.append(result)
    out["release"] = hours(max(milestones), released)
    return hours(start, released), out


def _group(key: str, items: list[tuple[float, dict[str, float]]]) -> GroupTimes:
    totals = [t for t, _ in items]
    stages = []
    for stage in STAGES:
        values = [s[stage] for _, s in items if stage in s]
        if values:
            stages.append(StageTimes(stage, len(values), percentile(values, 50), percentile(values, 90)))
    longest = max(stages, key=lambda st: (st.median_hours, st.p90_hours), default=None)
    return GroupTimes(
        key,
        len(items),
        percentile(totals, 50),
        percentile(totals, 90),
        stages,
        longest.stage if longest is not None and longest.p90_hours > 0 else None,
    )


def time_release_study(timelines: list[dict[str, Any]]) -> TimeReleaseStudy:
    """Computes the Time Release Study of released declarations' timelines."""
    measured = [(t, stage_hours(t)) for t in timelines]
    if not measured:
        return TimeReleaseStudy(None, [], [], [])
    by_office: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    by_lane: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    by_agency: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    for t, m in measured:
        by_office[str(t["office"])].append(m)
        by_lane[str(t["lane"] or "none")].append(m)
        for agency in sorted({a for k, _, a in t.get("events", []) if k == "agency_decision" and a}):
            by_agency[agency].append(m)
    lane_order = {"red": 0, "yellow": 1, "green": 2}
    return TimeReleaseStudy(
        overall=_group("all", [m for _, m in measured]),
        by_office=[_group(k, v) for k, v in sorted(by_office.items())],
        by_lane=[_group(k, v) for k, v in sorted(by_lane.items(), key=lambda kv: lane_order.get(kv[0], 9))],
        by_agency=[_group(k, v) for k, v in sorted(by_agency.items())],
    )


@dataclass
class Dashboard:
    """Every figure of the customs dashboard for one period."""

    period: Period
    days: list[tuple[date, dict[str, int]]]
    lanes: dict[str, int]
    total: int
    times: list[OfficeTimes]
    overall: OfficeTimes | None
    histogram: list[tuple[str, int]]
    inspections: int
    hits: int
    revenue: Decimal
    hits_by_kind: list[tuple[str, int]]
    top_rules: list[tuple[str, int]]
    offices: list[str] = field(default_factory=list)
    study: TimeReleaseStudy | None = None
    currency: str = ""

    @property
    def hit_rate(self) -> float | None:
        """Returns the share of controls that found a discrepancy, or None without controls."""
        return self.hits / self.inspections if self.inspections else None


def percentile(values: list[float], q: float) -> float:
    """Returns the q-th percentile (0–100) of the values, interpolating linearly between ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _times(office: str, hours: list[float]) -> OfficeTimes:
    return OfficeTimes(office, len(hours), percentile(hours, 50), percentile(hours, 90))


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def rules_of(lane_data: dict[str, Any]) -> list[Any]:
    """Returns the rules a lane assignment names: the risk engine's ``scores.rules_hit``, else its reasons."""
    scores = lane_data.get("scores") or {}
    if isinstance(scores, dict) and "rules_hit" in scores:
        return list(scores["rules_hit"] or [])  # the engine named its rules; "none matched" is not a rule
    return list(lane_data.get("rules") or lane_data.get("reasons") or [])


def _assessment_currency(conn: Any, start: datetime, end: datetime, office: str | None) -> str:
    """Returns the currency duties are assessed in (from the assessments recorded), empty when none."""
    for _, _, d in stats.history_data(conn, "assessed", start=start, end=end, office=office)[:1]:
        return str(d.get("currency") or "")
    return ""


def _require_customs(principal: Principal) -> None:
    if principal.role not in CUSTOMS_ROLES:
        raise Forbidden("dashboards and work queues are for customs officers, supervisors and administrators")


def build(uow: UnitOfWork, principal: Principal, period: Period) -> Dashboard:
    """Computes the dashboard of a period: lanes per day, release times per office, controls, rule hits."""
    _require_customs(principal)
    start, end = period.bounds()
    conn = uow.conn
    by_day: dict[date, dict[str, int]] = {}
    lanes: Counter[str] = Counter()
    for day, lane, n in stats.per_day_and_lane(conn, start=start, end=end, office=period.office):
        by_day.setdefault(day, {})[lane or "none"] = by_day.get(day, {}).get(lane or "none", 0) + n
        lanes[lane or "none"] += n
    days = [
        (period.start + timedelta(days=i), by_day.get(period.start + timedelta(days=i), {}))
        for i in range((period.end - period.start).days + 1)
    ]
    per_office: dict[str, list[float]] = defaultdict(list)
    for office, lodged, released in stats.release_times(conn, start=start, end=end, office=period.office):
        per_office[office].append(max((released - lodged).total_seconds(), 0) / 3600)
    every = [h for hours in per_office.values() for h in hours]
    histogram = [(label, sum(1 for h in every if lo <= h < hi)) for label, lo, hi in BUCKETS]
    controls = stats.history_data(conn, "control_result", start=start, end=end, office=period.office)
    hits = [d for _, _, d in controls if d.get("result") == "discrepancy"]
    kinds = Counter(str(d.get("kind") or "unspecified") for d in hits)
    revenue_currency = _assessment_currency(conn, start, end, period.office)
    rules: Counter[str] = Counter()
    for _, _, d in stats.history_data(conn, "lane_assigned", start=start, end=end, office=period.office):
        if d.get("source") == "selectivity":
            continue  # random selection is not a rule
        rules.update(str(r) for r in rules_of(d) if r)
    return Dashboard(
        period=period,
        days=days,
        lanes=dict(lanes),
        total=sum(lanes.values()),
        times=[_times(o, h) for o, h in sorted(per_office.items())],
        overall=_times("all offices", every) if every else None,
        histogram=histogram,
        inspections=len(controls),
        hits=len(hits),
        revenue=sum((_money(d.get("revenue_recovered")) for d in hits), Decimal(0)),
        hits_by_kind=kinds.most_common(),
        top_rules=rules.most_common(10),
        offices=stats.offices(conn),
        study=time_release_study(stats.release_timelines(conn, start=start, end=end, office=period.office)),
        currency=revenue_currency,
    )


def work_queue(
    uow: UnitOfWork,
    principal: Principal,
    *,
    office: str | None = None,
    lane: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists the declarations awaiting customs, red first and oldest first, for officers."""
    _require_customs(principal)
    return stats.queue(uow.conn, statuses=QUEUE_STATUSES, office=office, lane=lane, limit=limit, offset=offset)


def queue_depths(uow: UnitOfWork) -> list[tuple[str, str, str | None, int]]:
    """Counts the declarations awaiting customs by office, status and lane (for monitoring)."""
    return stats.open_counts(uow.conn, QUEUE_STATUSES)


def lane_counts(uow: UnitOfWork) -> list[tuple[str | None, int]]:
    """Counts every declaration by lane (for monitoring)."""
    return stats.lane_counts(uow.conn)


def model_versions(uow: UnitOfWork) -> dict[str, str]:
    """Returns the risk model versions seen in recent lane assignments, by source."""
    out: dict[str, str] = {}
    for data in stats.latest_lane_sources(uow.conn):
        raw_scores = data.get("scores")
        scores: dict[str, Any] = raw_scores if isinstance(raw_scores, dict) else {}
        raw_model = scores.get("model")
        model: dict[str, Any] = raw_model if isinstance(raw_model, dict) else {}
        version = model.get("version") or scores.get("model_version") or data.get("model_version")
        source = str(data.get("source") or "unknown")
        if version and source not in out:
            out[source] = str(version)
    return out


def offices(uow: UnitOfWork) -> list[str]:
    """Lists the customs offices that have declarations."""
    return stats.offices(uow.conn)


def lodged_in(
    uow: UnitOfWork, principal: Principal, period: Period
) -> list[tuple[str, str | None, datetime, datetime | None]]:
    """Lists (MRN, lane, lodged at, released at) of the declarations lodged in a period, for customs' comparisons
    (e.g. the crisis dashboard: declarations under a protocol against the others)."""
    _require_customs(principal)
    start, end = period.bounds()
    return stats.lodged_in(uow.conn, start=start, end=end, office=period.office)
