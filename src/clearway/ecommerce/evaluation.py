"""Evaluation manifests whose ordinary parcels are real marketplace listings, with fraud planted in them.

The listings (``marketplace/flipkart-listings.csv`` of the shared data: title, brand, category path, price in
INR) are split by a fixed hash of their listing id into a **calibration** half (thresholds are tuned on it,
and the brand register's lowest genuine prices are read from it) and a **held-out** half (figures are
reported on it). Prices are converted at the reference rate shipped with Clearway (``data/usd_rates.csv``,
INR 0.012 USD). The declared HS code of an ordinary parcel comes from its category path (``CATEGORY_HS``,
written by hand from the HS nomenclature); the carrier declares the listed price.

Planted the way a fraudster would: undervalued parcels (8-40 % of the price, with or without the listing),
placeholder values (0, 0.01, 0.10, 1.00), split orders (one seller, one consignee, 2-4 parcels in 2 days,
each under the 200 USD threshold, together over it), recalled products (brand and model in varied spellings,
common-word brands among them), counterfeits of registered brands (common-word brands among them) and
implausible HS codes in three ways (``variant`` in the truth): a code of an unrelated low-duty section (a
phone declared as a book), a code of another chapter whose nomenclature text shares a word of the title
("Rice Lights" declared under rice, "Mouse" under live animals), and a neighbouring heading of the same
chapter (the evaluation has no duty rates, so "cheaper" is not checked: any other heading of the chapter).

The ordinary parcels' declared codes come from the listing's category path through hand-written tables,
never from the HS-suggestion service (that would make the HS check judge its own output). They are a
carrier's code, not a classifier's truth: on the 198 hand-labelled titles of
``benchmarks/data/hs_marketplace_labels.csv`` they agree with the label at chapter level for about 7 in 10
and at section level for about 8 in 10 (docs/ecommerce.md), so some HS flags counted as false on ordinary
parcels are right.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

from clearway.classification import service as classification
from clearway.classification.model import Index
from clearway.ecommerce import config, decide, hs_check, ingest, lexicon, screening
from clearway.ecommerce.model import MANIFEST_COLUMNS, Recall, RegisteredBrand, ScreeningConfig

LISTINGS = Path("marketplace/flipkart-listings.csv")
NOMENCLATURE = Path("hs/harmonized-system.csv")
INR_USD = float(config.usd_rates()["INR"])

# (top category, second category or "") -> HS6 a carrier would declare for the listing.
CATEGORY_HS: dict[tuple[str, str], str] = {
    ("Clothing", "Women's Clothing"): "620444",
    ("Clothing", "Men's Clothing"): "620520",
    ("Clothing", "Kids' Clothing"): "611120",
    ("Clothing", ""): "620444",
    ("Jewellery", ""): "711719",
    ("Footwear", ""): "640299",
    ("Mobiles & Accessories", "Tablet Accessories"): "420232",
    ("Mobiles & Accessories", "Mobile Accessories"): "392690",
    ("Mobiles & Accessories", ""): "851713",
    ("Automotive", ""): "870899",
    ("Watches", ""): "910211",
    ("Tools & Hardware", ""): "820559",
    ("Beauty and Personal Care", "Fragrances"): "330300",
    ("Beauty and Personal Care", "Makeup"): "330499",
    ("Beauty and Personal Care", "Hair Care"): "330510",
    ("Beauty and Personal Care", ""): "330499",
    ("Computers", "Laptop Accessories"): "847330",
    ("Computers", "Network Components"): "851762",
    ("Computers", ""): "847330",
    ("Home Decor & Festive Needs", "Decorative Lighting & Lamps"): "940540",
    ("Home Decor & Festive Needs", "Wall Decor & Clocks"): "970200",
    ("Home Decor & Festive Needs", "Candles & Fragrances"): "340600",
    ("Home Decor & Festive Needs", "Flowers, Plants & Vases"): "670290",
    ("Home Decor & Festive Needs", ""): "442090",
    ("Kitchen & Dining", "Coffee Mugs"): "691200",
    ("Kitchen & Dining", "Cookware"): "732393",
    ("Kitchen & Dining", "Containers & Bottles"): "392330",
    ("Kitchen & Dining", "Bar & Glassware"): "701337",
    ("Kitchen & Dining", "Lighting"): "940540",
    ("Kitchen & Dining", ""): "732393",
    ("Home Furnishing", "Curtains & Accessories"): "630399",
    ("Home Furnishing", "Cushions, Pillows & Covers"): "940490",
    ("Home Furnishing", "Floor Coverings"): "570500",
    ("Home Furnishing", ""): "630231",
    ("Toys & School Supplies", "School Supplies"): "482010",
    ("Toys & School Supplies", ""): "950300",
    ("Baby Care", "Infant Wear"): "611120",
    ("Baby Care", "Baby Bedding"): "630231",
    ("Baby Care", ""): "950300",
    ("Bags, Wallets & Belts", "Wallets & Clutches"): "420231",
    ("Bags, Wallets & Belts", "Suspenders"): "621290",
    ("Bags, Wallets & Belts", ""): "420222",
    ("Pens & Stationery", "Pens"): "960810",
    ("Pens & Stationery", ""): "482010",
    ("Cameras & Accessories", ""): "900290",
    ("Furniture", ""): "940360",
    ("Sports & Fitness", ""): "950699",
    ("Health & Personal Care Appliances", ""): "851010",
    ("Gaming", ""): "950450",
    ("Home Improvement", "Lawn & Gardening"): "820190",
    ("Home Improvement", ""): "853690",
    ("Pet Supplies", ""): "420100",
    ("Sunglasses", ""): "900410",
    ("eBooks", ""): "490199",
    ("Home & Kitchen", ""): "732393",
    ("Eyewear", ""): "900410",
}
# Finer codes by a word of the category path (the third level and below), first match wins.
CATEGORY_PATH_HS: tuple[tuple[str, str], ...] = (
    ("Stickers", "491199"),
    ("Wall Decals", "491199"),
    ("Pencil Boxes", "392610"),
    ("Pencil boxes", "392610"),
    ("Lunch Boxes", "392410"),
    ("Water Bottles", "392330"),
    ("School Bags", "420292"),
    ("Clocks", "910521"),
    ("Headphones", "851830"),
    ("Headsets", "851830"),
    ("Speakers", "851822"),
    ("Earphone", "851830"),
    ("Cables", "854442"),
    ("Chargers", "850440"),
    ("OTG Adapters", "854442"),
    ("Batteries", "850760"),
    ("Screen Protectors", "392690"),
    ("Mouse", "847160"),
    ("Towels", "630260"),
    ("Vase", "691390"),
    ("Artificial", "670290"),
    ("Plants", "060290"),
    ("Card Holders", "420231"),
    ("Bowls & Bottles", "392410"),
    ("Car Interior & Exterior", "870829"),
    ("Car & Bike Care", "630790"),
    ("Automotive Combo", "630790"),
    ("Lighting", "851220"),
    ("Helmets", "650610"),
    ("Car Electronics", "851810"),
    ("Accessories & Combo Sets", "621520"),
    ("Vanity Boxes", "420292"),
    ("Key Chains", "711719"),
    ("Desk Organizers", "392610"),
    ("Office Supplies Accessories", "392610"),
    ("Camping & Hiking", "420292"),
    ("Lightings", "940540"),
    ("Mixer/juicer/grinders", "850940"),
    ("Induction Cooktops", "851660"),
    ("Placemats", "630291"),
    ("Tool Accessories", "820559"),
    ("Hardware & Electricals", "853690"),
)
# Low-duty codes a fraudster declares instead (books, paintings, printed matter, toys).
DECOY_HS = ("490199", "970191", "491199", "950300")

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
COUNTERFEITS = (
    ("Apple", "Apple iPhone 6s 64GB Rose Gold", "851713"),
    ("Apple", "APPLE AirPods wireless earphones", "851830"),
    ("Puma", "Puma Men's Running Shoes", "640411"),
    ("Puma", "PUMA Suede Classic Sneakers", "640411"),
    ("Crocs", "Crocs Classic Clog Unisex", "640299"),
    ("Nike", "Nike Air Max 90 Running Shoes", "640411"),
    ("Samsung", "Samsung Galaxy S7 Edge 32GB", "851713"),
    ("Titan", "Titan Raga Analog Watch - For Women", "910211"),
    ("Ray-Ban", "Ray-Ban Aviator Sunglasses RB3025", "900410"),
    ("Adidas", "Adidas Originals Superstar Shoes", "640411"),
)
PLANT_SHARE = {"undervalued": 0.008, "token": 0.003, "split": 0.006, "recalled": 0.002, "ip": 0.003, "hs": 0.003}
KIND_FLAG = {
    "undervalued": "undervaluation",
    "token": "data_quality",
    "split": "split_shipment",
    "recalled": "recalled_product",
    "ip": "ip_infringement",
    "hs": "hs_implausible",
}
RISK_FLAGS = (*KIND_FLAG.values(), "risky_seller")


def load_listings(shared: Path) -> pl.DataFrame:
    """Reads the real listings with their half ('calibration' or 'held_out'), USD price and declared HS."""
    raw = pl.read_csv(shared / LISTINGS, infer_schema_length=0)
    parts = pl.col("category").str.split(" >> ")
    df = (
        raw.with_columns(
            price_inr=pl.coalesce(
                pl.col("discounted_price").cast(pl.Float64, strict=False),
                pl.col("retail_price").cast(pl.Float64, strict=False),
            ),
            top=parts.list.get(0, null_on_oob=True),
            sec=parts.list.get(1, null_on_oob=True).fill_null(""),
            half=pl.when(pl.col("listing_id").str.slice(0, 8).str.to_integer(base=16) % 2 == 0)
            .then(pl.lit("calibration"))
            .otherwise(pl.lit("held_out")),
        )
        .filter(pl.col("price_inr") > 0)
        .with_columns(price=(pl.col("price_inr") * INR_USD).round(2))
    )
    exact = pl.DataFrame(
        {"top": [k[0] for k in CATEGORY_HS], "sec": [k[1] for k in CATEGORY_HS], "hs": list(CATEGORY_HS.values())}
    )
    fallback = exact.filter(pl.col("sec") == "").select("top", hs_top="hs")
    df = df.join(exact, on=["top", "sec"], how="left").join(fallback, on="top", how="left")
    deeper = pl.col("category").str.split(" >> ").list.slice(2).list.join(" >> ")
    fine = pl.lit(None, pl.String)
    for word, code in reversed(CATEGORY_PATH_HS):
        fine = pl.when(deeper.str.contains(word, literal=True)).then(pl.lit(code)).otherwise(fine)
    df = df.with_columns(hs=pl.coalesce(fine, "hs"))
    seller = pl.coalesce(pl.col("brand"), pl.col("title").str.split(" ").list.first()).str.strip_chars()
    return df.with_columns(
        hs=pl.coalesce("hs", "hs_top"),
        seller_name=seller,
        seller_id=pl.concat_str([pl.lit("S-"), seller.str.to_lowercase().hash().cast(pl.String).str.slice(0, 10)]),
    ).select("listing_id", "half", "title", "brand", "category", "price", "hs", "seller_id", "seller_name")


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


@dataclass(frozen=True)
class Plan:
    """How a manifest is drawn: parcels, listing share, seed, and the share of each planted kind."""

    parcels: int
    seed: int = 7
    listing_share: float = 0.7  # parcels whose manifest row carries the listing price
    plant: bool = True


def _variant(model: str, rng: np.random.Generator) -> str:
    choice = int(rng.integers(0, 4))
    if choice == 0:
        return model.replace("-", "")
    if choice == 1:
        return model.replace("-", " ").lower()
    if choice == 2:
        return model.lower()
    return model


def chunks(listings: pl.DataFrame, plan: Plan, recalls: list[Recall], chunk: int = 500_000) -> Iterator[pl.DataFrame]:
    """Yields the manifest in chunks of parcels (with a ``kind`` column: 'ordinary' or the planted kind)."""
    rng = np.random.default_rng(plan.seed)
    base = listings.select("title", "price", "hs", "seller_id", "seller_name")
    titles, prices = base["title"].to_numpy(), base["price"].to_numpy()
    hs, sid, sname = base["hs"].to_numpy(), base["seller_id"].to_numpy(), base["seller_name"].to_numpy()
    split_pool = np.flatnonzero((prices > 101) & (prices < 195))  # two or more of them exceed 200 USD
    dear = np.flatnonzero(prices >= 10)
    done = 0
    while done < plan.parcels:
        n = min(chunk, plan.parcels - done)
        yield _chunk(n, done, rng, plan, titles, prices, hs, sid, sname, split_pool, dear, recalls)
        done += n


def _chunk(
    n: int,
    offset: int,
    rng: np.random.Generator,
    plan: Plan,
    titles: np.ndarray,
    prices: np.ndarray,
    hs: np.ndarray,
    sid: np.ndarray,
    sname: np.ndarray,
    split_pool: np.ndarray,
    dear: np.ndarray,
    recalls: list[Recall],
) -> pl.DataFrame:
    pick = rng.integers(0, len(titles), n)
    kind = np.array(["ordinary"] * n, dtype=object)
    variant = np.array([""] * n, dtype=object)
    title, price, code = titles[pick].astype(object), prices[pick].astype(float), hs[pick].astype(object)
    seller, seller_name = sid[pick].astype(object), sname[pick].astype(object)
    declared = price.copy()
    listed = rng.random(n) < plan.listing_share
    consignee = rng.integers(0, max(10, 3 * plan.parcels), n)
    hours = rng.integers(0, 24 * 7, n)
    if plan.plant:
        slots = rng.permutation(n)
        at = 0
        for k, share in PLANT_SHARE.items():
            m = round(n * share)
            idx = slots[at : at + m]
            at += m
            kind[idx] = k
            if k == "undervalued":
                j = dear[rng.integers(0, len(dear), m)]
                title[idx], price[idx], code[idx], seller[idx] = titles[j], prices[j], hs[j], sid[j]
                seller_name[idx] = sname[j]
                declared[idx] = np.round(prices[j] * rng.uniform(0.08, 0.4, m), 2)
                listed[idx] = rng.random(m) < 0.5
            elif k == "token":
                declared[idx] = rng.choice([0.0, 0.01, 0.10, 1.00], m)
                listed[idx] = rng.random(m) < 0.7
            elif k == "split":
                i = 0
                while i < m:
                    size = min(int(rng.integers(2, 5)), m - i)
                    group = idx[i : i + size]
                    j = split_pool[rng.integers(0, len(split_pool))]
                    title[group], price[group], code[group], seller[group] = titles[j], prices[j], hs[j], sid[j]
                    seller_name[group] = sname[j]
                    declared[group] = prices[j]
                    consignee[group] = -1 - offset - int(group[0])
                    hours[group] = int(rng.integers(0, 24 * 5)) + rng.integers(0, 48, size)
                    if size == 1:
                        kind[group] = "ordinary"
                    i += size
            elif k == "recalled":
                for g in idx:
                    r = recalls[int(rng.integers(0, len(recalls)))]
                    brand = r.brand if rng.random() < 0.5 else r.brand.upper()
                    model = _variant(r.model, rng) if r.model else ""
                    words = [brand, model, r.product] if rng.random() < 0.5 else [brand, r.product, model]
                    title[g] = " ".join(w for w in words if w) + rng.choice(["", " new", " (pack of 1)", " - 2016"])
                    code[g] = r.hs_code if rng.random() < 0.8 else None
                    price[g] = declared[g] = round(float(rng.uniform(5, 60)), 2)
                    seller[g], seller_name[g] = f"S-R{int(rng.integers(0, 50))}", "Global Trade Shop"
            elif k == "ip":
                for g in idx:
                    brand, text, hs6 = COUNTERFEITS[int(rng.integers(0, len(COUNTERFEITS)))]
                    floor = _FLOORS.get(brand, 10.0)
                    title[g], code[g] = text, hs6
                    price[g] = declared[g] = round(floor * float(rng.uniform(0.1, 0.4)), 2)
                    seller[g], seller_name[g] = f"S-F{int(rng.integers(0, 80))}", "Best Deals Store"
            elif k == "hs":
                for g in idx:
                    v = HS_VARIANTS[int(rng.integers(0, len(HS_VARIANTS)))]
                    planted = _implausible_code(v, str(title[g]), str(code[g] or ""), rng)
                    if planted is None:
                        v, planted = "section", _decoy(str(code[g] or ""), rng)
                    code[g], variant[g] = planted, v
    t0 = np.datetime64("2026-11-01T00:00:00")
    shipped = t0 + hours.astype("timedelta64[h]") + rng.integers(0, 3600, n).astype("timedelta64[s]")
    ids = np.arange(offset, offset + n)
    cons = np.where(consignee < 0, consignee, consignee)
    frame = pl.DataFrame(
        {
            "parcel_id": [f"P{i:09d}" for i in ids],
            "house_waybill": [f"HW{i:09d}" for i in ids],
            "master_waybill": [f"MW{i // 5000:06d}" for i in ids],
            "marketplace": "flipkart",
            "seller_id": seller.tolist(),
            "seller_name": seller_name.tolist(),
            "listing_url": "",
            "listed_price": np.where(listed, np.round(price, 2), np.nan),
            "declared_value": np.round(declared, 2),
            "currency": "USD",
            "description": title.tolist(),
            "hs_code": code.tolist(),
            "quantity": 1,
            "gross_mass_kg": np.round(rng.uniform(0.1, 3, n), 2),
            "consignee_id": [f"C{c}" for c in cons],
            "consignee_name": "",
            "consignee_address": [f"{abs(c)} Avenida Central, Lima" for c in cons],
            "origin_country": rng.choice(["IN", "CN"], n, p=[0.7, 0.3]),
            "shipped_at": shipped.astype("datetime64[s]").astype(str).tolist(),
            "kind": kind.tolist(),
            "variant": variant.tolist(),
        },
        schema_overrides={"hs_code": pl.String},
    )
    return frame.with_columns(
        pl.col("listed_price").fill_nan(None).round(2).cast(pl.String),
        pl.col("declared_value").cast(pl.Decimal(18, 2)).cast(pl.String),
        pl.col("shipped_at") + "Z",
    )


_FLOORS: dict[str, float] = {b[0]: b[4] for b in REGISTER}


def set_floors(brands: list[RegisteredBrand]) -> None:
    """Prices the counterfeits against the register in use (a fraction of each brand's lowest genuine price)."""
    _FLOORS.update({b.brand: float(b.min_genuine_price) for b in brands})


def _section(code: str) -> int:
    return lexicon.section(code[:2])


HS_VARIANTS = ("section", "word", "neighbour")
_SUBHEADINGS: list[str] = []
_WORD_CODES: dict[str, list[str]] = {}


def set_nomenclature(shared: Path) -> None:
    """Reads the HS subheadings and, per word of their texts, the codes using it (for planting codes)."""
    _SUBHEADINGS.clear()
    _WORD_CODES.clear()
    with (shared / NOMENCLATURE).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code = row["hscode"]
            if len(code) == 6 and code.isdigit() and not code.startswith("99"):
                _SUBHEADINGS.append(code)
                for w in set(lexicon.words(row["description"])):
                    if len(w) >= 4 and w not in lexicon.STOPWORDS:
                        _WORD_CODES.setdefault(w, []).append(code)


def _decoy(code: str, rng: np.random.Generator) -> str:
    choices = [c for c in DECOY_HS if not code or _section(c) != _section(code)]
    return choices[int(rng.integers(0, len(choices)))]


def _implausible_code(variant: str, title: str, code: str, rng: np.random.Generator) -> str | None:
    """A code a fraudster would declare instead of ``code`` for ``title`` (None when the variant has none)."""
    if variant == "section" or not _SUBHEADINGS or not code:
        return _decoy(code, rng) if variant == "section" or not code else None
    if variant == "neighbour":
        same = [c for c in _SUBHEADINGS if c[:2] == code[:2] and c[:4] != code[:4]]
        return same[int(rng.integers(0, len(same)))] if same else None
    options = [
        c
        for w in lexicon.words(title)
        if len(w) >= 4 and w not in lexicon.STOPWORDS
        for c in _WORD_CODES.get(w, ())
        if c[:2] != code[:2]
    ]
    return options[int(rng.integers(0, len(options)))] if options else None


def write_manifest(frames: Iterator[pl.DataFrame], manifest: Path, truth: Path) -> int:
    """Streams chunks to a manifest CSV and a truth CSV (parcel_id, kind); returns the number of parcels."""
    total = 0
    with manifest.open("wb") as m, truth.open("wb") as t:
        for i, frame in enumerate(frames):
            frame.select(MANIFEST_COLUMNS).write_csv(m, include_header=i == 0)
            frame.select("parcel_id", "kind", "variant").write_csv(t, include_header=i == 0)
            total += frame.height
    return total


def screen_file(
    manifest: Path,
    work: Path,
    recalls: list[Recall],
    brands: list[RegisteredBrand],
    cfg: ScreeningConfig | None = None,
    advisor: hs_check.Advisor | None = None,
) -> pl.DataFrame:
    """Ingests and screens a manifest file without a database (no seller history, no earlier capacity)."""
    cfg = cfg or config.for_country("PE")
    with manifest.open("rb") as stream:
        result = ingest.ingest(stream, "csv", work, cfg)
    parcels = pl.scan_parquet([str(p) for p in result.parts]).collect()
    received = datetime(2026, 11, 8, tzinfo=UTC)
    prepared = screening.prepare(parcels, cfg, received)
    profiles = pl.DataFrame(
        schema={"seller_id": pl.String, "parcels": pl.Int64, "flagged": pl.Int64, "confirmed": pl.Int64}
    )
    screened = screening.screen(prepared, cfg, recalls=recalls, brands=brands, profiles=profiles, advisor=advisor)
    decided = decide.outcomes(screened).with_columns(day=pl.col("t").dt.date())
    return decide.apply_capacity(decided, cfg)


def hs_index(shared: Path) -> Index:
    """Builds the HS-suggestion index of the classification service from the shared nomenclature file."""
    from clearway.reference.model import parse_hs_csv

    with (shared / NOMENCLATURE).open(encoding="utf-8-sig", newline="") as f:
        entries = parse_hs_csv(f)
    return classification.index_of(entries, {}, ("file", str(shared / NOMENCLATURE)))


def calibrate(
    manifest: Path,
    work: Path,
    target: float = 0.0005,
    cfg: ScreeningConfig | None = None,
    advisor: hs_check.Advisor | None = None,
    hs_target: float = 0.001,
) -> dict[str, float]:
    """Chooses the thresholds on a manifest of ordinary parcels (the calibration half).

    Each threshold is set so that its rule flags at most ``target`` of the ordinary parcels (of those
    without a listing, which are the only ones peer prices judge): ``title_ratio`` for parcels with the
    same description, ``peer_z`` for comparable parcels (HS6 and product noun). With an advisor, the HS
    check's ``hs_lexicon_ratio`` flags at most ``hs_target`` (the lexicon and the service agree) and
    ``hs_suggest_ratio`` (the service alone, a weaker reader of marketplace titles) a tenth of it.
    """
    cfg = cfg or config.for_country("PE")
    with manifest.open("rb") as stream:
        result = ingest.ingest(stream, "csv", work, cfg)
    df = screening.prepare(
        pl.scan_parquet([str(p) for p in result.parts]).collect(), cfg, datetime(2026, 11, 8, tzinfo=UTC)
    )
    budget = target * df.height
    uv = pl.col("value_usd") / pl.col("quantity")
    no_listing = df.filter(pl.col("listed_price").is_null() & (pl.col("value_usd") > 0))
    same = screening.title_stats(df, cfg)
    peers = screening.peer_stats(df, cfg)
    d = no_listing.join(same, on="desc_norm", how="left").join(peers, on=["hs6", "noun"], how="left")
    ratios = d.filter(pl.col("t_med").is_not_null()).select(r=uv / pl.col("t_med").exp())["r"].sort()
    k = int(budget // 2)
    title_ratio = min(cfg.listing_ratio, float(ratios[k])) if ratios.len() > k else cfg.listing_ratio
    z = (
        d.filter(pl.col("t_med").is_null() & pl.col("med").is_not_null())
        .filter(uv < cfg.unit_value_ratio * pl.col("med").exp())
        .select(z=-(uv.log() - pl.col("med")) / pl.col("spread"))["z"]
        .sort(descending=True)
    )
    peer_z = float(z[k]) if z.len() > k else cfg.peer_z
    found = {"title_ratio": round(title_ratio, 3), "peer_z": round(max(peer_z, cfg.peer_z), 2)}
    if advisor is not None:
        found.update(_calibrate_hs(df, advisor, cfg, hs_target))
    return found


def _calibrate_hs(df: pl.DataFrame, advisor: hs_check.Advisor, cfg: ScreeningConfig, target: float) -> dict[str, float]:
    """The largest ratios whose HS rules flag at most their share of the ordinary parcels each: the lexicon and
    the service together ``target``, the service alone at chapter level and at heading level a tenth of it."""
    every = replace(cfg, hs_heading_ratio=1.0)
    judged = hs_check.judged_pairs(df, every, advisor)
    parcels = df.select("desc_norm", "hs6").join(judged, on=["desc_norm", "hs6"])

    def cut(ratios: pl.Series, share: float, cap: float) -> float:
        r, k = ratios.sort(), int(share * df.height)
        return round(min(cap, float(r[k])) if r.len() > k else cap, 3)

    chapter = parcels.filter(~pl.col("lex_chapter") & (pl.col("hs_best") >= cfg.hs_min_best))
    suggest = cut(chapter.filter(~pl.col("lex_against"))["hs_ratio"], target / 10, 0.5)
    with_lexicon = cut(chapter.filter(pl.col("lex_against"))["hs_ratio"], target, 0.9)
    found = {"hs_suggest_ratio": suggest, "hs_lexicon_ratio": max(with_lexicon, suggest)}
    settled = replace(cfg, hs_suggest_ratio=suggest, hs_lexicon_ratio=found["hs_lexicon_ratio"])
    confident = parcels.filter(
        ~hs_check.chapter_rule(settled)
        & (pl.col("hs_best") >= cfg.hs_heading_min_best)
        & (pl.col("hs_second") < cfg.hs_heading_margin)
    )
    found["hs_heading_ratio"] = cut(confident["hs_head_ratio"], target / 10, 0.5)
    return found


def score(decided: pl.DataFrame, truth: pl.DataFrame) -> dict[str, object]:
    """Precision and recall per planted kind, and the false-flag rate on ordinary parcels.

    A flag on a parcel of another planted kind is not counted against precision (it is a fraud parcel);
    false flags are flags on ordinary parcels. ``over_de_minimis`` is the law, not a risk claim: it is
    reported apart.
    """
    j = decided.select("parcel_id", "flags", "decision").join(truth, on="parcel_id")
    ordinary = j.filter(pl.col("kind") == "ordinary")
    out: dict[str, object] = {}
    for kind, flag in KIND_FLAG.items():
        has = j["flags"].str.contains(flag)
        planted = j["kind"] == kind
        tp = int((planted & has).sum())
        fp = int((has & (j["kind"] == "ordinary")).sum())
        out[kind] = {
            "flag": flag,
            "planted": int(planted.sum()),
            "caught": tp,
            "false_flags": fp,
            "precision": round(tp / max(1, tp + fp), 4),
            "recall": round(tp / max(1, int(planted.sum())), 4),
            "false_flag_rate": round(fp / max(1, ordinary.height), 5),
        }
    n = max(1, ordinary.height)
    risky = int(ordinary["flags"].str.contains("|".join(RISK_FLAGS)).sum())
    over = int(ordinary["flags"].str.contains("over_de_minimis").sum())
    held = int((ordinary["decision"] != "release").sum())
    out["ordinary"] = {
        "parcels": ordinary.height,
        "false_flags": risky,
        "false_flag_rate": round(risky / n, 5),
        "over_de_minimis_rate": round(over / n, 5),
        "not_released_rate": round(held / n, 5),
    }
    return out


def false_flag_examples(decided: pl.DataFrame, truth: pl.DataFrame, n: int = 20) -> pl.DataFrame:
    """Returns some ordinary parcels that were flagged, with their reasons (for calibration)."""
    j = decided.join(truth, on="parcel_id").filter(
        (pl.col("kind") == "ordinary") & pl.col("flags").str.contains("|".join(RISK_FLAGS))
    )
    return j.select("parcel_id", "flags", "reasons").unique("reasons").head(n)
