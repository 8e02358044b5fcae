"""Workforce use cases: catalogue, education records, competency checks, assignments, staff and indicators.

Never commits. Who sees what: the course catalogue, the competencies work requires and the (disclosure-
controlled) indicators are for customs staff; an officer's education records for the officer and HR
(administrators); staff records (gender, grade, dates) for HR only. Every change is audited.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations
from clearway.documents.model import Format, check_filename, check_pdf_bytes, sniff
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import users
from clearway.workforce import importer, indicators, store
from clearway.workforce.model import (
    CODE,
    RESULTS,
    Assignment,
    CompetencyStatus,
    Course,
    EducationRecord,
    StaffMember,
    competency_status,
    missing_competencies,
    valid_until,
    work_kind_for_lane,
)

CUSTOMS = frozenset({"officer", "supervisor", "admin"})
ASSIGNERS = frozenset({"supervisor"})
ASSIGNABLE_ROLES = ("officer", "supervisor")
MIN_REASON = 10
MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
CERTIFICATE_FORMATS = (Format.PDF, Format.PNG, Format.JPEG)
MIN_GROUP_FLOOR = 3  # below this, small-group suppression would protect nobody


def min_group() -> int:
    """Returns the minimum group size of published figures (``CLEARWAY_WORKFORCE_MIN_GROUP``, default 5)."""
    raw = os.environ.get("CLEARWAY_WORKFORCE_MIN_GROUP", "")
    try:
        value = int(raw) if raw.strip() else indicators.DEFAULT_MIN_GROUP
    except ValueError:
        value = indicators.DEFAULT_MIN_GROUP
    return max(value, MIN_GROUP_FLOOR)


def _customs(principal: Principal) -> None:
    if principal.role not in CUSTOMS:
        raise Forbidden("workforce figures and the course catalogue are for customs staff")


def _hr(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("personal records are for human resources (administrators) only")


def _may_read_person(principal: Principal, officer: str) -> None:
    if principal.role == "admin":
        return
    if principal.role in CUSTOMS and principal.user == officer:
        return
    raise Forbidden("an officer's education records are for the officer and human resources only")


# ---------------------------------------------------------------- catalogue and requirements


@lru_cache(maxsize=1)
def default_catalogue() -> tuple[tuple[Course, ...], tuple[tuple[str, str, str], ...]]:
    """Returns the catalogue shipped with Clearway (courses, requirements)."""
    text = resources.files("clearway.workforce").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    courses, reqs, issues = importer.parse_catalogue(yaml.safe_load(text))
    if issues:  # pragma: no cover - the shipped file is tested
        raise ValidationFailed(issues)
    return tuple(courses), tuple(reqs)


def load_catalogue(uow: UnitOfWork, principal: Principal, doc: Any, *, reason: str) -> tuple[int, int]:
    """Stores the courses of a catalogue document and replaces the requirements; every issue at once."""
    _hr(principal)
    courses, reqs, issues = importer.parse_catalogue(doc)
    if len(reason.strip()) < 3:
        issues.append(Issue("REASON_REQUIRED", "say why the catalogue changes (recorded)", "/reason"))
    if issues:
        raise ValidationFailed(issues)
    now = uow.clock()
    for c in courses:
        before = store.put_course(uow.conn, c, by=principal.user, at=now)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="workforce.course.put",
            target=f"course:{c.code}",
            before=before,
            after=c,
            reason=reason,
        )
    if "requirements" in doc:
        before_reqs = store.list_requirements(uow.conn)
        store.replace_requirements(uow.conn, reqs)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="workforce.requirements.put",
            target="requirements",
            before=before_reqs,
            after=reqs,
            reason=reason,
        )
    return len(courses), len(reqs)


def ensure_default_catalogue(uow: UnitOfWork) -> None:
    """Stores the shipped catalogue when none is stored yet (demo, first start)."""
    if store.list_courses(uow.conn):
        return
    courses, reqs = default_catalogue()
    requirements_doc: dict[str, list[dict[str, str]]] = {}
    for kind, comp, desc in reqs:
        requirements_doc.setdefault(kind, []).append({"competency": comp, "description": desc})
    doc: dict[str, Any] = {
        "requirements": requirements_doc,
        "courses": [
            {
                "code": c.code,
                "title": c.title,
                "provider": c.provider,
                "hours": str(c.hours),
                "validity_months": c.validity_months,
                "competency": c.competency,
                "description": c.description,
            }
            for c in courses
        ],
    }
    load_catalogue(uow, Principal(user="clearway", role="admin"), doc, reason="the catalogue shipped with Clearway")


def list_courses(uow: UnitOfWork, principal: Principal) -> list[Course]:
    """Returns the course catalogue."""
    _customs(principal)
    return store.list_courses(uow.conn)


def requirements(uow: UnitOfWork) -> dict[str, list[tuple[str, str]]]:
    """Returns the competencies each kind of work requires: the stored ones, else those shipped."""
    rows = store.list_requirements(uow.conn) or list(default_catalogue()[1])
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, comp, desc in rows:
        out.setdefault(kind, []).append((comp, desc))
    return out


# ---------------------------------------------------------------- education records


@dataclass(frozen=True, slots=True)
class Certificate:
    """An uploaded certificate file: its bytes and the name it came with."""

    body: bytes
    filename: str | None


def certificates_dir(data_dir: Path) -> Path:
    """Returns the folder of certificate files (content-addressed by SHA-256)."""
    return data_dir / "workforce" / "certificates"


def _keep_certificate(data_dir: Path, cert: Certificate) -> tuple[str, str, str]:
    if len(cert.body) > MAX_CERTIFICATE_BYTES:
        raise ValidationFailed(
            [Issue("CERTIFICATE_TOO_LARGE", f"the certificate exceeds {MAX_CERTIFICATE_BYTES:,} bytes", "/certificate")]
        )
    fmt = sniff(cert.body)
    if fmt not in CERTIFICATE_FORMATS:
        raise ValidationFailed([Issue("CERTIFICATE_TYPE", "a certificate is a PDF, PNG or JPEG file", "/certificate")])
    if fmt is Format.PDF:
        check_pdf_bytes(cert.body)
    digest = hashlib.sha256(cert.body).hexdigest()
    folder = certificates_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.{uuid.uuid4().hex}"
        tmp.write_bytes(cert.body)
        tmp.replace(path)
    return digest, check_filename(cert.filename), fmt.media_type


def _officer_exists(uow: UnitOfWork, officer: str) -> str | None:
    row = uow.conn.execute(select(users.c.role).where(users.c.name == officer)).first()
    return None if row is None else str(row.role)


def record_education(
    uow: UnitOfWork,
    principal: Principal,
    *,
    officer: str,
    course_code: str,
    completed_on: date,
    result: str,
    score: Decimal | None = None,
    certificate: Certificate | None = None,
    reference: str | None = None,
    note: str = "",
    data_dir: Path,
) -> EducationRecord:
    """Records that an officer attended a course (HR only), with its result and its certificate or reference."""
    _hr(principal)
    issues: list[Issue] = []
    course = store.get_course(uow.conn, course_code)
    if course is None:
        issues.append(Issue("COURSE_UNKNOWN", f"no course {course_code[:40]} in the catalogue", "/course_code"))
    role = _officer_exists(uow, officer)
    if role not in CUSTOMS:
        issues.append(Issue("OFFICER_UNKNOWN", f"no customs staff user named {officer[:80]}", "/officer"))
    if result not in RESULTS:
        issues.append(Issue("RESULT_INVALID", f"the result is one of {', '.join(RESULTS)}", "/result"))
    today = uow.clock().date()
    if completed_on > today:
        issues.append(Issue("DATE_IN_FUTURE", "a course is recorded once completed, not before", "/completed_on"))
    if score is not None and (not score.is_finite() or not Decimal(0) <= score <= Decimal(100)):
        issues.append(Issue("SCORE_INVALID", "the score is 0 to 100", "/score"))
    reference = (reference or "").strip() or None
    if reference is not None and (len(reference) > 200 or any(not ch.isprintable() for ch in reference)):
        issues.append(
            Issue("REFERENCE_INVALID", "a certificate reference is up to 200 printable characters", "/reference")
        )
    if result == "passed" and certificate is None and reference is None:
        issues.append(
            Issue(
                "CERTIFICATE_REQUIRED",
                "a passed course needs its certificate: upload the file or give its reference (e.g. the CLiKC! number)",
                "/certificate",
            )
        )
    if issues or course is None:
        raise ValidationFailed(issues)
    sha = name = media = None
    if certificate is not None:
        sha, name, media = _keep_certificate(data_dir, certificate)
    rec = EducationRecord(
        id=str(uuid.uuid4()),
        officer=officer,
        course_code=course.code,
        completed_on=completed_on,
        result=result,
        hours=course.hours,
        score=score,
        valid_until=valid_until(course, completed_on, result),
        competency=course.competency if result == "passed" else None,
        certificate_sha256=sha,
        certificate_name=name,
        certificate_media_type=media,
        certificate_reference=reference,
        recorded_by=principal.user,
        recorded_at=uow.clock(),
        note=note.strip()[:1000],
    )
    store.insert_record(uow.conn, rec)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="workforce.education.record",
        target=f"officer:{officer}",
        after={"id": rec.id, "course": rec.course_code, "result": rec.result, "certificate": sha or reference},
        reason=note.strip() or f"{course.code} {result}",
    )
    return rec


def records_of(uow: UnitOfWork, principal: Principal, officer: str) -> list[EducationRecord]:
    """Returns an officer's education records (to the officer and HR only)."""
    _may_read_person(principal, officer)
    return store.records_of(uow.conn, officer)


