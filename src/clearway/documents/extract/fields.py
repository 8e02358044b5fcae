"""Reading invoice fields from positioned words without a template: labels found anywhere, values beside or below.

The page and its cells are in ``page``, the parties in ``parties``, the goods table in ``tables``, the words in
``labels`` (en/es/pt/fr/de/it) and ``countries``; this module reads the number, date (numeric order decided by
the document), totals (the total is the labelled amount equal to net + tax, else the largest labelled total),
currency (a bare symbol decided by the seller's country), weights, incoterm and origin, and puts them together.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from decimal import Decimal
from typing import Any

from clearway.documents.extract import labels as L
from clearway.documents.extract.countries import countries_in, currency_for_symbol
from clearway.documents.extract.layout import Line
from clearway.documents.extract.numbers import DATE_NUM, currencies_in, parse_date
from clearway.documents.extract.page import FILLER, Found, Page, amount_in, labelled, value_cells
from clearway.documents.extract.parties import (
    addressee,
    legal_mention,
    letterhead,
    party,
    right_block,
    window_address,
)
from clearway.documents.extract.tables import goods_lines

INCOTERM = re.compile(r"\b(EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)\b")
_ID_TOKEN = re.compile(r"^[A-Z0-9][A-Z0-9\-/._]{1,30}$", re.IGNORECASE)
# "Invoice No: 1": a number of one digit, only right after a label that says it is a number
_NUMBER_WORD = re.compile(r"(?:\b(?:no|nr|nro|n|number|numero|num)|#)$")
# "N°562044387", "#A-17": the sign glued to the number
_GLUED_NO = re.compile(r"^(?:(?:n[º°]\.?|no\.|nr\.|nro\.)(?=\d)|#(?=[A-Z0-9]))", re.IGNORECASE)
_WEIGHT_WORDS = ("peso", "weight", "poids", "kg", "kgs", "bultos", "packages", "colis", "volumes", "qty", "items")
_TAX_ID_COUNTRY = {"RFC": "MX", "CNPJ": "BR", "CPF": "BR", "NIT": "CO", "RUT": "CL", "CUIT": "AR", "RUC": "PE"}


# A cell that is the number sign and a number alone ("Nº 000.047.605", "Nº000.047.605"): a form's number box
_SIGN_CELL = re.compile(r"^(?:N[º°]|No\.|Nr\.)\s*(\d[\d./\-]{2,24})$", re.IGNORECASE)


def invoice_number(page: Page) -> Found | None:
    """The labelled number, else a cell of the number sign and a number alone."""
    found = _labelled_number(page)
    if found is not None:
        return found
    for row in page.cells:
        for cell in row:
            m = _SIGN_CELL.match(cell.text.strip())
            if m and parse_date(m.group(1)) is None:
                return Found(m.group(1), 0.6, cell.page, cell.bbox())
    return None


def _labelled_number(page: Page) -> Found | None:
    # "Fatura / Duplicatas": a Brazilian invoice's instalments (duplicatas), whose numbers are not the invoice's
    exclude = (*L.NOT_DATE, "date", "fecha", "data", "duplicata", "duplicatas")
    for cell, _label, rest in labelled(page, L.INVOICE_NUMBER, exclude=exclude):
        said = _said_number(cell.text, rest)
        if said is not None:
            return Found(said, 0.85, cell.page, cell.bbox())
        for text, bbox, pg in value_cells(page, cell, rest):
            for token in text.split():
                token = _GLUED_NO.sub("", token.strip(":;,"))
                if (
                    _ID_TOKEN.match(token)
                    and any(ch.isdigit() for ch in token)
                    and L.norm(token) not in FILLER
                    and parse_date(token) is None
                ):
                    return Found(token, 0.9, pg, bbox)
    return None


def _said_number(text: str, rest: str) -> str | None:
    """A one-digit number printed right after its label in the same cell ("Invoice No: 1", "Factura N° 7"): the
    first invoices of a new ledger. Not after a bare "Invoice" (a page's "Invoice 1 of 2")."""
    parts = rest.split()
    digit = parts[0].strip(":;,.") if len(parts) == 1 else ""
    if len(digit) != 1 or not digit.isdigit() or digit == "0":
        return None
    head = L.norm(text[: len(text) - len(rest)])
    return digit if _NUMBER_WORD.search(head) else None


_MONTH_FIRST_COUNTRIES = {"US", "PR", "PH"}


def month_first(page: Page) -> bool:
    """Whether the document prints numeric dates month first (03/31/2025): from its own unambiguous dates, else
    from its locale — month first only for English documents of the United States (or that name no country)."""
    votes: Counter[str] = Counter()
    for m in DATE_NUM.finditer(page.text):
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            votes["dmy"] += 1
        elif b > 12 >= a:
            votes["mdy"] += 1
    if votes["dmy"] != votes["mdy"]:
        return votes["mdy"] > votes["dmy"]
    if page.language != "en":
        return False
    named = countries_in(page.text)
    return not named or named[0] in _MONTH_FIRST_COUNTRIES or "US" in named


def is_certificate(page: Page) -> bool:
    """Whether the page is a certificate of origin: its title says so in the first lines."""
    head = " ".join(ln.text for ln in page.lines[:12])
    return L.contains_label(L.norm(head), L.CERTIFICATE_TITLES) is not None


# A certificate's serial printed alone in its box, with the number sign: "No A 000417" (EUR.1), "Nº 000.123"
_CERTIFICATE_SIGN = re.compile(r"^(?:N[º°o]\.?|Nr\.?)\s*((?:[A-Z]{1,2}\s?)?\d[\d./\-]{2,24})$")


def certificate_number(page: Page) -> Found | None:
    """A certificate's own number, after its label ("Certificate No.", "Certificado N°", "N° du certificat"); on
    a certificate, else the number sign and a number alone in a cell ("No A 000417")."""
    for cell, _label, rest in labelled(page, L.CERTIFICATE_NUMBER, exclude=("date", "fecha", "data")):
        for text, bbox, pg in value_cells(page, cell, rest):
            for token in text.split():
                token = _GLUED_NO.sub("", token.strip(":;,"))
                if _ID_TOKEN.match(token) and any(ch.isdigit() for ch in token) and parse_date(token) is None:
                    return Found(token, 0.9, pg, bbox)
    if not is_certificate(page):
        return None
    for row in page.cells:
        for cell in row:
            m = _CERTIFICATE_SIGN.match(cell.text.strip())
            if m and parse_date(m.group(1)) is None:
                return Found(m.group(1).replace(" ", ""), 0.6, cell.page, cell.bbox())
    return None


def transport_number(page: Page) -> Found | None:
    """A transport document's number after its label ("B/L No.", "AWB No.", "Conocimiento de embarque N°")."""
    for cell, _label, rest in labelled(page, L.TRANSPORT_NUMBER, exclude=("date", "fecha", "data")):
        for text, bbox, pg in value_cells(page, cell, rest):
            for token in text.split():
                token = _GLUED_NO.sub("", token.strip(":;,"))
                if _ID_TOKEN.match(token) and any(ch.isdigit() for ch in token) and parse_date(token) is None:
                    return Found(token, 0.9, pg, bbox)
    return None


_ALL_LABELS: tuple[str, ...] = (
    *L.SELLER,
    *L.BUYER,
    *L.INVOICE_NUMBER,
    *L.DATE,
    *L.ORIGIN,
    *L.TRANSPORT_NUMBER,
    *L.VESSEL,
    *L.PORT_OF_LOADING,
    *L.PORT_OF_DISCHARGE,
    *L.NOTIFY,
    *L.GROSS_WEIGHT,
    *L.NET_WEIGHT,
    *L.CERTIFICATE_NUMBER,
)


def text_field(page: Page, labels: tuple[str, ...]) -> Found | None:
    """A short text after or under its label (a vessel, a port): never another label, a date or a bare number. In
    the label's cell only after a colon ("Vessel: MSC Aurora"), so a goods line "Flight to Lima" is no flight."""
    for cell, _label, rest in labelled(page, labels, exclude=("date", "fecha", "data", "eta", "etd")):
        if rest and ":" not in cell.text[: len(cell.text) - len(rest)]:
            continue
        for text, bbox, pg in value_cells(page, cell, rest):
            value = text.strip(" :-")
            if (
                sum(ch.isalpha() for ch in value) >= 2
                and len(value) <= 60
                and not L.starts_with_label(L.norm(value), _ALL_LABELS)
                and parse_date(value) is None
            ):
                return Found(value, 0.8, pg, bbox)
    return None


def invoice_date(page: Page) -> Found | None:
    """The labelled date (on a certificate, the date it was issued first), else the first date printed."""
    month_first_ = month_first(page)
    if is_certificate(page):
        for cell, _label, rest in labelled(page, L.ISSUE_DATE, exclude=L.NOT_DATE):
            for text, bbox, pg in value_cells(page, cell, rest):
                d = parse_date(text, month_first=month_first_)
                if d is not None:
                    return Found(d.isoformat(), 0.9, pg, bbox)
    for cell, _label, rest in labelled(page, L.DATE, exclude=L.NOT_DATE):
        for text, bbox, pg in value_cells(page, cell, rest):
            d = parse_date(text, month_first=month_first_)
            if d is not None:
                return Found(d.isoformat(), 0.9, pg, bbox)
    for i, line in enumerate(page.lines):
        d = parse_date(line.text, month_first=month_first_)
        if d is not None and not L.contains_label(L.norm(line.text), L.NOT_DATE):
            return Found(d.isoformat(), 0.5, line.page, page.lines[i].bbox())
    return None


def _amount_for(page: Page, labels: tuple[str, ...], exclude: tuple[str, ...]) -> list[Found]:
    out = []
    for cell, _label, rest in labelled(page, labels, exclude=exclude):
        if L.TAX_ID.search(cell.text):
            continue  # "VAT DE811234567" is a party's id, not an amount
        for text, bbox, pg in value_cells(page, cell, rest)[:2]:
            value = amount_in(text, page.decimal)
            if value is not None and not (parse_date(text) and value >= 1990):
                out.append(Found(value, 0.9, pg, bbox))
                break
    return out


def totals(page: Page) -> dict[str, Found]:
    """Net, tax and total amounts; the total is the one that equals net + tax when both are printed."""
    nets = _amount_for(page, L.NET, (*_WEIGHT_WORDS, "pagar", "pagare", "payer", "zahlen", "weight"))
    taxes = _amount_for(page, L.TAX, (*_WEIGHT_WORDS, "id", "no", "ruc", "rfc", "nit"))
    totals_ = _amount_for(
        page,
        L.TOTAL,
        (
            *_WEIGHT_WORDS,
            "ht",
            "neto",
            "net",
            "sub",
            "subtotal",
            "iva",
            "tva",
            "igv",
            "tax",
            "vat",
            "impuesto",
            "impuestos",
            "icms",
            "produtos",
            "netto",
            "imponibile",
            "mwst",
            "ust",
            "gst",
            "zwischensumme",
            "before",
            "sin",
            "hors",
            "gravado",
            "gravadas",
        ),
    )
    out: dict[str, Found] = {}
    if nets:
        out["net"] = nets[-1]
    if taxes:
        out["tax"] = taxes[-1]
    if totals_:
        best = max(totals_, key=lambda f: f.value)
        if "net" in out and "tax" in out:
            expected = out["net"].value + out["tax"].value
            matching = [f for f in totals_ if abs(f.value - expected) <= Decimal("0.02")]
            if matching:
                best = matching[-1]
                best.confidence = 0.97
        out["total"] = best
    elif "net" in out:
        value = out["net"].value + (out["tax"].value if "tax" in out else 0)
        out["total"] = Found(value, 0.5, out["net"].page, out["net"].bbox)
    return out


def currency(page: Page, total: Found | None, seller: Found | None = None) -> Found | None:
    """The invoice currency: a labelled code, else codes and symbols printed near the amounts, else context."""
    for cell, _label, rest in labelled(page, L.CURRENCY):
        for text, bbox, pg in value_cells(page, cell, rest):
            found = [c for c, _ in currencies_in(text) if c != "$"]
            if found:
                return Found(found[0], 0.95, pg, bbox)
    if total is not None and total.bbox is not None:
        same_line = [ln for ln in page.lines if ln.page == total.page and abs(ln.top - total.bbox[1]) < page.gap]
        for ln in same_line:
            near = currencies_in(ln.text)
            if near:
                code, printed = near[0]
                explicit = Counter(c for c, pr in currencies_in(page.text) if c == pr and c.isalpha())
                if printed in {"$", "C$", "¥"} and explicit:  # "Amounts in JMD" elsewhere names the bare "$"
                    return Found(explicit.most_common(1)[0][0], 0.85, ln.page, ln.bbox())
                return _resolve(page, code, 0.9, ln, seller, printed=printed)
    everywhere = currencies_in(page.text)
    counts = Counter(c for c, _ in everywhere)
    if counts:
        code = counts.most_common(1)[0][0]
        others = [c for c in counts if c != "$"]
        if code == "$" and others:
            code = max(others, key=lambda c: counts[c])
        return _resolve(page, code, 0.75, None, seller, printed=next((p for c, p in everywhere if c == code), ""))
    return None


def _resolve(
    page: Page, code: str, confidence: float, line: Line | None, seller: Found | None = None, printed: str = ""
) -> Found:
    """A bare symbol ("$", "C$", "¥") read in the document's context: the parties' tax-id schemes, then the
    countries in the seller's address, then the countries named on the page."""
    bbox = line.bbox() if line else None
    pg = line.page if line else None
    symbol = printed if printed in {"$", "C$", "¥"} else code
    if symbol not in {"$", "C$", "¥"}:
        return Found(code, confidence, pg, bbox)
    context = [c for m in L.TAX_ID.finditer(page.text) if (c := _TAX_ID_COUNTRY.get(m.group(1).upper().split()[0]))]
    if seller is not None and isinstance(seller.value, dict):
        context += countries_in(" ".join([seller.value.get("name") or "", *seller.value.get("address", [])]))
    context += countries_in(page.text)
    resolved, conf = currency_for_symbol(symbol, context)
    if symbol != "$" and resolved == symbol:
        resolved, conf = code, confidence
    return Found(resolved, conf, pg, bbox)


def weight(page: Page, labels: tuple[str, ...]) -> Found | None:
    for cell, _label, rest in labelled(page, labels):
        for text, bbox, pg in value_cells(page, cell, rest)[:2]:
            value = amount_in(text, page.decimal)
            if value is not None:
                if re.search(r"\blbs?\b", text, re.IGNORECASE):
                    value = (value * Decimal("0.45359237")).quantize(Decimal("0.001"))
                return Found(value, 0.85, pg, bbox)
    return None


def incoterm(page: Page) -> Found | None:
    for cell, _label, rest in labelled(page, L.INCOTERM_LABELS):
        for text, bbox, pg in value_cells(page, cell, rest):
            m = INCOTERM.search(text)
            if m:
                return Found(m.group(1), 0.95, pg, bbox)
    for ln in page.lines:
        m = INCOTERM.search(ln.text)
        if m:
            return Found(m.group(1), 0.7, ln.page, ln.bbox())
    return None


def origin(page: Page) -> Found | None:
    for cell, _label, rest in labelled(page, L.ORIGIN):
        for text, bbox, pg in value_cells(page, cell, rest):
            code = L.country_code(text)
            if code:
                return Found(
                    {
                        "country": code,
                        "statement": f"{L.unbox(cell.text)} {text}".strip() if text != rest else L.unbox(cell.text),
                    },
                    0.85,
                    pg,
                    bbox,
                )
    for ln in page.lines:
        n = L.norm(ln.text)
        if L.contains_label(n, L.ORIGIN):
            code = L.country_code(ln.text)
            if code:
                return Found({"country": code, "statement": ln.text}, 0.7, ln.page, ln.bbox())
    return None


_CENT = Decimal("0.01")


def lost_decimals(rows: list[dict[str, Any]], targets: list[Decimal]) -> None:
    """Puts back decimal marks a scan lost ("495.62" read "49562"): a unit price that is 100 times what the
    line's amount needs, and whole-number amounts that, divided by 100, make the lines add up to the invoice's
    net (or total, or total less tax) when as read they do not."""
    for r in rows:
        q, p, a = r.get("quantity"), r.get("unit_price"), r.get("amount")
        if q and p and a and p == p.to_integral_value() and abs(q * p / 100 - a) <= max(_CENT * 5, a / 1000):
            r["unit_price"] = p / 100
    if not targets or any(r.get("amount") is None for r in rows):
        return
    amounts: list[Decimal] = [r["amount"] for r in rows]
    total = sum(amounts, Decimal(0))
    if any(abs(total - t) <= _CENT * 2 for t in targets):
        return
    whole = [i for i, a in enumerate(amounts) if a >= 100 and a == a.to_integral_value()]
    if not whole or len(whole) > 12:
        return
    for size in range(1, len(whole) + 1):
        for subset in itertools.combinations(whole, size):
            fixed = total - sum((amounts[i] * Decimal("0.99") for i in subset), Decimal(0))
            if any(abs(fixed - t) <= _CENT * 2 for t in targets):
                for i in subset:
                    r = rows[i]
                    r["amount"] = r["amount"] / 100
                    p = r.get("unit_price")
                    if (
                        p is not None
                        and r.get("quantity")
                        and abs(r["quantity"] * p / 100 - r["amount"]) < abs(r["quantity"] * p - r["amount"])
                    ):
                        r["unit_price"] = p / 100
                return


def _alnum(value: Any) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum())


