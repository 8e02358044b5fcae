"""Reading staff records and the course catalogue from files: every problem of every row at once. No I/O.

Staff CSV (UTF-8, comma or semicolon separated, header row):

``staff_id,name,gender,grade,function,office,frontline,leadership,entry_date,exit_date,promotions,training,user``

- ``gender``: F (woman), M (man), X (another identity) or U (not stated); ``frontline``, ``leadership``: yes/no
  (also sí/si/sim/oui/non/não/true/false/1/0);
- dates ISO (2019-03-01); ``promotions``: dates separated by ``;`` or ``|``;
- ``training``: hours per year, ``2024=32;2025=40``; ``exit_date``, ``promotions``, ``training``, ``user`` may be empty.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from clearway.core.issues import Issue
from clearway.workforce.model import CODE, GENDERS, MAX_HOURS, MAX_VALIDITY_MONTHS, PROVIDERS, Course, StaffMember

REQUIRED = ("staff_id", "name", "gender", "grade", "function", "office", "frontline", "leadership", "entry_date")
OPTIONAL = ("exit_date", "promotions", "training", "user")
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
YES = {"yes", "y", "si", "sí", "sim", "oui", "true", "1", "x"}
NO = {"no", "n", "não", "nao", "non", "false", "0", ""}


def _date(text: str, where: str, issues: list[Issue], *, required: bool) -> date | None:
    value = text.strip()
    if not value:
        if required:
            issues.append(Issue("REQUIRED", "a date is required (YYYY-MM-DD)", where))
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        issues.append(Issue("DATE_INVALID", f"'{value[:20]}' is not a date written YYYY-MM-DD", where))
        return None
    if not date(1940, 1, 1) <= day <= date(2100, 12, 31):
        issues.append(Issue("DATE_OUT_OF_RANGE", f"{value} is not a plausible date", where))
        return None
    return day


def _flag(text: str, where: str, issues: list[Issue]) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value not in NO:
        issues.append(Issue("FLAG_INVALID", f"'{value[:20]}' is not yes or no", where))
    return False


def _training(text: str, where: str, issues: list[Issue]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.replace("|", ";").split(";"))):
        year, sep, hours = part.partition("=")
        try:
            y, h = int(year), Decimal(hours.strip())
        except (ValueError, InvalidOperation):
            issues.append(Issue("TRAINING_INVALID", f"'{part[:30]}' is not YEAR=HOURS, e.g. 2025=32", where))
            continue
        if not sep or not 1940 <= y <= 2100 or not h.is_finite() or h < 0 or h > MAX_HOURS:
            issues.append(Issue("TRAINING_INVALID", f"'{part[:30]}': a year and 0 to {MAX_HOURS} hours", where))
            continue
        out[y] = out.get(y, Decimal(0)) + h
    return out


def _text(row: dict[str, str], name: str, where: str, issues: list[Issue], limit: int) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        issues.append(Issue("REQUIRED", f"'{name}' is required", where))
    elif len(value) > limit:
        issues.append(Issue("TOO_LONG", f"'{name}' is longer than {limit} characters", where))
    elif any(not ch.isprintable() for ch in value):
        issues.append(Issue("CONTROL_CHARACTER", f"'{name}' contains control characters", where))
    elif value[0] in "=+-@":
        issues.append(Issue("FORMULA", f"'{name}' starts with {value[0]!r}, as a spreadsheet formula does", where))
    return value[:limit]


def parse_staff_csv(data: bytes) -> tuple[list[StaffMember], list[Issue]]:
    """Reads a staff CSV; returns the members and every issue (``/rows/N/field``, N = line in the file)."""
    if len(data) > MAX_BYTES:
        return [], [Issue("FILE_TOO_LARGE", f"the file exceeds {MAX_BYTES:,} bytes", "")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Issue("ENCODING", f"the file is not UTF-8 (byte {exc.start}); save it as CSV UTF-8", "")]
    if not text.strip():
        return [], [Issue("FILE_EMPTY", "the file is empty", "")]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    issues = [Issue("COLUMN_MISSING", f"the column '{c}' is missing", "/header") for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    issues += [Issue("COLUMN_UNKNOWN", f"the column '{h[:40]}' is not a staff field", "/header") for h in unknown]
    if issues:
        return [], issues
    members: list[StaffMember] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            issues.append(Issue("TOO_MANY_ROWS", f"more than {MAX_ROWS:,} rows; split the file", f"/rows/{n}"))
            break
        if None in row:
            issues.append(Issue("ROW_SHAPE", "the row has more fields than the header", f"/rows/{n}"))
            continue
        member = _member({k: v or "" for k, v in row.items()}, n, issues, seen)
        if member is not None:
            members.append(member)
    if not members and not issues:
        issues.append(Issue("FILE_EMPTY", "the file has a header but no rows", ""))
    return members, issues


def _member(row: dict[str, str], n: int, issues: list[Issue], seen: dict[str, int]) -> StaffMember | None:
    at = f"/rows/{n}"
    before = len(issues)
    staff_id = _text(row, "staff_id", f"{at}/staff_id", issues, 40)
    if staff_id and not CODE.match(staff_id):
        issues.append(Issue("STAFF_ID_INVALID", "a staff id is letters, digits, '.', '_' or '-'", f"{at}/staff_id"))
    elif staff_id in seen:
        issues.append(Issue("DUPLICATE", f"staff id {staff_id} is also on line {seen[staff_id]}", f"{at}/staff_id"))
    else:
        seen[staff_id] = n
    name = _text(row, "name", f"{at}/name", issues, 200)
    gender = row.get("gender", "").strip().upper()
    if gender not in GENDERS:
        issues.append(Issue("GENDER_INVALID", "gender is F, M, X (another identity) or U (not stated)", f"{at}/gender"))
    grade = _text(row, "grade", f"{at}/grade", issues, 20)
    function = _text(row, "function", f"{at}/function", issues, 60)
    office = _text(row, "office", f"{at}/office", issues, 20).upper()
    frontline = _flag(row.get("frontline", ""), f"{at}/frontline", issues)
    leadership = _flag(row.get("leadership", ""), f"{at}/leadership", issues)
    entry = _date(row.get("entry_date", ""), f"{at}/entry_date", issues, required=True)
    exit_ = _date(row.get("exit_date", ""), f"{at}/exit_date", issues, required=False)
    promotions = []
    for part in filter(None, (p.strip() for p in row.get("promotions", "").replace("|", ";").split(";"))):
        day = _date(part, f"{at}/promotions", issues, required=False)
        if day is not None:
            promotions.append(day)
    if entry and exit_ and exit_ < entry:
        issues.append(Issue("DATES_ORDER", "the exit date is before the entry date", f"{at}/exit_date"))
    if entry and any(p < entry for p in promotions):
        issues.append(Issue("DATES_ORDER", "a promotion is dated before the entry date", f"{at}/promotions"))
    training = _training(row.get("training", ""), f"{at}/training", issues)
    user = row.get("user", "").strip() or None
    if user is not None and (len(user) > 80 or not CODE.match(user)):
        issues.append(Issue("USER_INVALID", "a user name is letters, digits, '.', '_' or '-'", f"{at}/user"))
    if len(issues) > before or entry is None:
        return None
    return StaffMember(
        staff_id=staff_id,
        name=name,
        gender=gender,
        grade=grade,
        function=function,
        office=office,
        frontline=frontline,
        leadership=leadership,
        entry_date=entry,
        exit_date=exit_,
        promotions=tuple(sorted(promotions)),
        training=training,
        user=user,
    )


def parse_catalogue(doc: Any) -> tuple[list[Course], list[tuple[str, str, str]], list[Issue]]:
    """Reads a catalogue document (``courses`` and ``requirements``); returns them and every issue."""
    issues: list[Issue] = []
    if not isinstance(doc, dict):
        return [], [], [Issue("CATALOGUE_INVALID", "the catalogue is a mapping with 'courses' and 'requirements'", "")]
    courses: list[Course] = []
    seen: set[str] = set()
    raw_courses = doc.get("courses") or []
    if not isinstance(raw_courses, list):
        issues.append(Issue("CATALOGUE_INVALID", "'courses' is a list", "/courses"))
        raw_courses = []
    for i, c in enumerate(raw_courses):
        at = f"/courses/{i}"
        if not isinstance(c, dict):
            issues.append(Issue("COURSE_INVALID", "a course is a mapping", at))
            continue
        course = course_from(c, at, issues)
        if course is not None:
            if course.code in seen:
                issues.append(Issue("DUPLICATE", f"course {course.code} is listed twice", f"{at}/code"))
            seen.add(course.code)
            courses.append(course)
    reqs: list[tuple[str, str, str]] = []
    raw_reqs = doc.get("requirements") or {}
    if not isinstance(raw_reqs, dict):
        issues.append(Issue("CATALOGUE_INVALID", "'requirements' maps a kind of work to competencies", "/requirements"))
        raw_reqs = {}
    for kind, items in raw_reqs.items():
        at = f"/requirements/{kind}"
        if not isinstance(kind, str) or not CODE.match(kind) or not isinstance(items, list):
            issues.append(Issue("REQUIREMENT_INVALID", "a kind of work (e.g. control.red) and a list", at))
            continue
        for j, item in enumerate(items):
            comp = item.get("competency") if isinstance(item, dict) else item
            desc = str(item.get("description", "")) if isinstance(item, dict) else ""
            if not isinstance(comp, str) or not CODE.match(comp):
                issues.append(Issue("REQUIREMENT_INVALID", "a competency code, e.g. physical_inspection", f"{at}/{j}"))
                continue
            reqs.append((kind, comp, desc[:500]))
    return courses, reqs, issues


def course_from(c: dict[str, Any], at: str, issues: list[Issue]) -> Course | None:
    """Validates one course mapping; appends its issues and returns it when valid."""
    before = len(issues)
    code = str(c.get("code", "")).strip()
    if not CODE.match(code):
        issues.append(Issue("CODE_INVALID", "a course code is 1-40 letters, digits, '.', '_' or '-'", f"{at}/code"))
    title = str(c.get("title", "")).strip()
    if not 3 <= len(title) <= 200:
        issues.append(Issue("TITLE_INVALID", "a title of 3 to 200 characters is required", f"{at}/title"))
    provider = str(c.get("provider", "")).strip().lower()
    if provider not in PROVIDERS:
        issues.append(Issue("PROVIDER_INVALID", f"the provider is one of {', '.join(PROVIDERS)}", f"{at}/provider"))
    hours: Decimal | None = None
    raw_hours = c.get("hours")
    if isinstance(raw_hours, bool) or not isinstance(raw_hours, int | float | str | Decimal):
        issues.append(Issue("HOURS_INVALID", "hours is a number", f"{at}/hours"))
    else:
        try:
            hours = Decimal(str(raw_hours))
        except InvalidOperation:
            hours = None
        if hours is None or not hours.is_finite() or not Decimal(0) < hours <= MAX_HOURS:
            issues.append(Issue("HOURS_INVALID", f"hours is more than 0 and at most {MAX_HOURS}", f"{at}/hours"))
            hours = None
    validity = c.get("validity_months")
    if validity is not None and (
        isinstance(validity, bool) or not isinstance(validity, int) or not 1 <= validity <= MAX_VALIDITY_MONTHS
    ):
        issues.append(
            Issue(
                "VALIDITY_INVALID", f"validity_months is 1 to {MAX_VALIDITY_MONTHS}, or absent", f"{at}/validity_months"
            )
        )
    competency = c.get("competency")
    if competency is not None and (not isinstance(competency, str) or not CODE.match(competency)):
        issues.append(Issue("COMPETENCY_INVALID", "a competency code, e.g. physical_inspection", f"{at}/competency"))
    description = str(c.get("description", "") or "")[:1000]
    if len(issues) > before or hours is None:
        return None
    return Course(code, title, provider, hours, validity, competency, description)
