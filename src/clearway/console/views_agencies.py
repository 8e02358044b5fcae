"""Partner agencies and their requirements: which agency requires what, for which goods and regimes, by version.

Read by customs staff and agency users; ending a requirement is filed for a second person's approval (four
eyes, through the platform's approvals) by an administrator.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.declarations import dashboard
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime
from clearway.single_window import catalog
from clearway.single_window import service as sw_service
from clearway.single_window.model import GoodsLine

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
READERS = frozenset({"agency", *dashboard.CUSTOMS_ROLES})


def require_reader(session: Session) -> None:
    """Agencies and their requirements are read by customs staff and agency users."""
    security.require_role(session, READERS, N_("This page is for customs staff and partner agencies."))


def _matches(req: Any, hs: str, procedure: str, origin: str) -> bool:
    """Tells whether a requirement applies to goods of an HS code (and a regime, an origin when given)."""
    line = GoodsLine(
        sequence=1,
        commodity_code=hs,
        description="",
        origin_country=origin or next(iter(req.origins), ""),
        procedure_code=procedure or (req.procedures[0] if req.procedures else "4000"),
        quantity=Decimal(0),
        unit="",
        net_mass=Decimal(0),
    )
    return bool(req.applies_to(line))


def _page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    agency: str = "",
    hs: str = "",
    procedure: str = "",
    origin: str = "",
    history: bool = False,
    issues: list[Issue] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    with runtime.uow(readonly=True) as uow:
        rules = catalog.ruleset(uow, runtime.caches)
        found = catalog.requirements(uow, runtime.caches, agency=agency or None, on=None, history=history)
        today = uow.clock().date()
    digits = hs.replace(".", "").strip()
    if digits:
        found = [r for r in found if _matches(r, digits, procedure.strip(), origin.strip().upper())]
    elif procedure.strip():
        found = [r for r in found if not r.procedures or any(procedure.startswith(p) for p in r.procedures)]
    found = sorted(found, key=lambda r: (r.agency, r.rule_id, -r.version))
    return page(
        request,
        "agencies.html",
        session,
        status_code=status_code,
        active="agencies",
        agencies=sorted(rules.agencies.values(), key=lambda a: a.code),
        rows=found,
        agency=agency,
        hs=hs,
        procedure=procedure,
        origin=origin,
        history=history,
        today=today,
        issues=issues or [],
        flash=N_("Filed for approval: the requirement ends once a second person approves it.") if done else None,
    )


@router.get("/agencies")
def agencies(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    agency: Annotated[str, Query(max_length=20)] = "",
    hs: Annotated[str, Query(max_length=12)] = "",
    procedure: Annotated[str, Query(max_length=4)] = "",
    origin: Annotated[str, Query(max_length=2)] = "",
    history: bool = False,
    done: str | None = None,
) -> Response:
    """Shows the agencies and the requirements in force (or every version), filtered by goods and regime."""
    require_reader(session)
    return _page(
        request,
        runtime,
        session,
        agency=agency,
        hs=hs,
        procedure=procedure,
        origin=origin,
        history=history,
        done=done,
    )


@router.post("/agencies/requirements/{rule_id}/retire")
def retire(
    rule_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    effective_to: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Asks to end a requirement from a date; a second supervisor or administrator approves it."""
    security.check_csrf(request, session, csrf_token)
    if session.principal.role != "admin":
        raise HTTPException(403, N_("Only administrators end a requirement."))
    issues: list[Issue] = []
    try:
        until = date.fromisoformat(effective_to.strip())
    except ValueError:
        issues.append(Issue("DATE", N_("Ends on: a date like 2027-01-31."), "effective_to"))
    if len(reason.strip()) < 3:
        issues.append(Issue("REASON", N_("Reason: say why, in at least 3 characters."), "reason"))
    if not issues:
        try:
            with runtime.uow() as uow:
                if until <= uow.clock().date():
                    raise ValidationFailed([Issue("DATE", N_("Ends on: a date after today."), "effective_to")])
                sw_service.request_retirement(
                    uow, runtime.caches, rule_id[:60], until, session.principal, reason.strip()
                )
                uow.commit()
        except NotFound:
            raise HTTPException(404, N_("There is no such requirement.")) from None
        except ValidationFailed as exc:
            issues = list(exc.issues)
        except (Conflict, DomainError) as exc:
            issues = [Issue(exc.code, exc.message, "")]
    if issues:
        return _page(request, runtime, session, issues=issues, status_code=422)
    log.info("console: %s asked to end requirement %s", session.principal.user, rule_id)
    return RedirectResponse("/console/agencies?done=retire", status_code=303)
