"""The API and `clearway lodge` tell a broker the same thing, in words a broker can act on, all at once."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from tests.conftest import Tokens
from tests.integration.test_cli import run

EXPECTED = [
    ("/consignment/loading_place", "Loading place must be a 5-character UN/LOCODE such as CNSHA; 'CN' is not"),
    ("/goods_items/0/quantity", "Quantity must be a number"),
    ("/goods_items/1/net_mass", "Net mass cannot be negative"),
]


def _bad(lrn: str) -> dict[str, object]:
    doc = example_declaration(lrn)
    doc["consignment"]["loading_place"] = "CN"
    doc["goods_items"][0]["quantity"] = False
    doc["goods_items"][1]["net_mass"] = "-4.000"
    doc["goods_items"][2]["description"] = "gift"
    doc["invoice"]["currency"] = "XYZ"
    return doc


def test_the_api_reports_every_mistake_in_plain_words(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=_bad("PLAIN-1"), headers=tokens.broker)
    assert r.status_code == 422
    errors = {e["pointer"]: e for e in r.json()["errors"]}
    for pointer, message in EXPECTED:
        assert errors[pointer]["message"] == message
    assert errors["/goods_items/2/description"]["code"] == "DESCRIPTION_TOO_VAGUE"  # the wrong type hides no rule
    assert errors["/invoice/currency"]["code"] == "CODE_CURRENCY"


def test_the_batch_endpoint_reports_the_same_messages(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations/batch", json={"declarations": [_bad("PLAIN-2")]}, headers=tokens.broker)
    assert r.status_code in {200, 207, 422}, r.text
    (result,) = r.json()["results"]
    errors = {e["pointer"]: e["message"] for e in result["errors"]}
    for pointer, message in EXPECTED:
        assert errors[pointer] == message


def test_clearway_lodge_prints_the_same_messages(tmp_path: Path) -> None:
    run(tmp_path, "demo", "--seed-only")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad("PLAIN-3")))
    result = run(tmp_path, "lodge", str(path), check=False)
    assert result.returncode == 1
    printed = " ".join(result.stdout.split())
    for pointer, message in EXPECTED:
        assert f"{pointer}: {message}" in printed
