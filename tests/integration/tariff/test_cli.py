"""`clearway tariff`: the administration loads its schedule and rates, and sees every bad row at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.platform.runtime import Runtime
from clearway.tariff import service
from clearway.tariff.cli import app
from clearway.tariff.seed import demo_schedule_path

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
    assert "45 duty lines" in loaded.output

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

    opened = runner.invoke(app, ["accounts", "open", "--id", "GAR-1", "--party", "PE20512345678", "--limit", "5000"])
    assert opened.exit_code == 0 and "GAR-1" in opened.output
    again = runner.invoke(app, ["accounts", "open", "--id", "GAR-1", "--party", "PE20512345678", "--limit", "5000"])
    assert again.exit_code == 1 and "ACCOUNT_EXISTS" in again.output
    assert runner.invoke(app, ["show", "26PE00000000000000"]).exit_code == 1
