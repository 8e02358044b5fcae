"""The goods table: rows under a header naming at least three columns (any order, any of the languages; item codes,
tariff codes and tax columns are known but not counted), words
assigned to columns by position; notes under a line stay with it, and the table continues on the next page
under the same header."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from clearway.documents.extract import labels as L
from clearway.documents.extract.layout import Line, Word
from clearway.documents.extract.numbers import parse_number
from clearway.documents.extract.page import Page, amount_in

_COLUMN_PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(L.norm(p).replace("/", " ").split()), kind) for kind, phrases in L.COLUMNS.items() for p in phrases),
    key=lambda x: -len(x[0]),
)
_COLUMN_PHRASES += sorted(
    ((tuple(L.norm(p).replace("/", " ").split()), "extra") for p in L.EXTRA_COLUMNS), key=lambda x: -len(x[0])
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
        cols = _with_line_above(page, i, header_columns(line))
        kinds = {k for k, _a, _b in cols if k not in {"other", "extra"}}
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


def _with_line_above(page: Page, i: int, cols: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """A header printed on two lines ("Menge" over nothing, "Preis/" over "Einheit"): the words of the line right
    above name the column under them (or a column of their own where nothing is under them)."""
    if i == 0 or len(cols) < 2:
        return cols
    above, line = page.lines[i - 1], page.lines[i]
    if above.page != line.page or line.top - above.bottom > page.gap * 0.8 or any(ch.isdigit() for ch in above.text):
        return cols
    upper = [c for c in header_columns(above) if c[0] not in {"other", "extra"}]
    if not upper:
        return cols
    merged = list(cols)
    for kind, a, b in upper:
        under = [j for j, (_k, x0, x1) in enumerate(merged) if x0 < b and x1 > a]
        if not under:
            merged.append((kind, a, b))
        elif len(under) == 1 and merged[under[0]][0] in {"other", "unit"}:
            _k, x0, x1 = merged[under[0]]
            merged[under[0]] = (kind, min(x0, a), max(x1, b))
    return sorted(merged, key=lambda c: c[1])


def _multiplies(qty: Decimal | None, price: Decimal | None, amount: Decimal | None) -> bool:
    return (
        qty is not None
        and price is not None
        and amount is not None
        and abs(qty * price - amount) <= max(Decimal("0.05"), abs(amount) * Decimal("0.001"))
    )


def _triple(
    words: tuple[Word, ...], cols: list[tuple[str, float, float]], bounds: list[float], decimal: str
) -> tuple[Decimal, Decimal, Decimal] | None:
    """Quantity, unit price and amount among the numbers printed outside the description, if three of them
    multiply; the right-most amount wins (a discount or tax column may sit between)."""
    nums: list[tuple[Decimal, str]] = []
    for w in words:
        kind = cols[sum(1 for b in bounds if w.xc > b)][0]
        if kind == "description" or "%" in w.text or _DATE_LIKE.search(w.text):
            continue
        value = parse_number(w.text.strip(":;"), decimal)
        if value is not None:
            nums.append((value, kind))
    for k in range(len(nums) - 1, 1, -1):
        for i in range(k - 1):
            for j in range(i + 1, k):
                (a, ka), (b, kb), (c, _kc) = nums[i], nums[j], nums[k]
                if a > 0 and c > 0 and _multiplies(a, b, c):
                    # which factor is the quantity: its column, else the whole number of the two
                    by_column = (ka == "unit_price" and kb != "unit_price") or (kb == "quantity" and ka != "quantity")
                    undecided = ka == kb or {ka, kb} <= {"other", "extra", "amount", "unit"}
                    whole_b = a != a.to_integral_value() and b == b.to_integral_value()
                    if by_column or (undecided and whole_b):
                        a, b = b, a
                    return a, b, c
    return None


_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")


def _stops(text: str) -> bool:
    """Whether a line (normalised) ends the goods table: it starts with a totals, weights or remarks label; after a
    box number ("8 remarks", a certificate's next box) only when no figure follows — "1 tax advisory 2 100 00
    200 00" is a numbered goods line."""
    if L.starts_with_label(text, L.STOP_TABLE, boxed=False):
        return True
    return L.starts_with_label(text, L.STOP_TABLE) is not None and not any(ch.isdigit() for ch in L.after_box(text))


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
        if _stops(n) or L.starts_with_label(L.norm(page.cells[j][0].text), L.STOP_TABLE, boxed=False):
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
        price = amount_in(numbers.get("unit_price", ""), page.decimal)
        amount = amount_in(numbers.get("amount", ""), page.decimal)
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
        if rows and qty is None and price is None and L.starts_with_label(L.norm(line.text), L.ADJUSTMENT, boxed=False):
            last_bottom = line.bottom  # "abzgl. 16,7% Rabatt -2,00": the line above's discount, not a line
            continue
        unit = values.get("unit")
        if unit is None and "quantity" in values and len(values["quantity"].split()) > 1:
            unit = values["quantity"].split(" ", 1)[1]
        consistent = _multiplies(qty, price, amount)
        if not consistent:
            # a word read under the neighbouring column (OCR, tight layouts): the line's own numbers, in
            # reading order, that multiply (quantity × unit price = amount) say which is which
            repaired = _triple(line.words, cols, bounds, page.decimal)
            if repaired is not None:
                qty, price, amount = repaired
                consistent = True
                if unit is not None:
                    unit = " ".join(t for t in unit.split() if parse_number(t, page.decimal) is None) or None
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
