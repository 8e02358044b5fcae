"""Streaming screening: bounded buckets, the same decisions as screening the whole, bad rows reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearway.core.issues import ValidationFailed
from clearway.ecommerce import ingest, stream
from tests.unit.ecommerce.helpers import RECEIVED, by_id, cfg, csv_bytes, parcel, run

PROFILES = pl.DataFrame(
    schema={"seller_id": pl.String, "parcels": pl.Int64, "flagged": pl.Int64, "confirmed": pl.Int64}
)


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


def _stream(path: Path, tmp: Path, bucket_rows: int) -> tuple[stream.StreamReport, pl.DataFrame]:
    out = tmp / "decisions.csv"
    work = tmp / "work"
    work.mkdir(parents=True)
    report = stream.screen_file(
        path, out, work, cfg(), recalls=[], brands=[], profiles=PROFILES, received_at=RECEIVED, bucket_rows=bucket_rows
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
