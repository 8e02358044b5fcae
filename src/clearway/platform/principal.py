"""Who calls: a user with one role (``ROLES``), scoped to a trader party, an agency or an office."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("declarant", "officer", "supervisor", "agency", "admin")
# Customs staff: they see every declaration and act on the administration's behalf.
CUSTOMS_STAFF = ("officer", "supervisor", "admin")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user with one role, scoped to a trader party or an agency where relevant."""

    user: str
    role: str
    party_id: str | None = None
    agency: str | None = None
    office: str | None = None

    @property
    def is_customs(self) -> bool:
        """Tells whether the caller is customs staff (officer, supervisor, admin)."""
        return self.role in CUSTOMS_STAFF

    @property
    def is_trader(self) -> bool:
        """Tells whether the caller is a declarant who sees only its own party's data."""
        return self.role == "declarant"