def all_records(uow: UnitOfWork, principal: Principal, *, limit: int = 500, offset: int = 0) -> list[EducationRecord]:
    """Returns everyone's education records (HR only)."""
    _hr(principal)
    return store.all_records(uow.conn, limit=limit, offset=offset)


def certificate(uow: UnitOfWork, principal: Principal, record_id: str, data_dir: Path) -> tuple[EducationRecord, bytes]:
    """Returns a record's certificate file (to the officer and HR only); NotFound when there is none."""
    rec = store.get_record(uow.conn, record_id)
    if rec is None:
        raise NotFound("no such education record")
    _may_read_person(principal, rec.officer)
    if rec.certificate_sha256 is None:
        raise NotFound("this record has a certificate reference, not a file")
    path = certificates_dir(data_dir) / rec.certificate_sha256
    body = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(body).hexdigest() != rec.certificate_sha256:
        raise NotFound("the certificate file is missing or does not match its recorded hash")
    return rec, body


def competencies_of(uow: UnitOfWork, principal: Principal, officer: str) -> list[CompetencyStatus]:
    """Returns where an officer stands on every competency the catalogue knows (officer and HR only)."""
    _may_read_person(principal, officer)
    recs = store.records_of(uow.conn, officer)
    known = sorted(
        {c.competency for c in store.list_courses(uow.conn) if c.competency}
        | {c for items in requirements(uow).values() for c, _ in items}
    )
    return [competency_status(recs, c, uow.clock().date()) for c in known]


