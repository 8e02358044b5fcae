"""Single window tables and queries: agencies, requirement versions, applications, permits, drawdowns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    true,
    update,
)

from clearway.core.time import ensure_utc
from clearway.platform.db import metadata
from clearway.single_window.model import Agency, HsSpec, Need, Requirement

sw_agencies = Table(
    "sw_agencies",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("domain", String(200), nullable=False),
    Column("automated_decisions", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

sw_requirements = Table(
    "sw_requirements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", String(60), nullable=False),
    Column("version", Integer, nullable=False),
    Column("agency", String(20), ForeignKey("sw_agencies.code"), nullable=False),
    Column("terms", JSON, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(80), nullable=False),
    UniqueConstraint("rule_id", "version", name="uq_sw_requirements_rule_version"),
    Index("ix_sw_requirements_agency", "agency"),
)

sw_routings = Table(
    "sw_routings",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("importer_id", String(40), nullable=False),
    Column("declarant_id", String(40), nullable=False),
    Column("agencies", JSON, nullable=False),
    Column("routed_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=True),
)

sw_applications = Table(
    "sw_applications",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("agency", String(20), ForeignKey("sw_agencies.code"), nullable=False),
    Column("mrn", String(18), nullable=True),
    Column("source", String(20), nullable=False),
    Column("importer_id", String(40), nullable=False),
    Column("applicant_id", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("goods", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("needs", JSON, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(80), nullable=True),
    Column("automated", Boolean, nullable=False),
    Column("decision_ms", Float, nullable=True),
    Column("message", String(2000), nullable=True),
    Column("conditions", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("permit_number", String(40), nullable=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_sw_applications_queue", "agency", "status", "submitted_at"),
    Index("ix_sw_applications_mrn", "mrn"),
    Index("ix_sw_applications_importer", "importer_id"),
)

sw_application_events = Table(
    "sw_application_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(20), ForeignKey("sw_applications.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("message", String(2000), nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_sw_application_events_app", "application_id", "id"),
)

sw_permits = Table(
    "sw_permits",
    metadata,
    Column("number", String(40), primary_key=True),
    Column("agency", String(20), ForeignKey("sw_agencies.code"), nullable=False),
    Column("holder_id", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("standing", Boolean, nullable=False),
    Column("hs", JSON, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("unit", String(3), nullable=True),
    Column("quantity_milli", BigInteger, nullable=True),
    Column("remaining_milli", BigInteger, nullable=True),
    Column("revoked", Boolean, nullable=False),
    Column("application_id", String(20), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", String(80), nullable=False),
    Index("ix_sw_permits_holder", "holder_id", "agency"),
)

sw_drawdowns = Table(
    "sw_drawdowns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("permit_number", String(40), ForeignKey("sw_permits.number"), nullable=False),
    Column("mrn", String(18), nullable=True),
    Column("application_id", String(20), nullable=True),
    Column("quantity_milli", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Index("ix_sw_drawdowns_permit", "permit_number"),
)


# --- agencies and requirements -------------------------------------------------------------------


def upsert_agency(conn: Connection, agency: Agency, now: datetime) -> bool:
    """Creates or updates an agency; tells whether anything changed."""
    row = conn.execute(select(sw_agencies).where(sw_agencies.c.code == agency.code)).first()
    values = {"name": agency.name, "domain": agency.domain, "automated_decisions": agency.automated_decisions}
    if row is None:
        conn.execute(sw_agencies.insert().values(code=agency.code, updated_at=now, **values))
        return True
    if all(getattr(row, k) == v for k, v in values.items()):
        return False
    conn.execute(update(sw_agencies).where(sw_agencies.c.code == agency.code).values(updated_at=now, **values))
    return True


def touch_agency(conn: Connection, code: str, now: datetime) -> None:
    """Marks an agency's rules as changed so that every process re-reads them."""
    conn.execute(update(sw_agencies).where(sw_agencies.c.code == code).values(updated_at=now))


def all_agencies(conn: Connection) -> list[Agency]:
    """Returns every agency."""
    rows = conn.execute(select(sw_agencies).order_by(sw_agencies.c.code)).all()
    return [Agency(r.code, r.name, r.domain, bool(r.automated_decisions)) for r in rows]


