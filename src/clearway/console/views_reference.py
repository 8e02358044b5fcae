"""Reference data and the tariff schedule: read by customs staff, loaded or replaced by administrators.

The HS nomenclature (with national lines), code lists, exchange rates and the tariff schedule in force, through
the reference and tariff capabilities' service functions. Uploads are checked whole: every problem is listed and
nothing is loaded until the file is right.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile

from clearway.console import security
from clearway.console.i18n import FORMAT_LOCALES, N_
from clearway.console.render import ConsoleRoute, language_for, page
from clearway.console.security import Session, SessionDep
from clearway.core import codes
from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import dashboard
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service
from clearway.tariff import service as tariff_service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
MAX_FILE_BYTES = 20 * 1024 * 1024  # the full HS 2022 file is under 1 MB; a national tariff stays well below this
MAX_HS_ISSUES = 500
PAGE = 100
FLASH = {
    "hs": N_("Nomenclature loaded: it replaces the previous one."),
    "rates": N_("Exchange rates published."),
    "schedule": N_("Tariff schedule in force from now on."),
}


def require_reader(session: Session) -> None:
    """Reference data and the tariff are read by customs staff."""
    security.require_role(session, dashboard.CUSTOMS_ROLES, N_("This page is for customs officers."))


def require_admin(session: Session) -> None:
    """Only administrators load or replace reference data and the tariff."""
    security.require_role(session, ("admin",), N_("Only administrators load or replace reference data and the tariff."))


def code_lists(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Returns the code lists declarations use, with names in the page's language (Babel's CLDR names)."""
    locale = Locale.parse(FORMAT_LOCALES.get(lang, "en_US"))
    countries = sorted(codes._countries())
    currencies = sorted(codes._currencies())
    return {
        "countries": [(c, locale.territories.get(c, codes.country_name(c))) for c in countries],
        "currencies": [(c, locale.currencies.get(c, c)) for c in currencies],
        "units": sorted(codes.UNITS.items()),
        "incoterms": [(c, "") for c in sorted(codes.INCOTERMS)],
        "modes": [(str(k), v) for k, v in sorted(codes.TRANSPORT_MODES.items())],
    }


def _hs_lines(runtime: Runtime, q: str) -> tuple[list[Any], int]:
    words = [w for w in re.split(r"\s+", q.strip()) if w][:6]
    with runtime.uow(readonly=True) as uow:
        total = reference_service.count(uow)
        if not words:
            return reference_service.chapters(uow), total
        digits = q.replace(".", "").replace(" ", "")
        if digits.isdigit():
            return reference_service.search(uow, digits[:10]), total
        return reference_service.search_words(uow, words), total


def _rates(runtime: Runtime) -> list[Any] | None:
    today = runtime.clock().date()
    try:
        with runtime.uow(readonly=True) as uow:
            found = tariff_service.rates_between(uow, today - timedelta(days=60), today)
    except SQLAlchemyError:  # the tariff capability is not migrated on this server
        return None
    return sorted(found, key=lambda r: (r.valid_from, r.currency), reverse=True)[:300]


def _reference_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    q: str = "",
    issues: list[Issue] | None = None,
    status_code: int = 200,
    done: str | None = None,
    upload: str = "",
) -> Response:
    lines, total = _hs_lines(runtime, q)
    return page(
        request,
        "reference.html",
        session,
        status_code=status_code,
        active="reference",
        q=q,
        lines=lines,
        total=total,
        lists=code_lists(language_for(request, session)),
        rates=_rates(runtime),
        national=runtime.settings.national_currency,
        issues=issues or [],
        upload=upload,
        flash=FLASH.get(done or ""),
    )


@router.get("/reference")
def reference(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=80)] = "",
    done: str | None = None,
) -> Response:
    """Browses the HS nomenclature (by code or words), the code lists and the exchange rates."""
    require_reader(session)
    return _reference_page(request, runtime, session, q=q, done=done)


