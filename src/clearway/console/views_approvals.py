"""Four-eyes approvals: changes that weaken a control wait until a second supervisor or administrator decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from clearway.console import security
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, page
from clearway.console.security import Session, SessionDep
from clearway.console.views_admin import FLASH, _reason
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.platform import approvals
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/console/admin", include_in_schema=False, route_class=ConsoleRoute)


APPROVERS = ("supervisor", "admin")


def require_approver(session: Session) -> None:
    """Refuses the approvals page to anyone but supervisors and administrators."""
    security.require_role(session, APPROVERS, N_("Changes are approved by supervisors and administrators."))


def _approvals_page(
    request: Request,
    runtime: Runtime,
    session: Session,
    *,
    issues: list[Issue] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    with runtime.uow(readonly=True) as uow:
        waiting = approvals.pending(uow)
        decided = [*approvals.pending(uow, status="approved", limit=20), *approvals.pending(uow, status="rejected")]
    decided.sort(key=lambda c: c.decided_at or c.created_at, reverse=True)
    kinds = {k: v.description for k, v in approvals.kinds().items()}
    return page(
        request,
        "admin_approvals.html",
        session,
        status_code=status_code,
        active="approvals",
        waiting=waiting,
        decided=decided[:20],
        kinds=kinds,
        issues=issues or [],
        flash=FLASH.get(done or ""),
    )


@router.get("/approvals")
def approvals_page(request: Request, runtime: RuntimeDep, session: SessionDep, done: str | None = None) -> Response:
    """Lists changes waiting for a second person (retiring a requirement, automating an agency…)."""
    require_approver(session)
    return _approvals_page(request, runtime, session, done=done)


@router.post("/approvals/{request_id}")
def decide_approval(
    request_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Approves (and applies) or rejects a change that someone else requested."""
    security.check_csrf(request, session, csrf_token)
    require_approver(session)
    issues = _reason(reason)
    if decision not in {"approve", "reject"}:
        issues.append(Issue("DECISION", N_("Decision: choose approve or reject."), "decision"))
    if not issues:
        try:
            with runtime.uow() as uow:
                if decision == "approve":
                    approvals.approve(
                        uow, request_id[:36], session.principal, reason=reason.strip(), caches=runtime.caches
                    )
                else:
                    approvals.reject(uow, request_id[:36], session.principal, reason=reason.strip())
                uow.commit()
        except NotFound:
            raise HTTPException(404, N_("There is no such change request.")) from None
        except ValidationFailed as exc:
            issues = list(exc.issues)
        except (Conflict, DomainError) as exc:
            issues = [Issue(exc.code, exc.message, "")]
    if issues:
        return _approvals_page(request, runtime, session, issues=issues, status_code=422)
    done = "approved" if decision == "approve" else "rejected"
    return RedirectResponse(f"/console/admin/approvals?done={done}", status_code=303)