def _terms(req: Requirement) -> dict[str, Any]:
    return {
        "hs": [str(s) for s in req.hs],
        "origins": sorted(req.origins),
        "procedures": list(req.procedures),
        "end_uses": sorted(req.end_uses),
        "needs": [{"kind": n.kind, "name": n.name} for n in req.needs],
        "auto": req.auto,
        "description": req.description,
    }


def _requirement(row: Any) -> Requirement:
    t = row.terms
    return Requirement(
        rule_id=row.rule_id,
        agency=row.agency,
        hs=tuple(HsSpec.parse(s) for s in t["hs"]),
        needs=tuple(Need(n["kind"], n["name"]) for n in t["needs"]),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        origins=frozenset(t["origins"]),
        procedures=tuple(t["procedures"]),
        end_uses=frozenset(t["end_uses"]),
        auto=t["auto"],
        version=row.version,
        description=t.get("description", ""),
    )


def all_requirements(conn: Connection) -> list[Requirement]:
    """Returns every version of every requirement."""
    rows = conn.execute(select(sw_requirements).order_by(sw_requirements.c.rule_id, sw_requirements.c.version)).all()
    return [_requirement(r) for r in rows]


def insert_requirement(conn: Connection, req: Requirement, *, now: datetime, actor: str) -> None:
    """Stores a new requirement version."""
    conn.execute(
        sw_requirements.insert().values(
            rule_id=req.rule_id,
            version=req.version,
            agency=req.agency,
            terms=_terms(req),
            effective_from=req.effective_from,
            effective_to=req.effective_to,
            created_at=now,
            created_by=actor,
        )
    )


def end_requirement(conn: Connection, rule_id: str, version: int, effective_to: date | None) -> None:
    """Sets (or clears) the date a requirement version stops applying."""
    conn.execute(
        update(sw_requirements)
        .where(and_(sw_requirements.c.rule_id == rule_id, sw_requirements.c.version == version))
        .values(effective_to=effective_to)
    )


def rules_stamp(conn: Connection) -> tuple[Any, ...]:
    """Returns a stamp that changes whenever agencies or requirements change."""
    req = conn.execute(select(func.count(), func.max(sw_requirements.c.id))).one()
    ag = conn.execute(select(func.count(), func.max(sw_agencies.c.updated_at))).one()
    return (req[0], req[1], ag[0], str(ag[1]))


# --- applications ----------------------------------------------------------------------------------


