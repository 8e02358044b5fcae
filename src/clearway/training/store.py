"""Training tables: case banks, their anonymised cases (outcomes kept apart from what is shown), exercises."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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

from clearway.core.time import ensure_utc
from clearway.platform.db import metadata

banks = Table(
    "training_banks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("source", String(20), nullable=False),  # kcs, platform
    Column("digest", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(80), nullable=False),
    Column("cases", Integer, nullable=False),
    Column("frauds", Integer, nullable=False),
    Column("knows_kinds", Boolean, nullable=False),
    Column("currency", String(3), nullable=True),
    Column("model", JSON, nullable=False),
    Index("ix_training_banks_digest", "digest"),
)

cases = Table(
    "training_cases",
    metadata,
    Column("id", String(20), primary_key=True),  # the case's pseudonym, unique within a bank
    Column("bank_id", String(36), primary_key=True),
    Column("month", String(7), nullable=False),
    Column("office", String(12), nullable=False),
    Column("importer", String(20), nullable=False),
    Column("declarant", String(20), nullable=False),
    Column("seller", String(20), nullable=False),
    Column("courier", String(20), nullable=False),
    Column("hs", String(10), nullable=False),
    Column("origin", String(3), nullable=False),
    Column("departure", String(3), nullable=False),
    Column("incoterm", String(3), nullable=True),
    Column("transport", String(20), nullable=True),
    Column("value", Numeric(18, 2), nullable=False),
    Column("net_mass", Numeric(18, 3), nullable=False),
    Column("tax_rate", Numeric(9, 4), nullable=True),
    Column("description", String(200), nullable=True),
    Column("history", JSON, nullable=False),
    Column("uv_ratio", Float, nullable=True),  # log unit value against the HS6 × origin (else HS6) median: draws
    # Hidden until an exercise holding the case is answered:
    Column("fraud", Boolean, nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("kind", String(40), nullable=True),
    Column("revenue", Numeric(18, 2), nullable=False),
    Column("model_score", Float, nullable=False),
    Column("signals", JSON, nullable=False),
    Index("ix_training_cases_bank_fraud", "bank_id", "fraud"),
)

exercises = Table(
    "training_exercises",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("trainee", String(80), nullable=False),
    Column("course", String(40), nullable=False),
    Column("course_version", Integer, nullable=False),
    Column("bank_id", String(36), nullable=False),
    Column("status", String(12), nullable=False),  # open, submitted
    Column("budget_red", Integer, nullable=False),
    Column("budget_yellow", Integer, nullable=False),
    Column("case_ids", JSON, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("answers", JSON, nullable=True),
    Column("result", JSON, nullable=True),
    Column("points", Float, nullable=True),
    Column("precision", Float, nullable=True),
    Column("revenue_share", Float, nullable=True),
    Column("engine_points", Float, nullable=True),
    Index("ix_training_exercises_trainee", "trainee", "started_at"),
)

SHOWN = (
    "id",
    "month",
    "office",
    "importer",
    "declarant",
    "seller",
    "courier",
    "hs",
    "origin",
    "departure",
    "incoterm",
    "transport",
    "value",
    "net_mass",
    "tax_rate",
    "description",
    "history",
)
HIDDEN = ("fraud", "critical", "kind", "revenue", "model_score", "signals")


def insert_bank(conn: Connection, row: dict[str, Any]) -> None:
    """Stores a case bank's record."""
    conn.execute(banks.insert().values(**row))


def insert_cases(conn: Connection, rows: Sequence[dict[str, Any]], chunk: int = 500) -> None:
    """Stores a bank's cases, in chunks."""
    for i in range(0, len(rows), chunk):
        conn.execute(cases.insert(), list(rows[i : i + chunk]))


def bank_with_digest(conn: Connection, digest: str) -> dict[str, Any] | None:
    """Returns the bank imported from the same content, if any."""
    row = conn.execute(select(banks).where(banks.c.digest == digest)).first()
    return _bank(row) if row else None


