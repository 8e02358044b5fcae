"""Jinja2 rendering of console pages: one environment, filters for dates, money, statuses and lanes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, Undefined, select_autoescape

from clearway.console.security import Session
from clearway.declarations.model import STATUS_LABELS, Status


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _money(value: Decimal | str | int | float | None) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}" if value not in (None, "") else "—"
    except InvalidOperation:
        return "—" if isinstance(value, Undefined) else str(value)


def _status(code: str | None) -> str:
    try:
        return STATUS_LABELS[Status(code)] if code else "—"
    except ValueError:
        return str(code)


def _hours(value: float) -> str:
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} d"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Returns the console's template environment (autoescaped)."""
    env = Environment(
        loader=PackageLoader("clearway.console", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(dt=_dt, money=_money, status=_status, hours=_hours)
    return env


NAV: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # (key, label, path, access key)
    "officer": (
        ("queue", "Work queue", "/console/queue", "q"),
        ("declarations", "Declarations", "/console/declarations", "d"),
        ("dashboard", "Dashboard", "/console/dashboard", "b"),
        ("agency", "Single window", "/console/agency", "w"),
    ),
    "declarant": (
        ("declarations", "My declarations", "/console/declarations", "d"),
        ("lodge", "Lodge a declaration", "/console/lodge", "l"),
    ),
    "agency": (("agency", "Agency queue", "/console/agency", "a"),),
}
NAV["supervisor"] = NAV["officer"]
NAV["admin"] = NAV["officer"]


def page(
    request: Request,
    template: str,
    session: Session | None,
    *,
    status_code: int = 200,
    active: str = "",
    **context: Any,
) -> HTMLResponse:
    """Renders a console page for the signed-in user (or the sign-in page when session is None)."""
    role = session.principal.role if session else ""
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            session=session,
            principal=session.principal if session else None,
            csrf=session.csrf if session else "",
            nav=NAV.get(role, ()),
            active=active,
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        },
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
                titles = {403: "Not allowed", 404: "Not found", 401: "Please sign in"}
                return page(
                    request,
                    "error.html",
                    None,
                    status_code=exc.status_code,
                    title=titles.get(exc.status_code, "Something is not right"),
                    message=str(exc.detail),
                )
            except RequestValidationError as exc:
                detail = "; ".join(
                    f"{'/'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', 'invalid')}" for e in exc.errors()
                )
                return page(
                    request, "error.html", None, status_code=422, title="That request is not valid", message=detail
                )

        return handler
