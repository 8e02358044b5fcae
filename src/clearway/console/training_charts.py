"""Server-side SVG charts of the training pages: a trainee against the engine, and scores over time."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from clearway.console.svg import GRID, INK

COLOURS = ("#1d4f91", "#6b3fa0", "#8a94a6", "#1e7b34")
MEASURE_COLOURS = ("#1d4f91", "#c98a00")


def comparison(title: str, measures: tuple[str, str], rows: Sequence[tuple[str, float, float]]) -> Markup:
    """Draws, per selection (you, engine, random, best), two bars: precision and revenue caught, in %."""
    label_w, right, bar_h, gap, width = 150, 56, 14, 14, 620
    plot_w = width - label_w - right
    height = 30 + len(rows) * (2 * bar_h + gap) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    lx = label_w
    for name, colour in zip(measures, MEASURE_COLOURS, strict=True):
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="16" font-size="12" fill="{INK}">{escape(name)}</text>')
        lx += 40 + 7 * len(name)
    for pct in (0, 50, 100):
        x = label_w + plot_w * pct / 100
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="24" y2="{height - 4}" stroke="{GRID}"/>')
    for i, (label, a, b) in enumerate(rows):
        y = 30 + i * (2 * bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        for j, (v, colour) in enumerate(((a, MEASURE_COLOURS[0]), (b, MEASURE_COLOURS[1]))):
            share = max(0.0, min(1.0, v))
            w = plot_w * share
            top = y + j * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{top}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(label)} · {escape(measures[j])}: {share * 100:.0f}%</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + w + 5:.1f}" y="{top + bar_h - 3}" font-size="11" fill="{INK}">'
                f"{share * 100:.0f}%</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def scores_over_time(title: str, names: tuple[str, str], points: Sequence[tuple[str, float, float]]) -> Markup:
    """Draws a trainee's score and the engine's score per exercise, oldest first, on a 0–100 scale."""
    width, height, left, right, top, bottom = 720, 240, 40, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points), 1)
    step = plot_w / max(n - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{tick}</text>'
        )
    lx = left
    for name, colour in zip(names, COLOURS, strict=False):
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="16" font-size="12" fill="{INK}">{escape(name)}</text>')
        lx += 40 + 7 * len(name)
    for series, colour in ((1, COLOURS[0]), (2, COLOURS[1])):
        values = [float(p[1] if series == 1 else p[2]) for p in points]
        coords = [
            (left + (i * step if n > 1 else plot_w / 2), top + plot_h - plot_h * max(0.0, min(100.0, v)) / 100)
            for i, v in enumerate(values)
        ]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            dash = ' stroke-dasharray="5 4"' if series == 2 else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for (x, y), p, score in zip(coords, points, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(p[0])} · {escape(names[series - 1])}: {score:.0f}</title></circle>"
            )
    every = max(1, n // 10)
    for i, p in enumerate(points):
        if i % every == 0:
            x = left + (i * step if n > 1 else plot_w / 2)
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="{INK}">'
                f"{escape(p[0])}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()
