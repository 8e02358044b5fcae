"""Screening rules: de minimis, split shipments, undervaluation, recalled products, counterfeit brands."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from clearway.ecommerce import generator
from clearway.ecommerce.matching import model_match
from clearway.ecommerce.model import Recall, RegisteredBrand
from tests.unit.ecommerce.helpers import by_id, cfg, csv_bytes, parcel, run

KETTLE = Recall("RC-1", "electric kettle", "Acmeline", "KX-200", "overheats and can catch fire", "851671")
NORDIKA = RegisteredBrand("Nordika", "Nordika Sports AB", Decimal("120.00"), "USD", ("6403", "6404"))


def test_the_de_minimis_threshold_is_exclusive_and_converted_from_other_currencies(tmp_path: Path) -> None:
    rows = [
        parcel("AT", declared_value="200.00", listed_price="200.00"),
        parcel("OVER", declared_value="200.01", listed_price="200.01"),
        parcel("EUR", declared_value="190.00", listed_price="190.00", currency="EUR"),  # 205.20 USD
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)
    assert got["AT"]["flags"] == "" and got["AT"]["decision"] == "release"
    assert got["OVER"]["flags"] == "over_de_minimis" and got["OVER"]["decision"] == "hold_documents"
    assert got["EUR"]["flags"] == "over_de_minimis"
    assert "threshold of 200 USD for PE" in str(got["EUR"]["reasons"])


def test_split_shipments_by_consignee_or_address_within_the_window(tmp_path: Path) -> None:
    common = {"seller_id": "S9", "declared_value": "150.00", "listed_price": "150.00"}
    rows = [
        parcel("A1", consignee_id="C7", shipped_at="2026-11-01T08:00:00Z", **common),
        parcel("A2", consignee_id="C7", shipped_at="2026-11-03T08:00:00Z", **common),
        # same address written differently, different consignee ids
        parcel("B1", consignee_id="X1", consignee_address="12 Jr. Puno, LIMA", **common),
        parcel("B2", consignee_id="X2", consignee_address="12 jr puno lima", **common),
        # too far apart in time
        parcel("C1", consignee_id="C8", shipped_at="2026-11-01T08:00:00Z", **common),
        parcel("C2", consignee_id="C8", shipped_at="2026-11-09T08:00:00Z", **common),
        # together under the threshold
        parcel("D1", consignee_id="C9", declared_value="50", listed_price="50", seller_id="S9"),
        parcel("D2", consignee_id="C9", declared_value="60", listed_price="60", seller_id="S9"),
        # another seller
        parcel("E1", consignee_id="C10", **common),
        parcel("E2", consignee_id="C10", **{**common, "seller_id": "S10"}),
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    flagged = {pid for pid, r in by_id(decided).items() if "split_shipment" in str(r["flags"])}
    assert flagged == {"A1", "A2", "B1", "B2"}
    reason = str(by_id(decided)["A1"]["reasons"])
    assert "2 parcels from seller S9" in reason and "together 300.00 USD" in reason


def test_undervaluation_against_the_listing_and_the_unit_value_distribution(tmp_path: Path) -> None:
    rows = [parcel(f"N{i}", declared_value=f"{19 + i % 3}.00", listed_price="") for i in range(40)]
    rows += [
        parcel("LIST", declared_value="4.00", listed_price="20.00"),
        parcel("UNIT", declared_value="2.00", listed_price=""),
        parcel("FAIR", declared_value="12.00", listed_price="20.00"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)
    assert "20% of the listed price" in str(got["LIST"]["reasons"])
    assert "of the median" in str(got["UNIT"]["reasons"]) and "evidence: the same item" in str(got["UNIT"]["reasons"])
    assert got["LIST"]["decision"] == got["UNIT"]["decision"] == "hold_inspection"
    assert got["FAIR"]["flags"] == ""
    assert not any("undervaluation" in str(r["flags"]) for pid, r in got.items() if pid.startswith("N"))


def test_recalled_products_match_despite_case_order_and_model_spelling(tmp_path: Path) -> None:
    rows = [
        parcel("R1", description="ACMELINE Electric Kettle KX200 1.7L", hs_code="851671"),
        parcel("R2", description="kettle kx 200 acmeline, gift box", hs_code=""),
        parcel("SAFE", description="Acmeline electric kettle KX-900", hs_code="851671"),
        parcel("OTHERHS", description="Acmeline KX-200 poster", hs_code="491110"),
        parcel("NOBRAND", description="electric kettle KX-200", hs_code="851671"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path, recalls=[KETTLE])
    got = by_id(decided)
    assert got["R1"]["decision"] == got["R2"]["decision"] == "refuse"
    assert "recall RC-1" in str(got["R1"]["reasons"]) and "overheats" in str(got["R1"]["reasons"])
    assert all(got[p]["flags"] == "" for p in ("SAFE", "OTHERHS", "NOBRAND"))


def test_recall_score_needs_the_model() -> None:
    assert model_match(KETTLE.model, "acmeline kettle kx 200", 90) == 100
    assert model_match(KETTLE.model, "acmeline kettle kx 900", 90) < 90


def test_counterfeits_are_cheap_registered_brands_from_unknown_sellers(tmp_path: Path) -> None:
    shoe = {"hs_code": "640411", "description": "Nordika running shoes"}
    rows = [
        parcel("FAKE", declared_value="18.00", listed_price="18.00", **shoe),
        parcel("OFFICIAL", declared_value="15.00", listed_price="15.00", seller_name="Nordika Official Store", **shoe),
        parcel("GENUINE", declared_value="140.00", listed_price="140.00", **shoe),
        parcel("OTHERGOODS", declared_value="15.00", listed_price="15.00", description="Nordika mug", hs_code="691200"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path, brands=[NORDIKA])
    got = by_id(decided)
    assert got["FAKE"]["flags"] == "ip_infringement" and got["FAKE"]["decision"] == "hold_inspection"
    assert "Nordika Sports AB" in str(got["FAKE"]["reasons"]) and "15% of the lowest genuine price" in str(
        got["FAKE"]["reasons"]
    )
    assert all(got[p]["flags"] == "" for p in ("OFFICIAL", "GENUINE", "OTHERGOODS"))


def test_planted_cases_of_a_generated_manifest_are_caught(tmp_path: Path) -> None:
    df, truth = generator.manifest(4000, seed=11)
    recalls = [generator_recall(r) for r in generator.RECALLS]
    brands = [
        RegisteredBrand(b, holder, Decimal(str(price)), "USD", tuple(codes.split(";")))
        for b, holder, price, codes, _ in generator.BRANDS
    ]
    data = df.write_csv().encode()
    _, decided = run(data, tmp_path, recalls=recalls, brands=brands, settings=cfg(inspection_share=0.2))
    joined = decided.join(truth, on="parcel_id")
    for kind, flag in (
        ("split", "split_shipment"),
        ("undervalued", "undervaluation"),
        ("recalled", "recalled_product"),
        ("ip", "ip_infringement"),
    ):
        planted = joined["kind"] == kind
        caught = joined["flags"].str.contains(flag)
        recall = (planted & caught).sum() / planted.sum()
        precision = (planted & caught).sum() / caught.sum()
        assert recall >= 0.95, (kind, recall)
        assert precision >= 0.8, (kind, precision)
    assert joined.filter(pl.col("kind") == "recalled")["decision"].unique().to_list() == ["refuse"]


def generator_recall(row: tuple[str, str, str, str, str, str, int]) -> Recall:
    """Builds a recall from a generator row."""
    rid, product, brand, model, hazard, hs, _ = row
    return Recall(rid, product, brand, model, hazard, hs)
