"""Workforce use cases of an officer's education: the course catalogue, the competencies work requires, the
education records (with their certificates) and where an officer stands on each competency.

Never commits. Who sees what (``workforce.access``): the course catalogue and the competencies work requires are
for customs staff; an officer's education records for the officer and HR (administrators). Every change is
audited. Assigning officers to controls is in ``workforce.assignments``; staff records and the indicators in
``workforce.staff``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clearway.core.issues import Issue, NotFound, ValidationFailed
from clearway.documents.inspect import check_plain_pdf
from clearway.documents.model import Format, check_filename, sniff
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.workforce import importer, store
from clearway.workforce.access import CUSTOMS, may_read_person, officer_role, require_customs, require_hr
from clearway.workforce.model import RESULTS, CompetencyStatus, Course, EducationRecord, competency_status, valid_until
from clearway.workforce.staff import compute_indicators as compute_indicators  # re-exported for workforce/cli.py
from clearway.workforce.staff import import_staff as import_staff  # re-exported for workforce/cli.py

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
CERTIFICATE_FORMATS = (Format.PDF, Format.PNG, Format.JPEG)


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
    require_hr(principal)
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
    require_customs(principal)
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
        check_plain_pdf(cert.body)  # no embedded file; every object read (escaped or packed scripts)
    digest = hashlib.sha256(cert.body).hexdigest()
    folder = certificates_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.{uuid.uuid4().hex}"
        tmp.write_bytes(cert.body)
        tmp.replace(path)
    return digest, check_filename(cert.filename), fmt.media_type


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
    require_hr(principal)
    issues: list[Issue] = []
    course = store.get_course(uow.conn, course_code)
    if course is None:
        issues.append(Issue("COURSE_UNKNOWN", f"no course {course_code[:40]} in the catalogue", "/course_code"))
    role = officer_role(uow, officer)
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
    may_read_person(principal, officer)
    return store.records_of(uow.conn, officer)


def all_records(uow: UnitOfWork, principal: Principal, *, limit: int = 500, offset: int = 0) -> list[EducationRecord]:
    """Returns everyone's education records (HR only)."""
    require_hr(principal)
    return store.all_records(uow.conn, limit=limit, offset=offset)


def certificate(uow: UnitOfWork, principal: Principal, record_id: str, data_dir: Path) -> tuple[EducationRecord, bytes]:
    """Returns a record's certificate file (to the officer and HR only); NotFound when there is none."""
    rec = store.get_record(uow.conn, record_id)
    if rec is None:
        raise NotFound("no such education record")
    may_read_person(principal, rec.officer)
    if rec.certificate_sha256 is None:
        raise NotFound("this record has a certificate reference, not a file")
    path = certificates_dir(data_dir) / rec.certificate_sha256
    body = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(body).hexdigest() != rec.certificate_sha256:
        raise NotFound("the certificate file is missing or does not match its recorded hash")
    return rec, body


def competencies_of(uow: UnitOfWork, principal: Principal, officer: str) -> list[CompetencyStatus]:
    """Returns where an officer stands on every competency the catalogue knows (officer and HR only)."""
    may_read_person(principal, officer)
    recs = store.records_of(uow.conn, officer)
    known = sorted(
        {c.competency for c in store.list_courses(uow.conn) if c.competency}
        | {c for items in requirements(uow).values() for c, _ in items}
    )
    return [competency_status(recs, c, uow.clock().date()) for c in known]
