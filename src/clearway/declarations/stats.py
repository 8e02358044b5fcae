"""Aggregate queries over the declaration tables for queues, dashboards and metrics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Date, and_, case, cast, func, select

from clearway.core.time import ensure_utc
from clearway.declarations.store import declaration_events, declarations


def _day(conn: Connection) -> Any:
    col = declarations.c.lodged_at
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", col), Date)
    return func.date(col)


def _in_range(start: datetime, end: datetime, office: str | None) -> Any:
    conds: list[ColumnElement[bool]] = [declarations.c.lodged_at >= start, declarations.c.lodged_at < end]
    if office:
        conds.append(declarations.c.office == office)
    return and_(*conds)


def per_day_and_lane(
    conn: Connection, *, start: datetime, end: datetime, office: str | None = None
) -> list[tuple[date, str | None, int]]:
    """Counts declarations lodged per UTC day and lane in [start, end)."""
    day = _day(conn).label("day")
    rows = conn.execute(
        select(day, declarations.c.lane, func.count())
        .where(_in_range(start, end, office))
        .group_by(day, declarations.c.lane)
        .order_by(day)
    ).all()
    return [(date.fromisoformat(str(r[0])[:10]), r[1], int(r[2])) for r in rows]


def release_times(
    conn: Connection, *, start: datetime, end: datetime, office: str | None = None
) -> list[tuple[str, datetime, datetime]]:
    """Returns (office, lodged at, released at) of declarations lodged in [start, end) and released."""
    rows = conn.execute(
        select(declarations.c.office, declarations.c.lodged_at, declarations.c.released_at).where(
            and_(_in_range(start, end, office), declarations.c.released_at.is_not(None))
        )
    ).all()
    return [(r[0], ensure_utc(r[1]), ensure_utc(r[2])) for r in rows]


def history_data(
    conn: Connection, kind: str, *, start: datetime, end: datetime, office: str | None = None
) -> list[tuple[str, str, dict[str, Any]]]:
    """Returns (office, lane, data) of history entries of a kind for declarations lodged in [start, end)."""
    rows = conn.execute(
        select(declarations.c.office, declarations.c.lane, declaration_events.c.data)
        .join(declarations, declarations.c.id == declaration_events.c.declaration_id)
        .where(and_(_in_range(start, end, office), declaration_events.c.kind == kind))
    ).all()
    return [(r[0], r[1] or "", dict(r[2] or {})) for r in rows]


def offices(conn: Connection) -> list[str]:
    """Lists the customs offices that have declarations."""
    return [r[0] for r in conn.execute(select(declarations.c.office).distinct().order_by(declarations.c.office))]


def queue(
    conn: Connection,
    *,
    statuses: Iterable[str],
    office: str | None = None,
    lane: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists declarations awaiting customs in work-queue order: red first, then oldest first."""
    conds: list[ColumnElement[bool]] = [declarations.c.status.in_(list(statuses))]
    if office:
        conds.append(declarations.c.office == office)
    if lane:
        conds.append(declarations.c.lane == lane)
    where = and_(*conds)
    total = conn.execute(select(func.count()).select_from(declarations).where(where)).scalar_one()
    lane_rank = case({"red": 0, "yellow": 1, "green": 2}, value=declarations.c.lane, else_=3)
    cols = [
        declarations.c[n]
        for n in (
            *("mrn", "lrn", "declarant_id", "importer_id", "office", "status", "lane", "item_count"),
            *("total_amount", "currency", "lodged_at", "version"),
        )
    ]
    rows = conn.execute(
        select(*cols).where(where).order_by(lane_rank, declarations.c.lodged_at).limit(limit).offset(offset)
    ).mappings()
    return [dict(r) for r in rows], int(total)


def open_counts(conn: Connection, statuses: Iterable[str]) -> list[tuple[str, str, str | None, int]]:
    """Counts declarations in the given statuses by office, status and lane (queue depths)."""
    rows = conn.execute(
        select(declarations.c.office, declarations.c.status, declarations.c.lane, func.count())
        .where(declarations.c.status.in_(list(statuses)))
        .group_by(declarations.c.office, declarations.c.status, declarations.c.lane)
    ).all()
    return [(r[0], r[1], r[2], int(r[3])) for r in rows]


def lane_counts(conn: Connection) -> list[tuple[str | None, int]]:
    """Counts every declaration by lane."""
    rows = conn.execute(select(declarations.c.lane, func.count()).group_by(declarations.c.lane)).all()
    return [(r[0], int(r[1])) for r in rows]


def latest_lane_sources(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Returns the data of the most recent lane assignments (to read the risk model versions in use)."""
    rows = conn.execute(
        select(declaration_events.c.data)
        .where(declaration_events.c.kind == "lane_assigned")
        .order_by(declaration_events.c.id.desc())
        .limit(limit)
    ).all()
    return [dict(r[0] or {}) for r in rows]


TIMELINE_KINDS = ("assessed", "payment", "agency_decision", "control_result", "physical_check", "request_documents")


def release_timelines(
    conn: Connection, *, start: datetime, end: datetime, office: str | None = None
) -> list[dict[str, Any]]:
    """Returns, per declaration lodged in [start, end) and released, its milestones for a Time Release Study.

    Each item: office, lane, arrival_date (ISO date or None), lodged_at, accepted_at, released_at and
    ``events``: (kind, at, agency) of assessment, payments, agency decisions and controls, in order.
    """
    rows = conn.execute(
        select(
            declarations.c.id,
            declarations.c.office,
            declarations.c.lane,
            declarations.c.document,
            declarations.c.lodged_at,
            declarations.c.accepted_at,
            declarations.c.released_at,
        ).where(and_(_in_range(start, end, office), declarations.c.released_at.is_not(None)))
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        doc = r[3] if isinstance(r[3], dict) else {}
        consignment = doc.get("consignment") if isinstance(doc.get("consignment"), dict) else {}
        out[r[0]] = {
            "office": r[1],
            "lane": r[2] or "",
            "arrival_date": (consignment or {}).get("arrival_date"),
            "lodged_at": ensure_utc(r[4]),
            "accepted_at": ensure_utc(r[5]) if r[5] is not None else None,
            "released_at": ensure_utc(r[6]),
            "events": [],
        }
    ids = list(out)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        events = conn.execute(
            select(
                declaration_events.c.declaration_id,
                declaration_events.c.kind,
                declaration_events.c.at,
                declaration_events.c.data,
            )
            .where(
                and_(
                    declaration_events.c.declaration_id.in_(chunk),
                    declaration_events.c.kind.in_(TIMELINE_KINDS),
                )
            )
            .order_by(declaration_events.c.id)
        ).all()
        for e in events:
            data = e[3] if isinstance(e[3], dict) else {}
            out[e[0]]["events"].append((e[1], ensure_utc(e[2]), str(data.get("agency") or "")))
    return list(out.values())


def lodged_in(
    conn: Connection, *, start: datetime, end: datetime, office: str | None = None
) -> list[tuple[str, str | None, datetime, datetime | None]]:
    """Returns (MRN, lane, lodged at, released at or None) of every declaration lodged in [start, end)."""
    rows = conn.execute(
        select(declarations.c.mrn, declarations.c.lane, declarations.c.lodged_at, declarations.c.released_at).where(
            _in_range(start, end, office)
        )
    ).all()
    return [(r[0], r[1], ensure_utc(r[2]), ensure_utc(r[3]) if r[3] is not None else None) for r in rows]
