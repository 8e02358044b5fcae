"""Reading amounts, dates and currencies the way invoices print them, in English, Spanish, Portuguese, French."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation

from clearway.documents.extract.countries import DOLLAR_BY_COUNTRY as DOLLAR_BY_COUNTRY

# A printed number: digits with optional thousands groups (.,space, NBSP, narrow NBSP, apostrophe) and decimals.
NUMBER = re.compile(
    r"(?<![\w.,])-?\d{1,3}(?:(?:[.,'\u00a0\u202f ])\d{3})+(?:[.,]\d{1,4})?(?![\w])"
    r"|(?<![\w.,])-?\d+(?:[.,]\d{1,4})?(?![\w])"
)
_MONEY_DECIMALS = re.compile(r"\d[.,]\d{2}(?!\d)")
# Numeric dates ("06.12.2013") and clock times ("08.30 - 12.30 Uhr") look like amounts with a decimal point.
_DATES_AND_TIMES = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
    r"|\b\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?\s*(?:uhr|h|hrs|am|pm)\b",
    re.IGNORECASE,
)

MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        (
            "january",
            "jan",
            "enero",
            "ene",
            "janeiro",
            "janvier",
            "janv",
            "januar",
            "jänner",
            "jaenner",
            "gennaio",
            "gen",
            "januari",
        ),
        (
            "february",
            "feb",
            "febrero",
            "fevereiro",
            "fev",
            "février",
            "fevrier",
            "févr",
            "februar",
            "febbraio",
            "februari",
        ),
        ("march", "mar", "marzo", "março", "marco", "mars", "märz", "maerz", "marz", "maart", "mrt"),
        ("april", "apr", "abril", "abr", "avril", "avr", "aprile"),
        ("may", "mayo", "maio", "mai", "maggio", "mag", "mei"),
        ("june", "jun", "junio", "junho", "juin", "juni", "giugno", "giu"),
        ("july", "jul", "julio", "julho", "juillet", "juil", "juli", "luglio", "lug"),
        ("august", "aug", "agosto", "ago", "août", "aout", "augustus"),
        ("september", "sep", "sept", "septiembre", "setiembre", "setembro", "set", "septembre", "settembre"),
        ("october", "oct", "octubre", "outubro", "out", "octobre", "oktober", "okt", "ottobre", "ott"),
        ("november", "nov", "noviembre", "novembro", "novembre"),
        (
            "december",
            "dec",
            "diciembre",
            "dic",
            "dezembro",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "dezember",
            "dicembre",
        ),
    ],
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _num

_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
# year first: ISO, and with slashes or dots (2024/07/05, 2024.07.05), always year, month, day
_DATE_ISO = re.compile(r"\b(\d{4})([-/.])(\d{1,2})\2(\d{1,2})\b")
_DATE_NUM = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
DATE_NUM = _DATE_NUM  # numeric dates (day and month in either order)
_DATE_DMY_WORDS = re.compile(
    rf"\b(\d{{1,2}})(?:er|º|st|nd|rd|th)?\.?\s*(?:de\s+)?({_MONTH_WORDS})\.?,?\s*(?:de\s+)?(\d{{4}})\b", re.IGNORECASE
)
# "15-Oct-2015", "15-Oct-15", "03/Aug/2014": day, month word and year joined by hyphens or slashes
# (not inside a longer code: "INV-12-JAN-99" is an invoice number)
_DATE_DMY_JOINED = re.compile(
    rf"(?<![\w\-/])(\d{{1,2}})([-/])({_MONTH_WORDS})\2(\d{{4}}|\d{{2}})(?![\w\-/])", re.IGNORECASE
)
_DATE_MDY_WORDS = re.compile(
    rf"\b({_MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})\b", re.IGNORECASE
)  # "August 3, 2014", and "August 3 , 2014" as some generators print it

# Symbols and words that name a currency; "$" alone is decided from the document's context.
CURRENCY_CODES = (
    "USD",
    "EUR",
    "BRL",
    "MXN",
    "PEN",
    "COP",
    "CLP",
    "ARS",
    "GBP",
    "CAD",
    "CNY",
    "JPY",
    "CHF",
    "BOB",
    "UYU",
    "PYG",
    "GTQ",
    "CRC",
    "DOP",
    "HNL",
    "NIO",
    "PAB",
    "INR",
    "KRW",
    "JMD",
    "TTD",
    "BBD",
    "XCD",
    "BSD",
    "HTG",
    "KYD",
    "BZD",
    "GYD",
    "SRD",
    "AWG",
    "ANG",
    "CUP",
    "NIO",
    "VES",
    "HKD",
    "AUD",
    "NZD",
    "SGD",
    "CNH",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
)
_CODE = re.compile(r"\b(" + "|".join(CURRENCY_CODES) + r")\b")
# Longer symbols first ("EC$" before "C$"); one-letter prefixes that OCR confuses ("S$", "B$") are left to context.
SYMBOLS: tuple[tuple[str, str], ...] = (
    ("RD$", "DOP"),
    ("JA$", "JMD"),
    ("J$", "JMD"),
    ("TT$", "TTD"),
    ("BDS$", "BBD"),
    ("Bds$", "BBD"),
    ("EC$", "XCD"),
    ("BZ$", "BZD"),
    ("CI$", "KYD"),
    ("HK$", "HKD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("COL$", "COP"),
    ("CLP$", "CLP"),
    ("AR$", "ARS"),
    ("US$", "USD"),
    ("U$S", "USD"),
    ("USD$", "USD"),
    ("R$", "BRL"),
    ("MX$", "MXN"),
    ("MEX$", "MXN"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("S/.", "PEN"),
    ("S/", "PEN"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₡", "CRC"),
    ("₲", "PYG"),
    ("₩", "KRW"),
)
CURRENCY_WORDS: dict[str, str] = {
    "dólares": "USD",
    "dolares": "USD",
    "dollars": "USD",
    "dólares americanos": "USD",
    "dollars us": "USD",
    "euros": "EUR",
    "reais": "BRL",
    "real brasileiro": "BRL",
    "soles": "PEN",
    "nuevos soles": "PEN",
    "pesos mexicanos": "MXN",
    "pesos colombianos": "COP",
    "pesos chilenos": "CLP",
    "pesos argentinos": "ARS",
    "livres sterling": "GBP",
    "pounds sterling": "GBP",
    "jamaican dollars": "JMD",
    "trinidad and tobago dollars": "TTD",
    "tt dollars": "TTD",
    "barbados dollars": "BBD",
    "eastern caribbean dollars": "XCD",
    "ec dollars": "XCD",
    "bahamian dollars": "BSD",
    "pesos dominicanos": "DOP",
    "gourdes": "HTG",
    "gourde": "HTG",
    "cordobas": "NIO",
    "quetzales": "GTQ",
    "lempiras": "HNL",
    "colones": "CRC",
    "balboas": "PAB",
}


def decimal_separator(text: str) -> str:
    """Tells the document's decimal separator from its money-like amounts ('.' or ',')."""
    votes = Counter(m.group(0)[1] for m in _MONEY_DECIMALS.finditer(_DATES_AND_TIMES.sub(" ", text)))
    # "1.234,56" and "1,234.56" both vote with their last separator, which is the one matched here.
    if not votes:
        return "."
    return "," if votes[","] > votes["."] else "."


