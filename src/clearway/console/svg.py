"""Small server-side SVG charts: stacked columns and horizontal bars, accessible and script-free."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

LANE_COLOURS = {"red": "#b3261e", "yellow": "#c98a00", "green": "#1e7b34", "none": "#8a94a6"}
INK = "#1f2933"
GRID = "#d5dbe3"


@dataclass(frozen=True)
class Series:
    """One stacked series of a column chart: a name, a fill colour and one value per category."""

    name: str
    colour: str
    values: Sequence[float]


def nice_max(value: float) -> float:
    """Returns a round axis maximum at or above the value (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return float(step * exp)
    return float(10 * exp)  # pragma: no cover - the loop always returns


def axis_ticks(value: float, *, whole: bool) -> list[float]:
    """Returns 3 to 6 round ticks from 0 to at least the value; whole-number steps when counting things."""
    if value <= 0:
        return [0.0, 1.0]
    rough = value / 4
    exp = 10 ** math.floor(math.log10(rough))
    step = next(m * exp for m in (1, 2, 5, 10) if m * exp >= rough)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    top = step * math.ceil(value / step)
    count = round(top / step)
    return [step * k for k in range(count + 1)]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"


def stacked_columns(
    title: str, categories: Sequence[str], series: Sequence[Series], *, width: int = 760, height: int = 240
) -> Markup:
    """Draws stacked columns, one per category, with a y axis, a legend and a text title for screen readers."""
    left, right, top, bottom = 44, 10, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    whole = all(float(v).is_integer() for s in series for v in s.values)
    ticks = axis_ticks(max(totals, default=0), whole=whole)
    ymax = ticks[-1]
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.72, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    for v in ticks:
        y = top + plot_h - plot_h * v / ymax
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{_fmt(v)}</text>'
        )
    label_every = max(1, math.ceil(n / 12))
    for i, cat in enumerate(categories):
        x = left + i * slot + (slot - bar_w) / 2
        base: float = top + plot_h
        tip = [f"{escape(cat)}: {_fmt(totals[i])}"]
        for s in series:
            v = s.values[i]
            if v <= 0:
                continue
            h = plot_h * v / ymax
            base -= h
            tip.append(f"{escape(s.name)} {_fmt(v)}")
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{s.colour}">'
                f"<title>{escape(cat)} · {escape(s.name)}: {_fmt(v)}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{escape(cat)}</text>'
            )
    lx = left
    for s in series:
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{s.colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="16" font-size="12" fill="{INK}">{escape(s.name)}</text>')
        lx += 24 + 8 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def horizontal_bars(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    colour: str = "#1d4f91",
    width: int = 520,
    unit: str = "",
) -> Markup:
    """Draws one labelled horizontal bar per row, with its value at the end."""
    label_w, right, row_h = 220, 60, 26
    height = max(len(rows), 1) * row_h + 12
    plot_w = width - label_w - right
    vmax = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 6 + i * row_h
        w = plot_w * value / vmax
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" fill="{INK}">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12" fill="{INK}">{_fmt(value)}{unit}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()
