"""Demo seed: the course catalogue, ~60 staff of the Peruvian demo administration, the demo officers' courses.

officer.rojas holds a current physical-inspection course; officer.huaman's expired, so a supervisor who
assigns them a red-lane control is warned.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from clearway.platform import auth
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.db import UnitOfWork
from clearway.workforce import service, store
from clearway.workforce.model import StaffMember

HR = Principal(user="admin", role="admin")
GIVEN_F = (
    "María",
    "Rosa",
    "Carmen",
    "Lucía",
    "Ana",
    "Patricia",
    "Elena",
    "Milagros",
    "Julia",
    "Karina",
    "Diana",
    "Silvia",
    "Gabriela",
    "Sofía",
    "Flor",
    "Ruth",
    "Pilar",
    "Verónica",
)
GIVEN_M = (
    "José",
    "Luis",
    "Carlos",
    "Jorge",
    "Juan",
    "Miguel",
    "César",
    "Víctor",
    "Raúl",
    "Pedro",
    "Alberto",
    "Fernando",
    "Ricardo",
    "Hugo",
    "Óscar",
    "Manuel",
    "Walter",
    "Edwin",
)
SURNAMES = (
    "Quispe",
    "Mamani",
    "Flores",
    "Rojas",
    "Huamán",
    "García",
    "Sánchez",
    "Torres",
    "Chávez",
    "Ramírez",
    "Vargas",
    "Castillo",
    "Mendoza",
    "Díaz",
    "Gutiérrez",
    "Ccori",
    "Condori",
    "Paredes",
    "Salazar",
    "Vega",
)
# grade, how many, share of women, functions (frontline ones first)
GRADES = (
    ("G1", 14, 0.50, ("control", "control", "inspection", "administration")),
    ("G2", 18, 0.44, ("control", "inspection", "risk analysis", "valuation", "administration")),
    ("G3", 12, 0.40, ("control", "risk analysis", "valuation", "legal", "IT")),
    ("G4", 8, 0.38, ("risk analysis", "valuation", "legal", "IT")),
    ("G5", 5, 0.30, ("control", "risk analysis", "administration")),
    ("G6", 3, 0.20, ("management",)),
)
FRONTLINE = {"control", "inspection"}
OFFICES = ("PECLL", "PECLL", "PECLL", "PELIM", "PEPAI")
DEMO_PEOPLE = (  # the demo users on the staff list
    ("PE-0007", "Ana Rojas Vega", "F", "G2", "control", "PECLL", True, False, "officer.rojas"),
    ("PE-0011", "Jorge Huamán Ccori", "M", "G2", "inspection", "PECLL", True, False, "officer.huaman"),
    ("PE-0003", "Rosa Quispe Mamani", "F", "G5", "control", "PECLL", True, True, "supervisor.quispe"),
)


def _one_page_pdf(text: str) -> bytes:
    """A one-page PDF printing a line, with its cross-reference table: what a certificate upload must be."""
    line = text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"BT /F1 14 Tf 72 760 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CERT_PDF = _one_page_pdf("Certificate of completion - Clearway demo")


def demo_staff(today: date, rng: random.Random) -> list[StaffMember]:
    """Returns ~60 staff with a realistic distribution (fewer women in senior grades and leadership)."""
    out = [
        StaffMember(
            sid,
            name,
            g,
            grade,
            fn,
            office,
            front,
            lead,
            date(2015 + i, 3, 1),
            None,
            (date(2020 + i, 4, 1),),
            {today.year - 1: Decimal(40), today.year: Decimal(24)},
            user,
        )
        for i, (sid, name, g, grade, fn, office, front, lead, user) in enumerate(DEMO_PEOPLE)
    ]
    n = 100
    for grade, count, women, functions in GRADES:
        level = int(grade[1])
        for _ in range(count - sum(1 for p in DEMO_PEOPLE if p[3] == grade)):
            n += 1
            gender = "F" if rng.random() < women else "M"
            given = rng.choice(GIVEN_F if gender == "F" else GIVEN_M)
            function = rng.choice(functions)
            entry = date(today.year - rng.randint(level * 2 - 1, level * 4 + 3), rng.randint(1, 12), 1)
            if rng.random() < 0.12:  # recruited this year or last
                entry = date(today.year - rng.randint(0, 1), rng.randint(1, max(1, today.month)), 1)
            promotions = tuple(
                sorted(
                    {
                        date(y, rng.randint(1, 12), 1)
                        for y in range(entry.year + 2, today.year + 1)
                        if rng.random() < 0.12
                    }
                )
            )
            promotions = tuple(p for p in promotions if entry < p <= today)
            training = {
                y: Decimal(rng.choice((0, 0, 8, 12, 16, 24, 32, 40, 60)))
                for y in range(max(entry.year, today.year - 4), today.year + 1)
            }
            exit_ = date(today.year - 1, rng.randint(1, 12), 1) if rng.random() < 0.05 else None
            out.append(
                StaffMember(
                    staff_id=f"PE-{n:04d}",
                    name=f"{given} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
                    gender=gender,
                    grade=grade,
                    function=function,
                    office="PECLL" if grade == "G6" else rng.choice(OFFICES),
                    frontline=function in FRONTLINE,
                    leadership=level >= 5,
                    entry_date=entry,
                    exit_date=exit_ if exit_ and exit_ > entry else None,
                    promotions=promotions,
                    training=training,
                )
            )
    return out


def seed_education(uow: UnitOfWork, today: date, data_dir: object) -> int:
    """Records the demo officers' courses: rojas current, huaman's physical inspection expired."""
    from pathlib import Path

    folder = Path(str(data_dir))
    entries = (
        ("officer.rojas", "PHYS-INSP-01", today - timedelta(days=200), "passed", "91", True, ""),
        ("officer.rojas", "DOC-CTRL-01", today - timedelta(days=420), "passed", "88", False, "ESC-2025-0142"),
        ("officer.rojas", "CLIKC-RM-101", today - timedelta(days=90), "passed", None, False, "CLIKC-RM-7731-2026"),
        ("officer.huaman", "PHYS-INSP-01", today - timedelta(days=900), "passed", "84", False, "ESC-2023-0077"),
        ("officer.huaman", "DOC-CTRL-01", today - timedelta(days=300), "passed", "79", False, "ESC-2025-0311"),
        ("officer.huaman", "CLIKC-HS-2022", today - timedelta(days=60), "passed", None, False, "CLIKC-HS-5520-2026"),
        ("officer.huaman", "EXT-DG-01", today - timedelta(days=30), "failed", "52", False, ""),
        ("supervisor.quispe", "PHYS-INSP-01", today - timedelta(days=365), "passed", "95", False, "ESC-2025-0009"),
        ("supervisor.quispe", "DOC-CTRL-01", today - timedelta(days=365), "passed", "93", False, "ESC-2025-0010"),
        ("supervisor.quispe", "CLIKC-GENDER-01", today - timedelta(days=45), "attended", None, False, ""),
    )
    for officer, course, day, result, score, with_file, reference in entries:
        service.record_education(
            uow,
            HR,
            officer=officer,
            course_code=course,
            completed_on=day,
            result=result,
            score=Decimal(score) if score else None,
            certificate=service.Certificate(CERT_PDF, f"{course}-{officer}.pdf") if with_file else None,
            reference=reference or None,
            note="demo record",
            data_dir=folder,
        )
    return len(entries)


def seed_demo(ctx: DemoContext) -> None:
    """Seeds the catalogue, the staff and the demo officers' education records."""
    runtime = ctx.runtime
    runtime.caches.setdefault("demo.extra_users", []).append(
        {
            "user": "officer.huaman",
            "role": "officer",
            "office": "PECLL",
            "what": "customs officer, Callao (expired course)",
        }
    )
    today = runtime.clock().date()
    with runtime.uow() as uow:
        for user, role in (
            ("officer.rojas", "officer"),
            ("officer.huaman", "officer"),
            ("supervisor.quispe", "supervisor"),
        ):
            auth.ensure_user(uow, name=user, role=role, office="PECLL")
        service.ensure_default_catalogue(uow)
        staff = demo_staff(today, random.Random(2026))
        store.upsert_staff(uow.conn, staff, uow.clock())
        records = seed_education(uow, today, runtime.settings.data_dir)
        uow.commit()
    ctx.say(
        f"workforce: {len(staff)} staff records, {records} course records (officer.huaman's inspection course expired)"
    )
