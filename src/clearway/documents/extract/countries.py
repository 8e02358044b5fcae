"""Countries as invoices name them (en/es/pt/fr/de/it, accents stripped) and the currency a bare symbol means there.

A "$" alone is the dollar or peso of the document's country: Mexico's peso, Jamaica's dollar, the Dominican
peso…; "C$" is the Canadian dollar except in Nicaragua (córdoba); "¥" the yen except in China (yuan).
"""

from __future__ import annotations

import re
import unicodedata

COUNTRIES: dict[str, str] = {
    "china": "CN",
    "chine": "CN",
    "people's republic of china": "CN",
    "peru": "PE",
    "perou": "PE",
    "brazil": "BR",
    "brasil": "BR",
    "bresil": "BR",
    "mexico": "MX",
    "mexique": "MX",
    "colombia": "CO",
    "colombie": "CO",
    "colombia ": "CO",
    "chile": "CL",
    "chili": "CL",
    "argentina": "AR",
    "argentine": "AR",
    "united states": "US",
    "usa": "US",
    "estados unidos": "US",
    "etats-unis": "US",
    "etats unis": "US",
    "germany": "DE",
    "alemania": "DE",
    "alemanha": "DE",
    "allemagne": "DE",
    "france": "FR",
    "francia": "FR",
    "franca": "FR",
    "spain": "ES",
    "espana": "ES",
    "espanha": "ES",
    "espagne": "ES",
    "italy": "IT",
    "italia": "IT",
    "italie": "IT",
    "japan": "JP",
    "japon": "JP",
    "japao": "JP",
    "vietnam": "VN",
    "viet nam": "VN",
    "vietna": "VN",
    "india": "IN",
    "inde": "IN",
    "korea": "KR",
    "south korea": "KR",
    "corea": "KR",
    "coreia": "KR",
    "coree": "KR",
    "ecuador": "EC",
    "equador": "EC",
    "equateur": "EC",
    "canada": "CA",
    "bolivia": "BO",
    "bolivie": "BO",
    "uruguay": "UY",
    "uruguai": "UY",
    "paraguay": "PY",
    "paraguai": "PY",
    "portugal": "PT",
    "taiwan": "TW",
    "thailand": "TH",
    "tailandia": "TH",
    "thailande": "TH",
    "turkey": "TR",
    "turquia": "TR",
    "turquie": "TR",
    "netherlands": "NL",
    "paises bajos": "NL",
    "pays-bas": "NL",
    "united kingdom": "GB",
    "reino unido": "GB",
    "royaume-uni": "GB",
    "indonesia": "ID",
    "indonesie": "ID",
    "malaysia": "MY",
    "malasia": "MY",
    "jamaica": "JM",
    "jamaique": "JM",
    "trinidad and tobago": "TT",
    "trinidad y tobago": "TT",
    "trinidad": "TT",
    "barbados": "BB",
    "barbade": "BB",
    "bahamas": "BS",
    "dominican republic": "DO",
    "republica dominicana": "DO",
    "republique dominicaine": "DO",
    "santo domingo": "DO",
    "haiti": "HT",
    "cayman islands": "KY",
    "islas caiman": "KY",
    "belize": "BZ",
    "belice": "BZ",
    "guyana": "GY",
    "suriname": "SR",
    "surinam": "SR",
    "antigua and barbuda": "AG",
    "antigua": "AG",
    "dominica": "DM",
    "grenada": "GD",
    "saint lucia": "LC",
    "st lucia": "LC",
    "saint kitts": "KN",
    "st kitts": "KN",
    "saint vincent": "VC",
    "st vincent": "VC",
    "aruba": "AW",
    "curacao": "CW",
    "cuba": "CU",
    "puerto rico": "PR",
    "nicaragua": "NI",
    "honduras": "HN",
    "guatemala": "GT",
    "costa rica": "CR",
    "panama": "PA",
    "el salvador": "SV",
    "venezuela": "VE",
    "hong kong": "HK",
    "australia": "AU",
    "new zealand": "NZ",
    "singapore": "SG",
    "switzerland": "CH",
    "suiza": "CH",
    "suisse": "CH",
    "schweiz": "CH",
    "deutschland": "DE",
    "osterreich": "AT",
    "austria": "AT",
    "autriche": "AT",
    "belgium": "BE",
    "belgique": "BE",
    "belgica": "BE",
    "ireland": "IE",
    "irlanda": "IE",
    "united states of america": "US",
    "u s a": "US",
    "eeuu": "US",
    "ee uu": "US",
    "cina": "CN",
    "giappone": "JP",
    "stati uniti": "US",
    "germania": "DE",
    "francia ": "FR",
    "spagna": "ES",
    "brasile": "BR",
    "messico": "MX",
    "england": "GB",
    "great britain": "GB",
    "philippines": "PH",
    "filipinas": "PH",
}

# Where "$" alone is printed, the country of the document decides it (dollarised countries keep USD).
DOLLAR_BY_COUNTRY: dict[str, str] = {
    "MX": "MXN",
    "CO": "COP",
    "CL": "CLP",
    "AR": "ARS",
    "CA": "CAD",
    "UY": "UYU",
    "BR": "BRL",
    "CU": "CUP",
    "DO": "DOP",
    "JM": "JMD",
    "TT": "TTD",
    "BB": "BBD",
    "BS": "BSD",
    "KY": "KYD",
    "BZ": "BZD",
    "GY": "GYD",
    "SR": "SRD",
    "AG": "XCD",
    "DM": "XCD",
    "GD": "XCD",
    "LC": "XCD",
    "KN": "XCD",
    "VC": "XCD",
    "NI": "NIO",
    "HK": "HKD",
    "AU": "AUD",
    "NZ": "NZD",
    "SG": "SGD",
    "US": "USD",
    "PR": "USD",
    "EC": "USD",
    "SV": "USD",
    "PA": "USD",
}
# "C$" and "¥" read differently in a few countries.
OTHER_SYMBOLS: dict[str, dict[str, str]] = {
    "C$": {"NI": "NIO"},
    "¥": {"CN": "CNY"},
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", plain)).strip()


def countries_in(text: str) -> list[str]:
    """Every country named in the text, in reading order (a name counts once, at its first mention)."""
    t = f" {_plain(text)} "
    found: list[tuple[int, int, str]] = []
    for name, code in COUNTRIES.items():
        pos = t.find(f" {_plain(name)} ")
        if pos >= 0:
            found.append((pos, -len(name), code))
    found.sort()
    out: list[str] = []
    taken: list[tuple[int, int]] = []
    for pos, neg_len, code in found:
        if any(a <= pos < b for a, b in taken):
            continue  # "dominica" inside "republica dominicana"
        taken.append((pos, pos - neg_len + 1))
        if code not in out:
            out.append(code)
    return out


def country_code(text: str) -> str | None:
    """Returns the ISO 3166 code of the first country named in the text."""
    found = countries_in(text)
    return found[0] if found else None


def currency_for_symbol(symbol: str, countries: list[str]) -> tuple[str, float]:
    """The ISO 4217 code a bare symbol means given the document's countries (the seller's first); and a confidence."""
    if symbol == "$":
        for country in countries:
            if country in DOLLAR_BY_COUNTRY:
                return DOLLAR_BY_COUNTRY[country], 0.6
        return "USD", 0.5
    for country in countries:
        if country in OTHER_SYMBOLS.get(symbol, {}):
            return OTHER_SYMBOLS[symbol][country], 0.6
    return symbol, 0.9
