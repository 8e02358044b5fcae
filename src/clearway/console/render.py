"""Jinja2 rendering of console pages: one environment with gettext, filters for dates, money, statuses, lanes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from clearway.console import i18n, store, vocabulary
from clearway.console.i18n import N_, Localizer
from clearway.console.security import Session
from clearway.platform import i18n as platform_i18n


def _dt(value: datetime | None) -> Markup | str:
    if value is None or not isinstance(value, datetime):
        return "—" if value in (None, "") else str(value)
    loc = i18n.current()
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), loc.format_datetime(value))


def _date(value: date | str | None) -> str:
    return i18n.current().format_date(value)


def _money(value: Decimal | str | int | float | None, currency: str | None = None) -> str:
    return i18n.current().money(value, currency)


def _number(value: Decimal | str | int | float | None, digits: int | None = None) -> str:
    return i18n.current().number(value, digits)


def _hours(value: float) -> str:
    loc = i18n.current()
    if value < 1:
        return loc.gettext("%(n)s min") % {"n": loc.number(round(value * 60))}
    if value < 48:
        return loc.gettext("%(n)s h") % {"n": loc.number(value, 1)}
    return loc.gettext("%(n)s d") % {"n": loc.number(value / 24, 1)}


def _options(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Translates the words of (code, words) options, keeping the code in front: '1 — marítimo'."""
    return [(code, f"{code} — {i18n.gettext(words)}") for code, words in pairs]


def _t(message: str | i18n.Msg | None) -> str:
    """Translates a message marked with N_() in Python code (a Msg with its values, or a plain msgid)."""
    if isinstance(message, i18n.Msg):
        return message.render(i18n.current())
    return i18n.gettext(message) if message else ""


