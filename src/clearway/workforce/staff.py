"""Staff records (HR only: gender, grade, career dates) and the gender-equality indicators computed from them,
with small groups suppressed (GEOAT figures for customs staff). Never commits."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

from clearway.core.issues import Issue, ValidationFailed
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.workforce import importer, indicators, store
from clearway.workforce.access import require_customs, require_hr
from clearway.workforce.model import StaffMember

MIN_GROUP_FLOOR = 3  # below this, small-group suppression would protect nobody


def min_group() -> int:
    """Returns the minimum group size of published figures (``CLEARWAY_WORKFORCE_MIN_GROUP``, default 5)."""
    raw = os.environ.get("CLEARWAY_WORKFORCE_MIN_GROUP", "")
    try:
        value = int(raw) if raw.strip() else indicators.DEFAULT_MIN_GROUP
    except ValueError:
        value = indicators.DEFAULT_MIN_GROUP
    return max(value, MIN_GROUP_FLOOR)


def import_staff(uow: UnitOfWork, principal: Principal, data: bytes, *, reason: str) -> tuple[int, int]:
    """Imports staff records from CSV (HR only): all rows or none, every bad row reported at once."""
    require_hr(principal)
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
    require_hr(principal)
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
    return replace(s, training=training)


def compute_indicators(
    uow: UnitOfWork, principal: Principal, year: int | None = None, *, k: int | None = None
) -> indicators.Indicators:
    """Returns the year's gender-equality indicators, small groups suppressed (customs staff)."""
    require_customs(principal)
    today = uow.clock().date()
    wanted = today.year if year is None else year
    if not 1950 <= wanted <= today.year:
        raise ValidationFailed([Issue("YEAR_INVALID", f"a year from 1950 to {today.year}", "/year")])
    size = min_group() if k is None or principal.role != "admin" else max(k, MIN_GROUP_FLOOR)
    staff = _with_course_hours(uow, store.list_staff(uow.conn))
    return indicators.compute(staff, wanted, today, size)
