"""Builds small manifests and runs the screening pipeline without a database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from clearway.ecommerce import config, decide, ingest, screening
from clearway.ecommerce.model import Recall, RegisteredBrand, ScreeningConfig

HEADER = list(ingest.COLUMNS)
RECEIVED = datetime(2026, 11, 5, tzinfo=UTC)


def parcel(pid: str, **kw: str) -> dict[str, str]:
    """Returns a plain, clean parcel row with overrides."""
    row = dict.fromkeys(HEADER, "")
    row.update(
        parcel_id=pid,
        marketplace="shopnow",
        seller_id="S1",
        seller_name="Shop 1",
        listed_price="20.00",
        declared_value="19.00",
        currency="USD",
        description="Zentro cotton t-shirt",
        hs_code="610910",
        quantity="1",
        gross_mass_kg="0.3",
        consignee_id=f"C-{pid}",
        consignee_name="Ana",
        consignee_address=f"{pid} Calle Larga, Lima",
        origin_country="CN",
        shipped_at="2026-11-01T10:00:00Z",
    )
    row.update(kw)
    return row


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Writes rows as a manifest CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def cfg(**overrides: float) -> ScreeningConfig:
    """Returns Peru's screening configuration."""
    return config.for_country("PE", **overrides)


def run(
    data: bytes,
    tmp: Path,
    *,
    recalls: list[Recall] | None = None,
    brands: list[RegisteredBrand] | None = None,
    settings: ScreeningConfig | None = None,
    fmt: str = "csv",
) -> tuple[ingest.IngestResult, pl.DataFrame]:
    """Ingests and screens a manifest, returning the intake result and the decided parcels."""
    settings = settings or cfg()
    result = ingest.ingest(io.BytesIO(data), fmt, tmp, settings, chunk_rows=3)
    parcels = pl.concat([pl.read_parquet(p) for p in result.parts])
    prepared = screening.prepare(parcels, settings, RECEIVED)
    profiles = pl.DataFrame(schema=screening.PROFILE_SCHEMA)
    screened = screening.screen(prepared, settings, recalls=recalls or [], brands=brands or [], profiles=profiles)
    decided = decide.outcomes(screened).with_columns(day=pl.col("t").dt.date())
    return result, decide.apply_capacity(decided, settings)


def by_id(decided: pl.DataFrame) -> dict[str, dict[str, object]]:
    """Indexes decided parcels by parcel id."""
    return {r["parcel_id"]: r for r in decided.to_dicts()}
