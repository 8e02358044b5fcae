"""Risk tables: rule set versions, assessments, control outcomes, promoted models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    func,
    select,
    update,
)

from clearway.platform.db import metadata

risk_rulesets = Table(
    "risk_rulesets",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("document", JSON, nullable=False),
    Column("note", String(500), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

risk_assessments = Table(
    "risk_assessments",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("office", String(12), nullable=False),
    Column("day", String(10), nullable=False),
    Column("importer", String(40), nullable=False),
    Column("lane", String(6), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("model_score", Float, nullable=True),
    Column("model_version", String(100), nullable=True),
    Column("ruleset_version", Integer, nullable=False),
    Column("random", Boolean, nullable=False),
    Column("rules_hit", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("assessed_at", DateTime(timezone=True), nullable=False),
    # Why it was (or was not) selected for control — rule, watchlist, model, random, mandatory, none — and the
    # chance it had of being selected under the criteria in force (the propensity training weights by).
    Column("selection_source", String(20), nullable=True),
    Column("inspection_probability", Float, nullable=True),
    Index("ix_risk_assessments_office_day", "office", "day"),
    Index("ix_risk_assessments_importer", "importer"),
)

risk_outcomes = Table(
    "risk_outcomes",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("result", String(20), nullable=False),
    Column("kind", String(50), nullable=True),
    Column("revenue_recovered", Numeric(18, 2), nullable=True),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

risk_models = Table(
    "risk_models",
    metadata,
    Column("version", String(100), primary_key=True),
    Column("path", String(1000), nullable=False),
    Column("mapping", String(100), nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("promoted_by", String(100), nullable=False),
    Column("promoted_at", DateTime(timezone=True), nullable=False),
)


# One row per office and day: the red lanes given so far. Taking a slot is one conditional UPDATE, so two
# declarations accepted at the same time cannot both take the last one.
risk_red_slots = Table(
    "risk_red_slots",
    metadata,
    Column("office", String(12), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("used", Integer, nullable=False),
)


def reds_used(conn: Connection, office: str, day: str) -> int | None:
    """Returns the red slots an office has used on a day, or None before its first red of the day."""
    t = risk_red_slots
    value = conn.execute(select(t.c.used).where(t.c.office == office, t.c.day == day)).scalar()
    return None if value is None else int(value)


def take_red(conn: Connection, office: str, day: str, *, cap: int | None, start: int) -> bool:
    """Takes one red slot of an office's day if fewer than ``cap`` are used (any number when None).

    The day's row is created first (from ``start``, the reds already counted) without failing when another
    transaction creates it at the same time; the conditional UPDATE then locks it, and its row count says
    whether the slot was ours.
    """
    t = risk_red_slots
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(t).values(office=office, day=day, used=start).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(t).values(office=office, day=day, used=start).on_conflict_do_nothing())
    stmt = update(t).where(t.c.office == office, t.c.day == day).values(used=t.c.used + 1)
    if cap is not None:
        stmt = stmt.where(t.c.used < cap)
    return conn.execute(stmt).rowcount == 1


def give_back_red(conn: Connection, office: str, day: str) -> None:
    """Returns one red slot of an office's day (a withdrawn declaration), never below zero."""
    t = risk_red_slots
    conn.execute(update(t).where(t.c.office == office, t.c.day == day, t.c.used > 0).values(used=t.c.used - 1))


def latest_version(conn: Connection) -> int:
    """Returns the current rule set version (0 when none was ever published)."""
    return int(conn.execute(select(func.coalesce(func.max(risk_rulesets.c.version), 0))).scalar_one())


def ruleset_document(conn: Connection, version: int) -> dict[str, Any] | None:
    """Returns a rule set version's document, or None."""
    row = conn.execute(select(risk_rulesets.c.document).where(risk_rulesets.c.version == version)).first()
    return dict(row[0]) if row else None


