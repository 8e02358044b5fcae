"""POST /api/v1/hs/suggest for any signed-in user; the batch command writes five ranks per item."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearway.classification.cli import app
from clearway.reference.seed import demo_nomenclature_path
from tests.conftest import Tokens

pytest.importorskip("sklearn")


def test_suggest_over_http(client: TestClient, tokens: Tokens) -> None:
    r = client.post(
        "/api/v1/hs/suggest", json={"description": "Camiseta de algodón para hombre"}, headers=tokens.broker
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["candidates"][0]["hs6"] == "610910" and len(body["candidates"]) == 5
    assert body["candidates"][0]["path"][0] == {
        "code": "61",
        "description": body["candidates"][0]["path"][0]["description"],
    }
    assert client.post("/api/v1/hs/suggest", json={"description": "x"}).status_code == 401
    for bad in ({"description": ""}, {"description": False}, {"description": "ok", "extra": 1}, {"text": "t"}):
        r = client.post("/api/v1/hs/suggest", json=bad, headers=tokens.officer)
        assert r.status_code == 422, bad
        assert r.json()["errors"][0]["code"]


def test_batch_suggestions_write_five_ranks_per_item(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text(
        "id,description,category\nA1,Camiseta de algodón,Clothing >> Men's Clothing\n"
        "B2,Ordinateur portable 14 pouces,\nC3,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "suggestions.csv"
    result = CliRunner().invoke(
        app, ["suggest", "--input", str(items), "--output", str(out), "--nomenclature", str(demo_nomenclature_path())]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["rank"] for r in rows if r["id"] == "A1"] == ["1", "2", "3", "4", "5"]
    assert rows[0]["hs6"] == "610910" and "6109" in rows[0]["reason"]
    assert next(r for r in rows if r["id"] == "B2")["hs6"] == "847130"
    assert set(rows[0]) == {"id", "rank", "hs6", "score", "reason"}


def test_batch_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text("name\nfoo\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["suggest", "--input", str(items), "--nomenclature", str(demo_nomenclature_path())]
    )
    assert result.exit_code == 1 and "CSV_COLUMNS" in result.output
