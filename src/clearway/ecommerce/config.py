"""Screening configuration read from the data shipped with Clearway: de minimis thresholds and rates; and the
e-commerce settings read from ``CLEARWAY_ECOMMERCE_*`` environment variables."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class EcommerceSettings(BaseSettings):
    """E-commerce settings read from ``CLEARWAY_ECOMMERCE_*`` environment variables (all optional)."""

    model_config = SettingsConfigDict(env_prefix="CLEARWAY_ECOMMERCE_", extra="ignore")

    # An officer's verified HS code on a parcel review is added to the classification history (on), or only
    # recorded with the decision (off).
    history_from_reviews: Literal["on", "off"] = Field(
        default="on", description="on | off: officers' verified HS codes on parcel reviews feed the HS history"
    )

    @field_validator("history_from_reviews", mode="before")
    @classmethod
    def _folded(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


def settings() -> EcommerceSettings:
    """Returns the e-commerce settings, read from the environment on each call (a review reads them once)."""
    return EcommerceSettings()


def history_from_reviews() -> bool:
    """Whether officers' verified HS codes on parcel reviews feed the classification history
    (``CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS``, on by default)."""
    return settings().history_from_reviews == "on"