@pass_context
def _reason(context: Context, text: str | None) -> str:
    """Shows a stored reason (risk reason, blocker, notification) in the page's language; plain text, escaped by
    the template like any other value. Text no phrase matches (a person's words) stays as written."""
    if not text:
        return text or ""
    request = context.get("request")
    runtime = getattr(getattr(request, "app", None), "state", None)
    runtime = getattr(runtime, "runtime", None)
    if runtime is None:
        return text
    loc = i18n.current()
    read = platform_i18n.Reader(
        platform_i18n.phrase_book(runtime.ports),
        loc.lang,
        None if loc.lang == "en" else i18n.translations(loc.lang).gettext,
        locale_name=i18n.FORMAT_LOCALES.get(loc.lang, loc.lang),
    )
    return read(text)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Returns the console's template environment (autoescaped, with gettext in the current language)."""
    env = Environment(
        loader=PackageLoader("clearway.console", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        dt=_dt,
        date=_date,
        money=_money,
        number=_number,
        status=vocabulary.status_label,
        lane=vocabulary.lane_label,
        mode=vocabulary.transport_mode,
        hours=_hours,
        t=_t,
        reason=_reason,
        options_t=_options,
        word=lambda code, kind: vocabulary.word(kind, code),
        document_field=lambda name, doc_type: vocabulary.document_field(doc_type, name),
    )
    env.globals.update(languages=i18n.LANGUAGES, language_names=i18n.LANGUAGE_NAMES)
    return env


Entry = tuple[str, str, str, str]  # key, label, path, access key (unique within a role's menu)
QUEUE: Entry = ("queue", N_("Work queue"), "/console/queue", "q")
DECLARATIONS: Entry = ("declarations", N_("Declarations"), "/console/declarations", "d")
DASHBOARD: Entry = ("dashboard", N_("Dashboard"), "/console/dashboard", "b")
RISK: Entry = ("risk", N_("Risk criteria"), "/console/risk", "i")
ECOMMERCE: Entry = ("ecommerce", N_("E-commerce"), "/console/ecommerce", "e")
SINGLE_WINDOW: Entry = ("agency", N_("Single window"), "/console/agency", "w")
LEDGER: Entry = ("ledger", N_("Credentials and AEO"), "/console/ledger", "c")
CRISIS: Entry = ("crisis", N_("Crisis protocols"), "/console/crisis", "y")
EXCHANGE: Entry = ("exchange", N_("Regional cooperation"), "/console/exchange", "o")
WORKFORCE: Entry = ("workforce", N_("Workforce"), "/console/workforce", "f")
REFERENCE: Entry = ("reference", N_("Reference data"), "/console/reference", "h")
TARIFF: Entry = ("tariff", N_("Tariff schedule"), "/console/tariff", "t")
AGENCIES: Entry = ("agencies", N_("Agencies and requirements"), "/console/agencies", "g")
APPROVALS: Entry = ("approvals", N_("Approvals"), "/console/admin/approvals", "v")
TRAINING: Entry = ("training", N_("Training"), "/console/training", "u")

# Each role's menu: the work of every day first, the rest under "More" (one line a page; keys unique per role).
NAV: dict[str, tuple[tuple[Entry, ...], tuple[Entry, ...]]] = {
    "officer": (
        (QUEUE, DECLARATIONS, DASHBOARD, RISK, ECOMMERCE, SINGLE_WINDOW),
        (TRAINING, LEDGER, CRISIS, EXCHANGE, REFERENCE, TARIFF, AGENCIES, WORKFORCE),
    ),
    "supervisor": (
        (QUEUE, DECLARATIONS, DASHBOARD, RISK, ECOMMERCE, APPROVALS),
        (TRAINING, SINGLE_WINDOW, LEDGER, CRISIS, EXCHANGE, REFERENCE, TARIFF, AGENCIES, WORKFORCE),
    ),
    "declarant": (
        (
            ("declarations", N_("My declarations"), "/console/declarations", "d"),
            ("lodge", N_("Lodge a declaration"), "/console/lodge", "l"),
            ("ecommerce", N_("Parcel manifests"), "/console/ecommerce", "e"),
            ("ledger", N_("Credentials"), "/console/ledger", "c"),
            CRISIS,
        ),
        (),
    ),
    "agency": (
        (
            ("agency", N_("Agency queue"), "/console/agency", "a"),
            ("agencies", N_("Requirements"), "/console/agencies", "g"),
            ("ledger", N_("Credentials"), "/console/ledger", "c"),
        ),
        (),
    ),
    "admin": (
        (
            ("admin", N_("Administration"), "/console/admin", "m"),
            ("tokens", N_("API tokens"), "/console/admin/tokens", "k"),
            ("mandates", N_("Mandates"), "/console/admin/mandates", "j"),
            APPROVALS,
            DECLARATIONS,
            DASHBOARD,
        ),
        (RISK, LEDGER, EXCHANGE, CRISIS, WORKFORCE, REFERENCE, TARIFF, AGENCIES, SINGLE_WINDOW),
    ),
}


def stored_language(request: Request, user: str) -> str | None:
    """Returns the language the signed-in user chose, when the console's table is there."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return None
    try:
        with runtime.uow(readonly=True) as uow:
            return store.language_of(uow.conn, user)
    except SQLAlchemyError:  # not migrated yet: fall back to the cookie and the browser
        return None


def language_for(request: Request, session: Session | None) -> str:
    """Chooses the page's language: the user's stored choice, the cookie, the browser, the default."""
    cached = getattr(request.state, "console_language", None)
    if isinstance(cached, str):
        return cached
    lang = stored_language(request, session.principal.user) if session else None
    if lang not in i18n.LANGUAGES:
        lang = request.cookies.get(i18n.LANG_COOKIE)
    if lang not in i18n.LANGUAGES:
        lang = i18n.negotiate(request.headers.get("accept-language"))
    lang = lang if lang in i18n.LANGUAGES else i18n.default_language()
    request.state.console_language = lang
    return lang


def localizer(request: Request, session: Session | None, office: str | None = None) -> Localizer:
    """Returns the request's localizer: the user's language, times in the office's (or the user's) time zone."""
    zone_office = office or (session.principal.office if session else None)
    return Localizer(language_for(request, session), i18n.timezone_of(zone_office))


def page(
    request: Request,
    template: str,
    session: Session | None,
    *,
    status_code: int = 200,
    active: str = "",
    office: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """Renders a console page for the signed-in user (or a page for someone not signed in)."""
    role = session.principal.role if session else ""
    loc = localizer(request, session, office)
    with i18n.using(loc):
        html = (
            environment()
            .get_template(template)
            .render(
                request=request,
                session=session,
                principal=session.principal if session else None,
                csrf=session.csrf if session else "",
                nav=NAV.get(role, ((), ()))[0],
                nav_more=NAV.get(role, ((), ()))[1],
                active=active,
                lang=loc.lang,
                zone=loc.zone_label(),
                here=request.url.path if status_code < 400 else "/console/",
                **context,
            )
        )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Cache-Control": "no-store",
            "Content-Language": loc.lang,
            "Vary": "Accept-Language, Cookie",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        },
    )


ERROR_TITLES = {403: N_("Not allowed"), 404: N_("Not found"), 401: N_("Please sign in")}


def error_page(
    request: Request, session: Session | None, status_code: int, message: str, title: str | None = None
) -> HTMLResponse:
    """Renders a styled error page (403, 404, 422…) in the user's language."""
    return page(
        request,
        "error.html",
        session,
        status_code=status_code,
        title=title or ERROR_TITLES.get(status_code, N_("Something is not right")),
        message=message,
        code=status_code,
    )


class ConsoleRoute(APIRoute):
    """A route whose refusals render as console pages (or redirects) instead of JSON errors."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wraps the handler so that HTTP errors become readable pages for people."""
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except HTTPException as exc:
                if 300 <= exc.status_code < 400 and exc.headers and "Location" in exc.headers:
                    return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
                session = getattr(request.state, "console_session", None)
                return error_page(request, session, exc.status_code, str(exc.detail))
            except RequestValidationError as exc:
                detail = "; ".join(
                    f"{'/'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', 'invalid')}" for e in exc.errors()
                )
                session = getattr(request.state, "console_session", None)
                return error_page(request, session, 422, detail, N_("That request is not valid"))

        return handler
