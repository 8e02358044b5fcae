"""The command line an administration runs: load reference data, issue tokens, lodge, follow, seed the demo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clearway.declarations.examples import example_declaration
from tests.conftest import shared_data


def run(tmp_path: Path, *args: str, check: bool = True, random_lanes: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLEARWAY_DATA_DIR": str(tmp_path / "var"), "CLEARWAY_ENV": "test"}
    if not random_lanes:
        env |= {"CLEARWAY_SELECTIVITY_RED_RATE": "0", "CLEARWAY_SELECTIVITY_YELLOW_RATE": "0"}
    env.pop("CLEARWAY_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "clearway", *args], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path
    )
    if check and result.returncode != 0:
        raise AssertionError(f"clearway {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.mark.shared_data
def test_load_the_hs_2022_nomenclature_then_lodge_and_follow_a_declaration(tmp_path: Path) -> None:
    hs = shared_data("hs", "harmonized-system.csv")
    out = run(tmp_path, "reference", "load", "--hs", str(hs)).stdout
    run(tmp_path, "mandates", "seed-demo")  # the example's importer mandates its broker
    assert "Loaded" in out and "HS lines" in out
    doc = example_declaration("CLI-1")
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(doc))
    lodged = run(tmp_path, "lodge", str(path)).stdout
    assert "Accepted" in lodged and "MRN" in lodged
    mrn = lodged.split("MRN ")[1].split()[0]
    again = run(tmp_path, "lodge", str(path)).stdout
    assert mrn in again and "already lodged" in again
    status = json.loads(run(tmp_path, "status", mrn, "--json").stdout)
    assert status["mrn"] == mrn and status["status"] == "08"


def test_lodging_a_bad_file_prints_every_problem_and_fails(tmp_path: Path) -> None:
    run(tmp_path, "demo", "--seed-only")
    doc = example_declaration("CLI-BAD")
    doc["goods_items"][0]["description"] = "gift"
    doc["goods_items"][1]["origin_country"] = "XX"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = run(tmp_path, "lodge", str(path), check=False)
    assert result.returncode == 1
    assert "DESCRIPTION_TOO_VAGUE" in result.stdout and "/goods_items/0/description" in result.stdout
    assert "CODE_COUNTRY" in result.stdout


def test_a_bad_nomenclature_file_is_refused_with_row_errors(tmp_path: Path) -> None:
    bad = tmp_path / "hs.csv"
    bad.write_text("section,hscode,description,parent,level\nI,01,Animals,TOTAL,2\nI,01X1,Horses,01,4\nI,0102,,01,4\n")
    result = run(tmp_path, "reference", "load", "--hs", str(bad), check=False)
    assert result.returncode == 1
    assert "row 3" in result.stdout and "row 4" in result.stdout


def test_token_create_prints_a_token_that_the_api_accepts(tmp_path: Path) -> None:
    token = run(tmp_path, "token", "create", "--user", "ana", "--role", "declarant", "--party", "PE1").stdout.strip()
    assert token.startswith("cw_") and len(token) > 30
    missing_party = run(tmp_path, "token", "create", "--user", "bob", "--role", "declarant", check=False)
    assert missing_party.returncode == 1 and "party" in missing_party.stdout
    from fastapi.testclient import TestClient

    from clearway import bootstrap
    from clearway.platform.settings import Settings

    runtime = bootstrap.build_runtime(Settings(data_dir=tmp_path / "var", env="test"))
    with TestClient(bootstrap.build_app(runtime)) as client:
        r = client.get("/api/v1/declarations", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["count"] == 0
    run(tmp_path, "token", "revoke", "--user", "ana")
    from clearway.platform.auth import TOKEN_CACHE

    TOKEN_CACHE.clear()
    with TestClient(bootstrap.build_app(runtime)) as client:
        assert client.get("/api/v1/declarations", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    runtime.engine.dispose()


def test_demo_seed_fills_recent_weeks_and_prints_working_tokens(tmp_path: Path) -> None:
    out = run(tmp_path, "demo", "--seed-only", random_lanes=True).stdout
    tokens = dict(re.findall(r"^│ (\S+) +│[^│\n]*│[^│\n]*│ (cw_\S+) +│$", out, re.M))  # one table, each token once
    assert tokens.get("broker.andina") and out.count(tokens["broker.andina"]) == 1
    assert {"agency.senasa", "carrier.demo"} <= set(tokens) or "officer.rojas" in tokens
    officer = tokens["officer.rojas"]
    assert "Serving on" not in out  # --seed-only does not serve
    from fastapi.testclient import TestClient

    from clearway import bootstrap
    from clearway.platform.settings import Settings

    runtime = bootstrap.build_runtime(Settings(data_dir=tmp_path / "var", env="test"))
    with TestClient(bootstrap.build_app(runtime)) as client:
        page = client.get("/api/v1/declarations?limit=500", headers={"Authorization": f"Bearer {officer}"}).json()
    runtime.engine.dispose()
    assert page["count"] >= 250
    days = {d["lodged_at"][:10] for d in page["data"]}
    assert len(days) >= 30  # spread over recent weeks
    assert {d["lane"] for d in page["data"]} >= {"green", "red", "yellow"}
    again = run(tmp_path, "demo", "--seed-only").stdout
    assert "already seeded" in again
