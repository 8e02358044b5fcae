"""The real marketplace listings of an evaluation: their half (calibration or held-out), the price in USD at the
reference rate, and the HS code a carrier would declare, from the category path (hand-written tables)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clearway.ecommerce import config

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
