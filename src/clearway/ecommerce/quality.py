"""Data quality at intake: rows typed or rejected, and what is wrong with each parcel's data, as codes and words."""

from __future__ import annotations

import polars as pl
import pycountry

from clearway.ecommerce import phrases
from clearway.ecommerce.model import MANIFEST_COLUMNS, VAGUE_DESCRIPTIONS, ScreeningConfig
from clearway.ecommerce.phrases import fmt

# Issue codes a carrier gets back per parcel (with the words of `issue_text`).
ISSUE_CODES = (
    "DESCRIPTION_MISSING",
    "DESCRIPTION_VAGUE",
    "VALUE_ZERO",
    "VALUE_TOKEN",
    "VALUE_ABOVE_LISTING",
    "CONSIGNEE_ID_MISSING",
    "HS_INVALID",
    "ORIGIN_INVALID",
    "QUANTITY_INVALID",
    "MASS_INVALID",
    "LISTED_PRICE_INVALID",
    "SHIPPED_AT_INVALID",
)
_HS_PATTERN = r"^\d{6}(\d{2}){0,2}$"
_TEXT_LIMITS = {"description": 500, "consignee_address": 300, "consignee_name": 200, "seller_name": 200}
ID_LIMIT = 64


def _countries() -> list[str]:
    return sorted(str(c.alpha_2) for c in pycountry.countries)


def _present(raw: str) -> pl.Expr:
    return pl.col(raw).is_not_null()


def token_value(cfg: ScreeningConfig) -> pl.Expr:
    """Tells a token value: a placeholder amount (0.01, 0.10, 1.00) that the listing does not bear out, or a
    declared value far below the listed price. A real low price that matches its listing is not one."""
    listed_total = pl.col("listed_price").cast(pl.Float64) * pl.col("quantity")
    value = pl.col("declared_value").cast(pl.Float64)
    has_listing = listed_total.is_not_null() & (listed_total > 0)
    placeholder = pl.col("declared_value").cast(pl.String).is_in(list(cfg.token_amounts))
    matches_listing = has_listing & (value >= cfg.listing_ratio * listed_total)
    far_below = has_listing & (value < cfg.token_listing_ratio * listed_total)
    return (value > 0) & ((placeholder & ~matches_listing) | far_below)


def checks(cfg: ScreeningConfig) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """Returns each intake check as (code, condition, message) over a typed manifest chunk.

    The chunk has the typed columns plus the raw text of the numeric fields (``raw_*``).
    """
    desc = pl.col("description")
    listed_total = pl.col("listed_price").cast(pl.Float64) * pl.col("quantity")
    value = pl.col("declared_value").cast(pl.Float64)
    return [
        ("DESCRIPTION_MISSING", desc.is_null(), pl.lit(phrases.NO_DESCRIPTION())),
        (
            "DESCRIPTION_VAGUE",
            desc.is_not_null()
            & (pl.col("desc_norm").is_in(sorted(VAGUE_DESCRIPTIONS)) | (pl.col("desc_norm").str.len_chars() < 3)),
            fmt(phrases.VAGUE, description=desc),
        ),
        ("VALUE_ZERO", value == 0, pl.lit(phrases.VALUE_ZERO())),
        (
            "VALUE_TOKEN",
            token_value(cfg),
            pl.when(listed_total > 0)
            .then(
                fmt(
                    phrases.TOKEN,
                    value=pl.col("declared_value"),
                    currency=pl.col("currency"),
                    price=pl.col("listed_price"),
                    quantity=pl.col("quantity"),
                )
            )
            .otherwise(fmt(phrases.PLACEHOLDER, value=pl.col("declared_value"), currency=pl.col("currency"))),
        ),
        (
            "VALUE_ABOVE_LISTING",
            listed_total.is_not_null() & (listed_total > 0) & (value > 2 * listed_total),
            fmt(
                phrases.ABOVE_LISTING,
                value=pl.col("declared_value"),
                price=pl.col("listed_price"),
                quantity=pl.col("quantity"),
            ),
        ),
        ("CONSIGNEE_ID_MISSING", pl.col("consignee_id").is_null(), pl.lit(phrases.NO_CONSIGNEE())),
        (
            "HS_INVALID",
            pl.col("hs_code").is_not_null() & ~pl.col("hs_code").str.contains(_HS_PATTERN),
            fmt(phrases.HS_INVALID, code=pl.col("hs_code")),
        ),
        (
            "ORIGIN_INVALID",
            pl.col("origin_country").is_not_null() & ~pl.col("origin_ok"),
            fmt(phrases.ORIGIN_INVALID, code=pl.col("origin_country")),
        ),
        (
            "QUANTITY_INVALID",
            _present("raw_quantity") & pl.col("quantity_bad"),
            fmt(phrases.QUANTITY_INVALID, raw=pl.col("raw_quantity")),
        ),
        (
            "MASS_INVALID",
            _present("raw_gross_mass_kg") & pl.col("gross_mass_kg").is_null(),
            fmt(phrases.MASS_INVALID, raw=pl.col("raw_gross_mass_kg")),
        ),
        (
            "LISTED_PRICE_INVALID",
            _present("raw_listed_price") & pl.col("listed_price").is_null(),
            fmt(phrases.PRICE_INVALID, raw=pl.col("raw_listed_price")),
        ),
        (
            "SHIPPED_AT_INVALID",
            _present("raw_shipped_at") & pl.col("shipped_at").is_null(),
            fmt(phrases.SHIPPED_INVALID, raw=pl.col("raw_shipped_at")),
        ),
    ]


