"""Streaming manifest intake: CSV or JSON lines read in chunks, each row typed or rejected with reasons.

Accepted rows are written chunk by chunk to Parquet parts in a work folder, so a manifest of any size
is never held in memory as text; screening then scans those parts.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl

from clearway.core.issues import Issue, ValidationFailed
from clearway.ecommerce import quality
from clearway.ecommerce.model import ScreeningConfig

COLUMNS = (
    "parcel_id",
    "house_waybill",
    "master_waybill",
    "marketplace",
    "seller_id",
    "seller_name",
    "listing_url",
    "listed_price",
    "declared_value",
    "currency",
    "description",
    "hs_code",
    "quantity",
    "gross_mass_kg",
    "consignee_id",
    "consignee_name",
    "consignee_address",
    "origin_country",
    "shipped_at",
)
REQUIRED_COLUMNS = ("parcel_id", "declared_value", "currency")
CHUNK_ROWS = 100_000
MAX_REJECT_DETAIL = 100_000  # rejected rows kept with their reasons; beyond that only counted
_TEXT_LIMITS = {"description": 500, "consignee_address": 300, "consignee_name": 200, "seller_name": 200}
_ID_LIMIT = 64
Progress = Callable[[int], None]


@dataclass
class Rejected:
    """A manifest row that could not be screened, and why."""

    line: int
    parcel_id: str | None
    codes: str
    message: str


@dataclass
class IngestResult:
    """What intake produced: Parquet parts of accepted rows and the rejected rows with reasons."""

    parts: list[Path] = field(default_factory=list)
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejects: list[Rejected] = field(default_factory=list)

    def reject(self, item: Rejected) -> None:
        """Counts a rejected row and keeps its detail while under the limit."""
        self.rejected += 1
        if len(self.rejects) < MAX_REJECT_DETAIL:
            self.rejects.append(item)


def detect_format(name: str, head: bytes) -> str:
    """Tells whether a manifest is 'jsonl' or 'csv' from its name, else from its first byte."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"


class _Counter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.pending = 0

    def flush(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0


RowItem = tuple[int, list[str | None] | None, str | None]


def _csv_rows(stream: IO[bytes], counter: _Counter) -> tuple[list[str], Iterator[RowItem]]:
    def lines() -> Iterator[str]:
        for raw in stream:
            counter.pending += len(raw)
            yield raw.decode("utf-8", "replace")

    reader = csv.reader(lines())
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationFailed([Issue("MANIFEST_EMPTY", "the manifest has no header row", "")]) from None
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ValidationFailed(
            [Issue("MANIFEST_HEADER", f"the header lacks the column '{c}'", f"/header/{c}") for c in missing]
        )
    index = {name: i for i, name in reversed(list(enumerate(names)))}
    picks = [index.get(c) for c in COLUMNS]
    width = len(names)

    def rows() -> Iterator[RowItem]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, None, f"the row cannot be read as CSV: {exc}"
                continue
            if not row:
                continue
            if len(row) != width:
                yield reader.line_num, None, f"the row has {len(row)} fields; the header has {width}"
                continue
            yield reader.line_num, [row[i] if i is not None else None for i in picks], None

    return names, rows()


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _json_rows(stream: IO[bytes], counter: _Counter) -> Iterator[RowItem]:
    for number, raw in enumerate(stream, start=1):
        counter.pending += len(raw)
        text = raw.strip()
        if not text:
            continue
        try:
            obj = json.loads(text, parse_float=str, parse_int=str)
        except (ValueError, RecursionError):
            yield number, None, "the line is not valid JSON"
            continue
        if not isinstance(obj, dict):
            yield number, None, "the line is not a JSON object"
            continue
        yield number, [_as_text(obj.get(c)) for c in COLUMNS], None


def ingest(
    stream: IO[bytes],
    fmt: str,
    work_dir: Path,
    cfg: ScreeningConfig,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestResult:
    """Reads a manifest in chunks, writes typed accepted rows to Parquet parts and reports the rejects."""
    counter = _Counter(progress)
    result = IngestResult()
    rows = _json_rows(stream, counter) if fmt == "jsonl" else _csv_rows(stream, counter)[1]
    lines: list[int] = []
    batch: list[list[str | None]] = []
    for line, row, error in rows:
        result.rows_read += 1
        if row is None:
            result.reject(Rejected(line, None, "ROW_MALFORMED", error or "the row cannot be read"))
            continue
        lines.append(line)
        batch.append(row)
        if len(batch) >= chunk_rows:
            _flush(lines, batch, work_dir, cfg, result)
            lines, batch = [], []
            counter.flush()
    if batch:
        _flush(lines, batch, work_dir, cfg, result)
    counter.flush()
    return result


def _flush(
    lines: list[int], batch: list[list[str | None]], work_dir: Path, cfg: ScreeningConfig, result: IngestResult
) -> None:
    columns = list(zip(*batch, strict=True))
    raw = pl.DataFrame(
        {"line": lines, **{c: list(columns[i]) for i, c in enumerate(COLUMNS)}},
        schema={"line": pl.Int64, **dict.fromkeys(COLUMNS, pl.String)},
    )
    typed = type_chunk(raw, cfg)
    bad = typed.filter(pl.col("reject_codes") != "")
    for line, parcel_id, codes, text in bad.select("line", "parcel_id", "reject_codes", "reject_text").iter_rows():
        result.reject(Rejected(line, parcel_id, codes, text))
    good = typed.filter(pl.col("reject_codes") == "").drop("reject_codes", "reject_text")
    if good.height:
        path = work_dir / f"part-{len(result.parts):05d}.parquet"
        good.write_parquet(path, compression="lz4")
        result.parts.append(path)
        result.accepted += good.height


def _blank_to_null(name: str) -> pl.Expr:
    col = pl.col(name).str.strip_chars()
    return pl.when(col == "").then(None).otherwise(col).alias(name)


def _datetime(col: pl.Expr) -> pl.Expr:
    return pl.coalesce(
        col.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", strict=False, time_zone="UTC"),
        col.str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", strict=False, time_zone="UTC"),
        col.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC"),
        col.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False).dt.replace_time_zone("UTC"),
        col.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False).dt.replace_time_zone("UTC"),
        col.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
    )


