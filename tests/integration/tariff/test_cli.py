"""`clearway tariff`: the administration loads its schedule and rates, and sees every bad row at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.tariff import service
from clearway.tariff.cli import app
from clearway.tariff.seed import demo_schedule_path
from tests.conftest import Tokens

runner = CliRunner()


def test_loading_the_schedule_duty_lines_and_rates_from_files(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clearway.tariff.cli.open_runtime", lambda: runtime)
    csv_first = tmp_path / "duties.csv"
    csv_first.write_text("code,agreement,ad_valorem\n8517,,0\n", encoding="utf-8")
    refused = runner.invoke(app, ["load", str(csv_first)])
    assert refused.exit_code == 1 and "TARIFF_NO_BASE" in refused.output

    loaded = runner.invoke(app, ["load", str(demo_schedule_path()), "--by", "tariff.unit"])
    assert loaded.exit_code == 0, loaded.output
    assert "50 duty lines" in loaded.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("currency: PEN\nduties:\n  - {code: '85', ad_valorem: '0'}\n  - {code: '8517'}\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(bad)])
    assert result.exit_code == 1
    assert "TARIFF_CODE" in result.output and "/duties/0/code" in result.output
    assert "TARIFF_RATE_REQUIRED" in result.output and "nothing was loaded" in result.output

    csv_first.write_text("code,agreement,ad_valorem\n8517,,0\n0806,PA,0\n6109,,11\n", encoding="utf-8")
    assert runner.invoke(app, ["load", str(csv_first)]).exit_code == 0
    with runtime.uow(readonly=True) as uow:
        current = service.current_schedule(uow)
    assert current is not None and len(current.schedule.duties) == 3 and "PA" in current.schedule.agreements
    assert current.loaded_by == "cli"

    rates = tmp_path / "rates.csv"
    assert runner.invoke(app, ["rates", "demo", "--out", str(rates)]).exit_code == 0
    loaded_rates = runner.invoke(app, ["rates", "load", str(rates)])
    assert loaded_rates.exit_code == 0 and "182 exchange rates" in loaded_rates.output
    rates.write_text("currency,valid_from,rate\nUSD,yesterday,3.7\n", encoding="utf-8")
    bad_rates = runner.invoke(app, ["rates", "load", str(rates)])
    assert bad_rates.exit_code == 1 and "RATE_DATE" in bad_rates.output

    opened = runner.invoke(app, ["accounts", "open", "--id", "GAR-1", "--party", "PE20512345671", "--limit", "5000"])
    assert opened.exit_code == 0 and "GAR-1" in opened.output
    again = runner.invoke(app, ["accounts", "open", "--id", "GAR-1", "--party", "PE20512345671", "--limit", "5000"])
    assert again.exit_code == 1 and "ACCOUNT_EXISTS" in again.output
    assert runner.invoke(app, ["show", "26PE00000000000000"]).exit_code == 1


def test_the_simulated_bank_confirms_pending_orders_from_the_command_line(
    tariff: Runtime, client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clearway.tariff.cli.open_runtime", lambda: tariff)
    r = client.post("/api/v1/declarations", json=example_declaration("CLI-BANK-1"), headers=tokens.broker)
    mrn = r.json()["mrn"]
    order = client.post(
        f"/api/v1/declarations/{mrn}/payments",
        json={"amount": "35698.74", "currency": "PEN", "method": "bank_transfer", "reference": "CLI-BANK-REF"},
        headers=tokens.broker,
    )
    assert order.status_code == 202, order.text
    bad = runner.invoke(app, ["payments", "provider-add", "bcp", "not-a-key", "--reason", "main bank"])
    assert bad.exit_code == 1 and "PUBLIC_KEY" in bad.output
    done = runner.invoke(app, ["payments", "simulate-bank"])
    assert done.exit_code == 0, done.output
    assert "1 of 1 order(s) confirmed by simbank" in done.output and "goods released" in done.output
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()["status"] == "08"
    again = runner.invoke(app, ["payments", "simulate-bank", order.json()["order"]["id"]])
    assert "0 of 1" in again.output and "already settled" in again.output  # confirmed once only
