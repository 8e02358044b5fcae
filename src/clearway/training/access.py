"""Who may do what in training: officers and supervisors train (each starts and answers only their own
exercises); supervisors and administrators oversee everyone's; importing a case bank is for supervisors,
administrators and the server's operator."""

from __future__ import annotations

from collections.abc import Sequence

from clearway.core.issues import Forbidden
from clearway.platform import audit
from clearway.platform.auth import Principal

TRAINEES = ("officer", "supervisor")
OVERSEERS = ("supervisor", "admin")
IMPORTERS = ("supervisor", "admin", audit.CLI_ROLE)


def require(principal: Principal, roles: Sequence[str], what: str) -> None:
    """Refuses a principal whose role is not one of ``roles``, saying what it may not do."""
    if principal.role not in roles:
        raise Forbidden(f"role '{principal.role}' may not {what}; needs {' or '.join(roles)}", code="FORBIDDEN")


def whose(principal: Principal, trainee: str | None) -> str | None:
    """Returns whose training a principal may read: any trainee's (or all) for overseers, else their own."""
    if principal.role in OVERSEERS:
        return trainee
    if trainee not in (None, principal.user):
        raise Forbidden("an officer sees only their own training; supervisors see everyone's", code="NOT_YOURS")
    return principal.user