def _bank(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["imported_at"] = ensure_utc(out["imported_at"])
    return out


def list_banks(conn: Connection) -> list[dict[str, Any]]:
    """Returns every case bank, newest first."""
    return [_bank(r) for r in conn.execute(select(banks).order_by(banks.c.imported_at.desc(), banks.c.id))]


def get_bank(conn: Connection, bank_id: str) -> dict[str, Any] | None:
    """Returns a case bank's record, or None."""
    row = conn.execute(select(banks).where(banks.c.id == bank_id)).first()
    return _bank(row) if row else None


def candidates(conn: Connection, bank_id: str) -> list[dict[str, Any]]:
    """Returns what a draw needs of every case of a bank."""
    q = select(
        cases.c.id, cases.c.hs, cases.c.origin, cases.c.departure, cases.c.fraud, cases.c.kind, cases.c.uv_ratio
    ).where(cases.c.bank_id == bank_id)
    return [dict(r._mapping) for r in conn.execute(q)]


def get_cases(conn: Connection, bank_id: str, ids: Sequence[str], *, hidden: bool) -> dict[str, dict[str, Any]]:
    """Returns some cases of a bank by id: what is shown, and the outcomes only when ``hidden`` is asked."""
    columns = [cases.c[c] for c in (*SHOWN, *(HIDDEN if hidden else ()))]
    q = select(*columns).where(cases.c.bank_id == bank_id, cases.c.id.in_(list(ids)))
    return {r.id: dict(r._mapping) for r in conn.execute(q)}


def insert_exercise(conn: Connection, row: dict[str, Any]) -> None:
    """Stores a new exercise."""
    conn.execute(exercises.insert().values(**row))


def _exercise(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["started_at"] = ensure_utc(out["started_at"])
    out["submitted_at"] = ensure_utc(out["submitted_at"]) if out["submitted_at"] else None
    return out


def get_exercise(conn: Connection, exercise_id: str) -> dict[str, Any] | None:
    """Returns an exercise, or None."""
    row = conn.execute(select(exercises).where(exercises.c.id == exercise_id)).first()
    return _exercise(row) if row else None


def submit(conn: Connection, exercise_id: str, values: dict[str, Any], at: datetime) -> bool:
    """Records the answers and the result once: tells whether it did (False when already submitted)."""
    result = conn.execute(
        update(exercises)
        .where(exercises.c.id == exercise_id, exercises.c.status == "open")
        .values(status="submitted", submitted_at=at, **values)
    )
    return bool(result.rowcount)


def list_exercises(
    conn: Connection, *, trainee: str | None, status: str | None = None, limit: int = 200, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Lists exercises (one trainee's when given), newest first, with the count."""
    q = select(exercises)
    if trainee is not None:
        q = q.where(exercises.c.trainee == trainee)
    if status is not None:
        q = q.where(exercises.c.status == status)
    total = int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())
    rows = conn.execute(q.order_by(exercises.c.started_at.desc(), exercises.c.id).limit(limit).offset(offset))
    return [_exercise(r) for r in rows], total


def submitted_results(conn: Connection, trainee: str | None) -> list[dict[str, Any]]:
    """Returns the scored exercises (one trainee's when given), oldest first, for progress over time."""
    q = select(
        exercises.c.id,
        exercises.c.trainee,
        exercises.c.course,
        exercises.c.submitted_at,
        exercises.c.points,
        exercises.c.precision,
        exercises.c.revenue_share,
        exercises.c.engine_points,
    ).where(exercises.c.status == "submitted")
    if trainee is not None:
        q = q.where(exercises.c.trainee == trainee)
    rows = conn.execute(q.order_by(exercises.c.submitted_at, exercises.c.id))
    return [{**dict(r._mapping), "submitted_at": ensure_utc(r.submitted_at)} for r in rows]
