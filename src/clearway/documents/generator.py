"""Invoices generated with reportlab in many layouts and four languages, with their true fields.

For tests, the demo and the benchmark. Layout families and label wordings come in two disjoint sets: ``dev``
(what the extractor was developed on) and ``eval`` (what the benchmark measures on), so that figures are not
measured on the layouts the heuristics were tuned for. What they are made of (wordings, products, parties) is
in ``generator_data``; scans of them are made in ``scans``.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stdnum.br import cnpj
from stdnum.co import nit
from stdnum.mx import rfc
from stdnum.pe import ruc

from clearway.documents.generator_data import (
    CENT,
    COUNTRY_NAMES,
    CURRENCY_SYMBOL,
    ISO_NUMBER_STYLE,
    LANGS,
    LAYOUTS,
    MONTHS,
    PARTIES,
    PRODUCTS,
    UNIT_WORDS,
    WORDS,
)


def _party_for(country: str, rng: random.Random) -> tuple[str, str, str]:
    """A buyer in Latin America with a tax id whose check digit is right."""
    if country == "PE":
        base = f"20{rng.randint(10**7, 10**8 - 1)}"
        return ("Importaciones Pacífico SAC", f"RUC {base}{ruc.calc_check_digit(base)}", "Jr. Huallaga 320, Lima, Perú")
    if country == "BR":
        base = f"{rng.randint(10**7, 10**8 - 1)}0001"
        return (
            "Comercial Paulista Ltda",
            f"CNPJ {cnpj.format(base + cnpj.calc_check_digits(base))}",
            "Av. Paulista 1000, São Paulo, Brasil",
        )
    if country == "MX":
        base = (
            f"CIM{rng.randint(10, 29)}0{rng.randint(1, 9)}{rng.randint(10, 28)}{rng.choice('ABC')}{rng.randint(1, 9)}"
        )
        return (
            "Comercializadora del Norte SA de CV",
            f"RFC {base}{rfc.calc_check_digit(base)}",
            "Av. Constitución 450, Monterrey, México",
        )
    base = f"{rng.randint(800_000_000, 999_999_999)}"
    return (
        "Distribuidora Andina SAS",
        f"NIT {base}-{nit.calc_check_digit(base)}",
        "Calle 80 # 11-42, Bogotá, Colombia",
    )


def fmt_number(value: Decimal, style: str, places: int = 2) -> str:
    """Prints a number the way the invoice's locale does."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    s = f"{q:,.{places}f}"
    if style == "eu":
        return s.replace(",", "_").replace(".", ",").replace("_", ".")
    if style == "fr":
        return s.replace(",", " ").replace(".", ",")
    if style == "plain":
        return s.replace(",", "")
    return s


