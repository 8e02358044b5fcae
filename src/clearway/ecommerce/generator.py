"""Synthetic parcel manifests with planted fraud, plus a matching recall list and brand register.

Used by the benchmark, the tests and the demo seed. Normal traffic is declared close to its listing;
planted parcels are split shipments, undervalued goods, recalled products and counterfeit brands.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

# (hs6, origin, product, median unit value in USD)
PRODUCTS = [
    ("851671", "CN", "electric kettle", 28.0),
    ("850440", "CN", "usb charger", 12.0),
    ("851830", "CN", "wireless earphones", 35.0),
    ("640411", "VN", "running shoes", 45.0),
    ("610910", "BD", "cotton t-shirt", 9.0),
    ("620462", "CN", "denim trousers", 22.0),
    ("950300", "CN", "plush toy", 11.0),
    ("420222", "CN", "leather handbag", 38.0),
    ("910219", "HK", "quartz wristwatch", 30.0),
    ("330499", "KR", "face cream", 18.0),
    ("847130", "CN", "tablet computer", 160.0),
    ("852580", "CN", "action camera", 85.0),
    ("940540", "CN", "led desk lamp", 19.0),
    ("392690", "CN", "phone case", 6.0),
    ("711719", "IN", "fashion necklace", 14.0),
    ("851010", "CN", "electric shaver", 32.0),
]
GENERIC_BRANDS = ["Zentro", "Lumio", "Karvo", "Tesqa", "Ombre", "Virel", "Quanta", "Pavo", "Ridel", "Sorin"]
# (recall_id, product, brand, model, hazard, hs6, product index) — the brand also sells a safe model.
RECALLS = [
    ("RC-2026-001", "electric kettle", "Acmeline", "KX-200", "overheats and can catch fire", "851671", 0),
    ("RC-2026-002", "usb charger", "Brightvolt", "PX5", "electric shock: poor insulation", "850440", 1),
    ("RC-2026-003", "plush toy", "Cuddlo", "Bear B-12", "small parts: choking hazard", "950300", 6),
    ("RC-2026-004", "led desk lamp", "Glowmate", "GL-9000", "overheating power adapter", "940540", 12),
]
SAFE_MODELS = ["KX-900", "PX9", "Fox F-30", "GL-1000"]
# (brand, rights holder, min genuine price USD, hs codes, product index)
BRANDS = [
    ("Nordika", "Nordika Sports AB", 120.0, "6403;6404", 3),
    ("Veltrano", "Veltrano SpA", 450.0, "4202", 7),
    ("Chronalux", "Chronalux SA", 900.0, "9102", 8),
    ("Soundmaxx", "Soundmaxx Inc", 150.0, "8518", 2),
]
COUNTRY_THRESHOLD_USD = 200.0


def write_reference_lists(folder: Path) -> tuple[Path, Path]:
    """Writes the recall list and the brand register the generated manifests are planted against."""
    folder.mkdir(parents=True, exist_ok=True)
    recalls, brands = folder / "recalls.csv", folder / "brands.csv"
    with recalls.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["recall_id", "product", "brand", "model", "hazard", "hs_code"])
        for rid, product, brand, model, hazard, hs, _ in RECALLS:
            w.writerow([rid, product, brand, model, hazard, hs])
    with brands.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["brand", "rights_holder", "min_genuine_price", "currency", "hs_codes"])
        for brand, holder, price, codes, _ in BRANDS:
            w.writerow([brand, holder, f"{price:.2f}", "USD", codes])
    return recalls, brands


def _model_variant(model: str, rng: np.random.Generator) -> str:
    pick = int(rng.integers(0, 3))
    return [model, model.replace("-", ""), model.replace("-", " ").lower()][pick]


def manifest(
    n: int,
    *,
    seed: int = 7,
    start: datetime | None = None,
    days: int = 3,
    planted_share: float = 1.0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Generates a manifest of n parcels and the truth table (parcel_id, kind) of what was planted."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2026, 11, 1, tzinfo=UTC)
    k = planted_share
    n_under, n_recall, n_ip = int(n * 0.01 * k), int(n * 0.003 * k), int(n * 0.003 * k)
    n_split_clusters = int(n * 0.005 * k)
    sizes = rng.integers(2, 5, n_split_clusters)
    n_split = int(sizes.sum())
    n_normal = n - n_under - n_recall - n_ip - n_split
    kinds = np.array(["normal"] * n_normal + ["undervalued"] * n_under + ["recalled"] * n_recall + ["ip"] * n_ip)
    m = len(kinds)
    n_sellers, n_consignees = max(50, n // 150), max(100, n // 3)
    product = rng.integers(0, len(PRODUCTS), m)
    hs = np.array([p[0] for p in PRODUCTS])[product].astype(object)
    origin = np.array([p[1] for p in PRODUCTS])[product].astype(object)
    name = np.array([p[2] for p in PRODUCTS])[product].astype(object)
    median = np.array([p[3] for p in PRODUCTS])[product]
    unit = median * rng.lognormal(0.0, 0.3, m)
    qty = rng.choice([1, 1, 1, 1, 2, 2, 3], m)
    unit[(rng.random(m) < 0.02) & (kinds == "normal")] *= 12  # some genuinely expensive parcels
    brand = np.array(GENERIC_BRANDS)[rng.integers(0, len(GENERIC_BRANDS), m)]
    desc = np.char.add(np.char.add(brand, " "), name).astype(object)
    seller = rng.integers(0, n_sellers, m)
    seller_id = np.char.add("S", seller.astype(str))
    seller_name = np.char.add("Shop ", seller.astype(str)).astype(object)
    ratio = rng.uniform(0.9, 1.0, m)
    listed = unit.copy()
    no_listing = np.zeros(m, dtype=bool)

    under = kinds == "undervalued"
    ratio[under] = rng.uniform(0.03, 0.12, under.sum())
    no_listing[under] = rng.random(under.sum()) < 0.5
    for i in np.flatnonzero(kinds == "recalled"):
        _, prod, rbrand, model, _, rhs, pidx = RECALLS[int(rng.integers(0, len(RECALLS)))]
        words = [rbrand if rng.random() < 0.5 else rbrand.upper(), prod, _model_variant(model, rng)]
        rng.shuffle(words)
        desc[i] = " ".join(words) + rng.choice(["", " new", " 2026 edition", ", gift box"])
        hs[i], origin[i], name[i] = rhs, PRODUCTS[pidx][1], prod
        unit[i] = listed[i] = PRODUCTS[pidx][3]
    safe = rng.random(m) < 0.01  # the recalled brands' safe models: must not be caught
    for i in np.flatnonzero(safe & (kinds == "normal")):
        j = int(rng.integers(0, len(RECALLS)))
        _, prod, rbrand, _, _, rhs, pidx = RECALLS[j]
        desc[i] = f"{rbrand} {prod} {SAFE_MODELS[j]}"
        hs[i], origin[i] = rhs, PRODUCTS[pidx][1]
        unit[i] = listed[i] = PRODUCTS[pidx][3] * rng.lognormal(0.0, 0.3)
    genuine = (rng.random(m) < 0.01) & (kinds == "normal") & ~safe
    for i in np.flatnonzero(genuine | (kinds == "ip")):
        b, _, price, _, pidx = BRANDS[int(rng.integers(0, len(BRANDS)))]
        desc[i] = f"{b} {PRODUCTS[pidx][2]}"
        hs[i], origin[i] = PRODUCTS[pidx][0], PRODUCTS[pidx][1]
        if kinds[i] == "ip":
            unit[i] = listed[i] = price * rng.uniform(0.05, 0.3)
        else:
            unit[i] = listed[i] = price * rng.uniform(1.0, 1.6)
            seller_name[i] = f"{b} Official Store"
            qty[i] = 1
    listed = np.where(under, unit, listed)
    declared = np.round(unit * qty * ratio, 2)
    consignee = rng.integers(0, n_consignees, m)
    seconds = rng.integers(0, days * 86400, m)

    # split shipments: 2-4 parcels, one seller, one consignee (or one address), under the threshold each
    cl = np.repeat(np.arange(n_split_clusters), sizes)
    s_seller = rng.integers(0, n_sellers, n_split_clusters)[cl]
    s_cons = (n_consignees + np.arange(n_split_clusters))[cl]
    by_address = rng.random(n_split_clusters)[cl] < 0.4
    s_base = rng.integers(0, max(1, days * 86400 - 2 * 86400), n_split_clusters)[cl]
    s_sec = s_base + rng.integers(0, 2 * 86400, n_split)
    s_val = np.round(rng.uniform(110, 190, n_split), 2)
    s_prod = rng.integers(0, len(PRODUCTS), n_split)

    ids = np.char.add("PX", np.arange(n).astype(str))
    cons_all = np.concatenate([consignee, s_cons])
    cons_id = np.char.add("C", cons_all.astype(str)).astype(object)
    split_ix = np.arange(m, n)
    cons_id[split_ix[by_address]] = np.char.add("CX", np.arange(int(by_address.sum())).astype(str))
    street = cons_all % 997
    address = np.char.add(np.char.add((cons_all % 500 + 1).astype(str), " Calle "), street.astype(str))
    address = np.char.add(address, np.char.add(", Lima ", (cons_all % 43).astype(str)))
    address = address.astype(object)
    upper = split_ix[by_address & (rng.random(n_split) < 0.5)]
    address[upper] = np.char.upper(address[upper].astype(str))
    df = pl.DataFrame(
        {
            "parcel_id": ids,
            "house_waybill": np.char.add("HWB", np.arange(n).astype(str)),
            "master_waybill": np.char.add("MWB", (np.arange(n) // 500).astype(str)),
            "marketplace": np.array(["shopnow", "bazaarly", "dealhub", "globalmart", "quickcart"])[
                np.concatenate([seller, s_seller]) % 5
            ],
            "seller_id": np.concatenate([seller_id, np.char.add("S", s_seller.astype(str))]),
            "seller_name": np.concatenate([seller_name, np.char.add("Shop ", s_seller.astype(str))]).astype(str),
            "listing_url": np.char.add("https://shop.example/item/", np.arange(n).astype(str)),
            "listed_price": np.concatenate([np.round(listed, 2), s_val]),
            "declared_value": np.concatenate([declared, s_val]),
            "currency": "USD",
            "description": np.concatenate(
                [desc, np.char.add("Zentro ", np.array([p[2] for p in PRODUCTS])[s_prod])]
            ).astype(str),
            "hs_code": np.concatenate([hs, np.array([p[0] for p in PRODUCTS])[s_prod]]).astype(str),
            "quantity": np.concatenate([qty, np.ones(n_split, dtype=int)]),
            "gross_mass_kg": np.round(rng.uniform(0.1, 3.0, n), 2),
            "consignee_id": cons_id.astype(str),
            "consignee_name": np.char.add("Consignee ", cons_all.astype(str)),
            "consignee_address": address.astype(str),
            "origin_country": np.concatenate([origin, np.array([p[1] for p in PRODUCTS])[s_prod]]).astype(str),
            "shipped_seconds": np.concatenate([seconds, s_sec]),
        }
    )
    no_list_all = np.concatenate([no_listing, np.zeros(n_split, dtype=bool)])
    df = df.with_columns(
        listed_price=pl.when(pl.Series(no_list_all)).then(None).otherwise(pl.col("listed_price")),
        shipped_at=(pl.lit(start) + pl.duration(seconds=pl.col("shipped_seconds"))).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ).drop("shipped_seconds")
    truth = pl.DataFrame({"parcel_id": ids, "kind": np.concatenate([kinds, np.full(n_split, "split")])})
    order = rng.permutation(n)
    return df[order], truth


def write_manifest(df: pl.DataFrame, path: Path, fmt: str = "csv") -> Path:
    """Writes a generated manifest as CSV or JSON lines."""
    if fmt == "jsonl":
        df.write_ndjson(path)
    else:
        df.write_csv(path)
    return path
