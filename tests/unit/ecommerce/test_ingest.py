"""Manifest intake: broken rows are reported one by one and never cost a good row; issues per parcel."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from clearway.core.issues import ValidationFailed
from clearway.ecommerce import ingest
from tests.unit.ecommerce.helpers import HEADER, by_id, cfg, csv_bytes, parcel, run


def test_broken_rows_are_rejected_with_reasons_and_good_rows_kept(tmp_path: Path) -> None:
    good = [parcel(f"P{i}") for i in range(7)]
    data = csv_bytes(good[:3]) + b'P-SHORT,only,three\n"P-QUOTE,"broken\n'
    data += csv_bytes([parcel("P-BADVALUE", declared_value="twelve"), parcel("", declared_value="3")]).split(b"\n", 1)[
        1
    ]
    data += csv_bytes([parcel("P-CUR", currency="XYZ"), *good[3:]]).split(b"\n", 1)[1]
    result, decided = run(data, tmp_path)
    assert sorted(decided["parcel_id"].to_list()) == sorted(p["parcel_id"] for p in good)
    codes = {r.codes for r in result.rejects}
    assert {"ROW_MALFORMED", "VALUE_INVALID", "PARCEL_ID_MISSING", "CURRENCY_UNKNOWN"} <= codes
    bad_value = next(r for r in result.rejects if r.codes == "VALUE_INVALID")
    assert bad_value.parcel_id == "P-BADVALUE" and "twelve" in bad_value.message
    assert result.accepted == len(good) and result.rejected == result.rows_read - len(good)


def test_a_manifest_without_the_required_columns_is_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ingest.ingest(io.BytesIO(b"parcel_id,description\nP1,shoes\n"), "csv", tmp_path, cfg())
    assert {i.code for i in caught.value.issues} == {"MANIFEST_HEADER"}
    assert any("declared_value" in i.message for i in caught.value.issues)


def test_json_lines_are_read_like_csv_and_bad_lines_reported(tmp_path: Path) -> None:
    rows = [parcel("J1"), parcel("J2", declared_value="250.00")]
    lines = [json.dumps({**rows[0], "declared_value": 19.0, "quantity": 1}), "{not json", "[1, 2]", json.dumps(rows[1])]
    result, decided = run("\n".join(lines).encode(), tmp_path, fmt="jsonl")
    assert sorted(decided["parcel_id"].to_list()) == ["J1", "J2"]
    assert [r.line for r in result.rejects] == [2, 3]
    assert by_id(decided)["J2"]["decision"] == "hold_documents"


def test_each_parcel_gets_its_data_quality_issues(tmp_path: Path) -> None:
    rows = [
        parcel("Q1", description="gift"),
        parcel("Q2", declared_value="0"),
        parcel("Q3", consignee_id="", hs_code="12AB", origin_country="XX"),
        parcel("Q4", quantity="many", shipped_at="yesterday"),
        parcel("Q5", declared_value="60.00", listed_price="20.00"),
        parcel("Q6"),
    ]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = {pid: row["dq_codes"] for pid, row in by_id(decided).items()}
    assert got["Q1"] == "DESCRIPTION_VAGUE"
    assert got["Q2"] == "VALUE_ZERO"
    assert set(str(got["Q3"]).split(";")) == {"CONSIGNEE_ID_MISSING", "HS_INVALID", "ORIGIN_INVALID"}
    assert set(str(got["Q4"]).split(";")) == {"QUANTITY_INVALID", "SHIPPED_AT_INVALID"}
    assert got["Q5"] == "VALUE_ABOVE_LISTING"
    assert got["Q6"] == ""
    q1 = by_id(decided)["Q1"]
    assert q1["flags"] == "data_quality" and "'gift' does not say what the goods are" in str(q1["reasons"])


def test_chunk_size_does_not_change_what_is_accepted(tmp_path: Path) -> None:
    rows = [parcel(f"P{i}", declared_value=str(10 + i)) for i in range(10)]
    data = csv_bytes(rows)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = ingest.ingest(io.BytesIO(data), "csv", tmp_path / "a", cfg())
    many = ingest.ingest(io.BytesIO(data), "csv", tmp_path / "b", cfg(), chunk_rows=3)
    assert one.accepted == many.accepted == 10
    assert len(one.parts) == 1 and len(many.parts) == 4


def test_the_format_is_detected_from_name_or_content() -> None:
    assert ingest.detect_format("m.jsonl", b"") == "jsonl"
    assert ingest.detect_format("upload", b'  {"parcel_id": 1}') == "jsonl"
    assert ingest.detect_format("upload", b",".join(h.encode() for h in HEADER)) == "csv"


def test_quoted_line_breaks_windows_line_ends_and_repeated_columns_are_read(tmp_path: Path) -> None:
    rows = [parcel("W1"), parcel("W2", description="Zentro plush toy\nwith two lines"), parcel("W3")]
    data = csv_bytes(rows).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").replace(b"with two", b"with\ntwo")
    data = data.replace(b"shipped_at\r\n", b"shipped_at,parcel_id\r\n", 1).replace(b"Z\r\n", b"Z,ignored\r\n")
    result, decided = run(data, tmp_path)
    assert sorted(decided["parcel_id"].to_list()) == ["W1", "W2", "W3"]
    assert result.rejected == 0
    assert by_id(decided)["W3"]["line"] == 6


def test_a_manifest_too_large_to_screen_is_refused_while_reading(tmp_path: Path) -> None:
    rows = [parcel(f"P{i}") for i in range(10)]
    with pytest.raises(ValidationFailed) as caught:
        ingest.ingest(io.BytesIO(csv_bytes(rows)), "csv", tmp_path, cfg(max_parcels=6), chunk_rows=3)
    assert caught.value.issues[0].code == "MANIFEST_TOO_LARGE"
    assert "more than 6 parcels" in caught.value.issues[0].message


def test_json_numbers_and_missing_keys_are_read_the_same_on_the_fast_path(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"parcel_id": f"N{i}", "declared_value": 19.5, "currency": "USD", "quantity": 2, "hs_code": "610910"}
        )
        for i in range(5)
    ]
    _, decided = run("\n".join(lines).encode() + b"\n", tmp_path, fmt="jsonl")
    row = by_id(decided)["N4"]
    assert str(row["declared_value"]) == "19.50" and row["quantity"] == 2.0 and row["line"] == 5
    assert set(str(row["dq_codes"]).split(";")) == {"DESCRIPTION_MISSING", "CONSIGNEE_ID_MISSING"}
