"""Publishing criteria shows what it removes: a partial file never silently drops the other rules and watchlists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tokens

FULL = {
    "note": "initial",
    "rules": [
        {"name": f"rule-{i}", "lane": "yellow", "conditions": [{"field": "origin", "op": "eq", "value": c}]}
        for i, c in enumerate(("CN", "VN", "BD", "IN", "TR"))
    ],
    "watchlists": [{"name": "audit", "severity": "high", "parties": ["PE20999999990"]}],
    "random_yellow": "0.05",
}
TWO = {
    "note": "two rules",
    "rules": [
        {"name": "rule-0", "lane": "red", "conditions": [{"field": "origin", "op": "eq", "value": "CN"}]},
        {"name": "fresh", "lane": "yellow", "conditions": [{"field": "hs_chapter", "op": "eq", "value": "85"}]},
    ],
}


def _put(client: TestClient, tokens: Tokens, body: dict[str, Any], query: str = "") -> Any:
    return client.put(f"/api/v1/risk/ruleset{query}", json=body, headers=tokens.supervisor)


def test_a_two_rule_file_is_refused_until_the_removals_are_confirmed(client: TestClient, tokens: Tokens) -> None:
    assert _put(client, tokens, FULL).status_code == 201
    preview = client.post("/api/v1/risk/ruleset/preview", json=TWO, headers=tokens.supervisor)
    assert preview.status_code == 200, preview.text
    diff = preview.json()["diff"]
    assert diff["base_version"] == 1
    assert sorted(c["name"] for c in diff["removed"]) == ["audit", "rule-1", "rule-2", "rule-3", "rule-4"]
    assert [c["name"] for c in diff["added"]] == ["fresh"]
    assert [(c["name"], c["fields"]) for c in diff["changed"]] == [("rule-0", ["lane"])]
    refused = _put(client, tokens, TWO)
    assert refused.status_code == 409
    error = refused.json()["errors"][0]
    assert error["code"] == "RULES_REMOVED" and "rule-4" in error["message"] and "watchlist 'audit'" in error["message"]
    assert client.get("/api/v1/risk/ruleset", headers=tokens.officer).json()["version"] == 1
    merged = _put(client, tokens, TWO, "?mode=merge")
    assert merged.status_code == 201, merged.text
    document = merged.json()["document"]
    assert [r["name"] for r in document["rules"]] == ["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "fresh"]
    assert document["rules"][0]["lane"] == "red" and document["watchlists"][0]["name"] == "audit"
    assert document["random_yellow"] == "0.05"  # a merge keeps the settings the file does not give
    replaced = _put(client, tokens, TWO, "?confirm_removals=true")
    assert replaced.status_code == 201
    assert [r["name"] for r in replaced.json()["document"]["rules"]] == ["rule-0", "fresh"]
    assert replaced.json()["document"]["watchlists"] == []


def test_a_stale_publisher_is_refused_and_previews_are_for_analysts(client: TestClient, tokens: Tokens) -> None:
    assert _put(client, tokens, FULL).status_code == 201
    assert _put(client, tokens, {**FULL, "note": "again", "random_red": "0.01"}).status_code == 201
    stale = _put(client, tokens, {**FULL, "note": "late"}, "?expected_version=1")
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "RULES_VERSION_MOVED"
    assert client.post("/api/v1/risk/ruleset/preview", json=TWO, headers=tokens.officer).status_code == 403
    assert client.post("/api/v1/risk/ruleset/preview", json=TWO, headers=tokens.broker).status_code == 403
    bad = client.post("/api/v1/risk/ruleset/preview", json={"note": "x", "rules": [{"name": "a"}]},
                      headers=tokens.supervisor)  # fmt: skip
    assert bad.status_code == 422
    assert client.put("/api/v1/risk/ruleset?mode=wipe", json=TWO, headers=tokens.supervisor).status_code == 422


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLEARWAY_DATA_DIR": str(tmp_path / "var"), "CLEARWAY_ENV": "test"}
    env.pop("CLEARWAY_DATABASE_URL", None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3] / "src")  # these sources, whatever the cwd
    return subprocess.run(
        [sys.executable, "-m", "clearway", *args], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path
    )


def test_the_cli_prints_the_diff_and_refuses_silent_removals(tmp_path: Path) -> None:
    import json

    full, two = tmp_path / "full.json", tmp_path / "two.yaml"
    full.write_text(json.dumps(FULL))
    two.write_text(
        "note: two rules\nrules:\n"
        "  - {name: rule-0, lane: red, conditions: [{field: origin, op: eq, value: CN}]}\n"
        "  - {name: fresh, lane: yellow, conditions: [{field: hs_chapter, op: eq, value: '85'}]}\n"
    )
    first = _cli(tmp_path, "risk", "rules", "publish", str(full))
    assert first.returncode == 0, first.stderr
    refused = _cli(tmp_path, "risk", "rules", "publish", str(two))
    assert refused.returncode == 2
    out = " ".join(refused.stderr.split())
    assert "RULES_REMOVED" in out and "removed rule rule-4" in out and "removed watchlist audit" in out
    assert "added rule fresh" in out and "changed rule rule-0 (lane)" in out
    merged = _cli(tmp_path, "risk", "rules", "publish", str(two), "--merge")
    assert merged.returncode == 0 and "6 rules, 1 watchlists" in merged.stderr
    confirmed = _cli(tmp_path, "risk", "rules", "publish", str(two), "--confirm-removals")
    assert confirmed.returncode == 0 and "2 rules, 0 watchlists" in confirmed.stderr
