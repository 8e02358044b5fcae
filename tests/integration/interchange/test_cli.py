"""Brokers and officers use the interchange from the command line: map, lodge, notifications."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clearway.declarations.examples import example_declaration
from clearway.interchange import cli, example
from clearway.platform.cli_support import set_runtime_factory_result
from clearway.platform.runtime import Runtime

runner = CliRunner()


def test_map_shows_the_declaration_and_what_was_derived(runtime: Runtime, tmp_path: Path) -> None:
    set_runtime_factory_result(runtime)
    file = tmp_path / "decl.xml"
    file.write_bytes(example.declaration_xml(example_declaration("CLI-MAP-1")))
    result = runner.invoke(cli.app, ["map", str(file)])
    assert result.exit_code == 0, result.output
    assert '"lrn": "CLI-MAP-1"' in result.output
    assert "derived /consignment/arrival_date" in result.output


def test_lodge_answers_with_an_mrn_and_notifications_follow(runtime: Runtime, tmp_path: Path) -> None:
    set_runtime_factory_result(runtime)
    file = tmp_path / "decl.xml"
    file.write_bytes(example.declaration_xml(example_declaration("CLI-LODGE-1")))
    result = runner.invoke(cli.app, ["lodge", str(file), "--xml"])
    assert result.exit_code == 0, result.output
    assert "<FunctionCode>01</FunctionCode>" in result.output
    mrn = result.output.split("<ID>")[1].split("</ID>")[0]
    out = tmp_path / "notes.xml"
    notes = runner.invoke(cli.app, ["notifications", mrn, "--out", str(out)])
    assert notes.exit_code == 0, notes.output
    assert b"<FunctionCode>08</FunctionCode>" in out.read_bytes()
    missing = runner.invoke(cli.app, ["notifications", "26PE000000000000X0"])
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output


def test_lodge_reports_rule_failures_at_wco_paths(runtime: Runtime, tmp_path: Path) -> None:
    set_runtime_factory_result(runtime)
    doc = example_declaration("CLI-BAD-1")
    doc["goods_items"][2]["commodity_code"] = "999999"
    file = tmp_path / "bad.xml"
    file.write_bytes(example.declaration_xml(doc))
    result = runner.invoke(cli.app, ["lodge", str(file)])
    assert result.exit_code == 1
    unwrapped = result.output.replace("\n", "")  # Rich wraps long lines
    assert "at /Declaration/GoodsShipment/GovernmentAgencyGoodsItem[3]/Commodity/Classification/ID" in unwrapped


def test_the_core_lodge_command_reads_xml_files(runtime: Runtime, tmp_path: Path) -> None:
    import typer

    from clearway.declarations import cli as declarations_cli

    set_runtime_factory_result(runtime)
    app = typer.Typer()
    app.command()(declarations_cli.lodge)
    file = tmp_path / "decl.xml"
    file.write_bytes(example.declaration_xml(example_declaration("CLI-CORE-1")))
    result = runner.invoke(app, [str(file)])
    assert result.exit_code == 0, result.output
    assert "Accepted" in result.output and "MRN" in result.output
