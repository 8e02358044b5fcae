"""A declaration's lifecycle: status codes, lanes, roles, decisions, and which status may follow which.

The declaration itself (``model.Declaration``) applies these rules; callers may import every name here from
``clearway.declarations.model`` as well.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status codes as national systems report them to traders."""

    ACCEPTED = "01"
    RECEIVED = "02"
    REJECTED = "03"
    PHYSICAL_CHECK = "05"
    DOCUMENTS_REQUIRED = "06"
    AMENDED = "07"
    RELEASED = "08"
    CLEARED = "09"
    INVALIDATED = "10"
    DETAINED = "52"

    @property
    def label(self) -> str:
        """Returns the status in words."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.ACCEPTED: "accepted",
    Status.RECEIVED: "received",
    Status.REJECTED: "rejected",
    Status.PHYSICAL_CHECK: "physical check",
    Status.DOCUMENTS_REQUIRED: "documents required",
    Status.AMENDED: "amended",
    Status.RELEASED: "released",
    Status.CLEARED: "cleared",
    Status.INVALIDATED: "invalidated",
    Status.DETAINED: "detained",
}


class Lane(StrEnum):
    """Selectivity lane: green releases, yellow checks documents, red inspects the goods."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


_OPEN = (Status.ACCEPTED, Status.AMENDED, Status.DOCUMENTS_REQUIRED, Status.PHYSICAL_CHECK)

# Where an accepted or amended declaration (no control notified yet) may go.
_BEFORE_CONTROL = frozenset(
    {
        Status.DOCUMENTS_REQUIRED,
        Status.PHYSICAL_CHECK,
        Status.AMENDED,
        Status.RELEASED,
        Status.DETAINED,
        Status.INVALIDATED,
    }
)

# Which status may follow which. Anything else is refused.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REJECTED}),
    Status.ACCEPTED: _BEFORE_CONTROL,
    Status.AMENDED: _BEFORE_CONTROL,
    Status.DOCUMENTS_REQUIRED: frozenset(
        {Status.PHYSICAL_CHECK, Status.AMENDED, Status.RELEASED, Status.DETAINED, Status.INVALIDATED}
    ),
    Status.PHYSICAL_CHECK: frozenset({Status.AMENDED, Status.RELEASED, Status.DETAINED, Status.INVALIDATED}),
    Status.DETAINED: frozenset({Status.RELEASED, Status.INVALIDATED}),
    Status.RELEASED: frozenset({Status.CLEARED}),
    Status.REJECTED: frozenset(),
    Status.CLEARED: frozenset(),
    Status.INVALIDATED: frozenset(),
}

OPEN_STATUSES: frozenset[Status] = frozenset(_OPEN)
# Where the trader may still change or withdraw its declaration on its own: once a control is notified (05, 06)
# amending or invalidating it would let the trader escape the control, so only an officer's decision may.
TRADER_CHANGEABLE: frozenset[Status] = frozenset({Status.ACCEPTED, Status.AMENDED})


class Role(StrEnum):
    """Who may act: the roles of Clearway's users."""

    DECLARANT = "declarant"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    AGENCY = "agency"
    ADMIN = "admin"
    SYSTEM = "system"


class Decision(StrEnum):
    """What an officer (or the trader, or the system) decides about a declaration."""

    REQUEST_DOCUMENTS = "request_documents"
    PHYSICAL_CHECK = "physical_check"
    RELEASE = "release"
    DETAIN = "detain"
    CLEAR = "clear"
    INVALIDATE = "invalidate"


DECISION_TARGET: dict[Decision, Status] = {
    Decision.REQUEST_DOCUMENTS: Status.DOCUMENTS_REQUIRED,
    Decision.PHYSICAL_CHECK: Status.PHYSICAL_CHECK,
    Decision.RELEASE: Status.RELEASED,
    Decision.DETAIN: Status.DETAINED,
    Decision.CLEAR: Status.CLEARED,
    Decision.INVALIDATE: Status.INVALIDATED,
}

# History entries that carry risk reasons: customs staff see them, traders never do.
RISK_KINDS = frozenset({"lane_assigned", "lane_reviewed"})

_OFFICERS = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.SYSTEM})
DECISION_ROLES: dict[Decision, frozenset[Role]] = {
    Decision.REQUEST_DOCUMENTS: _OFFICERS,
    Decision.PHYSICAL_CHECK: _OFFICERS,
    Decision.RELEASE: _OFFICERS,
    Decision.DETAIN: _OFFICERS,
    Decision.CLEAR: _OFFICERS,
    Decision.INVALIDATE: frozenset({Role.DECLARANT, Role.SUPERVISOR, Role.SYSTEM}),
}


class Finding(StrEnum):
    """Result of a documentary or physical control."""

    NO_DISCREPANCY = "no_discrepancy"
    DISCREPANCY = "discrepancy"


__all__ = [
    "DECISION_ROLES",
    "DECISION_TARGET",
    "OPEN_STATUSES",
    "RISK_KINDS",
    "STATUS_LABELS",
    "TRADER_CHANGEABLE",
    "TRANSITIONS",
    "Decision",
    "Finding",
    "Lane",
    "Role",
    "Status",
]
