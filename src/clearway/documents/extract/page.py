"""A page as the field readers see it: lines cut into cells at wide gaps, labels found in cells, their values.

A field is a label cell (in any of the languages of ``labels``) whose value is the rest of the cell, the next cell
on the line, or the cell below it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clearway.documents.extract import labels as L
from clearway.documents.extract.layout import Line, Word
from clearway.documents.extract.numbers import decimal_separator, numbers_in

FILLER = {"no", "n", "nr", "nro", "num", "number", "numero", "#", "-", ":", "o", "de", "da", "du", "of"}


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


def strip_label(text: str, label: str) -> str:
    """Returns what follows the label in the cell's own text (keeping its spelling): past a form's box number
    before it ("1. Exporter") and the hint after it of what goes in the box ("(name, full address, country)")."""
    if not L.norm(text).startswith(label):
        text = L.unbox(text)
    words = text.split()
    taken = 0
    consumed = ""
    while taken < len(words) and L.norm(consumed) != label and len(L.norm(consumed)) < len(label) + 1:
        consumed = f"{consumed} {words[taken]}".strip()
        taken += 1
    rest = words[taken:]
    while rest and L.norm(rest[0]) in FILLER | {""}:
        rest = rest[1:]
    return _without_hint(" ".join(rest).lstrip(":#.- "))


def _without_hint(rest: str) -> str:
    """The rest of a label's cell without a box's hint in brackets; a hint that runs on to the next line
    ("(name, full address," …) takes the rest of the cell."""
    while rest.startswith("("):
        close = rest.find(")")
        hint = rest[1:close] if close > 0 else rest[1:]
        if not L.box_hint(hint):
            break
        rest = rest[close + 1 :].lstrip(":#.- ") if close > 0 else ""
    return rest


def _column(page: Page, cell: Cell) -> tuple[float, float] | None:
    """The span a cell heads in a row of several labels (a boxed form: DANFE, printed CFDI): from its start to the
    next cell's start (the page's right edge for the last one); None in a row of one cell."""
    row = page.cells[cell.line_no]
    if len(row) < 2 or cell not in row:
        return None
    idx = row.index(cell)
    right = max((ln.words[-1].x1 for ln in page.lines if ln.page == cell.page and ln.words), default=cell.x1)
    return cell.x0 - page.gap, row[idx + 1].x0 if idx + 1 < len(row) else right + 1


def cells_below(page: Page, cell: Cell, max_lines: int = 1) -> list[Cell]:
    """Returns the cells under a cell (overlapping it horizontally) on the following lines. Under a row of labels,
    a cell whose middle lies in the label's column comes first: a box's value printed at its right edge
    ("VALOR TOTAL DA NOTA ... 173,01"), not the neighbouring box's value that ends just left of the label."""
    out = []
    line = page.lines[cell.line_no]
    column = _column(page, cell)
    for j in range(cell.line_no + 1, min(len(page.lines), cell.line_no + 1 + max_lines)):
        nxt = page.lines[j]
        if nxt.page != line.page or nxt.top - line.bottom > page.gap * 4:
            break
        inside = [c for c in page.cells[j] if column[0] <= (c.x0 + c.x1) / 2 < column[1]] if column is not None else []
        hits = inside or [c for c in page.cells[j] if c.x0 < cell.x1 + page.gap * 4 and c.x1 > cell.x0 - page.gap]
        if not hits:
            break
        out.append(min(hits, key=lambda c: abs(c.x0 - cell.x0)))
        line = nxt
    return out


def labelled(page: Page, labels: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[tuple[Cell, str, str]]:
    """Finds cells that start with one of the labels; returns (cell, label, the rest of the cell)."""
    found = []
    for row in page.cells:
        for cell in row:
            text = L.norm(cell.text)
            label = L.starts_with_label(text, labels)
            if label is None or (exclude and L.contains_label(L.INCLUSIVE_TAX.sub(" ", text), exclude)):
                continue
            found.append((cell, label, strip_label(cell.text, label)))
    return found


def value_cells(page: Page, cell: Cell, rest: str) -> list[tuple[str, list[float], int]]:
    """Candidate values for a label cell: its rest, the next cell on the line, the cell below."""
    out: list[tuple[str, list[float], int]] = []
    if rest:
        out.append((rest, cell.bbox(), cell.page))
    row = page.cells[cell.line_no]
    idx = row.index(cell)
    if idx + 1 < len(row):
        out.append((row[idx + 1].text, row[idx + 1].bbox(), cell.page))
    for below in cells_below(page, cell, max_lines=2):
        out.append((below.text, below.bbox(), below.page))
    return out


def amount_in(text: str, decimal: str) -> Decimal | None:
    clean = re.sub(r"\d+(?:[.,]\d+)?\s*%", " ", text)  # a rate is not an amount
    values = [v for v, _s, _e in numbers_in(clean, decimal)]
    return values[-1] if values else None
