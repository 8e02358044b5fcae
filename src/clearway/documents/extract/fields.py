"""Reading invoice fields from positioned words without a template: labels found anywhere, values beside or below.

Each line is cut into cells where a wide gap separates words. A field is a label cell (in any of four languages)
whose value is the rest of the cell, the next cell on the line, or the cell below it. The goods lines are the
rows under a header whose cells name at least three columns, whatever their order.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clearway.documents.extract import labels as L
from clearway.documents.extract.countries import countries_in, currency_for_symbol
from clearway.documents.extract.layout import Line, Word
from clearway.documents.extract.numbers import (
    _DATE_NUM,
    currencies_in,
    decimal_separator,
    numbers_in,
    parse_date,
    parse_number,
)

INCOTERM = re.compile(r"\b(EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)\b")
_ID_TOKEN = re.compile(r"^[A-Z0-9][A-Z0-9\-/._]{1,30}$", re.IGNORECASE)
# "N°562044387", "#A-17": the sign glued to the number
_GLUED_NO = re.compile(r"^(?:(?:n[º°]\.?|no\.|nr\.|nro\.)(?=\d)|#(?=[A-Z0-9]))", re.IGNORECASE)
_FILLER = {"no", "n", "nr", "nro", "num", "number", "numero", "#", "-", ":", "o", "de", "da", "du", "of"}
_WEIGHT_WORDS = ("peso", "weight", "poids", "kg", "kgs", "bultos", "packages", "colis", "volumes", "qty", "items")
_TAX_ID_COUNTRY = {"RFC": "MX", "CNPJ": "BR", "CPF": "BR", "NIT": "CO", "RUT": "CL", "CUIT": "AR", "RUC": "PE"}


@dataclass
class Found:
    """A field's value with its confidence and where it was read."""

    value: Any
    confidence: float
    page: int | None = None
    bbox: list[float] | None = None

    def evidence(self) -> dict[str, Any]:
        """Returns the confidence and region as the JSON output reports them."""
        return {"confidence": round(self.confidence, 2), "page": self.page, "bbox": self.bbox}


@dataclass(frozen=True, slots=True)
class Cell:
    """Words of a line between two wide gaps."""

    line_no: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def page(self) -> int:
        return self.words[0].page

    def bbox(self) -> list[float]:
        ws = self.words
        return [
            round(ws[0].x0, 1),
            round(min(w.top for w in ws), 1),
            round(ws[-1].x1, 1),
            round(max(w.bottom for w in ws), 1),
        ]


@dataclass
class Page:
    """The lines of a document, cut into cells, and what the whole text tells (language, decimal mark)."""

    lines: list[Line]
    cells: list[list[Cell]] = field(default_factory=list)
    text: str = ""
    decimal: str = "."
    language: str = "en"
    gap: float = 12.0

    @classmethod
    def of(cls, lines: list[Line]) -> Page:
        heights = [w.bottom - w.top for ln in lines for w in ln.words] or [10.0]
        gap = statistics.median(heights) * 1.3
        cells = [_cells(i, ln, gap) for i, ln in enumerate(lines)]
        text = "\n".join(ln.text for ln in lines)
        return cls(lines, cells, text, decimal_separator(text), _language(text), gap)


def _cells(line_no: int, line: Line, gap: float) -> list[Cell]:
    out: list[list[Word]] = []
    for w in line.words:
        if out and w.x0 - out[-1][-1].x1 <= gap:
            out[-1].append(w)
        else:
            out.append([w])
    return [Cell(line_no, tuple(ws)) for ws in out]


def _language(text: str) -> str:
    words = Counter(L.norm(text).split())
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in L.LANGUAGE_WORDS.items()}
    return max(scores, key=lambda k: scores[k])


def _strip_label(text: str, label: str) -> str:
    """Returns what follows the label in the cell's own text (keeping its spelling)."""
    words = text.split()
    taken = 0
    consumed = ""
    while taken < len(words) and L.norm(consumed) != label and len(L.norm(consumed)) < len(label) + 1:
        consumed = f"{consumed} {words[taken]}".strip()
        taken += 1
    rest = words[taken:]
    while rest and L.norm(rest[0]) in _FILLER | {""}:
        rest = rest[1:]
    return " ".join(rest).lstrip(":#.- ")


