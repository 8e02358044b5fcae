"""The indicators as CSV for the annual report, in the reader's language; suppressed figures as '—'."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

from clearway.workforce import labels
from clearway.workforce.indicators import COLUMNS, Indicators, Row

DASH = "—"


def _cell(value: int | Decimal | None) -> str:
    return DASH if value is None else str(value)


def _safe(text: str) -> str:
    """Keeps a spreadsheet from reading a label as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(ind: Indicators, translate: Callable[[str], str] = lambda s: s) -> str:
    """Returns the indicators as CSV: one line per table row, then the rates, then the note on suppression."""
    t = translate
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(
        [
            t(labels.N_("table")),
            t(labels.N_("group")),
            *(t(labels.COLUMNS[c]) for c in (*COLUMNS, "total")),
            t(labels.N_("share of women (percent)")),
        ]
    )

    def line(table_key: str, row: Row) -> None:
        group = labels.word(labels.ROWS, row.key, t)
        w.writerow(
            [
                _safe(labels.word(labels.TABLES, table_key, t)),
                _safe(group),
                *(_cell(row.counts[c]) for c in COLUMNS),
                _cell(row.total),
                _cell(row.share_women),
            ]
        )

    for table in ind.tables:
        for row in table.rows:
            line(table.key, row)
        if table.total is not None:
            line(table.key, table.total)
    w.writerow([])
    w.writerow(
        [t(labels.N_("rate")), t(labels.COLUMNS["women"]), t(labels.COLUMNS["men"]), t(labels.N_("women / men"))]
    )
    for rate in ind.rates:
        w.writerow([labels.word(labels.RATES, rate.key, t), _cell(rate.women), _cell(rate.men), _cell(rate.ratio)])
    w.writerow([])
    w.writerow([t(labels.SUPPRESSED_NOTE) % {"k": ind.min_group}])
    w.writerow(
        [
            t(labels.N_("Figures on %(day)s; minimum group size %(k)s."))
            % {"day": ind.as_of.isoformat(), "k": ind.min_group}
        ]
    )
    return out.getvalue()