def insert_applications(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Stores new applications."""
    if rows:
        conn.execute(sw_applications.insert(), list(rows))


def save_application(conn: Connection, app_id: str, version: int, values: dict[str, Any]) -> bool:
    """Updates an application if it is still at the version read; tells whether it was."""
    result = conn.execute(
        update(sw_applications)
        .where(and_(sw_applications.c.id == app_id, sw_applications.c.version == version))
        .values(version=version + 1, **values)
    )
    return bool(result.rowcount == 1)


def add_app_events(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Appends entries to applications' histories; history rows are never changed."""
    if rows:
        conn.execute(sw_application_events.insert(), list(rows))


def get_application(conn: Connection, app_id: str) -> dict[str, Any] | None:
    """Returns an application row."""
    row = conn.execute(select(sw_applications).where(sw_applications.c.id == app_id)).mappings().first()
    return dict(row) if row else None


def application_events(conn: Connection, app_id: str) -> list[dict[str, Any]]:
    """Returns an application's history, oldest first."""
    rows = conn.execute(
        select(sw_application_events)
        .where(sw_application_events.c.application_id == app_id)
        .order_by(sw_application_events.c.id)
    ).mappings()
    return [dict(r) for r in rows]


def applications_for_mrn(conn: Connection, mrn: str) -> list[dict[str, Any]]:
    """Returns the applications made for a declaration."""
    rows = conn.execute(
        select(sw_applications).where(sw_applications.c.mrn == mrn).order_by(sw_applications.c.agency)
    ).mappings()
    return [dict(r) for r in rows]


def application_states(conn: Connection, mrn: str) -> list[dict[str, Any]]:
    """Returns agency, status, needs, message and reasons of a declaration's applications (for the release gate)."""
    c = sw_applications.c
    rows = conn.execute(
        select(c.agency, c.status, c.needs, c.message, c.reasons).where(c.mrn == mrn).order_by(c.agency)
    ).mappings()
    return [dict(r) for r in rows]


def application_states_many(conn: Connection, mrns: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Returns the application states of several declarations in one query: MRN -> states, by agency."""
    c = sw_applications.c
    out: dict[str, list[dict[str, Any]]] = {m: [] for m in mrns}
    for start in range(0, len(mrns), 500):
        rows = conn.execute(
            select(c.mrn, c.agency, c.status, c.needs, c.message, c.reasons)
            .where(c.mrn.in_(mrns[start : start + 500]))
            .order_by(c.mrn, c.agency)
        ).mappings()
        for r in rows:
            state = dict(r)
            out.setdefault(state.pop("mrn"), []).append(state)
    return out


def list_applications(
    conn: Connection,
    *,
    agency: str | None = None,
    party_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists applications, oldest first (a work queue), filtered by agency, party and status."""
    conds: list[ColumnElement[bool]] = []
    if agency is not None:
        conds.append(sw_applications.c.agency == agency)
    if party_id is not None:
        conds.append(or_(sw_applications.c.importer_id == party_id, sw_applications.c.applicant_id == party_id))
    if status is not None:
        conds.append(sw_applications.c.status == status)
    where = and_(true(), *conds)
    total = conn.execute(select(func.count()).select_from(sw_applications).where(where)).scalar_one()
    rows = conn.execute(
        select(sw_applications)
        .where(where)
        .order_by(sw_applications.c.submitted_at, sw_applications.c.id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [dict(r) for r in rows], int(total)


def insert_routing(conn: Connection, values: dict[str, Any]) -> None:
    """Records that a declaration was routed (the submission instant of the Time Release Study)."""
    conn.execute(sw_routings.insert(), values)


def get_routing(conn: Connection, mrn: str) -> dict[str, Any] | None:
    """Returns the routing record of a declaration."""
    row = conn.execute(select(sw_routings).where(sw_routings.c.mrn == mrn)).mappings().first()
    return dict(row) if row else None


def update_routing(conn: Connection, mrn: str, **values: Any) -> None:
    """Updates a routing record (agencies added on amendment, release time)."""
    conn.execute(update(sw_routings).where(sw_routings.c.mrn == mrn).values(**values))


def decision_times(
    conn: Connection, *, since: datetime | None, agency: str | None
) -> list[tuple[str, datetime, datetime, bool, float | None]]:
    """Returns (agency, submitted, decided, automated, decision ms) of decided applications."""
    conds: list[ColumnElement[bool]] = [sw_applications.c.decided_at.is_not(None)]
    if since is not None:
        conds.append(sw_applications.c.submitted_at >= since)
    if agency is not None:
        conds.append(sw_applications.c.agency == agency)
    rows = conn.execute(
        select(
            sw_applications.c.agency,
            sw_applications.c.submitted_at,
            sw_applications.c.decided_at,
            sw_applications.c.automated,
            sw_applications.c.decision_ms,
        ).where(and_(*conds))
    ).all()
    return [(r[0], ensure_utc(r[1]), ensure_utc(r[2]), bool(r[3]), r[4]) for r in rows]


def pending_counts(conn: Connection, agency: str | None) -> dict[str, int]:
    """Returns how many applications each agency still has to decide."""
    conds: list[ColumnElement[bool]] = [sw_applications.c.status.in_(["submitted", "info_requested"])]
    if agency is not None:
        conds.append(sw_applications.c.agency == agency)
    rows = conn.execute(
        select(sw_applications.c.agency, func.count()).where(and_(*conds)).group_by(sw_applications.c.agency)
    ).all()
    return {r[0]: int(r[1]) for r in rows}


def release_times(conn: Connection, *, since: datetime | None) -> list[tuple[datetime, datetime]]:
    """Returns (routed, released) of declarations that went to at least one agency and were released."""
    conds: list[ColumnElement[bool]] = [sw_routings.c.released_at.is_not(None)]
    if since is not None:
        conds.append(sw_routings.c.routed_at >= since)
    rows = conn.execute(
        select(sw_routings.c.routed_at, sw_routings.c.released_at, sw_routings.c.agencies).where(and_(*conds))
    ).all()
    return [(ensure_utc(r[0]), ensure_utc(r[1])) for r in rows if r[2]]