def _below(page: Page, cell: Cell, max_lines: int = 1) -> list[Cell]:
    """Returns the cells under a cell (overlapping it horizontally) on the following lines."""
    out = []
    line = page.lines[cell.line_no]
    for j in range(cell.line_no + 1, min(len(page.lines), cell.line_no + 1 + max_lines)):
        nxt = page.lines[j]
        if nxt.page != line.page or nxt.top - line.bottom > page.gap * 4:
            break
        hits = [c for c in page.cells[j] if c.x0 < cell.x1 + page.gap * 4 and c.x1 > cell.x0 - page.gap]
        if not hits:
            break
        out.append(min(hits, key=lambda c: abs(c.x0 - cell.x0)))
        line = nxt
    return out


def _labelled(page: Page, labels: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[tuple[Cell, str, str]]:
    """Finds cells that start with one of the labels; returns (cell, label, the rest of the cell)."""
    found = []
    for row in page.cells:
        for cell in row:
            text = L.norm(cell.text)
            label = L.starts_with_label(text, labels)
            if label is None or (exclude and L.contains_label(text, exclude)):
                continue
            found.append((cell, label, _strip_label(cell.text, label)))
    return found


def _value_cells(page: Page, cell: Cell, rest: str) -> list[tuple[str, list[float], int]]:
    """Candidate values for a label cell: its rest, the next cell on the line, the cell below."""
    out: list[tuple[str, list[float], int]] = []
    if rest:
        out.append((rest, cell.bbox(), cell.page))
    row = page.cells[cell.line_no]
    idx = row.index(cell)
    if idx + 1 < len(row):
        out.append((row[idx + 1].text, row[idx + 1].bbox(), cell.page))
    for below in _below(page, cell, max_lines=2):
        out.append((below.text, below.bbox(), below.page))
    return out


def invoice_number(page: Page) -> Found | None:
    for cell, _label, rest in _labelled(page, L.INVOICE_NUMBER, exclude=(*L.NOT_DATE, "date", "fecha", "data")):
        for text, bbox, pg in _value_cells(page, cell, rest):
            for token in text.split():
                token = _GLUED_NO.sub("", token.strip(":;,"))
                if (
                    _ID_TOKEN.match(token)
                    and any(ch.isdigit() for ch in token)
                    and L.norm(token) not in _FILLER
                    and parse_date(token) is None
                ):
                    return Found(token, 0.9, pg, bbox)
    return None


_MONTH_FIRST_COUNTRIES = {"US", "PR", "PH"}


def month_first(page: Page) -> bool:
    """Whether the document prints numeric dates month first (03/31/2025): from its own unambiguous dates, else
    from its locale — month first only for English documents of the United States (or that name no country)."""
    votes: Counter[str] = Counter()
    for m in _DATE_NUM.finditer(page.text):
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


def invoice_date(page: Page) -> Found | None:
    month_first_ = month_first(page)
    for cell, _label, rest in _labelled(page, L.DATE, exclude=L.NOT_DATE):
        for text, bbox, pg in _value_cells(page, cell, rest):
            d = parse_date(text, month_first=month_first_)
            if d is not None:
                return Found(d.isoformat(), 0.9, pg, bbox)
    for i, line in enumerate(page.lines):
        d = parse_date(line.text, month_first=month_first_)
        if d is not None and not L.contains_label(L.norm(line.text), L.NOT_DATE):
            return Found(d.isoformat(), 0.5, line.page, page.lines[i].bbox())
    return None


def _amount(text: str, decimal: str) -> Decimal | None:
    clean = re.sub(r"\d+(?:[.,]\d+)?\s*%", " ", text)  # a rate is not an amount
    values = [v for v, _s, _e in numbers_in(clean, decimal)]
    return values[-1] if values else None


def _amount_for(page: Page, labels: tuple[str, ...], exclude: tuple[str, ...]) -> list[Found]:
    out = []
    for cell, _label, rest in _labelled(page, labels, exclude=exclude):
        if L.TAX_ID.search(cell.text):
            continue  # "VAT DE811234567" is a party's id, not an amount
        for text, bbox, pg in _value_cells(page, cell, rest)[:2]:
            value = _amount(text, page.decimal)
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
    for cell, _label, rest in _labelled(page, L.CURRENCY):
        for text, bbox, pg in _value_cells(page, cell, rest):
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


_OTHER_FIELDS = L.BUYER + L.SELLER + L.SHIP_TO + L.INVOICE_NUMBER + L.DATE + L.INCOTERM_LABELS + L.TOTAL + L.CURRENCY


def party(page: Page, labels: tuple[str, ...], other: tuple[str, ...]) -> Found | None:
    """A party block: the name after or under its label, with the tax id and address lines found below."""
    for cell, _label, rest in _labelled(page, labels, exclude=("date", "fecha", "data", "no", "weight", "peso")):
        block = [rest] if rest else []
        anchor = cell
        row = page.cells[cell.line_no]
        nxt = row[row.index(cell) + 1] if row.index(cell) + 1 < len(row) else None
        if not rest and nxt is not None and not L.starts_with_label(L.norm(nxt.text), _OTHER_FIELDS + other):
            block, anchor = [nxt.text], nxt  # "Seller:    Name" — the value block starts in the next cell
        cells = [anchor]
        for below in _below(page, anchor, max_lines=5):
            text = L.norm(below.text)
            if L.starts_with_label(text, other + L.SHIP_TO + L.INVOICE_NUMBER + L.DATE + L.INCOTERM_LABELS):
                break
            block.append(below.text)
            cells.append(below)
        block = [b for b in block if b.strip()]
        if not block:
            continue
        tax_id = None
        for text in block:
            m = L.TAX_ID.search(text)
            if m:
                tax_id = {"scheme": m.group(1).upper().split()[0], "id": re.sub(r"[\s]", "", m.group(2))}
                break
        names = [clean_name(b) for b in block if not L.TAX_ID.search(b) and _is_name(b)]
        name = next((n for n in names if n), clean_name(block[0]) or block[0])
        value = {"name": name.strip(" :"), "tax_id": tax_id, "address": [b for b in block if clean_name(b) != name][:3]}
        return Found(value, 0.85, cell.page, cell.bbox())
    return None


_NAME_PREFIX = re.compile(
    r"^(?:attn|attention|atencion|a la atencion de|a l attention de|z hd|zu handen|c/o|name|nombre|nome|nom"
    r"|razon social|raison sociale|company|empresa|societe|firma|senor(?:es)?|sr(?:es)?|sra|mr|mrs|ms|m|mme)\b[.:]*\s*",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@|www\.|https?:|\b(?:tel|phone|fax|telefono|telefone|mobile|cel)\b", re.IGNORECASE)


def clean_name(text: str) -> str:
    """A party's name without the "Attn:", "Name:", "Razón social:" that some layouts print before it."""
    out = text.strip(" :-,")
    for _ in range(2):
        plain = L.norm(out)
        m = _NAME_PREFIX.match(plain)
        if not m or not plain[m.end() :]:
            break
        words = out.split()
        drop = len(plain[: m.end()].split())
        out = " ".join(words[drop:]).strip(" :-,")
    return out


def _is_name(text: str) -> bool:
    """Whether a line of a party block can be the name: not a note in parentheses, a contact or a bare number."""
    t = text.strip()
    if not t or t.startswith("(") or _CONTACT.search(t):
        return False
    letters = sum(ch.isalpha() for ch in t)
    return letters >= 2 and letters >= sum(ch.isdigit() for ch in t)


_LEGAL_FORM = re.compile(
    r"^(.{2,60}?\b(?:inc|llc|ltd|limited|corp|corporation|gmbh|ag|sa|s\.a|sas|sarl|srl|s\.r\.l|spa|bv|nv|plc|pvt"
    r"|ltda|eireli|sac|s\.a\.c|sa de cv|s\.a\. de c\.v|oy|ab|as|kg)\b\.?)",
    re.IGNORECASE,
)


_TITLES = (
    "invoice",
    "tax invoice",
    "commercial invoice",
    "factura",
    "factura comercial",
    "factura electronica",
    "fatura",
    "nota fiscal",
    "facture",
    "rechnung",
    "fattura",
    "receipt",
    "recibo",
    "boleta",
    "proforma",
    "proforma invoice",
)


def letterhead(page: Page) -> Found | None:
    """The seller when no label names it: a company name with its legal form on one of the page's first lines,
    else the first line of the top block that reads as a name (the document title stripped from it)."""
    first = page.lines[0].page if page.lines else 0
    top = [ln for ln in page.lines[:4] if ln.page == first]
    for line in top:
        m = _LEGAL_FORM.match(line.text.strip())
        if m and not L.starts_with_label(L.norm(line.text), L.BUYER):
            name = m.group(1).strip(" ,:-")
            return Found({"name": name, "tax_id": None, "address": []}, 0.5, line.page, line.bbox())
    for line in top[:2]:
        cells = page.cells[page.lines.index(line)]
        text = cells[0].text.strip() if cells else ""
        plain = L.norm(text)
        for title in sorted(_TITLES, key=len, reverse=True):
            if plain.endswith(" " + title):
                text = " ".join(text.split()[: -len(title.split())])
                break
        plain = L.norm(text)
        if (
            not plain
            or plain in _TITLES
            or L.starts_with_label(plain, L.INVOICE_NUMBER + L.DATE + L.BUYER + L.SELLER + L.TOTAL)
            or not _is_name(text)
            or len(text) > 60
            or parse_date(text) is not None
        ):
            continue
        return Found({"name": text.strip(" ,:-"), "tax_id": None, "address": []}, 0.4, line.page, line.bbox())
    return None


def window_address(page: Page, seller: Found | None) -> Found | None:
    """The buyer when no label names it, in a European letter layout: the address block right under the
    sender's one-line return address ("Seller AG - Street 1 - 12345 Town") at the top of the page."""
    if seller is None or not isinstance(seller.value, dict):
        return None
    key = L.norm(seller.value.get("name") or "")
    if len(key) < 3:
        return None
    for i, line in enumerate(page.lines[:8]):
        plain = L.norm(line.text)
        if not plain.startswith(key) or not re.search(r" [-·|•] ", line.text):
            continue
        block = [ln.text for ln in page.lines[i + 1 : i + 6] if ln.page == line.page]
        names = [b for b in block if _is_name(b) and not L.starts_with_label(L.norm(b), L.INVOICE_NUMBER + L.DATE)]
        if names:
            nxt = page.lines[i + 1]
            value = {"name": clean_name(names[0]), "tax_id": None, "address": names[1:4]}
            return Found(value, 0.45, nxt.page, nxt.bbox())
    return None


def weight(page: Page, labels: tuple[str, ...]) -> Found | None:
    for cell, _label, rest in _labelled(page, labels):
        for text, bbox, pg in _value_cells(page, cell, rest)[:2]:
            value = _amount(text, page.decimal)
            if value is not None:
                if re.search(r"\blbs?\b", text, re.IGNORECASE):
                    value = (value * Decimal("0.45359237")).quantize(Decimal("0.001"))
                return Found(value, 0.85, pg, bbox)
    return None


def incoterm(page: Page) -> Found | None:
    for cell, _label, rest in _labelled(page, L.INCOTERM_LABELS):
        for text, bbox, pg in _value_cells(page, cell, rest):
            m = INCOTERM.search(text)
            if m:
                return Found(m.group(1), 0.95, pg, bbox)
    for ln in page.lines:
        m = INCOTERM.search(ln.text)
        if m:
            return Found(m.group(1), 0.7, ln.page, ln.bbox())
    return None


def origin(page: Page) -> Found | None:
    for cell, _label, rest in _labelled(page, L.ORIGIN):
        for text, bbox, pg in _value_cells(page, cell, rest):
            code = L.country_code(text)
            if code:
                return Found(
                    {"country": code, "statement": f"{cell.text} {text}".strip() if text != rest else cell.text},
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


_COLUMN_PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(L.norm(p).replace("/", " ").split()), kind) for kind, phrases in L.COLUMNS.items() for p in phrases),
    key=lambda x: -len(x[0]),
)


