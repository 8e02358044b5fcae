"""Code lists: ISO 3166 countries, ISO 4217 currencies, UN/LOCODE, units, HS codes, incoterms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")

# UN/ECE Recommendation 20 units that declarations use most.
UNITS: dict[str, str] = {
    "KGM": "kilogram",
    "GRM": "gram",
    "TNE": "tonne",
    "LTR": "litre",
    "MTR": "metre",
    "MTK": "square metre",
    "MTQ": "cubic metre",
    "H87": "piece",
    "PCE": "piece",
    "NAR": "number of articles",
    "PR": "pair",
    "DZN": "dozen",
    "SET": "set",
    "KWH": "kilowatt hour",
    "LPA": "litre of pure alcohol",
    "CT": "carton",
}

INCOTERMS: frozenset[str] = frozenset({"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"})

# WCO Data Model / UN Rec 19 transport mode codes.
TRANSPORT_MODES: dict[int, str] = {
    1: "maritime",
    2: "rail",
    3: "road",
    4: "air",
    5: "postal",
    7: "fixed installation",
    8: "inland waterway",
    9: "own propulsion",
}


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def is_country(code: str) -> bool:
    """Tells whether the code is an ISO 3166-1 alpha-2 country code."""
    return code in _countries()


def is_currency(code: str) -> bool:
    """Tells whether the code is an ISO 4217 alphabetic currency code."""
    return code in _currencies()


def is_locode(code: str) -> bool:
    """Tells whether the code has UN/LOCODE form: a valid country and three letters or digits 2-9."""
    return bool(_LOCODE.match(code)) and is_country(code[:2])


def is_hs_format(code: str) -> bool:
    """Tells whether a commodity code has 6, 8 or 10 digits."""
    return bool(_HS.match(code))


def country_name(code: str) -> str:
    """Returns the country's English name, or the code when it is unknown."""
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


@dataclass(frozen=True, slots=True)
class HsEntry:
    """One line of a Harmonized System nomenclature."""

    code: str
    description: str
    level: int
    parent: str | None = None


@dataclass
class Nomenclature:
    """The loaded HS nomenclature: chapters, headings, subheadings and any national lines."""

    entries: dict[str, HsEntry] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[HsEntry]) -> Nomenclature:
        """Builds a nomenclature from its entries."""
        return cls({e.code: e for e in entries})

    def __len__(self) -> int:
        return len(self.entries)

    def knows(self, commodity_code: str) -> bool:
        """Tells whether a declared commodity code exists.

        A 6-digit subheading must be in the nomenclature. National tariff lines (8 or 10 digits)
        are checked when the administration loaded them; otherwise their 6-digit subheading is.
        """
        if commodity_code in self.entries:
            return True
        if len(commodity_code) > 6:
            has_national_lines = any(len(code) > 6 and code.startswith(commodity_code[:6]) for code in self._national())
            return not has_national_lines and commodity_code[:6] in self.entries
        return False

    def describe(self, commodity_code: str) -> str | None:
        """Returns the most specific description known for a commodity code."""
        for length in (len(commodity_code), 8, 6, 4, 2):
            entry = self.entries.get(commodity_code[:length])
            if entry is not None:
                return entry.description
        return None

    def _national(self) -> list[str]:
        cached: list[str] | None = getattr(self, "_national_cache", None)
        if cached is None:
            cached = [c for c in self.entries if len(c) > 6]
            object.__setattr__(self, "_national_cache", cached)
        return cached
