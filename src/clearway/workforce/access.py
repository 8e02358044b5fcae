"""Who may do what in the workforce capability: customs staff read the catalogue and the figures, human
resources (administrators) keep personal records, an officer reads their own records, and a supervisor assigns.
"""

from __future__ import annotations

from sqlalchemy import select

from clearway.core.issues import Forbidden
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.tables import users

CUSTOMS = frozenset({"officer", "supervisor", "admin"})
ASSIGNERS = frozenset({"supervisor"})
ASSIGNABLE_ROLES = ("officer", "supervisor")


def require_customs(principal: Principal) -> None:
    """Refuses anyone but customs staff."""
    if principal.role not in CUSTOMS:
        raise Forbidden("workforce figures and the course catalogue are for customs staff")


def require_hr(principal: Principal) -> None:
    """Refuses anyone but human resources (administrators)."""
    if principal.role != "admin":
        raise Forbidden("personal records are for human resources (administrators) only")


def may_read_person(principal: Principal, officer: str) -> None:
    """Refuses anyone but the officer and human resources."""
    if principal.role == "admin":
        return
    if principal.role in CUSTOMS and principal.user == officer:
        return
    raise Forbidden("an officer's education records are for the officer and human resources only")


def require_assigner(principal: Principal) -> None:
    """Refuses anyone but a supervisor."""
    if principal.role not in ASSIGNERS:
        raise Forbidden("only a supervisor assigns officers to controls")


def officer_role(uow: UnitOfWork, officer: str) -> str | None:
    """Returns the role of a user by name, None when there is no such user."""
    row = uow.conn.execute(select(users.c.role).where(users.c.name == officer)).first()
    return None if row is None else str(row.role)