def with_issues(chunk: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Adds ``dq_codes`` (';'-joined issue codes) and ``dq_text`` (the words) to a typed chunk."""
    chunk = chunk.with_columns(origin_ok=pl.col("origin_country").is_in(_countries()))
    found = checks(cfg)
    codes = [pl.when(cond).then(pl.lit(code)) for code, cond, _ in found]
    texts = [pl.when(cond).then(msg) for _, cond, msg in found]
    return chunk.with_columns(
        dq_codes=pl.concat_str(codes, separator=";", ignore_nulls=True),
        dq_text=pl.concat_str(texts, separator="; ", ignore_nulls=True),
    ).drop("origin_ok")


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


_USUAL_TIME = "%Y-%m-%dT%H:%M:%S%#z"  # "2026-11-01T10:00:00Z", "…+02:00": what most carriers send


def _other_times(df: pl.DataFrame) -> pl.DataFrame:
    """Parses the times the usual format missed with every accepted format, on those rows only (all six
    formats over every row cost more than the rest of the typing)."""
    missed = pl.col("shipped_at").is_null() & pl.col("raw_shipped_at").is_not_null()
    if not df.select(missed.any()).item():
        return df
    indexed = df.with_row_index("_row")
    again = indexed.filter(missed).select("_row", _datetime(pl.col("raw_shipped_at")).alias("_again"))
    return (
        indexed.join(again, on="_row", how="left")
        .with_columns(shipped_at=pl.coalesce("shipped_at", "_again"))
        .drop("_row", "_again")
    )


def type_chunk(raw: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Types a chunk of text rows, marking rows that cannot be screened and each parcel's quality issues."""
    rates = {k: float(v) for k, v in cfg.usd_rates.items()}
    df = raw.with_columns(_blank_to_null(c) for c in MANIFEST_COLUMNS)
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
        shipped_at=pl.col("shipped_at").str.to_datetime(_USUAL_TIME, strict=False, time_zone="UTC"),
        **{c: pl.col(c).str.slice(0, n) for c, n in _TEXT_LIMITS.items()},
        **{c: pl.col(c).str.slice(0, ID_LIMIT) for c in ("seller_id", "marketplace", "consignee_id")},
    )
    df = _other_times(df)
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
            pl.col("parcel_id").str.len_chars() > ID_LIMIT,
            pl.lit(f"parcel_id is longer than {ID_LIMIT} characters"),
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
    df = with_issues(df, cfg)
    return df.drop("raw_quantity", "raw_gross_mass_kg", "raw_listed_price", "raw_shipped_at", "raw_value")
