"""Recall and IP matching read like a person: brand and model, product type, accessory mentions; token values;
evidence-first undervaluation; declared HS against the title."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from clearway.ecommerce import lexicon, matching
from clearway.ecommerce.model import Recall, RegisteredBrand, brand_from_row, normalise
from tests.unit.ecommerce.helpers import by_id, csv_bytes, parcel, run

MOON = Recall("RC-M", "LED lighting chain", "MOON", "ML-220", "overheating transformer", "940540")
MOON_NO_MODEL = Recall("RC-N", "LED lighting chain", "MOON MOON", "", "overheating transformer", None)
APPLE = RegisteredBrand("Apple", "Apple Inc", Decimal("150.00"), "USD", ("8517", "8471"), ("iPhone", "iPad"))
PUMA = RegisteredBrand("Puma", "Puma SE", Decimal("20.00"), "USD", ("64", "61"))


def _recall(recall: Recall, title: str) -> matching.RecallHit | None:
    return matching.recall_hit(recall, normalise(title), 90, lexicon.shipped())


def test_a_common_word_brand_in_a_brooch_title_is_not_a_recalled_lighting_chain() -> None:
    brooch = "Luci Smoking Red Moon Lapel Brooch"
    assert _recall(MOON, brooch) is None
    assert _recall(MOON_NO_MODEL, "Moon Moon Lapel Brooch") is None  # a brand alone: the product must match
    assert _recall(MOON_NO_MODEL, "MOON MOON lighting chain warm white") is not None
    hit = _recall(MOON, "moon ML220 LED lighting chain 10 m")
    assert hit is not None and "model 'ML-220'" in hit.matched and "brand 'MOON'" in hit.matched
    # the model without the product type agreeing is not enough: a brooch is not a lighting chain
    assert _recall(MOON, "Moon ML-220 lapel brooch") is None


def test_a_recalled_model_in_a_brooch_parcel_is_screened_out_by_hs_chapter_and_the_real_one_refused(
    tmp_path: Path,
) -> None:
    rows = [
        parcel("BROOCH", description="Luci Smoking Red Moon Lapel Brooch", hs_code="711719"),
        parcel("CHAIN", description="MOON ML 220 LED Lighting Chain (pack of 1)", hs_code="940540"),
        parcel("CHAIN2", description="Moon lighting chain ML-220", hs_code=""),
    ]
    _, decided = run(csv_bytes(rows), tmp_path, recalls=[MOON, MOON_NO_MODEL])
    got = by_id(decided)
    assert got["BROOCH"]["decision"] == "release"
    assert got["CHAIN"]["decision"] == got["CHAIN2"]["decision"] == "refuse"
    assert "model 'ML-220'" in str(got["CHAIN"]["reasons"])


def _ip(brand: RegisteredBrand, title: str) -> bool:
    hits = matching.brand_candidates(__import__("polars").Series([normalise(title)]), [brand])
    return hits.height > 0


def test_a_registered_brand_in_an_accessory_title_is_not_an_infringement_by_itself() -> None:
    assert not _ip(APPLE, "Fuson Back Cover for Apple iPad Mini 2")
    assert not _ip(APPLE, "Mobile Makeup Back Cover for Apple iPad Air, Apple iPad Air 5")
    assert not _ip(APPLE, "Rich Club Apple Shaped LED Digital Watch - For Boys, Girls")  # a common word
    assert not _ip(APPLE, "Apple Cider Vinegar 500 ml")  # leads the title but no model and not its goods
    assert _ip(APPLE, "Apple iPhone 6s 64GB Rose Gold")  # brand and model
    assert _ip(PUMA, "Puma Men's Running Shoes")  # leads the title, goods of the brand's chapters
    assert not _ip(PUMA, "Puma Printed Mug")
    assert not _ip(PUMA, "Wildlife Puma Poster")


def test_counterfeit_phones_are_held_but_cheap_covers_for_them_are_not(tmp_path: Path) -> None:
    rows = [
        parcel("FAKE", description="Apple iPhone 6s 64GB", hs_code="851713", declared_value="40", listed_price="40"),
        parcel("COVER", description="Back Cover for Apple iPhone 6s", hs_code="392690", declared_value="3"),
        parcel("WATCH", description="Rich Club Apple Shaped LED Digital Watch", hs_code="910211"),
    ]
    rows[1]["listed_price"] = "3.00"
    _, decided = run(csv_bytes(rows), tmp_path, brands=[APPLE])
    got = by_id(decided)
    assert got["FAKE"]["flags"] == "ip_infringement" and "model 'iPhone'" in str(got["FAKE"]["reasons"])
    assert got["COVER"]["flags"] == "" and got["WATCH"]["flags"] == ""


def test_token_values_are_placeholders_not_real_low_prices(tmp_path: Path) -> None:
    rows = [
        parcel("CHEAP", declared_value="0.42", listed_price="0.42", description="10Pcs Resin Charms Pendants"),
        parcel("ONE", declared_value="1.00", listed_price="1.00", description="Hair clip"),
        parcel("PLACEHOLDER", declared_value="1.00", listed_price=""),
        parcel("CENT", declared_value="0.01", listed_price=""),
        parcel("FARBELOW", declared_value="0.90", listed_price="25.00"),
        parcel("ZERO", declared_value="0", listed_price="20.00"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)
    assert got["CHEAP"]["flags"] == "" and got["ONE"]["flags"] == ""
    for pid in ("PLACEHOLDER", "CENT", "FARBELOW"):
        assert "data_quality" in str(got[pid]["flags"]), pid
    assert "token amount" in str(got["FARBELOW"]["reasons"])
    assert "placeholder" in str(got["PLACEHOLDER"]["reasons"])
    assert "VALUE_ZERO" in str(got["ZERO"]["dq_codes"])


def test_a_cheap_real_price_that_matches_its_listing_is_not_undervalued_by_peer_prices(tmp_path: Path) -> None:
    bag = {"hs_code": "420222", "description": "Leather handbag"}
    rows = [parcel(f"N{i}", declared_value="22.75", listed_price="", **bag) for i in range(40)]
    rows.append(parcel("LISTED", declared_value="1.20", listed_price="1.20", **bag))
    rows.append(parcel("UNDER", declared_value="4.00", listed_price="22.00", **bag))
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)
    assert got["LISTED"]["flags"] == ""
    assert "evidence: listing price" in str(got["UNDER"]["reasons"])


def test_a_declared_hs_code_of_another_section_than_the_goods_is_flagged(tmp_path: Path) -> None:
    rows = [
        parcel("BOOK", description="Samsung Galaxy J7 smartphone 16GB", hs_code="490199"),
        parcel("OK", description="Samsung Galaxy J7 smartphone 16GB", hs_code="851713"),
        parcel("NECKLACE", description="Gold plated necklace for women", hs_code="711719"),
        parcel("UNKNOWN", description="Zorbix thingamajig", hs_code="490199"),
        parcel("SHOES", description="Men's running shoes", hs_code="950300"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)
    assert got["BOOK"]["flags"] == "hs_implausible" and "'smartphone'" in str(got["BOOK"]["reasons"])
    assert got["BOOK"]["decision"] == "hold_documents"
    assert got["SHOES"]["flags"] == "hs_implausible"
    assert got["OK"]["flags"] == got["NECKLACE"]["flags"] == got["UNKNOWN"]["flags"] == ""


def test_the_lexicon_is_built_from_the_nomenclature_descriptions(tmp_path: Path) -> None:
    hs = tmp_path / "hs.csv"
    hs.write_text(
        "section,hscode,description,parent,level\n"
        "XII,6403,Footwear; with outer soles of rubber and uppers of leather,64,4\n"
        "XII,6404,Footwear; with outer soles of rubber and uppers of textile materials,64,4\n"
        "XI,6109,T-shirts; knitted or crocheted,61,4\n"
        "VII,3926,Articles of plastics; rubber or textile,39,4\n"
    )
    terms = dict(lexicon.build_terms(hs))
    assert terms["footwear"] == "64" and terms["shirt"] == "61"
    assert "rubber" in terms and "of" not in terms


def test_the_brand_register_takes_chapter_prefixes_and_model_names() -> None:
    row = {"brand": "Puma", "rights_holder": "Puma SE", "min_genuine_price": "5.66", "currency": "USD"}
    brand, issues = brand_from_row({**row, "hs_codes": "64;61;4202", "models": "Suede; Speedcat"}, 2)
    assert issues == [] and brand is not None
    assert brand.hs_codes == ("64", "61", "4202") and brand.models == ("Suede", "Speedcat")
    _, issues = brand_from_row({**row, "hs_codes": "6"}, 3)
    assert [i.code for i in issues] == ["HS_INVALID"]
