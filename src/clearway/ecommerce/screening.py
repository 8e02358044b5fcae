"""Screening rules over a whole manifest, vectorised with Polars: each flag comes with the words why.

The result has one column per flag, ``why_<flag>``, holding the reason or null when the flag is not raised.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from clearway.ecommerce import hs_check, hs_history, matching, phrases
from clearway.ecommerce.model import Flag, Recall, RegisteredBrand, ScreeningConfig
from clearway.ecommerce.phrases import fmt

_HS6 = r"^\d{6}"
# The seller evidence ``risky_sellers`` weighs (``service.seller_profiles``): rows without a heading are the
# submitting party's own history of the seller, rows with one officers' confirmed findings on that HS heading.
PROFILE_SCHEMA = {
    "seller_id": pl.String,
    "heading": pl.String,
    "parcels": pl.Int64,
    "flagged": pl.Int64,
    "confirmed": pl.Int64,
}


def why(flag: Flag) -> str:
    """Returns the name of the reason column of a flag."""
    return f"why_{flag.value}"


def _fmt_money(expr: pl.Expr) -> pl.Expr:
    return expr.round(2).cast(pl.Decimal(18, 2)).cast(pl.String)


def prepare(parcels: pl.DataFrame, cfg: ScreeningConfig, received_at: datetime) -> pl.DataFrame:
    """Adds the derived columns screening uses: time, value in the threshold currency, HS6, consignee keys."""
    thr_rate = float(cfg.usd_rates.get(cfg.de_minimis.currency, 1))
    nouns = matching.title_chapters(parcels["desc_norm"]) if parcels.height else None
    address = pl.col("consignee_address").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    if nouns is not None:
        parcels = parcels.join(nouns, on="desc_norm", how="left")
    else:
        parcels = parcels.with_columns(
            noun=pl.lit(None, pl.String),
            strong=pl.lit(None, pl.Boolean),
            noun_chapters=pl.lit(None, pl.String),
            any_chapters=pl.lit(None, pl.String),
        )
    return parcels.with_columns(
        t=pl.col("shipped_at").fill_null(pl.lit(received_at).dt.replace_time_zone("UTC")),
        value_thr=pl.col("value_usd") / thr_rate,
        hs6=pl.when(pl.col("hs_code").str.contains(_HS6)).then(pl.col("hs_code").str.slice(0, 6)),
        address_key=pl.when(address.str.len_chars() >= 8).then(address),
    )


def over_de_minimis(cfg: ScreeningConfig) -> pl.Expr:
    """Flags parcels declared above the country's de minimis threshold."""
    dm = cfg.de_minimis
    thr = float(dm.threshold)
    return (
        pl.when(pl.col("value_thr") > thr)
        .then(
            fmt(
                phrases.OVER_DE_MINIMIS,
                value=pl.col("declared_value"),
                currency=pl.col("currency"),
                converted=_fmt_money(pl.col("value_thr")),
                threshold_currency=pl.lit(dm.currency),
                threshold=pl.lit(str(dm.threshold)),
                threshold_currency2=pl.lit(dm.currency),
                country=pl.lit(dm.country),
            )
        )
        .alias(why(Flag.OVER_DE_MINIMIS))
    )


def _split_by(df: pl.DataFrame, key: str, label: str, cfg: ScreeningConfig) -> pl.DataFrame:
    thr = float(cfg.de_minimis.threshold)
    window = pl.duration(days=cfg.split_window_days)
    groups = [key, "seller_id"]
    d = (
        df.filter(pl.col(key).is_not_null() & pl.col("seller_id").is_not_null() & (pl.col("value_thr") <= thr))
        .select("parcel_id", key, "seller_id", "t", "value_thr")
        .filter(pl.len().over(groups) >= 2)
        .sort([*groups, "t"])
    )
    gap = pl.col("t").diff().over(groups)
    d = d.with_columns(cluster=(gap.is_null() | (gap > window)).cum_sum())
    stats = (
        d.group_by("cluster")
        .agg(
            n=pl.len(),
            total=pl.col("value_thr").sum(),
            first=pl.col("t").min(),
            last=pl.col("t").max(),
            seller=pl.col("seller_id").first(),
            who=pl.col(key).first(),
        )
        .filter((pl.col("n") >= 2) & (pl.col("total") > thr))
    )
    reason = fmt(
        phrases.SPLIT,
        n=pl.col("n"),
        seller=pl.col("seller"),
        key=pl.lit(label),
        who=pl.col("who"),
        first=pl.col("first").dt.strftime("%Y-%m-%d"),
        last=pl.col("last").dt.strftime("%Y-%m-%d"),
        threshold=pl.lit(str(cfg.de_minimis.threshold)),
        currency=pl.lit(cfg.de_minimis.currency),
        total=_fmt_money(pl.col("total")),
        currency2=pl.lit(cfg.de_minimis.currency),
    )
    return d.join(stats.with_columns(reason=reason), on="cluster").select("parcel_id", "reason")


