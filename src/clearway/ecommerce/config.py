"""Screening configuration read from the data shipped with Clearway: de minimis thresholds and rates."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from clearway.core.issues import DomainError
from clearway.ecommerce.model import DeMinimis, ScreeningConfig


@lru_cache(maxsize=1)
def de_minimis_table() -> dict[str, DeMinimis]:
    """Returns the de minimis threshold of each country Clearway ships data for."""
    text = resources.files("clearway.ecommerce").joinpath("data/de_minimis.csv").read_text()
    return {
        r["country"]: DeMinimis(r["country"], Decimal(r["threshold"]), r["currency"])
        for r in csv.DictReader(text.splitlines())
    }


@lru_cache(maxsize=1)
def usd_rates() -> dict[str, Decimal]:
    """Returns the reference rates (USD per unit of each currency) used to compare values."""
    text = resources.files("clearway.ecommerce").joinpath("data/usd_rates.csv").read_text()
    return {r["currency"]: Decimal(r["usd_per_unit"]) for r in csv.DictReader(text.splitlines())}


def for_country(country: str, **overrides: float) -> ScreeningConfig:
    """Returns the screening configuration of a destination country."""
    country = country.upper()
    table = de_minimis_table()
    if country not in table:
        raise DomainError(
            f"no de minimis threshold for '{country}'; known: {', '.join(sorted(table))}", code="COUNTRY_UNKNOWN"
        )
    dm = table[country]
    rates = usd_rates()
    if dm.currency not in rates:
        raise DomainError(f"no exchange rate for {dm.currency}", code="RATE_UNKNOWN")
    return ScreeningConfig(country=country, de_minimis=dm, usd_rates=dict(rates), **overrides)  # type: ignore[arg-type]
