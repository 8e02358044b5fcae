"""Console sessions: a bearer token in an HttpOnly cookie, CSRF tokens on every form, origin checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request, Response

from clearway.console.i18n import N_
from clearway.platform import audit
from clearway.platform.auth import Principal, resolve_token
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

SESSION_COOKIE = "clearway_token"
LOGIN_CSRF_COOKIE = "clearway_login_csrf"
SESSION_DAYS = 1
SESSION_LABEL = "console session"
CSRF_FIELD = "csrf_token"


def csrf_for(runtime: Runtime, session_token: str) -> str:
    """Returns the CSRF token bound to a session: an HMAC of the session token under the secret key."""
    key = runtime.settings.secret_key.encode()
    return hmac.new(key, b"csrf|" + session_token.encode(), hashlib.sha256).hexdigest()[:40]


def new_login_csrf() -> str:
    """Returns a random token for the login forms' double-submit cookie."""
    return secrets.token_urlsafe(24)


def set_session(response: Response, request: Request, token: str) -> None:
    """Stores the session token in an HttpOnly, SameSite=Strict cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session(response: Response) -> None:
    """Removes the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def session_principal(request: Request, runtime: Runtime) -> tuple[Principal, str] | None:
    """Returns the signed-in principal and its session token, or None when not signed in."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with runtime.uow(readonly=True) as uow:
        principal = resolve_token(uow, token, runtime.clock())
    return (principal, token) if principal is not None else None


def safe_next(target: str | None) -> str:
    """Returns a local path to go to after login; anything pointing elsewhere goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/console/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/console/"


class Session:
    """The signed-in user of a console request, with the CSRF token its forms carry."""

    def __init__(self, principal: Principal, token: str, csrf: str) -> None:
        self.principal = principal
        self.token = token
        self.csrf = csrf


def _require_session(request: Request, runtime: RuntimeDep) -> Session:
    found = session_principal(request, runtime)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, "sign in first", headers={"Location": f"/console/login?next={quote(target)}"})
    principal, token = found
    request.state.principal = principal
    session = Session(principal, token, csrf_for(runtime, token))
    request.state.console_session = session  # error pages show the signed-in user's menu and language
    return session


SessionDep = Annotated[Session, Depends(_require_session)]


def check_origin(request: Request) -> None:
    """Refuses a form post whose Origin (or Referer) names another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return  # SameSite=Strict cookies are not sent cross-site; the CSRF token still applies
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc != host:
        raise HTTPException(403, N_("This form was posted from another site; reload the page and try again."))


def check_csrf(request: Request, session: Session, submitted: str | None) -> None:
    """Refuses a signed-in form post without the session's CSRF token."""
    check_origin(request)
    if not submitted or not hmac.compare_digest(submitted, session.csrf):
        raise HTTPException(
            403, N_("The form has expired or did not come from Clearway; reload the page and try again.")
        )


def check_login_csrf(request: Request, submitted: str | None) -> None:
    """Refuses a login post whose token does not match the login cookie (double submit)."""
    check_origin(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not submitted or not cookie or not hmac.compare_digest(submitted, cookie):
        raise HTTPException(403, N_("The sign-in form has expired; reload the page and try again."))


def require_role(session: Session, allowed: Iterable[str], message: str) -> None:
    """Refuses a page (403, rendered as a console page) to a signed-in user whose role is not allowed."""
    if session.principal.role not in allowed:
        raise HTTPException(403, message)


def record_change(
    uow: UnitOfWork,
    session: Session,
    *,
    action: str,
    target: str,
    reason: str,
    before: Any = None,
    after: Any = None,
) -> int:
    """Appends the audit entry of a change made in the console, by the signed-in user in its role."""
    return audit.record(
        uow,
        actor=session.principal.user,
        role=session.principal.role,
        action=action,
        target=target,
        before=before,
        after=after,
        reason=reason,
    )