async def _read_upload(request: Request, session: Session) -> tuple[str, str, str]:
    """Reads an administrator's upload: (file name, text, reason); refuses what is not UTF-8 text."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FILE_BYTES + 64 * 1024:
        raise HTTPException(413, N_("The file is too large: at most 20 MB."))
    form = await request.form(max_fields=10, max_files=1, max_part_size=MAX_FILE_BYTES + 1024)
    security.check_csrf(request, session, str(form.get(security.CSRF_FIELD, "")))
    require_admin(session)
    reason = str(form.get("reason", "")).strip()[:1000]
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise ValidationFailed([Issue("FILE", N_("Choose a file to upload."), "file")])
    body = await file.read(MAX_FILE_BYTES + 1)
    if len(body) > MAX_FILE_BYTES:
        raise ValidationFailed([Issue("FILE_SIZE", N_("The file is too large: at most 20 MB."), "file")])
    if b"\x00" in body[:65536]:
        raise ValidationFailed([Issue("FILE_TYPE", N_("This is not a text file: upload CSV or YAML text."), "file")])
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            [
                Issue(
                    "FILE_ENCODING", N_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again."), "file"
                )
            ]
        ) from None
    if len(reason) < 3:
        raise ValidationFailed([Issue("REASON", N_("Reason: say why, in at least 3 characters."), "reason")])
    return file.filename[:120], text, reason


def _record(uow: Any, session: Session, action: str, target: str, after: Any, reason: str) -> None:
    security.record_change(uow, session, action=action, target=target, after=after, reason=reason)


@router.post("/reference/hs")
async def load_hs(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Replaces the HS nomenclature with an uploaded CSV file (section,hscode,description,parent,level)."""
    try:
        name, text, reason = await _read_upload(request, session)
        with runtime.uow() as uow:
            n = reference_service.load_hs_text(uow, text, max_issues=MAX_HS_ISSUES)
            _record(uow, session, "reference.hs.load", "reference:hs", {"file": name, "lines": n}, reason)
            uow.commit()
    except ValidationFailed as exc:
        return _reference_page(request, runtime, session, issues=list(exc.issues), status_code=422, upload="hs")
    runtime.caches.pop("reference.nomenclature", None)
    log.info("console: %s loaded the nomenclature (%d lines) from %s", session.principal.user, n, name)
    return RedirectResponse("/console/reference?done=hs", status_code=303)


@router.post("/reference/rates")
async def load_rates(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Publishes exchange rates from an uploaded CSV file (currency,valid_from,rate)."""
    national = runtime.settings.national_currency
    try:
        name, text, reason = await _read_upload(request, session)
        with runtime.uow() as uow:
            n = tariff_service.load_rates_text(uow, text, national_currency=national)
            _record(uow, session, "tariff.rates.load", "tariff:rates", {"file": name, "rates": n}, reason)
            uow.commit()
    except ValidationFailed as exc:
        return _reference_page(request, runtime, session, issues=list(exc.issues), status_code=422, upload="rates")
    return RedirectResponse("/console/reference?done=rates#rates", status_code=303)


# --- the tariff schedule -------------------------------------------------------------------------------


def _tariff_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    code: str = "",
    page_no: int = 1,
    issues: list[Issue] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    try:
        with runtime.uow(readonly=True) as uow:
            loaded = tariff_service.current_schedule(uow)
    except SQLAlchemyError:
        loaded = None
    lines: list[Any] = []
    applies: list[tuple[str, Any]] = []
    total = 0
    if loaded is not None:
        schedule = loaded.schedule
        digits = code.replace(".", "").strip()
        every = sorted(schedule.duties.values(), key=lambda d: (d.code, d.agreement or ""))
        chosen = [
            d for d in every if not digits or d.code.startswith(digits[: len(d.code)]) or d.code.startswith(digits)
        ]
        total = len(chosen)
        lines = chosen[(page_no - 1) * PAGE : page_no * PAGE]
        if len(digits) >= 4 and digits.isdigit():
            applies = [("", schedule.duty_line(digits))] + [
                (a, schedule.duty_line(digits, a)) for a in sorted(schedule.agreements)
            ]
            applies = [(a, d) for a, d in applies if d is not None]
    return page(
        request,
        "tariff.html",
        session,
        status_code=status_code,
        active="tariff",
        loaded=loaded,
        lines=lines,
        total=total,
        code=code,
        applies=applies,
        page_no=page_no,
        pages=max(1, -(-total // PAGE)),
        issues=issues or [],
        flash=FLASH.get(done or ""),
    )


@router.get("/tariff")
def tariff(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    code: Annotated[str, Query(max_length=12)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    done: str | None = None,
) -> Response:
    """Shows the tariff schedule in force: duty lines (by code), agreements, taxes and fees."""
    require_reader(session)
    return _tariff_page(request, runtime, session, code=code, page_no=page_no, done=done)


@router.post("/tariff/schedule")
async def load_schedule(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Puts an uploaded schedule in force: YAML (the whole schedule) or CSV (duty lines replacing those in force)."""
    try:
        name, text, reason = await _read_upload(request, session)
        with runtime.uow() as uow:
            loaded = tariff_service.load_schedule_text(
                uow,
                text,
                csv=name.lower().endswith(".csv"),
                national_currency=runtime.settings.national_currency,
                by=session.principal.user,
            )
            after = {"file": name, "key": loaded.key, "duty_lines": len(loaded.schedule.duties)}
            _record(uow, session, "tariff.schedule.load", "tariff:schedule", after, reason)
            uow.commit()
    except ValidationFailed as exc:
        return _tariff_page(request, runtime, session, issues=list(exc.issues), status_code=422)
    return RedirectResponse("/console/tariff?done=schedule", status_code=303)
