"""Signing in and out of the console: user and password, or a pasted API token."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security, views_ecommerce
from clearway.console.render import ConsoleRoute, page
from clearway.platform import auth
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
HOME = {"declarant": "/console/declarations", "agency": "/console/agency", "admin": "/console/admin"}


def home_of(role: str) -> str:
    """Returns the first page a role sees after signing in."""
    return HOME.get(role, "/console/queue")


@router.get("/")
def root(request: Request, runtime: RuntimeDep) -> Response:
    """Sends visitors to their home page, or to sign in."""
    found = security.session_principal(request, runtime)
    if found is None:
        return RedirectResponse("/console/login", status_code=303)
    return RedirectResponse(views_ecommerce.carrier_home(runtime, found[0]) or home_of(found[0].role), status_code=303)


@router.get("/console/")
@router.get("/console")
def console_home(request: Request, runtime: RuntimeDep) -> Response:
    """Sends the signed-in user to its home page."""
    return root(request, runtime)


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, user: str = "", status_code: int = 200
) -> Response:
    token = security.new_login_csrf()
    response = page(
        request,
        "login.html",
        None,
        status_code=status_code,
        login_csrf=token,
        next_url=security.safe_next(next_url),
        error=error,
        user=user,
    )
    response.set_cookie(
        security.LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/console",
    )
    return response


@router.get("/console/login")
def login_form(request: Request, next: str = "/console/") -> Response:
    """Shows the sign-in page."""
    return _login_page(request, next_url=next)


def _after(next_url: str, role: str) -> str:
    target = security.safe_next(next_url)
    return home_of(role) if target in {"/", "/console", "/console/"} else target


def _signed_in(request: Request, runtime: Runtime, principal: auth.Principal, next_url: str) -> Response:
    with runtime.uow() as uow:
        token = auth.create_token(
            uow,
            user=principal.user,
            role=principal.role,
            party_id=principal.party_id,
            agency=principal.agency,
            office=principal.office,
            label=security.SESSION_LABEL,
            valid_days=security.SESSION_DAYS,
        )
        uow.commit()
    target = _after(next_url, principal.role)
    if target == home_of(principal.role):  # a carrier or platform lands on its parcel manifests
        target = views_ecommerce.carrier_home(runtime, principal) or target
    response = RedirectResponse(target, status_code=303)
    security.set_session(response, request, token)
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/console")
    log.info("console sign-in: %s (%s)", principal.user, principal.role)
    return response


@router.post("/console/login")
def login(
    request: Request,
    runtime: RuntimeDep,
    user: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/console/",
) -> Response:
    """Signs in with user name and password."""
    security.check_login_csrf(request, csrf_token)
    principal = None
    if user.strip() and password:
        with runtime.uow(readonly=True) as uow:
            principal = auth.authenticate_password(uow, user.strip(), password)
    if principal is None:
        log.info("console sign-in refused for %r", user[:80])
        return _login_page(
            request, next_url=next, error="The user name or password is not right.", user=user, status_code=401
        )
    return _signed_in(request, runtime, principal, next)


@router.post("/console/login/token")
def login_with_token(
    request: Request,
    runtime: RuntimeDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/console/",
) -> Response:
    """Signs in with an API token (from `clearway token create` or `clearway demo`)."""
    security.check_login_csrf(request, csrf_token)
    principal = None
    if token.strip():
        with runtime.uow(readonly=True) as uow:
            principal = auth.resolve_token(uow, token.strip(), runtime.clock())
    if principal is None:
        return _login_page(request, next_url=next, error="That token is unknown, revoked or expired.", status_code=401)
    response = RedirectResponse(
        home_of(principal.role) if security.safe_next(next) in {"/console/", "/console"} else security.safe_next(next),
        status_code=303,
    )
    security.set_session(response, request, token.strip())
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/console")
    log.info("console sign-in with token: %s (%s)", principal.user, principal.role)
    return response


@router.post("/console/logout")
def logout(
    request: Request,
    runtime: RuntimeDep,
    session: security.SessionDep,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Signs out: revokes the console session's token (never a pasted API token) and forgets the cookie."""
    security.check_csrf(request, session, csrf_token)
    with runtime.uow() as uow:
        auth.revoke_token(uow, session.token, label=security.SESSION_LABEL)
        uow.commit()
    response = RedirectResponse("/console/login", status_code=303)
    security.clear_session(response)
    return response
