"""Business identifiers: the Movement Reference Number customs issues, and party identifiers."""

from __future__ import annotations

import importlib
import re
import secrets
import string
import unicodedata
from datetime import datetime
from typing import Literal

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


# --- party identifiers (TIN, RUC, CNPJ, RFC, RUT, NIT, EORI) ---------------------------------------------

# The national part after the ISO country prefix, per country: shape only (check digits: party_id_check).
_NATIONAL_SHAPES = {
    "PE": re.compile(r"\d{11}|\d{8}"),  # RUC (11 digits) or DNI (8)
    "BR": re.compile(r"\d{14}|\d{11}"),  # CNPJ (14) or CPF (11)
    "MX": re.compile(r"[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}"),  # RFC: moral (12) or física (13)
    "CL": re.compile(r"\d{7,8}[0-9K]"),  # RUT with its check character
    "CO": re.compile(r"\d{8,10}"),  # NIT with or without its check digit
}
_EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()  # noqa: SIM905
)
_EORI = re.compile(r"[A-Z0-9]{1,15}")
# Printable ASCII (real registers use '/', ':', '-', '&' and single spaces), but no markup or quotes.
_GENERIC = re.compile(r"[A-Za-z0-9](?:[!#-&(-;=?-_a-~]| (?! )){0,38}[!#-&(-;=?-_a-~]")


def party_id_problem(value: str) -> str | None:
    """Tells what is wrong with a party identifier (None when it is acceptable).

    Refused always: control characters (NUL included), invisible formatting and bidirectional marks, anything
    outside ASCII (a Cyrillic 'Р' looks like a Latin 'P'). An identifier starting with a country code whose
    scheme is known must have that scheme's shape: PE RUC/DNI, BR CNPJ/CPF, MX RFC, CL RUT, CO NIT, EU EORI.
    """
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"):
            return f"contains an invisible or control character (U+{ord(ch):04X})"
        if ord(ch) > 0x7E:
            return f"contains the non-ASCII character U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"
    if not _GENERIC.fullmatch(value):
        return "use 2 to 40 letters, digits or punctuation (no quotes or '<>'), starting with a letter or digit"
    prefix, national = value[:2], value[2:]
    shape = _NATIONAL_SHAPES.get(prefix)
    if shape is not None and not shape.fullmatch(national):
        return f"not the shape of a {prefix} identifier ({_SCHEME_NAMES[prefix]})"
    if prefix in _EU and not _EORI.fullmatch(national):
        return "an EORI number is its country code and up to 15 letters or digits"
    return None


_SCHEME_NAMES = {
    "PE": "RUC of 11 digits or DNI of 8",
    "BR": "CNPJ of 14 digits or CPF of 11",
    "MX": "RFC of 12 or 13 characters",
    "CL": "RUT: 7 or 8 digits and a check character",
    "CO": "NIT of 8 to 10 digits",
}


def check_party_id(value: str) -> str:
    """Validates a party identifier (for Pydantic ``AfterValidator``); raises ValueError with the reason."""
    problem = party_id_problem(value)
    if problem:
        raise ValueError(f"party identifier {problem}")
    return value


# What lodging does with a party identifier whose check digit is wrong (``CLEARWAY_PARTY_ID_CHECK_DIGITS``).
CheckDigits = Literal["off", "warn", "refuse"]

# The schemes whose check digits are known, by country prefix and length of the national part (None: any).
_CHECKED: tuple[tuple[str, int | None, str, str], ...] = (
    ("PE", 11, "RUC", "stdnum.pe.ruc"),
    ("BR", 14, "CNPJ", "stdnum.br.cnpj"),
    ("BR", 11, "CPF", "stdnum.br.cpf"),
    ("MX", None, "RFC", "stdnum.mx.rfc"),
    ("CL", None, "RUT", "stdnum.cl.rut"),
    ("CO", None, "NIT", "stdnum.co.nit"),
)


def party_id_scheme(value: str) -> str | None:
    """Names the scheme whose check digits a party identifier carries (RUC, CNPJ, CPF, RFC, RUT, NIT), or None.

    A Peruvian DNI (8 digits), an EORI or an identifier of another country has no check digit Clearway knows.
    """
    found = _checked_scheme(value)
    return found[0] if found else None


def _checked_scheme(value: str) -> tuple[str, str] | None:
    prefix, national = value[:2], value[2:]
    for country, length, name, module in _CHECKED:
        if prefix == country and (length is None or len(national) == length):
            return name, module
    return None


def party_id_check_digits_ok(value: str) -> bool | None:
    """Checks a party identifier's check digits where its scheme has them (None: no scheme known).

    Uses python-stdnum (pure Python, no I/O). Whether lodging enforces it is a setting
    (``CLEARWAY_PARTY_ID_CHECK_DIGITS``: off, warn, refuse; ``declarations.validation``).
    """
    found = _checked_scheme(value)
    if found is None:
        return None
    try:
        module = importlib.import_module(found[1])
    except ImportError:  # python-stdnum not installed
        return None
    if found[0] == "RFC":  # stdnum checks an RFC's shape and date only, unless asked for its check digit too
        return bool(module.is_valid(value[2:], validate_check_digits=True))
    return bool(module.is_valid(value[2:]))
