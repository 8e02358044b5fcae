"""The administrator's mandates page: who may act for whom, registered on evidence, revoked with a reason."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_admin import FLASH, _reason, require_admin, require_admin_form
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.mandates import service as mandates_service
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console/admin", include_in_schema=False, route_class=ConsoleRoute)


def _mandates_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    party: str = "",
    issues: list[Issue] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    now = runtime.clock()
    with runtime.uow(readonly=True) as uow:
        found, total = mandates_service.list_visible(uow, session.principal, party=party or None, limit=200)
    rows = [mandates_service.as_dict(m, now) for m in found]
    return page(
        request,
        "admin_mandates.html",
        session,
        status_code=status_code,
        active="mandates",
        rows=rows,
        total=total,
        party=party,
        issues=issues or [],
        form=form or {},
        flash=FLASH.get(done or ""),
    )


@router.get("/mandates")
def mandates(
    request: Request, runtime: RuntimeDep, session: SessionDep, party: str = "", done: str | None = None
) -> Response:
    """Lists mandates (all, or one party's) and registers new ones on evidence."""
    require_admin(session)
    return _mandates_page(request, runtime, session, party=party.strip().upper()[:40], done=done)


def _end_of(day: str) -> tuple[datetime | None, bool]:
    """Reads a date (YYYY-MM-DD) as the end of that day in UTC; (None, True) when empty, (None, False) when wrong."""
    if not day.strip():
        return None, True
    try:
        return datetime.combine(datetime.fromisoformat(day.strip()).date(), time(23, 59, 59), UTC), True
    except ValueError:
        return None, False


@router.post("/mandates")
def grant_mandate(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    principal_id: Annotated[str, Form(max_length=40)] = "",
    agent_id: Annotated[str, Form(max_length=40)] = "",
    procedures: Annotated[str, Form(max_length=400)] = "",
    valid_to: Annotated[str, Form(max_length=10)] = "",
    evidence: Annotated[str, Form(max_length=500)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Registers a mandate on evidence: the principal party lets the agent (a broker) act for it."""
    require_admin_form(request, session, csrf_token)
    form = {
        "principal_id": principal_id.strip().upper(),
        "agent_id": agent_id.strip().upper(),
        "procedures": procedures.strip() or "all",
        "valid_to": valid_to.strip(),
        "evidence": evidence.strip(),
        "reason": reason.strip(),
    }
    codes = [p for p in re.split(r"[\s,;]+", form["procedures"]) if p]
    until, ok = _end_of(form["valid_to"])
    issues: list[Issue] = [] if ok else [Issue("DATE", N_("Valid until: a date like 2027-12-31."), "valid_to")]
    if not issues:
        try:
            with runtime.uow() as uow:
                mandate = mandates_service.grant(
                    uow,
                    session.principal,
                    principal_party=form["principal_id"],
                    agent_party=form["agent_id"],
                    procedures=codes,
                    valid_from=None,
                    valid_to=until,
                    reason=form["reason"],
                    evidence=form["evidence"],
                )
                security.record_change(
                    uow,
                    session,
                    action="mandates.grant",
                    target=f"mandate:{mandate.id}",
                    after=mandates_service.as_dict(mandate, runtime.clock()),
                    reason=form["reason"],
                )
                uow.commit()
        except ValidationFailed as exc:
            issues = [Issue(i.code, i.message, i.pointer.strip("/").split("/")[0]) for i in exc.issues]
        except DomainError as exc:
            issues = [Issue(exc.code, exc.message, "")]
    if issues:
        return _mandates_page(request, runtime, session, issues=issues, form=form, status_code=422)
    log.info(
        "console: %s registered a mandate %s -> %s", session.principal.user, form["principal_id"], form["agent_id"]
    )
    return RedirectResponse("/console/admin/mandates?done=mandate_granted", status_code=303)


@router.post("/mandates/{mandate_id}/revoke")
def revoke_mandate(
    mandate_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Revokes a mandate now, with a reason."""
    require_admin_form(request, session, csrf_token)
    issues = _reason(reason)
    if not issues:
        try:
            with runtime.uow() as uow:
                mandates_service.revoke(uow, session.principal, mandate_id[:40], reason=reason.strip())
                security.record_change(
                    uow,
                    session,
                    action="mandates.revoke",
                    target=f"mandate:{mandate_id[:40]}",
                    after={"status": "revoked"},
                    reason=reason.strip(),
                )
                uow.commit()
        except NotFound:
            raise HTTPException(404, N_("There is no such mandate.")) from None
        except (Conflict, DomainError) as exc:
            issues = [Issue(exc.code, exc.message, "")]
    if issues:
        return _mandates_page(request, runtime, session, issues=issues, status_code=422)
    return RedirectResponse("/console/admin/mandates?done=mandate_revoked", status_code=303)
