"""The recall list and the brand register an evaluation screens against: common-word brands and brands that sell
other goods in the real listings among them; a brand's lowest genuine price is read from the calibration half."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import polars as pl

from clearway.ecommerce.model import Recall, RegisteredBrand

# (recall_id, brand, model, product, hazard, hs6): common-word brands and brands that sell other goods
# in the real listings, so that their real titles must not match.
RECALLS = (
    ("RC-1", "MOON", "ML-220", "LED lighting chain", "overheating transformer", "940540"),
    ("RC-2", "Apple", "A1882", "USB-C power adapter", "electric shock", "850440"),
    ("RC-3", "Crocs", "CL-K19", "kids clog", "loose rivet: choking hazard", "640299"),
    ("RC-4", "Puma", "EVO-500", "cricket bat", "handle breaks", "950699"),
    ("RC-5", "Voylla", "VJ-3321", "necklace", "lead above the limit", "711719"),
    ("RC-6", "Allure Auto", "CM-9001", "car mat", "slips under the pedals", "870899"),
    ("RC-7", "Fastrack", "38099PL", "analog watch", "battery leaks", "910211"),
    ("RC-8", "Kiddo Glow", "", "night lamp", "battery overheats", "940540"),
)
# (brand, rights holder, hs codes, model names, fallback lowest genuine price USD)
REGISTER = (
    ("Apple", "Apple Inc", "8517;8471;8518", "iPhone;iPad;MacBook;AirPods", 150.0),
    ("Puma", "Puma SE", "64;61;62;4202", "", 10.0),
    ("Crocs", "Crocs Inc", "64", "", 12.0),
    ("Nike", "Nike Inc", "64;61;62", "", 10.0),
    ("Samsung", "Samsung Electronics", "8517;8471;8518", "Galaxy", 80.0),
    ("Sonata", "Titan Company", "91", "", 8.0),
    ("Titan", "Titan Company", "91", "", 20.0),
    ("Ray-Ban", "Luxottica", "9004", "Aviator;Wayfarer", 60.0),
    ("Adidas", "Adidas AG", "64;61;62;9506", "", 8.0),
)


def reference_lists(calibration: pl.DataFrame) -> tuple[list[Recall], list[RegisteredBrand]]:
    """Returns the recall list and the brand register; a brand's lowest genuine price is 90 % of its lowest
    listing in the calibration half (what the rights holder knows), else the fallback."""
    recalls = [Recall(rid, product, brand, model, hazard, hs) for rid, brand, model, product, hazard, hs in RECALLS]
    brands = []
    for brand, holder, codes, models, fallback in REGISTER:
        prefixes = tuple(codes.split(";"))
        own = calibration.filter(
            pl.col("title").str.to_lowercase().str.starts_with(brand.lower() + " ")
            & pl.any_horizontal(*(pl.col("hs").str.starts_with(p) for p in prefixes)).fill_null(False)
        )
        low = float(own["price"].min()) * 0.9 if own.height else fallback  # type: ignore[arg-type]
        brands.append(
            RegisteredBrand(
                brand, holder, Decimal(str(round(low, 2))), "USD", prefixes, tuple(filter(None, models.split(";")))
            )
        )
    return recalls, brands


def write_lists(folder: Path, recalls: list[Recall], brands: list[RegisteredBrand]) -> tuple[Path, Path]:
    """Writes the lists as the CSV files ``clearway ecommerce recalls load`` / ``brands load`` read."""
    folder.mkdir(parents=True, exist_ok=True)
    rpath, bpath = folder / "recalls.csv", folder / "brands.csv"
    with rpath.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["recall_id", "product", "brand", "model", "hazard", "hs_code"])
        w.writerows((r.recall_id, r.product, r.brand, r.model, r.hazard, r.hs_code) for r in recalls)
    with bpath.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["brand", "rights_holder", "min_genuine_price", "currency", "hs_codes", "models"])
        w.writerows(
            (b.brand, b.rights_holder, b.min_genuine_price, b.currency, ";".join(b.hs_codes), ";".join(b.models))
            for b in brands
        )
    return rpath, bpath
