"""Text matching of parcel descriptions against the recall list and the brand register.

Only unique normalised descriptions are matched; a description is a candidate only when it contains a
listed brand as whole words (one Aho-Corasick pass in Polars), and rapidfuzz scores just those pairs.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl
from rapidfuzz import fuzz

from clearway.ecommerce.model import Recall, RegisteredBrand, normalise


def brand_hits(descs: pl.Series, brands: list[str]) -> pl.DataFrame:
    """Returns (desc_norm, brand_norm) for every description that contains a brand as whole words."""
    patterns = sorted({f" {b} " for b in (normalise(x) for x in brands) if b})
    if not patterns or descs.is_empty():
        return pl.DataFrame(schema={"desc_norm": pl.String, "brand_norm": pl.String})
    frame = pl.DataFrame({"desc_norm": descs.unique()})
    return (
        frame.with_columns(
            brand_norm=pl.concat_str([pl.lit(" "), pl.col("desc_norm"), pl.lit(" ")]).str.extract_many(
                patterns, overlapping=True
            )
        )
        .filter(pl.col("brand_norm").list.len() > 0)
        .explode("brand_norm")
        .with_columns(pl.col("brand_norm").str.strip_chars())
        .unique()
    )


def _compact(text: str) -> str:
    return text.replace(" ", "")


def recall_score(recall: Recall, desc_norm: str) -> float:
    """Scores how surely a description (already containing the brand) names the recalled product, 0-100."""
    model = _compact(normalise(recall.model))
    if model:
        compact = _compact(desc_norm)
        return 100.0 if model in compact else float(fuzz.partial_ratio(model, compact))
    return float(fuzz.token_set_ratio(normalise(recall.product), desc_norm))


def match_recalls(descs: pl.Series, recalls: list[Recall], min_score: float) -> pl.DataFrame:
    """Returns (desc_norm, recall_id, recall_score) for descriptions matching a recall at or above the score."""
    empty = pl.DataFrame(schema={"desc_norm": pl.String, "recall_id": pl.String, "recall_score": pl.Float64})
    by_brand: dict[str, list[Recall]] = defaultdict(list)
    for recall in recalls:
        by_brand[normalise(recall.brand)].append(recall)
    hits = brand_hits(descs, [r.brand for r in recalls])
    rows: list[tuple[str, str, float]] = []
    for desc, brand in hits.iter_rows():
        for recall in by_brand.get(brand, ()):
            score = recall_score(recall, desc)
            if score >= min_score:
                rows.append((desc, recall.recall_id, score))
    if not rows:
        return empty
    return pl.DataFrame(rows, schema=empty.schema, orient="row")


def recalls_frame(recalls: list[Recall]) -> pl.DataFrame:
    """Returns the recall list as a frame for joining."""
    return pl.DataFrame(
        {
            "recall_id": [r.recall_id for r in recalls],
            "recall_product": [r.product for r in recalls],
            "recall_brand": [r.brand for r in recalls],
            "recall_model": [r.model for r in recalls],
            "recall_hazard": [r.hazard for r in recalls],
            "recall_hs4": [r.hs_code[:4] if r.hs_code else None for r in recalls],
        },
        schema={
            "recall_id": pl.String,
            "recall_product": pl.String,
            "recall_brand": pl.String,
            "recall_model": pl.String,
            "recall_hazard": pl.String,
            "recall_hs4": pl.String,
        },
    )


def brands_frame(brands: list[RegisteredBrand], usd_rates: dict[str, float]) -> pl.DataFrame:
    """Returns the brand register as a frame for joining, with the minimum genuine price in USD."""
    return pl.DataFrame(
        {
            "brand_norm": [normalise(b.brand) for b in brands],
            "brand": [b.brand for b in brands],
            "holder_norm": [normalise(b.rights_holder) for b in brands],
            "rights_holder": [b.rights_holder for b in brands],
            "min_price": [str(b.min_genuine_price) for b in brands],
            "brand_currency": [b.currency for b in brands],
            "min_price_usd": [float(b.min_genuine_price) * usd_rates.get(b.currency, float("nan")) for b in brands],
            "brand_hs": [list(b.hs_codes) for b in brands],
        },
        schema={
            "brand_norm": pl.String,
            "brand": pl.String,
            "holder_norm": pl.String,
            "rights_holder": pl.String,
            "min_price": pl.String,
            "brand_currency": pl.String,
            "min_price_usd": pl.Float64,
            "brand_hs": pl.List(pl.String),
        },
    )
