"""Streaming screening: bounded buckets, the same decisions as screening the whole, bad rows reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearway.core.issues import ValidationFailed
from clearway.ecommerce import ingest, screening, stream
from tests.unit.ecommerce.helpers import RECEIVED, by_id, cfg, csv_bytes, parcel, run

PROFILES = pl.DataFrame(schema=screening.PROFILE_SCHEMA)


def _manifest(n: int) -> list[dict[str, str]]:
    rows = [
        parcel(f"P{i:05d}", seller_id=f"S{i % 97}", consignee_id=f"C{i}", declared_value=f"{5 + i % 40}.00")
        for i in range(n)
    ]
    # a split order: one seller, one consignee, three parcels of 90 USD
    for k in range(3):
        rows.append(
            parcel(f"SPLIT{k}", seller_id="S-SPLIT", consignee_id="C-SPLIT", declared_value="90.00", listed_price="90")
        )
    return rows


def _stream(
    path: Path, tmp: Path, bucket_rows: int, profiles: pl.DataFrame = PROFILES
) -> tuple[stream.StreamReport, pl.DataFrame]:
    out = tmp / "decisions.csv"
    work = tmp / "work"
    work.mkdir(parents=True)
    report = stream.screen_file(
        path, out, work, cfg(), recalls=[], brands=[], profiles=profiles, received_at=RECEIVED, bucket_rows=bucket_rows
    )
    return report, pl.read_csv(out, schema_overrides=dict.fromkeys(("flags", "reasons"), pl.String))


def test_a_generated_file_is_screened_in_buckets_bounded_by_the_bucket_size(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(_manifest(3000)))
    report, decided = _stream(path, tmp_path, bucket_rows=400)
    assert report.accepted == 3003 and decided.height == 3003
    assert report.buckets == 8
    assert report.largest_bucket < 3 * 400  # one bucket never holds the manifest
    assert not list((tmp_path / "work").glob("*.parquet"))  # parts are removed as they are used
    (tmp_path / "whole").mkdir()
    _, whole = run(csv_bytes(_manifest(3000)), tmp_path / "whole")
    same = decided.join(whole.select("parcel_id", "flags", "decision"), on="parcel_id", suffix="_whole")
    assert same.filter(pl.col("flags").fill_null("") != pl.col("flags_whole")).height == 0
    assert same.filter(pl.col("decision") != pl.col("decision_whole")).height == 0
    assert by_id(decided)["SPLIT0"]["flags"] == "split_shipment"  # the seller's parcels share a bucket


def test_malformed_and_duplicate_rows_are_reported_with_their_line_numbers(tmp_path: Path) -> None:
    good = csv_bytes([parcel("A"), parcel("B"), parcel("A")])
    text = good.decode().splitlines()
    text.insert(2, "too,few,fields")  # line 3
    text.insert(3, "X1," + ",".join(["9"] * 40))  # line 4: too many fields
    path = tmp_path / "m.csv"
    path.write_text("\n".join(text) + "\n")
    report, decided = _stream(path, tmp_path, bucket_rows=10)
    assert sorted(decided["parcel_id"].to_list()) == ["A", "B"]
    codes = {r.line: r.codes for r in report.rejects}
    assert "PARCEL_ID_DUPLICATE" in codes.values()
    assert codes.get(3) == "ROW_MALFORMED" and codes.get(4) == "ROW_MALFORMED", codes
    duplicate = next(r for r in report.rejects if r.codes == "PARCEL_ID_DUPLICATE")
    assert duplicate.parcel_id == "A" and "line 2" in duplicate.message


def test_a_huge_field_is_refused_with_its_line_and_a_row_that_never_ends_stops_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([parcel("BIG", description="necklace " * 200_000), parcel("OK")]))
    report, decided = _stream(path, tmp_path / "a", bucket_rows=10)
    assert decided["parcel_id"].to_list() == ["OK"]  # the 1.8 MB field is refused, not screened or held whole
    assert [(r.line, r.codes) for r in report.rejects] == [(2, "ROW_MALFORMED")]
    monkeypatch.setattr(ingest, "MAX_RECORD_BYTES", 4096)
    monkeypatch.setattr(ingest, "BLOCK_BYTES", 1024)
    endless = tmp_path / "endless.csv"
    endless.write_bytes(csv_bytes([parcel("A")]) + b'B,"' + b"x" * 20_000)
    with pytest.raises(ValidationFailed) as caught:
        _stream(endless, tmp_path / "b", bucket_rows=10)
    issue = caught.value.issues[0]
    assert issue.code == "ROW_TOO_LONG" and "line 3" in issue.message


def test_streamed_parcels_weigh_confirmed_findings_on_the_sellers_heading_only(tmp_path: Path) -> None:
    profiles = pl.DataFrame(
        [
            ("S7", "6109", 0, 0, 2),  # two confirmed frauds on the seller's t-shirts
            ("S5", "6109", 0, 0, 1),  # one on t-shirts, one on shoes: neither heading has two
            ("S5", "6404", 0, 0, 1),
            ("S9", None, 20, 10, 0),  # the party's own history: half of 20 parcels flagged
        ],
        schema=screening.PROFILE_SCHEMA,
        orient="row",
    )
    shoes = {"description": "Zentro running shoes", "hs_code": "640411"}
    rows = [parcel("S7-SHIRT", seller_id="S7"), parcel("S7-SHOES", seller_id="S7", **shoes)]
    rows += [parcel("S5-SHIRT", seller_id="S5"), parcel("S5-SHOES", seller_id="S5", **shoes)]
    rows += [parcel("S9-SHOES", seller_id="S9", **shoes), parcel("S8-SHIRT", seller_id="S8")]
    rows += [parcel(f"N{i}", seller_id=f"S{100 + i}") for i in range(40)]
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(rows))
    _, decided = _stream(path, tmp_path, bucket_rows=10, profiles=profiles)
    got = by_id(decided)
    flagged = {pid for pid, r in got.items() if r["flags"] == "risky_seller"}
    assert flagged == {"S7-SHIRT", "S9-SHOES"}, flagged
    assert "officers confirmed fraud on 2 earlier parcels of HS heading 6109 from seller S7" in str(
        got["S7-SHIRT"]["reasons"]
    )
    assert "50% of 20 earlier parcels from seller S9" in str(got["S9-SHOES"]["reasons"])
