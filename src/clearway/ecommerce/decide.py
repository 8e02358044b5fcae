"""Outcome per parcel from its flags, with the inspection lane's capacity per day and country respected.

The rules are those of ``model.decide`` applied column-wise; parcels that call for inspection beyond the
capacity of their day are held for documents instead, most risky first kept for inspection.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from clearway.ecommerce import phrases
from clearway.ecommerce.model import FLAG_WEIGHTS, Flag, Outcome, ScreeningConfig
from clearway.ecommerce.phrases import fmt
from clearway.ecommerce.screening import why

FLAG_ORDER = tuple(Flag)


def outcomes(screened: pl.DataFrame) -> pl.DataFrame:
    """Adds ``flags`` (';'-joined), ``reasons``, ``score`` and the uncapped ``decision`` to screened parcels."""
    has = {f: pl.col(why(f)).is_not_null() for f in FLAG_ORDER}
    any_flag = pl.any_horizontal(*has.values())
    n_flags = pl.sum_horizontal(*(h.cast(pl.Int32) for h in has.values()))
    inspect = has[Flag.IP_INFRINGEMENT] | has[Flag.UNDERVALUATION] | (has[Flag.RISKY_SELLER] & (n_flags > 1))
    decision = (
        pl.when(has[Flag.RECALLED_PRODUCT])
        .then(pl.lit(Outcome.REFUSE.value))
        .when(inspect)
        .then(pl.lit(Outcome.HOLD_INSPECTION.value))
        .when(any_flag)
        .then(pl.lit(Outcome.HOLD_DOCUMENTS.value))
        .otherwise(pl.lit(Outcome.RELEASE.value))
    )
    return screened.with_columns(
        flags=pl.concat_str(
            [pl.when(has[f]).then(pl.lit(f.value)) for f in FLAG_ORDER], separator=";", ignore_nulls=True
        ).fill_null(""),
        reasons=pl.concat_str([pl.col(why(f)) for f in FLAG_ORDER], separator=" | ", ignore_nulls=True).fill_null(""),
        score=pl.sum_horizontal(*(has[f].cast(pl.Int32) * FLAG_WEIGHTS[f] for f in FLAG_ORDER)),
        decision=decision,
    )


def apply_capacity(
    decided: pl.DataFrame,
    cfg: ScreeningConfig,
    earlier: dict[date, tuple[int, int]] | None = None,
    day_parcels: dict[date, int] | None = None,
) -> pl.DataFrame:
    """Keeps the inspection lane within its share of each day's parcels; the rest are held for documents.

    ``earlier`` gives, per day, the parcels already screened for the country and how many of them were
    sent to inspection, so that several manifests of one day share one capacity. ``day_parcels`` gives the
    manifest's parcels per day when ``decided`` holds only the candidates (streaming screening).
    """
    earlier = earlier or {}
    if day_parcels is None:
        days = decided.group_by("day").agg(parcels=pl.len()).to_dicts()
    else:
        days = [{"day": d, "parcels": n} for d, n in day_parcels.items()]
    capacity = {}
    for row in days:
        before, inspected = earlier.get(row["day"], (0, 0))
        capacity[row["day"]] = max(0, math.ceil(cfg.inspection_share * (before + row["parcels"])) - inspected)
    cap = pl.DataFrame(
        {"day": list(capacity), "capacity": list(capacity.values())}, schema={"day": pl.Date, "capacity": pl.Int64}
    )
    wants = pl.col("decision") == Outcome.HOLD_INSPECTION.value
    ranked = (
        decided.with_row_index("_order")
        .join(cap, on="day", how="left")
        .sort(["day", "score", "parcel_id"], descending=[False, True, False])
        .with_columns(_rank=wants.cast(pl.Int64).cum_sum().over("day"))
    )
    over = wants & (pl.col("_rank") > pl.col("capacity"))
    note = fmt(phrases.CAPACITY, day=pl.col("day").cast(pl.String), capacity=pl.col("capacity"))
    return (
        ranked.with_columns(
            decision=pl.when(over).then(pl.lit(Outcome.HOLD_DOCUMENTS.value)).otherwise(pl.col("decision")),
            reasons=pl.when(over)
            .then(pl.concat_str([pl.col("reasons"), note], separator=" | "))
            .otherwise(pl.col("reasons")),
        )
        .sort("_order")
        .drop("_order", "_rank", "capacity")
    )