def insert_ruleset(conn: Connection, version: int, document: dict[str, Any], note: str, by: str, at: datetime) -> None:
    """Stores a new rule set version (the primary key refuses a concurrent publisher of the same version)."""
    conn.execute(
        risk_rulesets.insert().values(version=version, document=document, note=note, created_by=by, created_at=at)
    )


def ruleset_versions(conn: Connection) -> list[dict[str, Any]]:
    """Lists the published versions, newest first."""
    cols = (risk_rulesets.c.version, risk_rulesets.c.note, risk_rulesets.c.created_by, risk_rulesets.c.created_at)
    rows = conn.execute(select(*cols).order_by(risk_rulesets.c.version.desc()))
    return [dict(r._mapping) for r in rows]


def day_load(conn: Connection, office: str, day: str) -> tuple[int, int]:
    """Returns (red lanes, declarations assessed) for an office on a day."""
    t = risk_assessments
    reds = func.sum(func.cast(t.c.lane == "red", Integer))
    row = conn.execute(select(func.coalesce(reds, 0), func.count()).where(t.c.office == office, t.c.day == day)).one()
    return int(row[0]), int(row[1])


def past_declarations(conn: Connection, importer: str) -> int:
    """Returns how many declarations of an importer were assessed before."""
    t = risk_assessments
    return int(conn.execute(select(func.count()).select_from(t).where(t.c.importer == importer)).scalar_one())


def insert_assessment(conn: Connection, row: dict[str, Any]) -> None:
    """Stores an assessment."""
    conn.execute(risk_assessments.insert().values(**row))


def get_assessment(conn: Connection, mrn: str) -> dict[str, Any] | None:
    """Returns a declaration's assessment, or None."""
    row = conn.execute(select(risk_assessments).where(risk_assessments.c.mrn == mrn)).first()
    return dict(row._mapping) if row else None


def save_outcome(
    conn: Connection, mrn: str, result: str, kind: str | None, revenue: Decimal | None, by: str, at: datetime
) -> None:
    """Stores (or replaces) the outcome of a control."""
    conn.execute(risk_outcomes.delete().where(risk_outcomes.c.mrn == mrn))
    conn.execute(
        risk_outcomes.insert().values(
            mrn=mrn, result=result, kind=kind, revenue_recovered=revenue, recorded_by=by, recorded_at=at
        )
    )


def assessments_with_outcomes(conn: Connection) -> list[dict[str, Any]]:
    """Returns every assessment joined with its control outcome when one was recorded."""
    a, o = risk_assessments, risk_outcomes
    q = select(
        a.c.mrn,
        a.c.lane,
        a.c.rules_hit,
        a.c.random,
        a.c.model_score,
        a.c.selection_source,
        a.c.inspection_probability,
        o.c.result,
        o.c.kind,
        o.c.revenue_recovered,
    ).select_from(a.outerjoin(o, o.c.mrn == a.c.mrn))
    return [dict(r._mapping) for r in conn.execute(q)]


def outcomes(conn: Connection) -> dict[str, dict[str, Any]]:
    """Returns every recorded outcome by MRN."""
    return {r.mrn: dict(r._mapping) for r in conn.execute(select(risk_outcomes))}


def active_model(conn: Connection) -> dict[str, Any] | None:
    """Returns the promoted model's record, or None."""
    row = conn.execute(select(risk_models).where(risk_models.c.active.is_(True))).first()
    return dict(row._mapping) if row else None


def promote(conn: Connection, record: dict[str, Any]) -> None:
    """Makes a model the active one, retiring the previous."""
    conn.execute(update(risk_models).values(active=False))
    conn.execute(risk_models.delete().where(risk_models.c.version == record["version"]))
    conn.execute(risk_models.insert().values(**record, active=True))


def retire_models(conn: Connection) -> int:
    """Retires the active model (rules and random selection only from now on); returns how many."""
    return conn.execute(update(risk_models).where(risk_models.c.active.is_(True)).values(active=False)).rowcount