def fmt_date(d: date, lang: str, style: int) -> str:
    """Prints a date in one of the invoice styles of the language."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.month:02d}/{d.day:02d}/{d.year}" if lang == "en" else f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == 2 and lang != "en":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    month = MONTHS[lang][d.month - 1]
    if lang == "en":
        return f"{month} {d.day}, {d.year}"
    if lang == "fr":
        return f"{d.day} {month} {d.year}"
    return f"{d.day} de {month} de {d.year}"


@dataclass
class Invoice:
    """A generated invoice: its PDF and the fields a perfect reader would extract."""

    pdf: bytes
    truth: dict[str, Any]
    layout: str
    lang: str


def make_invoice(
    seed: int,
    split: str = "dev",
    *,
    lang: str | None = None,
    items: int | None = None,
    currency: str | None = None,
    total_override: Decimal | None = None,
    override: dict[str, Any] | None = None,
) -> Invoice:
    """Generates one invoice; the same seed and split give the same document.

    ``override`` replaces generated content (``number``, ``issued``, ``incoterm``, ``currency``, ``seller``,
    ``buyer`` as (name, tax id, address), ``lines``, ``tax``, ``gross_kg``, ``net_kg``, ``origin``), e.g. to print
    the invoice a declaration relies on.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(f"{split}:{seed}")
    lang = lang or rng.choice(LANGS)
    layout = rng.choice(LAYOUTS[split])
    parity = 0 if split == "dev" else 1

    def word(key: str) -> str:
        options = WORDS[key][lang]
        pool = [w for i, w in enumerate(options) if i % 2 == parity] or options
        return rng.choice(pool)

    style = rng.choice([ISO_NUMBER_STYLE[lang], ISO_NUMBER_STYLE[lang], "plain", "en" if lang != "en" else "eu"])
    buyer_country = rng.choice(["PE", "BR", "MX", "CO"])
    seller_country = rng.choice(list(PARTIES))
    currency = currency or rng.choice(
        ["USD", "USD", "EUR", {"PE": "PEN", "BR": "BRL", "MX": "MXN", "CO": "COP"}[buyer_country]]
    )
    show = rng.choice(["code", "symbol", "label"])
    if currency in {"MXN", "COP"} and show == "symbol" and rng.random() < 0.5:
        show = "code"
    seller = PARTIES[seller_country][0]
    buyer = _party_for(buyer_country, rng)
    number = f"{rng.choice(['INV', 'FAC', 'F', 'NF', 'EXP'])}-{rng.randint(2024, 2026)}-{rng.randint(100, 99999):05d}"
    issued = date(2026, 1, 1) + timedelta(days=rng.randint(0, 330))
    incoterm = rng.choice(["FOB", "CIF", "EXW", "FCA", "DAP", "CFR"])
    origin = rng.choice([seller_country, seller_country, "CN", "VN"])
    n_items = items or rng.randint(1, 6)
    chosen = rng.sample(PRODUCTS, n_items)
    lines: list[dict[str, Any]] = []
    net_kg = Decimal(0)
    for names, unit, (lo, hi), kg in chosen:
        qty = Decimal(rng.randint(1, 40) * rng.choice([1, 5, 10, 25]))
        price = (Decimal(rng.uniform(lo, hi))).quantize(CENT)
        lines.append(
            {
                "description": names[lang],
                "quantity": qty,
                "unit": unit,
                "unit_price": price,
                "amount": (qty * price).quantize(CENT),
            }
        )
        net_kg += qty * Decimal(str(kg))
    net = sum((ln["amount"] for ln in lines), Decimal(0))
    rate = rng.choice([Decimal(0), Decimal("0.18"), Decimal("0.19"), Decimal("0.16"), Decimal("0.20")])
    tax = (net * rate).quantize(CENT)
    total = total_override if total_override is not None else net + tax
    net_kg = net_kg.quantize(Decimal("0.01"))
    gross_kg = (net_kg * Decimal("1.12")).quantize(Decimal("0.01"))

    if override:
        number = override.get("number", number)
        issued = override.get("issued", issued)
        incoterm = override.get("incoterm", incoterm)
        currency = override.get("currency", currency)
        seller = override.get("seller", seller)
        buyer = override.get("buyer", buyer)
        origin = override.get("origin", origin)
        lines = override.get("lines", lines)
        net = sum((ln["amount"] for ln in lines), Decimal(0))
        tax = override.get("tax", tax)
        rate = (tax / net).quantize(CENT) if net else Decimal(0)
        total = total_override if total_override is not None else net + tax
        gross_kg = override.get("gross_kg", gross_kg)
        net_kg = override.get("net_kg", net_kg)

    def money(v: Decimal) -> str:
        s = fmt_number(v, style)
        if show == "symbol":
            return f"{CURRENCY_SYMBOL.get(currency, currency)} {s}"
        if show == "code":
            return f"{s} {currency}"
        return s

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    font = rng.choice(["Helvetica", "Times-Roman", "Courier"])
    bold = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}[font]
    size = rng.choice([8.5, 9, 9.5, 10])
    width, height = A4
    left, right = 40, width - 40
    y = height - 50

    def text(x: float, yy: float, s: str, *, f: str = font, sz: float = size, align: str = "left") -> None:
        c.setFont(f, sz)
        if align == "right":
            c.drawRightString(x, yy, s)
        else:
            c.drawString(x, yy, s)

    text(left, y, word("title"), f=bold, sz=size + 6)
    y -= 34
    meta = [
        (word("number"), number),
        (word("date"), fmt_date(issued, lang, rng.randint(0, 3))),
        (word("incoterm"), f"{incoterm} {rng.choice(['Shanghai', 'Hamburg', 'Callao', 'Santos', ''])}".strip()),
    ]
    if show == "label" or rng.random() < 0.3:
        meta.append((word("currency"), currency))
    party_blocks = [(word("seller"), seller), (word("buyer"), buyer)]
    if layout in {"classic", "boxed"}:
        for label, value in meta:
            text(left if layout == "classic" else 330, y, f"{label}: {value}")
            y -= size + 5
        y -= 10
        for label, (name, tax_id, addr) in party_blocks:
            text(left, y, f"{label}:", f=bold)
            for k, s in enumerate((name, addr, tax_id)):
                text(left + 110, y - k * (size + 3), s)
            if layout == "boxed":
                c.rect(left - 5, y - 2 * (size + 3) - 6, right - left + 10, 3 * (size + 3) + 8)
            y -= 3 * (size + 3) + 16
    elif layout in {"sidebyside", "stacked"}:
        cols = (left, 320) if layout == "sidebyside" else (left, left)
        yy = y
        for k, (label, (name, tax_id, addr)) in enumerate(party_blocks):
            x = cols[k]
            y0 = y if layout == "sidebyside" else yy
            text(x, y0, label.upper() if rng.random() < 0.3 else label, f=bold)
            for j, s in enumerate((name, tax_id, addr)):
                text(x, y0 - (j + 1) * (size + 3), s)
            yy = y0 - 5 * (size + 3)
        y = (y - 5 * (size + 3)) if layout == "sidebyside" else yy
        for label, value in meta:
            text(320 if layout == "sidebyside" else left, y, f"{label}: {value}")
            y -= size + 5
        y -= 10
    else:  # grid / compact: labels above values in a row of boxes
        xs = [left + i * (right - left) / len(meta) for i in range(len(meta))]
        for x, (label, value) in zip(xs, meta, strict=True):
            text(x, y, label, f=bold, sz=size - 0.5)
            text(x, y - size - 4, value)
        y -= 2 * size + 22
        for k, (label, (name, tax_id, addr)) in enumerate(party_blocks):
            x = left + k * 280
            text(x, y, label, f=bold)
            for j, s in enumerate((name, addr, tax_id)):
                text(x, y - (j + 1) * (size + 3), s)
        y -= 5 * (size + 3)

    order = ["description", "quantity", "unit", "unit_price", "amount"]
    if rng.random() < 0.5:
        order = ["quantity", "unit", "description", "unit_price", "amount"]
    elif rng.random() < 0.4:
        order = ["description", "unit_price", "quantity", "unit", "amount"]
    if layout == "compact" and rng.random() < 0.5:
        order = [o for o in order if o != "unit"]
    widths = {"description": 215, "quantity": 55, "unit": 45, "unit_price": 85, "amount": 95}
    scale = (right - left) / sum(widths[o] for o in order)
    xs_col: dict[str, tuple[float, float]] = {}
    x = left
    for o in order:
        w = widths[o] * scale
        xs_col[o] = (x, x + w - 6)
        x += w
    y -= 8
    for o in order:
        x0, x1 = xs_col[o]
        label = word(o)
        text(
            x1 if o in {"quantity", "unit_price", "amount"} else x0,
            y,
            label,
            f=bold,
            align="right" if o in {"quantity", "unit_price", "amount"} else "left",
        )
    c.line(left, y - 4, right, y - 4)
    y -= size + 8
    for ln in lines:
        cells = {
            "description": ln["description"],
            "quantity": fmt_number(ln["quantity"], style, 0),
            "unit": rng.choice(UNIT_WORDS[ln["unit"]]) if "unit" in order else "",
            "unit_price": fmt_number(ln["unit_price"], style),
            "amount": fmt_number(ln["amount"], style),
        }
        for o in order:
            x0, x1 = xs_col[o]
            if o in {"quantity", "unit_price", "amount"}:
                text(x1, y, cells[o], align="right")
            else:
                text(x0, y, cells[o])
        y -= size + 5
    c.line(left, y + 2, right, y + 2)
    y -= size + 6
    label_x = xs_col[order[-2]][0] if layout != "compact" else left + 250
    sums: list[tuple[str, Decimal]] = [(word("net"), net)]
    if tax:
        sums.append((f"{word('tax')} {int(rate * 100)}%", tax))
    sums.append((word("total"), total))
    for label, amount_ in sums:
        text(label_x, y, label, f=bold if label == sums[-1][0] else font)
        text(right - 6, y, money(amount_), align="right")
        y -= size + 6
    y -= 10
    text(left, y, f"{word('gross')}: {fmt_number(gross_kg, style)} kg")
    text(left + 250, y, f"{word('netw')}: {fmt_number(net_kg, style)} kg")
    y -= size + 8
    text(left, y, f"{word('origin')}: {COUNTRY_NAMES.get(origin, {lang: origin})[lang]}")
    c.showPage()
    c.save()
    truth = {
        "invoice_number": number,
        "date": issued.isoformat(),
        "currency": currency,
        "total": total,
        "net": net,
        "tax": tax if tax else None,
        "seller": seller[0],
        "buyer": buyer[0],
        "incoterm": incoterm,
        "origin": origin,
        "gross_weight_kg": gross_kg,
        "net_weight_kg": net_kg,
        "lines": lines,
        "buyer_tax_id": buyer[1],
    }
    return Invoice(buf.getvalue(), truth, layout, lang)
