"""The language switcher, and a styled page for any unknown console address."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import i18n, security, static, store
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page
from clearway.platform.deps import RuntimeDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
fallback = APIRouter(include_in_schema=False, route_class=ConsoleRoute)


@router.get("/language")
def choose_language(
    request: Request,
    runtime: RuntimeDep,
    lang: Annotated[str, Query(max_length=5)] = "",
    next: Annotated[str, Query(max_length=500)] = "/console/",
) -> Response:
    """Switches the console's language: kept in a cookie, and stored for the signed-in user."""
    if lang not in i18n.LANGUAGES:
        lang = i18n.default_language()
    found = security.session_principal(request, runtime)
    if found is not None:
        with runtime.uow() as uow:
            store.set_language(uow.conn, found[0].user, lang, runtime.clock())
            uow.commit()
    target = security.safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@fallback.get("/favicon.ico")
def favicon() -> Response:
    """Serves the console's icon where browsers look for it."""
    return Response(static.read("favicon.svg"), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@fallback.api_route("/console/{rest:path}", methods=["GET", "HEAD"])
def unknown(rest: str, request: Request, runtime: RuntimeDep) -> Response:
    """Answers any unknown console address with a styled page in the user's language."""
    del rest
    found = security.session_principal(request, runtime)
    session = security.Session(found[0], found[1], security.csrf_for(runtime, found[1])) if found else None
    return error_page(request, session, 404, N_("There is no page at this address."))