# ---------------------------------------------------------------- assignments


class CompetencyMissing(Conflict):
    """The officer lacks a competency the work requires; the supervisor may proceed only with a reason."""

    code = "COMPETENCY_MISSING"

    def __init__(self, officer: str, work_kind: str, missing: list[CompetencyStatus]) -> None:
        words = ", ".join(f"{m.competency} ({m.state})" for m in missing)
        super().__init__(
            f"{officer} does not hold a current {words} required for {work_kind}; assign someone else, or "
            f"proceed with a reason (at least {MIN_REASON} characters), which is recorded"
        )
        self.officer = officer
        self.work_kind = work_kind
        self.missing = missing


@dataclass(frozen=True, slots=True)
class Check:
    """What assigning an officer to a declaration's control needs, and what the officer lacks."""

    mrn: str
    officer: str
    work_kind: str
    required: list[str]
    missing: list[CompetencyStatus]


def check(uow: UnitOfWork, principal: Principal, mrn: str, officer: str) -> Check:
    """Returns the competencies a declaration's control requires and those the officer lacks (supervisors)."""
    if principal.role not in ASSIGNERS:
        raise Forbidden("only a supervisor assigns officers to controls")
    decl = declarations.get_visible(uow, mrn, principal)
    issues = []
    if _officer_exists(uow, officer) not in ASSIGNABLE_ROLES:
        issues.append(Issue("OFFICER_UNKNOWN", f"no officer named {officer[:80]}", "/officer"))
    if issues:
        raise ValidationFailed(issues)
    kind = work_kind_for_lane(decl.lane.value if decl.lane else None)
    required = [c for c, _ in requirements(uow).get(kind, [])]
    missing = missing_competencies(store.records_of(uow.conn, officer), required, uow.clock().date())
    return Check(decl.mrn, officer, kind, required, missing)


