"""Agencies and requirements as data: files, API edits by admins, versions with effective dates, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearway.core.time import FixedClock
from clearway.declarations.examples import example_declaration
from clearway.platform import cli_support
from clearway.platform.runtime import Runtime
from clearway.single_window import cli, seed
from tests.conftest import Tokens
from tests.integration.single_window.helpers import fruit_and_medicines, load_demo_rules

SW = "/api/v1/single-window"
CSV = """id,agency,agency_name,agency_domain,automated_decisions,hs,origins,procedures,needs,auto,effective_from
DIGESA-FOOD,DIGESA,Dirección General de Salud Ambiental,food safety,yes,2204|2208,,40,certificate:sanitary certificate,none,2026-01-01
DIGESA-FRUIT-CL,DIGESA,Dirección General de Salud Ambiental,food safety,yes,0806,CL,,certificate:pesticide residue analysis,standing_licence,2026-01-01
"""


def test_only_admins_edit_requirements_and_every_problem_is_reported(client: TestClient, tokens: Tokens) -> None:
    bad = {"agency": "NOPE", "hs": ["08", "8x", "14-06"], "needs": [{"kind": "permit", "name": "x"}]}
    r = client.put(f"{SW}/requirements/R-1", json=bad, headers=tokens.admin)
    assert r.status_code == 422
    codes = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert codes == {("HS_SPEC", "/hs/1"), ("HS_SPEC", "/hs/2")}
    r = client.put(f"{SW}/requirements/R-1", json={**bad, "hs": ["08"]}, headers=tokens.admin)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "AGENCY_UNKNOWN"
    agency = {"code": "SENASA", "name": "Servicio Nacional de Sanidad Agraria", "domain": "plant health"}
    assert client.put(f"{SW}/agencies/SENASA", json=agency, headers=tokens.agency).status_code == 403
    assert client.put(f"{SW}/agencies/SENASA", json=agency, headers=tokens.admin).status_code == 200
    assert client.put(f"{SW}/agencies/OTHER", json=agency, headers=tokens.admin).status_code == 422
    good = {**bad, "agency": "SENASA", "hs": ["08"]}
    assert client.put(f"{SW}/requirements/R-1", json=good, headers=tokens.broker).status_code == 403
    assert client.put(f"{SW}/requirements/R-1", json=good, headers=tokens.admin).status_code == 200
    assert client.put(f"{SW}/requirements/R 1;drop", json=good, headers=tokens.admin).status_code == 422
    assert [a["code"] for a in client.get(f"{SW}/agencies", headers=tokens.broker).json()] == ["SENASA"]


def test_a_changed_rule_gets_a_new_version_from_its_date_and_routing_follows_the_date(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    load_demo_rules(client, tokens.admin)
    # from 2026-12-01 SENASA also controls laptops (a made-up rule for the test)
    rule = {
        "agency": "SENASA",
        "hs": ["08", "847130"],
        "needs": [{"kind": "certificate", "name": "phytosanitary certificate"}],
        "effective_from": "2026-12-01",
    }
    r = client.put(f"{SW}/requirements/SENASA-PHYTO-FRESH-FRUIT", json=rule, headers=tokens.admin)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    versions = client.get(f"{SW}/requirements?history=true&agency=SENASA", headers=tokens.broker).json()
    fruit = [v for v in versions if v["id"] == "SENASA-PHYTO-FRESH-FRUIT"]
    assert [(v["version"], v["effective_from"], v["effective_to"]) for v in fruit] == [
        (1, "2026-01-01", "2026-12-01"),
        (2, "2026-12-01", None),
    ]
    on_nov = client.get(f"{SW}/requirements?on=2026-11-30&agency=SENASA", headers=tokens.broker).json()
    assert {v["id"]: v["version"] for v in on_nov}["SENASA-PHYTO-FRESH-FRUIT"] == 1
    # the file's older terms cannot silently replace version 2: history is not rewritten
    again = client.post(
        f"{SW}/requirements/load",
        content=seed.demo_requirements_text().encode(),
        headers={**tokens.admin, "content-type": "application/yaml"},
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "EFFECTIVE_DATES"
    # a laptop declaration lodged on 30 November is not routed to SENASA; on 2 December it is
    doc = example_declaration("SW-VER-1")
    runtime.clock = FixedClock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    nov = client.post("/api/v1/declarations", json=doc, headers=tokens.broker).json()
    window = client.get(f"{SW}/declarations/{nov['mrn']}", headers=tokens.broker).json()
    assert [a["agency"] for a in window["applications"]] == ["MTC"]
    runtime.clock = FixedClock(datetime(2026, 12, 2, 12, tzinfo=UTC))
    dec = client.post("/api/v1/declarations", json=example_declaration("SW-VER-2"), headers=tokens.broker).json()
    window = client.get(f"{SW}/declarations/{dec['mrn']}", headers=tokens.broker).json()
    assert [a["agency"] for a in window["applications"]] == ["MTC", "SENASA"]
    senasa = window["applications"][1]
    assert [g["commodity_code"] for g in senasa["goods"]] == ["847130"]
    assert senasa["rules"] == [{"id": "SENASA-PHYTO-FRESH-FRUIT", "version": 2}]


def test_a_rule_cannot_be_rewritten_into_the_past_and_retiring_keeps_history(
    client: TestClient, tokens: Tokens
) -> None:
    load_demo_rules(client, tokens.admin)
    rule = {
        "agency": "SUCAMEC",
        "hs": ["93"],
        "needs": [{"kind": "licence", "name": "arms licence"}],
        "effective_from": "2025-06-01",
    }
    r = client.put(f"{SW}/requirements/SUCAMEC-WEAPONS", json=rule, headers=tokens.admin)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "EFFECTIVE_DATES"
    r = client.post(
        f"{SW}/requirements/SUCAMEC-WEAPONS/retire", json={"effective_to": "2026-06-30"}, headers=tokens.admin
    )
    assert r.status_code == 202  # retiring a control waits for a second person (four eyes)
    assert len(client.get(f"{SW}/requirements?agency=SUCAMEC", headers=tokens.officer).json()) == 1
    approval = r.json()["approval"]["id"]
    r = client.post(f"/api/v1/approvals/{approval}/approve", json={"reason": "rule lapsed"}, headers=tokens.supervisor)
    assert r.status_code == 200, r.text
    assert r.json()["result"]["effective_to"] == "2026-06-30"
    today = client.get(f"{SW}/requirements?agency=SUCAMEC", headers=tokens.officer).json()
    assert today == []
    history = client.get(f"{SW}/requirements?agency=SUCAMEC&history=true", headers=tokens.officer).json()
    assert len(history) == 1
    assert (
        client.post(
            f"{SW}/requirements/NOPE/retire", json={"effective_to": "2026-06-30"}, headers=tokens.admin
        ).status_code
        == 404
    )


def test_a_csv_file_loads_through_the_api_and_bad_rows_are_refused_whole(client: TestClient, tokens: Tokens) -> None:
    r = client.post(
        f"{SW}/requirements/load", content=CSV.encode(), headers={**tokens.admin, "content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"agencies_changed": 1, "requirements_added": 2, "requirements_unchanged": 0}
    rules = client.get(f"{SW}/requirements?agency=DIGESA", headers=tokens.broker).json()
    assert {r["id"]: r["origins"] for r in rules} == {"DIGESA-FOOD": [], "DIGESA-FRUIT-CL": ["CL"]}
    broken = CSV.replace("certificate:sanitary certificate", "sanitary certificate").replace("0806", "08x6")
    r = client.post(
        f"{SW}/requirements/load", content=broken.encode(), headers={**tokens.admin, "content-type": "text/csv"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "NEED_FORMAT"
    r = client.post(
        f"{SW}/requirements/load", content=b"agencies: [", headers={**tokens.admin, "content-type": "application/yaml"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "YAML_INVALID"


def test_the_cli_loads_a_file_and_prints_the_time_report(
    client: TestClient, tokens: Tokens, runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_support, "_RUNTIME", [runtime])
    path = tmp_path / "rules.yaml"
    path.write_text(seed.demo_requirements_text(), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli.app, ["load", str(path)])
    assert result.exit_code == 0, result.output
    assert "7 requirement versions added" in result.output
    bad = tmp_path / "rules.txt"
    bad.write_text("x", encoding="utf-8")
    result = runner.invoke(cli.app, ["load", str(bad)])
    assert result.exit_code == 1
    assert "FILE_TYPE" in result.output
    lodged = client.post("/api/v1/declarations", json=fruit_and_medicines("SW-CLI-1"), headers=tokens.broker).json()
    app_id = client.get(f"{SW}/declarations/{lodged['mrn']}", headers=tokens.broker).json()["applications"][1]["id"]
    assert (
        client.post(
            f"{SW}/applications/{app_id}/decisions", json={"decision": "approve"}, headers=tokens.agency
        ).status_code
        == 200
    )
    result = runner.invoke(cli.app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    figures = {row["agency"]: row for row in json.loads(result.output)["agencies"]}
    assert (figures["SENASA"]["decided"], figures["DIGEMID"]["decided"]) == (1, 0)
    assert (figures["SENASA"]["pending"], figures["DIGEMID"]["pending"]) == (0, 1)
    result = runner.invoke(cli.app, ["report"], env={"COLUMNS": "160"})
    rows = [line for line in result.output.splitlines() if line.startswith("│ SENASA") or line.startswith("│ DIGEMID")]
    assert [row.split("│")[2].strip() for row in rows] == ["0", "1"]  # decided: DIGEMID 0, SENASA 1