def parse_number(raw: str, decimal: str = ".") -> Decimal | None:
    """Parses a printed number with the document's decimal separator; None when it is not a number."""
    s = raw.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("'", "")
    negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
    s = s.strip("-() ")
    if not s or not re.fullmatch(r"[\d., ]+", s) or not s[0].isdigit():
        return None
    if "." in s and "," in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
    thousands = "," if decimal == "." else "."
    s = s.replace(" ", "")
    if s.count(decimal) > 1:
        s = s.replace(decimal, "")  # a grouping separator that the document uses the other way round
    s = s.replace(thousands, "").replace(decimal, ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return -value if negative else value


def numbers_in(text: str, decimal: str) -> list[tuple[Decimal, int, int]]:
    """Returns every number of a text with its span."""
    out = []
    for m in NUMBER.finditer(text):
        value = parse_number(m.group(0), decimal)
        if value is not None:
            out.append((value, m.start(), m.end()))
    return out


def parse_date(text: str, *, month_first: bool = False) -> date | None:
    """Finds the first date in a text: ISO, numeric (day first unless told otherwise) or with month words."""
    candidates: list[tuple[int, date]] = []
    for m in _DATE_ISO.finditer(text):
        d = _make(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d:
            candidates.append((m.start(), d))
    for m in _DATE_NUM.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 else y
        day, month = (b, a) if (month_first and a <= 12) or b > 12 else (a, b)
        d = _make(y, month, day)
        if d:
            candidates.append((m.start(), d))
    for m in _DATE_DMY_WORDS.finditer(text):
        d = _make(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if d:
            candidates.append((m.start(), d))
    for m in _DATE_MDY_WORDS.finditer(text):
        d = _make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if d:
            candidates.append((m.start(), d))
    for m in _DATE_DMY_JOINED.finditer(text):
        y = int(m.group(4))
        d = _make(y + 2000 if y < 100 else y, MONTHS[m.group(3).lower()], int(m.group(1)))
        if d:
            candidates.append((m.start(), d))
    return min(candidates)[1] if candidates else None


def _make(y: int, m: int, d: int) -> date | None:
    if not 1990 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


@functools.cache
def _symbol_pattern(symbol: str) -> re.Pattern[str]:
    """A symbol as printed on its own: one that starts with a letter not inside a word ("SMS/MMS" holds no "S/"),
    one that ends with "/" or "." not followed by a letter."""
    left = r"(?<![A-Za-z0-9])" if symbol[0].isalpha() else ""
    right = r"(?![A-Za-z])" if symbol[-1] in "/." else ""
    return re.compile(left + re.escape(symbol) + right)


def currencies_in(text: str) -> list[tuple[str, str]]:
    """Returns the currencies named in a text as (ISO 4217 code, how it was printed)."""
    found: list[tuple[str, str]] = [(m.group(1), m.group(1)) for m in _CODE.finditer(text)]
    rest = text
    for symbol, code in SYMBOLS:
        if symbol not in rest:
            continue
        pattern = _symbol_pattern(symbol)
        if pattern.search(rest):
            found.append((code, symbol))
            rest = pattern.sub(" ", rest)
    if "$" in rest:
        found.append(("$", "$"))
    lower = text.lower()
    # Indian rupees: "Rs 1939", "Rs. 319.00" (only before an amount: "RS" is also a Brazilian state).
    found.extend(("INR", m.group(0).strip()) for m in re.finditer(r"\brs\.?\s?(?=\d)", lower))
    for word, code in CURRENCY_WORDS.items():
        if re.search(rf"\b{re.escape(word)}\b", lower):
            found.append((code, word))
    return found