def assign(
    uow: UnitOfWork,
    principal: Principal,
    mrn: str,
    officer: str,
    *,
    override_reason: str | None = None,
    note: str = "",
) -> Assignment:
    """Assigns an officer to a declaration's control (supervisors only).

    When the officer lacks a required current competency, raises :class:`CompetencyMissing` naming it,
    unless the supervisor gives a reason to proceed; the override and its reason are audited.
    """
    found = check(uow, principal, mrn, officer)
    reason = (override_reason or "").strip()
    if found.missing and len(reason) < MIN_REASON:
        raise CompetencyMissing(officer, found.work_kind, found.missing)
    a = Assignment(
        id=str(uuid.uuid4()),
        mrn=found.mrn,
        officer=officer,
        work_kind=found.work_kind,
        required=tuple(found.required),
        missing=tuple(m.competency for m in found.missing),
        override_reason=reason[:1000] if found.missing else None,
        assigned_by=principal.user,
        assigned_at=uow.clock(),
        note=note.strip()[:1000],
    )
    store.insert_assignment(uow.conn, a)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="workforce.assignment.override" if a.missing else "workforce.assignment.create",
        target=f"declaration:{a.mrn}",
        after={"officer": officer, "work_kind": a.work_kind, "required": a.required, "missing": a.missing},
        reason=reason if a.missing else (a.note or "assigned"),
    )
    return a


def assignments(uow: UnitOfWork, principal: Principal, mrns: list[str]) -> dict[str, list[Assignment]]:
    """Returns the assignments of some declarations (customs staff), oldest first; the last one counts."""
    _customs(principal)
    out: dict[str, list[Assignment]] = {}
    for a in store.assignments_of(uow.conn, [m.upper() for m in mrns[:500]]):
        out.setdefault(a.mrn, []).append(a)
    return out


def assignable_officers(uow: UnitOfWork, principal: Principal) -> list[str]:
    """Returns the users a supervisor may assign (officers and supervisors), by name."""
    if principal.role not in ASSIGNERS:
        raise Forbidden("only a supervisor assigns officers to controls")
    rows = uow.conn.execute(select(users.c.name).where(users.c.role.in_(ASSIGNABLE_ROLES)).order_by(users.c.name))
    return [str(r.name) for r in rows]


# ---------------------------------------------------------------- staff and indicators


def import_staff(uow: UnitOfWork, principal: Principal, data: bytes, *, reason: str) -> tuple[int, int]:
    """Imports staff records from CSV (HR only): all rows or none, every bad row reported at once."""
    _hr(principal)
    members, issues = importer.parse_staff_csv(data)
    if len(reason.strip()) < 3:
        issues.append(Issue("REASON_REQUIRED", "say why the staff records change (recorded)", "/reason"))
    if issues:
        raise ValidationFailed(issues)
    added, updated = store.upsert_staff(uow.conn, members, uow.clock())
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="workforce.staff.import",
        target="staff",
        after={"added": added, "updated": updated, "staff_ids": [m.staff_id for m in members][:1000]},
        reason=reason,
    )
    return added, updated


def list_staff(uow: UnitOfWork, principal: Principal) -> list[StaffMember]:
    """Returns the staff records (HR only: they carry gender, grade and career dates)."""
    _hr(principal)
    return store.list_staff(uow.conn)


def _with_course_hours(uow: UnitOfWork, staff: list[StaffMember]) -> list[StaffMember]:
    """Adds the hours of recorded courses for years the HR import gives no training figure for."""
    out = []
    for s in staff:
        if s.user is None:
            out.append(s)
            continue
        per_year: dict[int, Decimal] = {}
        for r in store.records_of(uow.conn, s.user):
            if r.result in {"passed", "attended"}:
                per_year[r.completed_on.year] = per_year.get(r.completed_on.year, Decimal(0)) + r.hours
        merged = {**per_year, **s.training}
        out.append(s if merged == s.training else _replace_training(s, merged))
    return out


def _replace_training(s: StaffMember, training: dict[int, Decimal]) -> StaffMember:
    from dataclasses import replace

    return replace(s, training=training)


def compute_indicators(
    uow: UnitOfWork, principal: Principal, year: int | None = None, *, k: int | None = None
) -> indicators.Indicators:
    """Returns the year's gender-equality indicators, small groups suppressed (customs staff)."""
    _customs(principal)
    today = uow.clock().date()
    wanted = today.year if year is None else year
    if not 1950 <= wanted <= today.year:
        raise ValidationFailed([Issue("YEAR_INVALID", f"a year from 1950 to {today.year}", "/year")])
    size = min_group() if k is None or principal.role != "admin" else max(k, MIN_GROUP_FLOOR)
    staff = _with_course_hours(uow, store.list_staff(uow.conn))
    return indicators.compute(staff, wanted, today, size)


def valid_code(value: str) -> bool:
    """Tells whether a text is a well-formed course, competency or staff code."""
    return bool(CODE.match(value))
