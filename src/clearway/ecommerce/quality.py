"""Data quality at intake: what is wrong with each parcel's data, row by row, as codes and words."""

from __future__ import annotations

import polars as pl
import pycountry

from clearway.ecommerce.model import VAGUE_DESCRIPTIONS

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


def _countries() -> list[str]:
    return sorted(str(c.alpha_2) for c in pycountry.countries)


def _present(raw: str) -> pl.Expr:
    return pl.col(raw).is_not_null()


def checks(token_value_usd: float) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """Returns each intake check as (code, condition, message) over a typed manifest chunk.

    The chunk has the typed columns plus the raw text of the numeric fields (``raw_*``).
    """
    desc = pl.col("description")
    listed_total = pl.col("listed_price").cast(pl.Float64) * pl.col("quantity")
    value = pl.col("declared_value").cast(pl.Float64)
    return [
        ("DESCRIPTION_MISSING", desc.is_null(), pl.lit("no description of the goods")),
        (
            "DESCRIPTION_VAGUE",
            desc.is_not_null()
            & (pl.col("desc_norm").is_in(sorted(VAGUE_DESCRIPTIONS)) | (pl.col("desc_norm").str.len_chars() < 3)),
            pl.format("description '{}' does not say what the goods are", desc),
        ),
        ("VALUE_ZERO", value == 0, pl.lit("declared value is zero")),
        (
            "VALUE_TOKEN",
            (value > 0) & (pl.col("value_usd") < token_value_usd),
            pl.format("declared value {} {} is a token amount", pl.col("declared_value"), pl.col("currency")),
        ),
        (
            "VALUE_ABOVE_LISTING",
            listed_total.is_not_null() & (listed_total > 0) & (value > 2 * listed_total),
            pl.format(
                "declared value {} is more than twice the listed price {} x {}",
                pl.col("declared_value"),
                pl.col("listed_price"),
                pl.col("quantity"),
            ),
        ),
        ("CONSIGNEE_ID_MISSING", pl.col("consignee_id").is_null(), pl.lit("consignee id is missing")),
        (
            "HS_INVALID",
            pl.col("hs_code").is_not_null() & ~pl.col("hs_code").str.contains(_HS_PATTERN),
            pl.format("HS code '{}' is not 6 digits", pl.col("hs_code")),
        ),
        (
            "ORIGIN_INVALID",
            pl.col("origin_country").is_not_null() & ~pl.col("origin_ok"),
            pl.format("origin '{}' is not an ISO 3166 country code", pl.col("origin_country")),
        ),
        (
            "QUANTITY_INVALID",
            _present("raw_quantity") & pl.col("quantity_bad"),
            pl.format("quantity '{}' is not a positive number (1 assumed)", pl.col("raw_quantity")),
        ),
        (
            "MASS_INVALID",
            _present("raw_gross_mass_kg") & pl.col("gross_mass_kg").is_null(),
            pl.format("gross mass '{}' is not a number of kg", pl.col("raw_gross_mass_kg")),
        ),
        (
            "LISTED_PRICE_INVALID",
            _present("raw_listed_price") & pl.col("listed_price").is_null(),
            pl.format("listed price '{}' is not an amount", pl.col("raw_listed_price")),
        ),
        (
            "SHIPPED_AT_INVALID",
            _present("raw_shipped_at") & pl.col("shipped_at").is_null(),
            pl.format("shipped_at '{}' is not an ISO 8601 time", pl.col("raw_shipped_at")),
        ),
    ]


def with_issues(chunk: pl.DataFrame, token_value_usd: float) -> pl.DataFrame:
    """Adds ``dq_codes`` (';'-joined issue codes) and ``dq_text`` (the words) to a typed chunk."""
    chunk = chunk.with_columns(origin_ok=pl.col("origin_country").is_in(_countries()))
    found = checks(token_value_usd)
    codes = [pl.when(cond).then(pl.lit(code)) for code, cond, _ in found]
    texts = [pl.when(cond).then(msg) for _, cond, msg in found]
    return chunk.with_columns(
        dq_codes=pl.concat_str(codes, separator=";", ignore_nulls=True),
        dq_text=pl.concat_str(texts, separator="; ", ignore_nulls=True),
    ).drop("origin_ok")
