"""Workforce tables: the course catalogue, education records, competency requirements, staff, assignments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Connection, Date, DateTime, Index, Integer, String, Table, delete, select

from clearway.core.time import ensure_utc
from clearway.platform.db import Money, metadata
from clearway.workforce.model import Assignment, Course, EducationRecord, StaffMember

courses = Table(
    "workforce_courses",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("hours", Money(7, 2), nullable=False),
    Column("validity_months", Integer, nullable=True),
    Column("competency", String(40), nullable=True),
    Column("description", String(1000), nullable=False),
    Column("updated_by", String(80), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

records = Table(
    "workforce_records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("officer", String(80), nullable=False),
    Column("course_code", String(40), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("result", String(20), nullable=False),
    Column("hours", Money(7, 2), nullable=False),
    Column("score", Money(5, 1), nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("competency", String(40), nullable=True),
    Column("certificate_sha256", String(64), nullable=True),
    Column("certificate_name", String(200), nullable=True),
    Column("certificate_media_type", String(60), nullable=True),
    Column("certificate_reference", String(200), nullable=True),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("note", String(1000), nullable=False),
    Index("ix_workforce_records_officer", "officer", "competency"),
)

requirements = Table(
    "workforce_requirements",
    metadata,
    Column("work_kind", String(40), primary_key=True),
    Column("competency", String(40), primary_key=True),
    Column("description", String(500), nullable=False),
)

staff = Table(
    "workforce_staff",
    metadata,
    Column("staff_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("gender", String(1), nullable=False),
    Column("grade", String(20), nullable=False),
    Column("function", String(60), nullable=False),
    Column("office", String(20), nullable=False),
    Column("frontline", Boolean, nullable=False),
    Column("leadership", Boolean, nullable=False),
    Column("entry_date", Date, nullable=False),
    Column("exit_date", Date, nullable=True),
    Column("promotions", JSON, nullable=False),
    Column("training", JSON, nullable=False),
    Column("user_name", String(80), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

assignments = Table(
    "workforce_assignments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("mrn", String(40), nullable=False, index=True),
    Column("officer", String(80), nullable=False),
    Column("work_kind", String(40), nullable=False),
    Column("required", JSON, nullable=False),
    Column("missing", JSON, nullable=False),
    Column("override_reason", String(1000), nullable=True),
    Column("assigned_by", String(80), nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    Column("note", String(1000), nullable=False),
)


def _columns(table: Table, obj: object) -> dict[str, Any]:
    """Each column of a table from the object's attribute of that name (records and assignments: one row each)."""
    return {c.name: getattr(obj, c.name) for c in table.columns}


def _course(r: Any) -> Course:
    return Course(
        code=r.code,
        title=r.title,
        provider=r.provider,
        hours=Decimal(r.hours),
        validity_months=r.validity_months,
        competency=r.competency,
        description=r.description,
    )


def put_course(conn: Connection, c: Course, *, by: str, at: datetime) -> Course | None:
    """Stores a course (replacing the one of the same code); returns the one it replaced."""
    before = get_course(conn, c.code)
    values = {
        "title": c.title,
        "provider": c.provider,
        "hours": c.hours,
        "validity_months": c.validity_months,
        "competency": c.competency,
        "description": c.description,
        "updated_by": by,
        "updated_at": at,
    }
    if before is None:
        conn.execute(courses.insert().values(code=c.code, **values))
    else:
        conn.execute(courses.update().where(courses.c.code == c.code).values(**values))
    return before


def get_course(conn: Connection, code: str) -> Course | None:
    """Returns a course by code."""
    row = conn.execute(select(courses).where(courses.c.code == code)).first()
    return None if row is None else _course(row)


def list_courses(conn: Connection) -> list[Course]:
    """Returns the catalogue, by code."""
    return [_course(r) for r in conn.execute(select(courses).order_by(courses.c.code))]


def _record(r: Any) -> EducationRecord:
    return EducationRecord(
        **{
            **r._mapping,
            "hours": Decimal(r.hours),
            "score": None if r.score is None else Decimal(r.score),
            "recorded_at": ensure_utc(r.recorded_at),
        }
    )


def insert_record(conn: Connection, rec: EducationRecord) -> None:
    """Stores an education record (never updated: a correction is a new record)."""
    conn.execute(records.insert().values(**_columns(records, rec)))