def type_chunk(raw: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Types a chunk of text rows, marking rows that cannot be screened and each parcel's quality issues."""
    rates = {k: float(v) for k, v in cfg.usd_rates.items()}
    df = raw.with_columns(_blank_to_null(c) for c in COLUMNS)
    df = df.with_columns(
        raw_quantity=pl.col("quantity"),
        raw_gross_mass_kg=pl.col("gross_mass_kg"),
        raw_listed_price=pl.col("listed_price"),
        raw_shipped_at=pl.col("shipped_at"),
        currency=pl.col("currency").str.to_uppercase(),
        origin_country=pl.col("origin_country").str.to_uppercase().str.slice(0, 2),
        hs_code=pl.col("hs_code").str.replace_all(r"[.\s]", "").str.slice(0, 12),
        declared_value=pl.col("declared_value").cast(pl.Decimal(18, 2), strict=False),
        listed_price=pl.col("listed_price").cast(pl.Decimal(18, 2), strict=False),
        quantity_num=pl.col("quantity").cast(pl.Float64, strict=False),
        gross_mass_kg=pl.col("gross_mass_kg").cast(pl.Float64, strict=False),
        shipped_at=_datetime(pl.col("shipped_at")),
        **{c: pl.col(c).str.slice(0, n) for c, n in _TEXT_LIMITS.items()},
        **{c: pl.col(c).str.slice(0, _ID_LIMIT) for c in ("seller_id", "marketplace", "consignee_id")},
    )
    quantity_ok = pl.col("quantity_num").is_not_null() & (pl.col("quantity_num") > 0)
    df = df.with_columns(
        quantity=pl.when(quantity_ok).then(pl.col("quantity_num")).otherwise(1.0),
        quantity_bad=~quantity_ok,
        gross_mass_kg=pl.when(pl.col("gross_mass_kg") >= 0).then(pl.col("gross_mass_kg")),
        listed_price=pl.when(pl.col("listed_price") >= 0).then(pl.col("listed_price")),
        rate=pl.col("currency").replace_strict(rates, default=None, return_dtype=pl.Float64),
        desc_norm=pl.col("description")
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .fill_null(""),
    ).with_columns(value_usd=pl.col("declared_value").cast(pl.Float64) * pl.col("rate"))
    rejects = [
        ("PARCEL_ID_MISSING", pl.col("parcel_id").is_null(), pl.lit("parcel_id is missing")),
        (
            "PARCEL_ID_TOO_LONG",
            pl.col("parcel_id").str.len_chars() > _ID_LIMIT,
            pl.lit(f"parcel_id is longer than {_ID_LIMIT} characters"),
        ),
        (
            "VALUE_INVALID",
            pl.col("declared_value").is_null() | (pl.col("declared_value") < 0),
            pl.format("declared_value '{}' is not an amount of zero or more", pl.col("raw_value")),
        ),
        (
            "CURRENCY_UNKNOWN",
            pl.col("rate").is_null(),
            pl.format("currency '{}' is not one with an exchange rate", pl.col("currency").fill_null("")),
        ),
    ]
    df = df.with_columns(raw_value=raw["declared_value"]).with_columns(
        reject_codes=pl.concat_str(
            [pl.when(c).then(pl.lit(k)) for k, c, _ in rejects], separator=";", ignore_nulls=True
        ).fill_null(""),
        reject_text=pl.concat_str(
            [pl.when(c).then(m) for _, c, m in rejects], separator="; ", ignore_nulls=True
        ).fill_null(""),
    )
    df = quality.with_issues(df, float(cfg.token_value_usd))
    return df.drop("raw_quantity", "raw_gross_mass_kg", "raw_listed_price", "raw_shipped_at", "raw_value")
