"""Money on Decimal, in an ISO 4217 currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in a currency. Never a float."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def rounded(self, quantum: Decimal = CENT, rounding: str = ROUND_HALF_UP) -> Money:
        """Returns the amount rounded to the quantum (cents by default)."""
        return Money(self.amount.quantize(quantum, rounding=rounding), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