def records_of(conn: Connection, officer: str) -> list[EducationRecord]:
    """Returns an officer's education records, most recent first."""
    rows = conn.execute(
        select(records).where(records.c.officer == officer).order_by(records.c.completed_on.desc(), records.c.id)
    )
    return [_record(r) for r in rows]


def all_records(conn: Connection, limit: int = 1000, offset: int = 0) -> list[EducationRecord]:
    """Returns education records of everyone, most recent first."""
    rows = conn.execute(
        select(records)
        .order_by(records.c.completed_on.desc(), records.c.officer, records.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_record(r) for r in rows]


def get_record(conn: Connection, record_id: str) -> EducationRecord | None:
    """Returns an education record by id."""
    row = conn.execute(select(records).where(records.c.id == record_id)).first()
    return None if row is None else _record(row)


def list_requirements(conn: Connection) -> list[tuple[str, str, str]]:
    """Returns the stored (work kind, competency, description) requirements."""
    rows = conn.execute(select(requirements).order_by(requirements.c.work_kind, requirements.c.competency))
    return [(r.work_kind, r.competency, r.description) for r in rows]


def replace_requirements(conn: Connection, rows: list[tuple[str, str, str]]) -> None:
    """Replaces every stored requirement."""
    conn.execute(delete(requirements))
    if rows:
        conn.execute(requirements.insert(), [{"work_kind": w, "competency": c, "description": d} for w, c, d in rows])


def _staff(r: Any) -> StaffMember:
    return StaffMember(
        staff_id=r.staff_id,
        name=r.name,
        gender=r.gender,
        grade=r.grade,
        function=r.function,
        office=r.office,
        frontline=bool(r.frontline),
        leadership=bool(r.leadership),
        entry_date=r.entry_date,
        exit_date=r.exit_date,
        promotions=tuple(date.fromisoformat(d) for d in r.promotions),
        training={int(y): Decimal(h) for y, h in (r.training or {}).items()},
        user=r.user_name,
    )


def upsert_staff(conn: Connection, members: list[StaffMember], at: datetime) -> tuple[int, int]:
    """Stores staff records (by staff id, replacing earlier ones); returns (added, updated)."""
    known = {
        r[0] for r in conn.execute(select(staff.c.staff_id).where(staff.c.staff_id.in_([m.staff_id for m in members])))
    }
    added = updated = 0
    for m in members:
        values = {
            "name": m.name,
            "gender": m.gender,
            "grade": m.grade,
            "function": m.function,
            "office": m.office,
            "frontline": m.frontline,
            "leadership": m.leadership,
            "entry_date": m.entry_date,
            "exit_date": m.exit_date,
            "promotions": [d.isoformat() for d in m.promotions],
            "training": {str(y): str(h) for y, h in sorted(m.training.items())},
            "user_name": m.user,
            "updated_at": at,
        }
        if m.staff_id in known:
            conn.execute(staff.update().where(staff.c.staff_id == m.staff_id).values(**values))
            updated += 1
        else:
            conn.execute(staff.insert().values(staff_id=m.staff_id, **values))
            added += 1
    return added, updated


def list_staff(conn: Connection) -> list[StaffMember]:
    """Returns every staff record, by staff id."""
    return [_staff(r) for r in conn.execute(select(staff).order_by(staff.c.staff_id))]


def _assignment(r: Any) -> Assignment:
    return Assignment(
        **{
            **r._mapping,
            "required": tuple(r.required),
            "missing": tuple(r.missing),
            "assigned_at": ensure_utc(r.assigned_at),
        }
    )


def insert_assignment(conn: Connection, a: Assignment) -> None:
    """Stores an assignment (a reassignment is a new row; the latest one counts)."""
    values = {**_columns(assignments, a), "required": list(a.required), "missing": list(a.missing)}
    conn.execute(assignments.insert().values(**values))


def assignments_of(conn: Connection, mrns: list[str]) -> list[Assignment]:
    """Returns the assignments of some declarations, oldest first."""
    if not mrns:
        return []
    rows = conn.execute(
        select(assignments).where(assignments.c.mrn.in_(mrns)).order_by(assignments.c.assigned_at, assignments.c.id)
    )
    return [_assignment(r) for r in rows]
