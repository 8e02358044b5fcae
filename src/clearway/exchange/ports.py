"""What the exchange asks of other capabilities, as typed ports (provided through ``Capability.ports``).

``OfficialRates``: the official exchange rates of this administration (the tariff publishes them), so that an
export declared in one currency compares with an import declared in another. Without a provider, values in
different currencies are not compared and the mirror fact says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from clearway.platform.db import UnitOfWork


@runtime_checkable
class OfficialRates(Protocol):
    """Answers the rate of a currency in force on a day, in national currency per unit."""

    def national_currency(self) -> str:
        """Returns the national currency (ISO 4217) the rates are expressed in."""
        ...

    def official_rate(self, uow: UnitOfWork, currency: str, on: date) -> Decimal | None:
        """Returns the rate in force on a day (None when none is published or it is too old)."""
        ...