_BRACKETS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")


def header_columns(line: Line) -> list[tuple[str, float, float]]:
    """Cuts a table header into columns by matching column names word by word (longest name first)."""
    # "Price(USD)", "Amount (€)", "Qty." : a unit or currency in brackets does not change the column's name
    tokens = [L.norm(_BRACKETS.sub(" ", w.text)).replace("/", " ").strip(" .#:") for w in line.words]
    cols: list[tuple[str, float, float]] = []
    i = 0
    while i < len(tokens):
        match = None
        for phrase, kind in _COLUMN_PHRASES:
            # "P.U." is one printed word but two normalised tokens: compare word spans by their tokens.
            n = next((k for k in range(1, len(phrase) + 1) if tuple(" ".join(tokens[i : i + k]).split()) == phrase), 0)
            if n:
                match = (kind, n)
                break
        if match is None:
            cols.append(("other", line.words[i].x0, line.words[i].x1))
            i += 1
            continue
        kind, n = match
        cols.append((kind, line.words[i].x0, line.words[i + n - 1].x1))
        i += n
    merged: list[tuple[str, float, float]] = []
    for col in cols:  # adjacent words of one unknown column stay one column
        if merged and col[0] == "other" and merged[-1][0] == "other" and col[1] - merged[-1][2] < 8:
            merged[-1] = ("other", merged[-1][1], col[2])
        else:
            merged.append(col)
    return merged


