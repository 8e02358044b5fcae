"""The administrator's pages: users and roles, API tokens shown once (mandates and approvals: their own modules)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import Conflict, Issue
from clearway.platform import auth
from clearway.platform.db import UnitOfWork
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console/admin", include_in_schema=False, route_class=ConsoleRoute)
USER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")
PARTY = re.compile(r"[A-Z0-9]{2,40}")
FLASH = {
    "user_created": N_("User created."),
    "user_disabled": N_("User disabled: it can no longer sign in and its tokens are revoked."),
    "password_set": N_("Password set: the user can sign in."),
    "token_revoked": N_("Token revoked."),
    "mandate_granted": N_("Mandate granted."),
    "mandate_revoked": N_("Mandate revoked."),
    "approved": N_("Change approved and applied."),
    "rejected": N_("Change rejected: nothing was changed."),
}


def require_admin(session: Session) -> None:
    """Refuses administrators' pages to every other role."""
    security.require_role(session, ("admin",), N_("This page is for administrators."))


def require_admin_form(request: Request, session: Session, csrf_token: str) -> None:
    """Refuses an administrator's form post without the session's CSRF token, then from any other role."""
    security.check_csrf(request, session, csrf_token)
    require_admin(session)


def _reason(reason: str) -> list[Issue]:
    return (
        []
        if len(reason.strip()) >= 3
        else [Issue("REASON", N_("Reason: say why, in at least 3 characters."), "reason")]
    )


def _flash(done: str | None) -> str | None:
    return FLASH.get(done or "")


# --- users ---------------------------------------------------------------------------------------------


def _users_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    issues: list[Issue] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    with runtime.uow(readonly=True) as uow:
        found = auth.list_users(uow, runtime.clock())
    return page(
        request,
        "admin.html",
        session,
        status_code=status_code,
        active="admin",
        users=found,
        roles=auth.ROLES,
        issues=issues or [],
        form=form or {},
        flash=_flash(done),
    )


@router.get("")
def admin(request: Request, runtime: RuntimeDep, session: SessionDep, done: str | None = None) -> Response:
    """The administrator's menu and users: create, disable, set a password."""
    require_admin(session)
    return _users_page(request, runtime, session, done=done)


@router.post("/users")
def create_user(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=80)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    party_id: Annotated[str, Form(max_length=40)] = "",
    office: Annotated[str, Form(max_length=12)] = "",
    agency: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Creates a user with a role and its scope (party, office or agency) and a sign-in password."""
    require_admin_form(request, session, csrf_token)
    form = {"name": name.strip(), "role": role, "party_id": party_id.strip().upper(), "office": office.strip().upper()}
    form["agency"] = agency.strip().upper()
    issues: list[Issue] = []
    if not USER_NAME.fullmatch(form["name"]):
        issues.append(Issue("NAME", N_("User name: 2 to 80 lower-case letters, digits, '.', '_' or '-'."), "name"))
    if role not in auth.ROLES:
        issues.append(Issue("ROLE", N_("Role: choose a role."), "role"))
    if role == "declarant" and not PARTY.fullmatch(form["party_id"]):
        issues.append(
            Issue("PARTY", N_("Party: a trader needs the party id it lodges for (e.g. its RUC)."), "party_id")
        )
    if role == "agency" and not form["agency"]:
        issues.append(Issue("AGENCY", N_("Agency: an agency user needs the agency it works for."), "agency"))
    if len(password) < 8:
        issues.append(Issue("PASSWORD", N_("Password: at least 8 characters."), "password"))
    issues += _reason(reason)
    with runtime.uow() as uow:
        if not issues and auth.user_exists(uow, form["name"]):
            issues.append(Issue("EXISTS", N_("User name: a user of that name exists already."), "name"))
        if issues:
            return _users_page(request, runtime, session, issues=issues, form=form, status_code=422)
        scope = {
            "party_id": form["party_id"] or None,
            "office": form["office"] or None,
            "agency": form["agency"] or None,
        }
        auth.ensure_user(uow, name=form["name"], role=role, password=password, **scope)
        security.record_change(
            uow,
            session,
            action="platform.user.create",
            target=f"user:{form['name']}",
            after={"role": role, **scope},
            reason=reason.strip(),
        )
        uow.commit()
    log.info("console: %s created user %s (%s)", session.principal.user, form["name"], role)
    return RedirectResponse("/console/admin?done=user_created#users", status_code=303)


@router.post("/users/{name}/disable")
def disable_user(
    name: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Disables a user: no more sign-in, every token revoked; the user and its history stay."""
    require_admin_form(request, session, csrf_token)
    if name == session.principal.user:
        issues = [Issue("SELF", N_("You cannot disable yourself; ask another administrator."), "")]
        return _users_page(request, runtime, session, issues=issues, status_code=409)
    issues = _reason(reason)
    if issues:
        return _users_page(request, runtime, session, issues=issues, status_code=422)

    def change(uow: UnitOfWork) -> dict[str, Any]:
        return {"password": None, "tokens_revoked": auth.disable_user(uow, name)}

    return _change_user(
        runtime, session, name, change, action="platform.user.disable", reason=reason, done="user_disabled"
    )


