"""Screening a manifest of any size from a file, in constant memory, decisions written as they go.

1. **intake** streams the file into typed Parquet parts (``ingest``), the text never held whole;
2. **statistics** that compare parcels across the manifest — duplicate parcel ids, the median price of the
   same description, peer prices by HS6 and product noun, parcels per day — are computed by lazy Polars
   queries over the parts (only their few columns, grouped);
3. **buckets**: the parts are re-cut by a hash of the seller into buckets of about ``bucket_rows`` parcels.
   Every rule that compares parcels keys on the seller (split shipments: seller × consignee or address) or
   uses the statistics of step 2, so a bucket is screened alone with the same result as the whole;
4. **capacity**: the inspection lane's share of each day is ranked over the inspection candidates only;
5. **output**: bucket by bucket, decisions are appended to the output CSV.

Peak memory follows ``bucket_rows``, not the manifest; the HS check's cache is shared by every bucket.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from clearway.ecommerce import decide, hs_check, hs_history, ingest, matching, screening
from clearway.ecommerce.model import Flag, Outcome, Recall, RegisteredBrand, ScreeningConfig

BUCKET_ROWS = 250_000
OUTPUT_COLUMNS = ("parcel_id", "decision", "flags", "reasons")
# The intake columns screening reads (waybills, URLs, names and masses stay on disk).
SCREENED = (
    "line",
    "parcel_id",
    "seller_id",
    "seller_name",
    "marketplace",
    "consignee_id",
    "consignee_address",
    "declared_value",
    "currency",
    "rate",
    "value_usd",
    "listed_price",
    "quantity",
    "hs_code",
    "origin_country",
    "shipped_at",
    "desc_norm",
    "dq_codes",
    "dq_text",
)


@dataclass
class StreamReport:
    """What a streaming run did: rows, rejects (with lines), buckets, outcomes, flags, time per stage."""

    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    buckets: int = 0
    largest_bucket: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    flags: dict[str, int] = field(default_factory=lambda: {f.value: 0 for f in Flag})
    rejects: list[ingest.Rejected] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    hs_titles_scored: int = 0


def _lv() -> pl.Expr:
    return (pl.col("value_usd") / pl.col("quantity")).log()


def title_stats(parts: pl.LazyFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """``screening.title_stats`` over the parts, lazily."""
    return (
        parts.select("desc_norm", "value_usd", "quantity")
        .filter((pl.col("value_usd") > 0) & (pl.col("desc_norm").str.len_chars() >= 12))
        .group_by("desc_norm")
        .agg(t_n=pl.len(), t_med=_lv().median())
        .filter(pl.col("t_n") >= cfg.title_min_group)
        .collect()
    )


def peer_stats(parts: pl.LazyFrame, nouns: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """``screening.peer_stats`` over the parts, lazily (two passes: the median, then the MAD around it)."""
    hs6 = pl.when(pl.col("hs_code").str.contains(r"^\d{6}")).then(pl.col("hs_code").str.slice(0, 6))
    d = (
        parts.select("desc_norm", "value_usd", "quantity", hs6.alias("hs6"))
        .filter(pl.col("hs6").is_not_null() & (pl.col("value_usd") > 0))
        .join(nouns.lazy().select("desc_norm", "noun"), on="desc_norm")
        .filter(pl.col("noun").is_not_null())
        .select("hs6", "noun", _lv().alias("lv"))
    )
    med = d.group_by("hs6", "noun").agg(n=pl.len(), med=pl.col("lv").median())
    return (
        d.join(med, on=["hs6", "noun"])
        .group_by("hs6", "noun")
        .agg(n=pl.col("n").first(), med=pl.col("med").first(), mad=(pl.col("lv") - pl.col("med")).abs().median())
        .filter(pl.col("n") >= cfg.unit_value_min_group)
        .select(
            "hs6", "noun", "n", "med", spread=pl.max_horizontal(1.4826 * pl.col("mad"), pl.lit(cfg.peer_min_spread))
        )
        .collect()
    )


def duplicates(parts: pl.LazyFrame) -> pl.DataFrame:
    """Returns (parcel_id, line, first) for every repeat of a parcel id given earlier in the manifest.

    Grouped by a 64-bit hash of the id first (8 bytes a parcel instead of the id's text, so 10 million ids
    fit in about 160 MB), then exactly on the few ids whose hash repeats.
    """
    key = pl.col("parcel_id").hash(seed=11).alias("_h")
    repeated = parts.select(key).group_by("_h").len().filter(pl.col("len") > 1).select("_h")
    candidates = parts.select("parcel_id", "line", key).join(repeated, on="_h").drop("_h").collect()
    first = candidates.group_by("parcel_id").agg(first=pl.col("line").min())
    return candidates.join(first, on="parcel_id").filter(pl.col("line") != pl.col("first")).sort("line")


def _bucket_of(buckets: int) -> pl.Expr:
    return (pl.col("seller_id").fill_null("").hash(seed=7) % buckets).cast(pl.Int64)


def rebucket(parts: list[Path], work: Path, buckets: int) -> list[list[Path]]:
    """Re-cuts the intake parts into ``buckets`` folders by seller hash, one part at a time."""
    out: list[list[Path]] = [[] for _ in range(buckets)]
    for i, part in enumerate(parts):
        frame = pl.read_parquet(part, columns=list(SCREENED)).with_columns(_b=_bucket_of(buckets))
        for key, piece in frame.partition_by("_b", as_dict=True).items():
            b = int(key[0])
            path = work / f"bucket-{b:04d}-{i:05d}.parquet"
            piece.drop("_b").write_parquet(path, compression="lz4")
            out[b].append(path)
        part.unlink()
    return out


def screen_file(
    source: Path,
    output: Path,
    work: Path,
    cfg: ScreeningConfig,
    *,
    recalls: list[Recall],
    brands: list[RegisteredBrand],
    profiles: pl.DataFrame,
    received_at: datetime,
    advisor: hs_check.Advisor | None = None,
    history: hs_history.HsHistory | None = None,
    fmt: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    bucket_rows: int = BUCKET_ROWS,
    earlier: dict[date, tuple[int, int]] | None = None,
) -> StreamReport:
    """Screens a manifest file into a decisions CSV (parcel_id, decision, flags, reasons) by seller buckets.

    ``progress(stage, done, total)`` is called as bytes are read ("read") and buckets screened ("screen").
    """
    report = StreamReport()
    clock = time.perf_counter()
    size = source.stat().st_size
    done = 0

    def read(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress("read", done, size)

    with source.open("rb") as stream:
        head = stream.read(64)
        stream.seek(0)
        fmt = fmt or ingest.detect_format(source.name, head)
        result = ingest.ingest(stream, fmt, work, cfg, read)
    report.rows_read, report.rejected = result.rows_read, result.rejected
    report.seconds["ingest"] = time.perf_counter() - clock
    clock = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    if not result.parts:
        pl.DataFrame(schema=dict.fromkeys(OUTPUT_COLUMNS, pl.String)).write_csv(output)
        report.rejects = result.rejects
        return report
    lazy = pl.scan_parquet([str(p) for p in result.parts])
    dups = duplicates(lazy)
    for line, pid, first_line in dups.select("line", "parcel_id", "first").iter_rows():
        result.reject(
            ingest.Rejected(line, pid, "PARCEL_ID_DUPLICATE", f"parcel {pid} was already given on line {first_line}")
        )
    report.duplicates = dups.height
    report.accepted = result.accepted - dups.height
    report.rejects = sorted(result.rejects, key=lambda r: r.line)
    descs = lazy.select("desc_norm").unique().collect()["desc_norm"]
    nouns = matching.title_chapters(descs)
    del descs
    same = title_stats(lazy, cfg)
    peers = peer_stats(lazy, nouns, cfg)
    day = pl.col("shipped_at").fill_null(pl.lit(received_at).dt.replace_time_zone("UTC")).dt.date()
    per_day = dict(lazy.select(day.alias("day")).group_by("day").len().collect().iter_rows())
    report.seconds["statistics"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report.buckets = max(1, math.ceil(result.accepted / bucket_rows))
    buckets = rebucket(result.parts, work, report.buckets)
    report.seconds["bucket"] = time.perf_counter() - clock
    clock = time.perf_counter()
    dropped = dups.select("parcel_id", "line")
    candidates: list[pl.DataFrame] = []
    screened_parts: list[Path] = []
    for b, paths in enumerate(buckets):
        if not paths:
            continue
        parcels = pl.read_parquet(paths).join(dropped, on=["parcel_id", "line"], how="anti")
        report.largest_bucket = max(report.largest_bucket, parcels.height)
        prepared = screening.prepare(parcels, cfg, received_at)
        del parcels
        screened = screening.screen(
            prepared,
            cfg,
            recalls=recalls,
            brands=brands,
            profiles=profiles,
            peers=peers,
            same_title=same,
            advisor=advisor,
            history=history,
        )
        decided = decide.outcomes(screened).with_columns(day=pl.col("t").dt.date())
        for f in Flag:
            report.flags[f.value] += int(decided[screening.why(f)].is_not_null().sum())
        kept = decided.select(*OUTPUT_COLUMNS, "score", "day")
        candidates.append(kept.filter(pl.col("decision") == Outcome.HOLD_INSPECTION.value))
        path = work / f"decided-{b:04d}.parquet"
        kept.write_parquet(path, compression="lz4")
        screened_parts.append(path)
        for p in paths:
            p.unlink()
        if progress is not None:
            progress("screen", b + 1, report.buckets)
    report.seconds["screen"] = time.perf_counter() - clock
    clock = time.perf_counter()
    wanted = pl.concat(candidates) if candidates else pl.DataFrame()
    capped = (
        decide.apply_capacity(wanted, cfg, earlier, day_parcels=per_day).select("parcel_id", "decision", "reasons")
        if wanted.height
        else pl.DataFrame(schema={"parcel_id": pl.String, "decision": pl.String, "reasons": pl.String})
    )
    with output.open("wb") as out:
        for i, path in enumerate(screened_parts):
            frame = pl.read_parquet(path).join(capped, on="parcel_id", how="left", suffix="_capped")
            frame = frame.with_columns(
                decision=pl.coalesce("decision_capped", "decision"), reasons=pl.coalesce("reasons_capped", "reasons")
            ).select(OUTPUT_COLUMNS)
            for name, n in frame.group_by("decision").len().iter_rows():
                report.decisions[name] = report.decisions.get(name, 0) + int(n)
            frame.write_csv(out, include_header=i == 0)
            path.unlink()
    report.seconds["write"] = time.perf_counter() - clock
    report.hs_titles_scored = advisor.scored_titles if advisor is not None else 0
    return report