def goods_lines(page: Page) -> tuple[list[dict[str, Any]], float]:
    """Reads the goods table: rows under a header naming at least three columns; returns rows and confidence."""
    rows: list[dict[str, Any]] = []
    first_kinds: set[str] | None = None
    pages_done: set[int] = set()
    for i, line in enumerate(page.lines):
        cols = header_columns(line)
        kinds = {k for k, _a, _b in cols if k != "other"}
        if len(kinds) < 3 or "description" not in kinds or sum(1 for k, _a, _b in cols if k == "other") > 3:
            continue
        if line.page in pages_done or (first_kinds is not None and kinds != first_kinds):
            continue  # one table a page; a later page continues it only under the same header
        found = _table_rows(page, i, cols)
        if found:
            rows.extend(found)
            first_kinds = first_kinds or kinds
            pages_done.add(line.page)
            if found[-1].pop("_closed", False):
                break  # the table ended on a totals line: what follows is not goods
    if not rows:
        return [], 0.0
    consistent = sum(1 for r in rows if r.pop("_consistent", False))
    for r in rows:
        r.pop("_closed", None)
    return rows, 0.6 + 0.35 * consistent / len(rows)


_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")


def _table_rows(page: Page, header_no: int, cols: list[tuple[str, float, float]]) -> list[dict[str, Any]]:
    bounds: list[float] = []
    for (_k, _a, end), (_k2, start, _b) in itertools.pairwise(cols):
        bounds.append(end + 0.7 * (start - end))
    header = page.lines[header_no]
    rows: list[dict[str, Any]] = []
    kinds = {k for k, _a, _b in cols}
    idle = 0
    last_bottom = header.bottom
    for j in range(header_no + 1, min(len(page.lines), header_no + 200)):
        line = page.lines[j]
        if line.page != header.page or line.top - last_bottom > page.gap * 5:
            break
        n = L.norm(line.text)
        if L.starts_with_label(n, L.STOP_TABLE) or L.starts_with_label(L.norm(page.cells[j][0].text), L.STOP_TABLE):
            if not rows:
                continue  # a second header line ("Ohne MwSt.") before the first goods line
            rows[-1]["_closed"] = True
            break
        parts: dict[str, list[str]] = {k: [] for k, _a, _b in cols}
        for w in line.words:
            idx = sum(1 for b in bounds if w.xc > b)
            parts[cols[idx][0]].append(w.text)
        values = {k: " ".join(v) for k, v in parts.items() if v}
        # a period or date printed under a line ("01.05.14-31.05.14") is not a quantity or an amount
        numbers = {k: _DATE_LIKE.sub(" ", v) for k, v in values.items()}
        qty = parse_number(numbers.get("quantity", "").split(" ")[0], page.decimal) if "quantity" in numbers else None
        price = _amount(numbers.get("unit_price", ""), page.decimal)
        amount = _amount(numbers.get("amount", ""), page.decimal)
        numeric = [x for x in (qty, price, amount) if x is not None]
        if not numeric or (price is None and amount is None and ("unit_price" in kinds or "amount" in kinds)):
            if rows and "description" in values and len(values) == 1:
                rows[-1]["description"] += " " + values["description"]
                last_bottom = line.bottom
                continue
            if rows:
                idle += 1  # notes under a line (service period, serial numbers) do not end the table
                if idle > 4:
                    break
                last_bottom = line.bottom
            continue
        idle = 0
        unit = values.get("unit")
        if unit is None and "quantity" in values and len(values["quantity"].split()) > 1:
            unit = values["quantity"].split(" ", 1)[1]
        consistent = (
            qty is not None
            and price is not None
            and amount is not None
            and abs(qty * price - amount) <= max(Decimal("0.05"), amount * Decimal("0.001"))
        )
        rows.append(
            {
                "description": values.get("description", "").strip(),
                "quantity": qty,
                "unit": unit,
                "unit_price": price,
                "amount": amount,
                "page": line.page,
                "bbox": line.bbox(),
                "_consistent": consistent,
            }
        )
        last_bottom = line.bottom
    return rows


def extract(lines: list[Line]) -> dict[str, Found | None]:
    """Reads every field of an invoice from its lines."""
    page = Page.of(lines)
    out: dict[str, Found | None] = {
        "invoice_number": invoice_number(page),
        "date": invoice_date(page),
        "seller": party(page, L.SELLER, L.BUYER) or letterhead(page),
        "buyer": party(page, L.BUYER, L.SELLER),
        "incoterm": incoterm(page),
        "origin": origin(page),
        "gross_weight_kg": weight(page, L.GROSS_WEIGHT),
        "net_weight_kg": weight(page, L.NET_WEIGHT),
    }
    if out["buyer"] is None:
        out["buyer"] = window_address(page, out["seller"])
    sums = totals(page)
    out["net"] = sums.get("net")
    out["tax"] = sums.get("tax")
    out["total"] = sums.get("total")
    out["currency"] = currency(page, out["total"], out["seller"])
    rows, confidence = goods_lines(page)
    out["lines"] = Found(rows, confidence) if rows else None
    out["_language"] = Found(page.language, 0.8)
    return out