@router.post("/users/{name}/password")
def set_password(
    name: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    password: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Sets a user's password (enables a disabled user)."""
    require_admin_form(request, session, csrf_token)
    issues = _reason(reason)
    if len(password) < 8:
        issues.append(Issue("PASSWORD", N_("Password: at least 8 characters."), "password"))
    if issues:
        return _users_page(request, runtime, session, issues=issues, status_code=422)

    def change(uow: UnitOfWork) -> None:
        auth.set_password(uow, name, password)

    return _change_user(
        runtime, session, name, change, action="platform.user.password", reason=reason, done="password_set"
    )


def _change_user(
    runtime: Runtime,
    session: Session,
    name: str,
    change: Callable[[UnitOfWork], Any],
    *,
    action: str,
    reason: str,
    done: str,
) -> Response:
    """Changes an existing user (404 when there is none) with its audit entry (``after``: what ``change`` returns)."""
    with runtime.uow() as uow:
        try:
            after = change(uow)
        except Conflict:
            raise HTTPException(404, N_("There is no such user.")) from None
        security.record_change(uow, session, action=action, target=f"user:{name}", after=after, reason=reason.strip())
        uow.commit()
    return RedirectResponse(f"/console/admin?done={done}#users", status_code=303)


# --- tokens --------------------------------------------------------------------------------------------


def _tokens_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    issues: list[Issue] | None = None,
    new_token: str | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    with runtime.uow(readonly=True) as uow:
        tokens = auth.list_tokens(uow, limit=300)
        names = [u.name for u in auth.list_users(uow, runtime.clock())]
    now = runtime.clock()
    return page(
        request,
        "admin_tokens.html",
        session,
        status_code=status_code,
        active="tokens",
        tokens=tokens,
        names=names,
        now=now,
        issues=issues or [],
        new_token=new_token,
        flash=_flash(done),
    )


@router.get("/tokens")
def tokens(request: Request, runtime: RuntimeDep, session: SessionDep, done: str | None = None) -> Response:
    """Lists API tokens (never the tokens themselves) and issues new ones."""
    require_admin(session)
    return _tokens_page(request, runtime, session, done=done)


@router.post("/tokens")
def create_token(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    user: Annotated[str, Form(max_length=80)] = "",
    label: Annotated[str, Form(max_length=80)] = "",
    days: Annotated[str, Form(max_length=3)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Issues an API token for an existing user, with its own role and scope; the token is shown once."""
    require_admin_form(request, session, csrf_token)
    issues = _reason(reason)
    if not days.isdigit() or not 1 <= int(days) <= auth.MAX_TOKEN_DAYS:
        issues.append(Issue("DAYS", N_("Valid for: a number of days from 1 to 90."), "days"))
    if not label.strip():
        issues.append(Issue("LABEL", N_("Label: say what the token is for (e.g. the broker's system)."), "label"))
    with runtime.uow() as uow:
        principal = auth.principal_for_user(uow, user)
        if principal is None:
            issues.append(Issue("USER", N_("User: choose an existing user."), "user"))
        if issues or principal is None:
            return _tokens_page(request, runtime, session, issues=issues, status_code=422)
        token = auth.create_token(
            uow,
            user=principal.user,
            role=principal.role,
            party_id=principal.party_id,
            agency=principal.agency,
            office=principal.office,
            label=label.strip(),
            valid_days=int(days),
        )
        security.record_change(
            uow,
            session,
            action="platform.token.create",
            target=f"user:{principal.user}",
            after={"label": label.strip(), "days": int(days)},  # never the token
            reason=reason.strip(),
        )
        uow.commit()
    log.info("console: %s issued a token for %s", session.principal.user, principal.user)
    return _tokens_page(request, runtime, session, new_token=token, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    token_id: int,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Revokes one API token."""
    require_admin_form(request, session, csrf_token)
    issues = _reason(reason)
    if issues:
        return _tokens_page(request, runtime, session, issues=issues, status_code=422)
    with runtime.uow() as uow:
        info = auth.get_token_info(uow, token_id)
        if info is None:
            raise HTTPException(404, N_("There is no such token."))
        if auth.revoke_token_id(uow, token_id):
            security.record_change(
                uow,
                session,
                action="platform.token.revoke",
                target=f"token:{token_id}",
                before={"user": info.user, "label": info.label, "revoked": False},
                after={"revoked": True},
                reason=reason.strip(),
            )
        uow.commit()
    return RedirectResponse("/console/admin/tokens?done=token_revoked", status_code=303)