def _in_block(seller: Found | None, buyer: Found | None) -> bool:
    """Whether the seller's name is a line of the buyer's block (its name or address)."""
    if seller is None or buyer is None or not isinstance(seller.value, dict) or not isinstance(buyer.value, dict):
        return False
    name = L.norm(seller.value.get("name") or "")
    block = [buyer.value.get("name") or "", *buyer.value.get("address", [])]
    return bool(name) and any(L.norm(b) == name for b in block)


def extract(lines: list[Line]) -> dict[str, Found | None]:
    """Reads every field of an invoice from its lines."""
    page = Page.of(lines)
    out: dict[str, Found | None] = {
        "invoice_number": invoice_number(page),
        "certificate_number": certificate_number(page),
        "date": invoice_date(page),
        "seller": party(page, L.SELLER, L.BUYER),
        "buyer": party(page, L.BUYER, L.SELLER),
        "incoterm": incoterm(page),
        "origin": origin(page),
        "gross_weight_kg": weight(page, L.GROSS_WEIGHT),
        "net_weight_kg": weight(page, L.NET_WEIGHT),
        "transport_document_number": transport_number(page),
        "vessel": text_field(page, L.VESSEL),
        "port_of_loading": text_field(page, L.PORT_OF_LOADING),
        "port_of_discharge": text_field(page, L.PORT_OF_DISCHARGE),
    }
    number, certificate = out["invoice_number"], out["certificate_number"]
    if number is not None and certificate is not None and _alnum(number.value) == _alnum(certificate.value):
        out["invoice_number"] = None  # the certificate's number alone in its box ("N° 000123"): not an invoice's
    labelled_seller = out["seller"] is not None
    if not labelled_seller:
        out["seller"] = letterhead(page) or legal_mention(page)
    if out["buyer"] is None:
        out["buyer"] = window_address(page, out["seller"]) or addressee(page) or right_block(page, out["seller"])
    if not labelled_seller and _in_block(out["seller"], out["buyer"]):
        out["seller"] = legal_mention(page)  # the "letterhead" was the addressee's company, under its name
    sums = totals(page)
    out["net"] = sums.get("net")
    out["tax"] = sums.get("tax")
    out["total"] = sums.get("total")
    out["currency"] = currency(page, out["total"], out["seller"])
    rows, confidence = goods_lines(page)
    if rows:
        targets = [f.value for f in (out["net"], out["total"]) if f is not None]
        if out["total"] is not None and out["tax"] is not None:
            targets.append(out["total"].value - out["tax"].value)
        lost_decimals(rows, targets)
    out["lines"] = Found(rows, confidence) if rows else None
    out["_language"] = Found(page.language, 0.8)
    return out
