"""Demo exchange rates (written for the project, not official): USD and EUR in PEN around a day."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from clearway.tariff.model import ExchangeRate

_BASE = {"USD": Decimal("3.7450"), "EUR": Decimal("4.0520")}
_QUANTUM = Decimal("0.0001")


def demo_rates(today: date, *, back: int = 60, ahead: int = 30) -> list[ExchangeRate]:
    """Returns a daily rate per currency from `back` days before to `ahead` days after a day, reproducibly."""
    out = []
    for offset in range(-back, ahead + 1):
        day = today + timedelta(days=offset)
        # A smooth, deterministic wobble of a few cents keyed by the calendar day.
        ordinal = day.toordinal()
        for k, (currency, base) in enumerate(_BASE.items()):
            wobble = Decimal(str(round(0.03 * math.sin(ordinal / 9 + k) + 0.01 * math.cos(ordinal / 3), 4)))
            out.append(ExchangeRate(currency, day, (base + wobble).quantize(_QUANTUM)))
    return out


def as_csv(rates: list[ExchangeRate]) -> str:
    """Writes rates in the CSV format `clearway tariff rates load` reads."""
    lines = ["currency,valid_from,rate"]
    lines += [f"{r.currency},{r.valid_from.isoformat()},{r.rate}" for r in rates]
    return "\n".join(lines) + "\n"