def split_shipments(df: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Finds parcels split to stay under de minimis: one seller, one consignee or address, a few days."""
    found = pl.concat([_split_by(df, "consignee_id", "consignee", cfg), _split_by(df, "address_key", "address", cfg)])
    return found.group_by("parcel_id").agg(pl.col("reason").first().alias(why(Flag.SPLIT_SHIPMENT)))


def peer_stats(df: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Robust unit-value statistics of comparable parcels (same HS6 and product noun, enough of them).

    Returns hs6, noun, n, med (median of log unit value USD) and spread (1.4826 x MAD, at least the floor).
    """
    lv = (pl.col("value_usd") / pl.col("quantity")).log()
    d = df.filter(pl.col("hs6").is_not_null() & pl.col("noun").is_not_null() & (pl.col("value_usd") > 0)).select(
        "hs6", "noun", lv.alias("lv")
    )
    return (
        d.with_columns(med=pl.col("lv").median().over("hs6", "noun"))
        .group_by("hs6", "noun")
        .agg(n=pl.len(), med=pl.col("med").first(), mad=(pl.col("lv") - pl.col("med")).abs().median())
        .filter(pl.col("n") >= cfg.unit_value_min_group)
        .select(
            "hs6", "noun", "n", "med", spread=pl.max_horizontal(1.4826 * pl.col("mad"), pl.lit(cfg.peer_min_spread))
        )
    )


def title_stats(df: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Median log unit value of parcels with the very same description (at least ``title_min_group``)."""
    lv = (pl.col("value_usd") / pl.col("quantity")).log()
    return (
        df.filter((pl.col("value_usd") > 0) & (pl.col("desc_norm").str.len_chars() >= 12))
        .group_by("desc_norm")
        .agg(t_n=pl.len(), t_med=lv.median())
        .filter(pl.col("t_n") >= cfg.title_min_group)
    )


def undervaluation(
    df: pl.DataFrame,
    cfg: ScreeningConfig,
    peers: pl.DataFrame | None = None,
    same_title: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Flags undervalued parcels, evidence first.

    With a listed price, the listing is the evidence of the price paid: declared under ``listing_ratio`` of
    it is undervaluation, and a declared value that matches a cheap listing is not. Only without a listing
    are peer prices used: first parcels with the very same description (under ``title_ratio`` of their
    median), else comparable parcels of the same HS6 and product noun (``peer_stats``).
    """
    value = pl.col("declared_value").cast(pl.Float64)
    listed_total = pl.col("listed_price").cast(pl.Float64) * pl.col("quantity")
    has_listing = listed_total.is_not_null() & (listed_total > 0)
    peers = peer_stats(df, cfg) if peers is None else peers
    same = title_stats(df, cfg) if same_title is None else same_title
    d = (
        df.select("parcel_id", "declared_value", "currency", "listed_price", "quantity", "value_usd", "hs6", "noun")
        .with_columns(desc_norm=df["desc_norm"])
        .join(peers, on=["hs6", "noun"], how="left")
        .join(same, on="desc_norm", how="left")
    )
    uv = pl.col("value_usd") / pl.col("quantity")
    by_listing = pl.when(has_listing & (value < cfg.listing_ratio * listed_total)).then(
        fmt(
            phrases.UNDER_LISTING,
            value=pl.col("declared_value"),
            currency=pl.col("currency"),
            ratio=(100 * value / listed_total).round(0).cast(pl.Int64),
            price=pl.col("listed_price"),
            quantity=pl.col("quantity"),
        )
    )
    median = pl.col("med").exp()
    z = (uv.log() - pl.col("med")) / pl.col("spread")
    low = (uv < cfg.unit_value_ratio * median) & (z < -cfg.peer_z)
    by_peers = pl.when(
        ~has_listing & pl.col("t_med").is_null() & pl.col("med").is_not_null() & (pl.col("value_usd") > 0) & low
    ).then(
        fmt(
            phrases.UNDER_PEERS,
            unit=_fmt_money(uv),
            ratio=(100 * uv / median).round(0).cast(pl.Int64),
            median=_fmt_money(median),
            n=pl.col("n"),
            hs6=pl.col("hs6"),
            noun=pl.col("noun"),
            z=(-z).round(1).cast(pl.String),
        )
    )
    title_median = pl.col("t_med").exp()
    by_title = pl.when(
        ~has_listing & pl.col("t_med").is_not_null() & (pl.col("value_usd") > 0) & (uv < cfg.title_ratio * title_median)
    ).then(
        fmt(
            phrases.UNDER_TITLE,
            unit=_fmt_money(uv),
            ratio=(100 * uv / title_median).round(0).cast(pl.Int64),
            median=_fmt_money(title_median),
            n=pl.col("t_n"),
        )
    )
    found = pl.coalesce(by_listing, by_title, by_peers).alias(why(Flag.UNDERVALUATION))
    return d.select("parcel_id", found).filter(pl.col(why(Flag.UNDERVALUATION)).is_not_null())


def recalled_products(df: pl.DataFrame, recalls: list[Recall], cfg: ScreeningConfig) -> pl.DataFrame:
    """Flags parcels whose description names a recalled product (brand and model, product type, HS chapter)."""
    name = why(Flag.RECALLED_PRODUCT)
    if not recalls:
        return pl.DataFrame(schema={"parcel_id": pl.String, name: pl.String})
    hits = matching.match_recalls(df["desc_norm"], recalls, cfg.recall_min_score)
    d = (
        df.select("parcel_id", "desc_norm", "hs_code")
        .join(hits, on="desc_norm")
        .join(matching.recalls_frame(recalls), on="recall_id")
        .filter(
            pl.col("recall_hs2").is_null()
            | pl.col("hs_code").is_null()
            | (pl.col("hs_code").str.slice(0, 2) == pl.col("recall_hs2"))
        )
        .sort("recall_score", descending=True)
    )
    reason = fmt(
        phrases.RECALLED,
        recall=pl.col("recall_id"),
        brand=pl.col("recall_brand"),
        model=pl.col("recall_model"),
        product=pl.col("recall_product"),
        hazard=pl.col("recall_hazard"),
        words=pl.col("recall_words"),
        score=pl.col("recall_score").round(0).cast(pl.Int64),
    )
    return d.group_by("parcel_id", maintain_order=True).agg(reason.first().alias(name))


def ip_infringements(df: pl.DataFrame, brands: list[RegisteredBrand], cfg: ScreeningConfig) -> pl.DataFrame:
    """Flags registered brands named as maker, sold by unknown sellers far below the lowest genuine price."""
    name = why(Flag.IP_INFRINGEMENT)
    if not brands:
        return pl.DataFrame(schema={"parcel_id": pl.String, name: pl.String})
    rates = {k: float(v) for k, v in cfg.usd_rates.items()}
    hits = matching.brand_candidates(df["desc_norm"], brands)
    seller = pl.concat_str([pl.lit(" "), pl.col("seller_norm"), pl.lit(" ")])
    listed_usd = pl.col("listed_price").cast(pl.Float64) * pl.col("rate")
    d = (
        df.select("parcel_id", "desc_norm", "hs_code", "seller_id", "seller_name", "listed_price", "value_usd")
        .with_columns(
            quantity=df["quantity"],
            rate=df["currency"].replace_strict(rates, default=None, return_dtype=pl.Float64),
        )
        .join(hits, on="desc_norm")
        .join(matching.brands_frame(brands, rates), on="brand_norm")
        .with_row_index("ri")
    )
    hs_ok = (
        d.select("ri", "hs_code", "brand_hs")
        .explode("brand_hs")
        .group_by("ri")
        .agg(
            hs_ok=(
                pl.col("hs_code").is_null()
                | pl.col("brand_hs").is_null()
                | pl.col("hs_code").str.starts_with(pl.col("brand_hs").fill_null(""))
            ).any()
        )
    )
    d = (
        d.join(hs_ok, on="ri")
        .with_columns(
            seller_norm=pl.col("seller_name").fill_null("").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " "),
            unit_usd=pl.coalesce(listed_usd, pl.col("value_usd") / pl.col("quantity")),
        )
        .with_columns(
            known=seller.str.contains(pl.concat_str([pl.lit(" "), pl.col("brand_norm"), pl.lit(" ")]), literal=True)
            | seller.str.contains(pl.concat_str([pl.lit(" "), pl.col("holder_norm"), pl.lit(" ")]), literal=True)
        )
        .filter(
            pl.col("hs_ok") & ~pl.col("known") & (pl.col("unit_usd") < cfg.ip_price_ratio * pl.col("min_price_usd"))
        )
    )
    reason = fmt(
        phrases.IP,
        brand=pl.col("brand"),
        holder=pl.col("rights_holder"),
        words=pl.col("brand_words"),
        seller=pl.col("seller_id").fill_null("?"),
        seller_name=pl.col("seller_name").fill_null("no name"),
        unit=_fmt_money(pl.col("unit_usd")),
        ratio=(100 * pl.col("unit_usd") / pl.col("min_price_usd")).round(0).cast(pl.Int64),
        price=pl.col("min_price"),
        currency=pl.col("brand_currency"),
    )
    return d.group_by("parcel_id", maintain_order=True).agg(reason.first().alias(name))


def risky_sellers(df: pl.DataFrame, profiles: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Flags sellers with evidence against them: officers' confirmed findings (any party) on the seller's
    earlier parcels of the parcel's HS heading, or the submitting party's own earlier parcels of the seller
    often flagged (``PROFILE_SCHEMA``; see ``service.seller_profiles``). Where both hold, the findings are given."""
    name = why(Flag.RISKY_SELLER)
    for column, dtype in PROFILE_SCHEMA.items():
        if column not in profiles.columns:
            profiles = profiles.with_columns(pl.lit(0 if dtype == pl.Int64 else None, dtype).alias(column))
    by_history = (pl.col("parcels") >= cfg.seller_min_history) & (
        pl.col("flagged") >= cfg.seller_flag_share * pl.col("parcels")
    )
    by_findings = pl.col("heading").is_not_null() & (pl.col("confirmed") >= cfg.seller_min_confirmed)
    parcels = df.select("parcel_id", "seller_id", heading=pl.col("hs6").str.slice(0, 4))
    found = parcels.join(profiles.filter(by_findings), on=["seller_id", "heading"]).select(
        "parcel_id",
        pl.lit(0).alias("rank"),
        fmt(
            phrases.SELLER_CONFIRMED, n=pl.col("confirmed"), heading=pl.col("heading"), seller=pl.col("seller_id")
        ).alias(name),
    )
    history = parcels.join(
        profiles.filter(pl.col("heading").is_null() & by_history).drop("heading"), on="seller_id"
    ).select(
        "parcel_id",
        pl.lit(1).alias("rank"),
        fmt(
            phrases.SELLER_FLAGGED,
            share=(100 * pl.col("flagged") / pl.col("parcels")).round(0).cast(pl.Int64),
            n=pl.col("parcels"),
            seller=pl.col("seller_id"),
        ).alias(name),
    )
    return (
        pl.concat([found, history])
        .sort("rank", maintain_order=True)
        .unique("parcel_id", keep="first", maintain_order=True)
        .drop("rank")
    )


def screen(
    df: pl.DataFrame,
    cfg: ScreeningConfig,
    *,
    recalls: list[Recall],
    brands: list[RegisteredBrand],
    profiles: pl.DataFrame,
    peers: pl.DataFrame | None = None,
    same_title: pl.DataFrame | None = None,
    advisor: hs_check.Advisor | None = None,
    history: hs_history.HsHistory | None = None,
) -> pl.DataFrame:
    """Runs every rule over prepared parcels and returns them with one reason column per flag.

    ``peers`` and ``same_title`` are the peer-price statistics (``peer_stats``, ``title_stats``) when
    screening runs in parts of a larger manifest; by default they are computed over ``df``. ``advisor``
    holds the HS-suggestion index for the HS check (lexicon only without it); ``history`` the classification
    history it also weighs (``hs_history``; none: as without it).
    """
    dq = pl.when(pl.col("dq_codes") != "").then(fmt(phrases.DATA_QUALITY, issues=pl.col("dq_text")))
    out = df.with_columns(over_de_minimis(cfg), dq.alias(why(Flag.DATA_QUALITY)))
    for found in (
        hs_check.implausible(df, cfg, advisor, why(Flag.HS_IMPLAUSIBLE), history),
        split_shipments(df, cfg),
        undervaluation(df, cfg, peers, same_title),
        recalled_products(df, recalls, cfg),
        ip_infringements(df, brands, cfg),
        risky_sellers(df, profiles, cfg),
    ):
        out = out.join(found, on="parcel_id", how="left")
    return out
