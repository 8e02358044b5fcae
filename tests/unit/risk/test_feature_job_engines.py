"""The feature job written once in SQL gives the same history statistics on DuckDB and on Spark."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest

from clearway.risk import warehouse
from clearway.risk.learning import data, mapping
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def history_parquet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    src = shared_data("kcs", "df_syn_train_eng.csv")
    root = tmp_path_factory.mktemp("wh")
    sample = root / "sample.csv"
    pd.read_csv(src, dtype=str, keep_default_na=False).iloc[:3000].to_csv(sample, index=False)
    frame = data.read([sample], mapping.load("kcs"), labels=True)
    table = warehouse.history_table(frame)
    path = root / "history.parquet"
    table.to_parquet(path, index=False)
    return path, float(table["fraud"].mean())


def test_duckdb_statistics_match_a_direct_computation(history_parquet: tuple[Path, float]) -> None:
    path, prior = history_parquet
    stats = warehouse.stats_duckdb(path, "importer", prior).set_index("entity")
    table = pd.read_parquet(path)
    expected = table.groupby("importer")["fraud"].agg(["sum", "count"])
    assert stats["declarations"].to_dict() == expected["count"].to_dict()
    assert stats["frauds"].astype(int).to_dict() == expected["sum"].to_dict()
    rate = (expected["sum"] + 10 * prior) / (expected["count"] + 10)
    assert (stats["fraud_rate"] - rate).abs().max() < 1e-12


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed (extra 'spark')")
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17 on the PATH")
def test_spark_runs_the_same_job_with_identical_results(history_parquet: tuple[Path, float]) -> None:
    from pyspark.sql import SparkSession

    path, prior = history_parquet
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("clearway-risk-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        for key in warehouse.STAT_KEYS:
            duck = warehouse.stats_duckdb(path, key, prior)
            sparked = warehouse.stats_spark(spark, path, key, prior)
            assert list(duck["entity"]) == list(sparked["entity"])
            assert duck["declarations"].tolist() == sparked["declarations"].tolist()
            assert duck["frauds"].astype(int).tolist() == sparked["frauds"].astype(int).tolist()
            assert duck["last_day"].tolist() == sparked["last_day"].tolist()
            for col in ("fraud_rate", "mean_log_unit_value"):
                assert (duck[col] - sparked[col]).abs().max() < 1e-9, col
    finally:
        spark.stop()
