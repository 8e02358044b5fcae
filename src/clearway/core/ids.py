"""Business identifiers: the Movement Reference Number customs issues."""

from __future__ import annotations

import secrets
import string
from datetime import datetime

_ALPHABET = string.digits + string.ascii_uppercase
# ISO 6346-style letter values as used for EU MRN check characters (multiples of 11 skipped).
_VALUES = {c: i for i, c in enumerate(string.digits)}
_v = 10
for _c in string.ascii_uppercase:
    if _v % 11 == 0:
        _v += 1
    _VALUES[_c] = _v
    _v += 1


def mrn_check_character(body: str) -> str:
    """Computes the MRN check character over the first 17 characters (ISO 6346 method)."""
    total = sum(_VALUES[ch] * (2**i) for i, ch in enumerate(body))
    return str(total % 11 % 10)


def new_mrn(country: str, when: datetime) -> str:
    """Issues a new 18-character MRN: 2-digit year, country, 13 random characters, check digit."""
    body = f"{when:%y}{country.upper()}" + "".join(secrets.choice(_ALPHABET) for _ in range(13))
    return body + mrn_check_character(body)


def is_valid_mrn(mrn: str) -> bool:
    """Tells whether an MRN has the right form and check character."""
    if len(mrn) != 18 or not mrn[:2].isdigit() or not all(c in _VALUES for c in mrn):
        return False
    return mrn_check_character(mrn[:17]) == mrn[17]
