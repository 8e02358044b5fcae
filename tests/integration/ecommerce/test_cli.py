"""The commands an administration runs: load the recall list and brands, screen a manifest to a CSV."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from clearway.ecommerce import generator
from clearway.ecommerce.model import Flag, Outcome


def run(tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLEARWAY_DATA_DIR": str(tmp_path / "var"), "CLEARWAY_ENV": "test", "COLUMNS": "200"}
    env.pop("CLEARWAY_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "clearway", "ecommerce", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"clearway ecommerce {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def test_load_lists_then_screen_a_generated_manifest_to_a_decisions_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generator.write_reference_lists(data)
    df, truth_frame = generator.manifest(2000, seed=3)
    generator.write_manifest(df, data / "manifest.csv")
    assert "Loaded 4 recalls" in run(tmp_path, "recalls", "load", str(data / "recalls.csv")).stdout
    assert "Loaded 4 brands" in run(tmp_path, "brands", "load", str(data / "brands.csv")).stdout
    manifest = data / "manifest.csv"
    with manifest.open("a") as f:
        f.write("BROKEN,row\n")
    out = run(tmp_path, "screen", str(manifest), "--output", str(tmp_path / "decisions.csv"), "--country", "PE")
    assert "2001 rows read" in out.stdout and "2000 accepted" in out.stdout and "1 rejected" in out.stdout
    assert "ROW_MALFORMED" in out.stdout
    with (tmp_path / "decisions.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2000 and list(rows[0]) == ["parcel_id", "decision", "flags", "reasons"]
    assert {r["decision"] for r in rows} <= {o.value for o in Outcome}
    flags = {f for r in rows for f in r["flags"].split(";") if f}
    assert flags <= {f.value for f in Flag}
    assert {"recalled_product", "split_shipment", "undervaluation", "ip_infringement"} <= flags
    truth = dict(truth_frame.iter_rows())
    refused = {r["parcel_id"] for r in rows if r["decision"] == "refuse"}
    assert refused and all(truth[p] == "recalled" for p in refused)
    assert all(r["reasons"] for r in rows if r["flags"])


def test_a_recall_list_with_bad_rows_keeps_the_good_ones_and_names_the_bad(tmp_path: Path) -> None:
    path = tmp_path / "recalls.csv"
    path.write_text(
        "recall_id,product,brand,model,hazard,hs_code\n"
        "R1,kettle,Acme,K1,fire,851671\n"
        ",toy,Toyco,T1,choking,\n"
        "R3,lamp,Lumo,L1,shock,12AB\n"
    )
    out = run(tmp_path, "recalls", "load", str(path)).stdout
    assert "Loaded 1 recalls; 2 row problem(s)" in out
    assert "REQUIRED" in out and "HS_INVALID" in out
    missing = tmp_path / "bad.csv"
    missing.write_text("recall_id,brand\nR1,Acme\n")
    result = run(tmp_path, "recalls", "load", str(missing), check=False)
    assert result.returncode == 1 and "HEADER" in result.stdout


def test_screen_stream_writes_the_same_decisions_file_and_reports_bad_rows_with_lines(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generator.write_reference_lists(data)
    df, truth_frame = generator.manifest(1500, seed=5)
    generator.write_manifest(df, data / "manifest.csv")
    run(tmp_path, "recalls", "load", str(data / "recalls.csv"))
    run(tmp_path, "brands", "load", str(data / "brands.csv"))
    manifest = data / "manifest.csv"
    with manifest.open("a") as f:
        f.write("BROKEN,row\n")
    out = run(tmp_path, "screen", str(manifest), "--stream", "--output", str(tmp_path / "streamed.csv"))
    assert "1,501 rows read" in out.stdout and "1,500 screened" in out.stdout and "1 rejected" in out.stdout
    assert "ROW_MALFORMED" in out.stdout and "1502" in out.stdout  # the broken row's line
    with (tmp_path / "streamed.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1500 and list(rows[0]) == ["parcel_id", "decision", "flags", "reasons"]
    truth = dict(truth_frame.iter_rows())
    refused = {r["parcel_id"] for r in rows if r["decision"] == "refuse"}
    assert refused and all(truth[p] == "recalled" for p in refused)
    bad = tmp_path / "bad.csv"
    bad.write_text("parcel,value\n1,2\n")
    refused_run = run(tmp_path, "screen", str(bad), "--stream", "--output", str(tmp_path / "x.csv"), check=False)
    assert refused_run.returncode == 1 and "MANIFEST_HEADER" in refused_run.stdout
