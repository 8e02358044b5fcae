"""Drawing an evaluation manifest from the real listings with fraud planted the way a fraudster would plant it:
undervalued parcels, placeholder values, split orders, recalled products, counterfeits and implausible HS codes;
written as a manifest CSV and a truth CSV (parcel id, planted kind, variant)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from clearway.ecommerce import lexicon
from clearway.ecommerce.evaluation.marketplace import NOMENCLATURE
from clearway.ecommerce.evaluation.registers import REGISTER
from clearway.ecommerce.model import MANIFEST_COLUMNS, Recall, RegisteredBrand

# Low-duty codes a fraudster declares instead (books, paintings, printed matter, toys).
DECOY_HS = ("490199", "970191", "491199", "950300")
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
                    planted = implausible_code(v, str(title[g]), str(code[g] or ""), rng)
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


def nomenclature_loaded() -> bool:
    """Whether ``set_nomenclature`` has read the subheadings (without them only unrelated-section codes)."""
    return bool(_SUBHEADINGS)


def _decoy(code: str, rng: np.random.Generator) -> str:
    choices = [c for c in DECOY_HS if not code or _section(c) != _section(code)]
    return choices[int(rng.integers(0, len(choices)))]


def implausible_code(variant: str, title: str, code: str, rng: np.random.Generator) -> str | None:
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
