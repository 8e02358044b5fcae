"""How the tariff takes part in clearance: assessment and the release gate (ports), invalidation (bus)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from clearway.declarations import service as declarations
from clearway.declarations.events import DeclarationDecided
from clearway.declarations.model import Declaration
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.tariff import phrases, service


class TariffPorts:
    """Assesses duties and taxes at acceptance and amendment; blocks release while they are neither paid nor
    guaranteed; answers the official exchange rates (for the exchange's mirror analysis)."""

    def __init__(self, national: str) -> None:
        self._national = national

    def national_currency(self) -> str:
        """Returns the national currency the official rates are expressed in."""
        return self._national

    def official_rate(self, uow: UnitOfWork, currency: str, on: date) -> Decimal | None:
        """Returns the official rate in force on a day, in national currency per unit."""
        found = service.rate_on(uow, currency.upper(), on)
        return None if found is None else found.rate

    def assess(self, uow: UnitOfWork, decl: Declaration) -> None:
        """Assesses (an amendment: re-assesses at the exchange rate of its acceptance date)."""
        service.assess_declaration(uow, decl)

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]:
        """Says what is still due, if anything."""
        blocker = service.release_blocker(uow, decl)
        return [blocker] if blocker is not None else []

    def blockers_many(self, uow: UnitOfWork, decls: Sequence[Declaration]) -> dict[str, list[str]]:
        """Says what is still due on several declarations at once (one query for all)."""
        found = service.release_blockers_many(uow, list(decls))
        return {mrn: [b] if b is not None else [] for mrn, b in found.items()}


def ports(runtime: Runtime) -> Sequence[object]:
    """The tariff's ports: ``Assessment``, ``ReleaseGate`` and the exchange's ``OfficialRates``."""
    return (TariffPorts(runtime.settings.national_currency), phrases.PHRASES)


def on_decided(uow: UnitOfWork, event: DeclarationDecided) -> None:
    """Gives guarantee drawdowns back (and notes refunds due) when a declaration is invalidated."""
    if event.decision == "invalidate":
        service.cancel_assessment(uow, declarations.get(uow, event.mrn))


def subscribe(runtime: Runtime) -> None:
    """Subscribes the tariff's handlers to the bus."""
    runtime.bus.subscribe(DeclarationDecided, on_decided)
