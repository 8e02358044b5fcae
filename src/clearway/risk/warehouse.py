"""The analytics warehouse: Parquet exports of assessed declarations, and feature jobs that DuckDB and Spark both run.

The feature job is written once as SQL in the dialect subset both engines share (``GROUP BY``, ``CASE``,
``LN``, ``AVG``, ``COUNT``), so the same history statistics come out of DuckDB on one machine and of Spark
when a country's history outgrows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearway.declarations import service as declarations
from clearway.platform.db import UnitOfWork
from clearway.risk import facts, store

if TYPE_CHECKING:
    import pandas as pd

# Per-entity history statistics: volume, fraud count and rate, mean log unit value, last day seen.
ENTITY_STATS_SQL = """
SELECT
    {key} AS entity,
    COUNT(*) AS declarations,
    SUM(CASE WHEN fraud = 1 THEN 1 ELSE 0 END) AS frauds,
    CAST(
        (SUM(CASE WHEN fraud = 1 THEN 1 ELSE 0 END) + CAST({smoothing} AS DOUBLE) * CAST({prior} AS DOUBLE))
        / (COUNT(*) + CAST({smoothing} AS DOUBLE))
        AS DOUBLE
    ) AS fraud_rate,
    AVG(LN(1 + CAST(value AS DOUBLE) / (CAST(net_mass AS DOUBLE) + 1))) AS mean_log_unit_value,
    MAX(day) AS last_day
FROM {table}
GROUP BY {key}
"""
STAT_KEYS = {"importer": "importer", "declarant": "declarant", "hs6_origin": "CONCAT(hs, '|', origin)"}


SELECTION_COLUMNS = ("selection_source", "inspection_probability")


def export(uow: UnitOfWork, out: Path) -> int:
    """Writes every assessed declaration's goods items with lane and control outcome to a Parquet file."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for a in store.assessments_with_outcomes(uow.conn):
        decl = declarations.get(uow, a["mrn"])
        label = {"discrepancy": "1", "no_discrepancy": "0"}.get(a["result"] or "", "")
        revenue = str(a["revenue_recovered"]) if a["revenue_recovered"] is not None else ""
        # The recorded selection: training weights each controlled row by 1 / inspection_probability. An
        # assessment stored before selections were recorded has none (empty: no correction for that row).
        p = a["inspection_probability"]
        selection = {
            "selection_source": a["selection_source"] or "",
            "inspection_probability": "" if p is None else repr(float(p)),
        }
        for row in facts.export_rows(decl):
            rows.append({**row, "lane": a["lane"], **selection, "discrepancy": label, "revenue_recovered": revenue})
    columns = [*facts.EXPORT_COLUMNS, "lane", *SELECTION_COLUMNS, "discrepancy", "revenue_recovered"]
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).to_parquet(out, index=False)
    return len(rows)


def history_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Returns the columns the feature job reads, from a canonical labelled frame."""
    out = frame[["importer", "declarant", "hs", "origin", "value", "net_mass"]].copy()
    out["fraud"] = frame["fraud"].astype(int)
    out["day"] = frame["date"].dt.strftime("%Y-%m-%d")
    out["value"] = out["value"].fillna(0.0)
    out["net_mass"] = out["net_mass"].fillna(0.0)
    return out


def stats_sql(key: str, table: str, prior: float, smoothing: float = 10.0) -> str:
    """Returns the feature job's SQL for one entity key."""
    return ENTITY_STATS_SQL.format(key=STAT_KEYS[key], table=table, prior=repr(float(prior)), smoothing=smoothing)


def stats_duckdb(parquet: Path, key: str, prior: float) -> pd.DataFrame:
    """Runs the feature job on DuckDB over a Parquet file."""
    import duckdb

    con = duckdb.connect()
    try:
        con.read_parquet(str(parquet)).create_view("history")
        return con.execute(stats_sql(key, "history", prior) + " ORDER BY entity").df()
    finally:
        con.close()


def stats_spark(spark: Any, parquet: Path, key: str, prior: float) -> pd.DataFrame:
    """Runs the same feature job on Spark over the same Parquet file."""
    spark.read.parquet(str(parquet)).createOrReplaceTempView("history")
    return spark.sql(stats_sql(key, "history", prior) + " ORDER BY entity").toPandas()
