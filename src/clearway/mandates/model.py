"""A mandate: a principal party lets an agent party act for it, for a time and for some procedures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

ALL = "all"
# A customs procedure code: the 2-digit requested procedure ("40") or requested + previous ("4000").
_PROCEDURE = re.compile(r"^[0-9]{2}(?:[0-9]{2})?$")
# A party identifier: a TIN, RUC, EORI… in ASCII letters and digits only (no look-alikes, controls or marks).
_PARTY = re.compile(r"^[A-Z0-9]{2,40}$")


def valid_party_id(value: str) -> bool:
    """Tells whether a party id is plain ASCII upper-case letters and digits, 2 to 40 of them."""
    return bool(_PARTY.fullmatch(value))


def valid_procedure(value: str) -> bool:
    """Tells whether a value is 'all' or a 2- or 4-digit customs procedure code."""
    return value == ALL or bool(_PROCEDURE.fullmatch(value))


@dataclass(frozen=True, slots=True)
class Mandate:
    """A principal's authorisation of an agent, with its validity and, once revoked, who ended it and why."""

    id: str
    principal_id: str
    agent_id: str
    procedures: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime | None
    granted_by: str
    granted_role: str
    granted_at: datetime
    reason: str
    evidence: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def covers(self, procedure: str | None) -> bool:
        """Tells whether the mandate covers a procedure code (None asks: any procedure at all)."""
        if procedure is None or ALL in self.procedures:
            return True
        return any(procedure.startswith(p) for p in self.procedures)

    def in_force(self, at: datetime) -> bool:
        """Tells whether the mandate is in force at a moment: started, not ended, not revoked by then."""
        if at < self.valid_from:
            return False
        if self.valid_to is not None and at >= self.valid_to:
            return False
        return self.revoked_at is None or at < self.revoked_at

    def status(self, at: datetime) -> str:
        """Returns 'revoked', 'expired', 'pending' (not yet in force) or 'active' at a moment."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return "revoked"
        if self.valid_to is not None and at >= self.valid_to:
            return "expired"
        if at < self.valid_from:
            return "pending"
        return "active"

    def concerns(self, party_id: str | None) -> bool:
        """Tells whether a party is the principal or the agent of this mandate."""
        return party_id is not None and party_id in {self.principal_id, self.agent_id}
