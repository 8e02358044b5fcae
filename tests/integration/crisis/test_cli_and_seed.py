"""``clearway crisis``: load checks a pack whole; activation needs two registered supervisors; the demo seed
leaves one protocol active with relief consignments under it and one activation waiting."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.crisis import seed
from clearway.crisis.cli import app as crisis_cli
from clearway.crisis.seed import packs_dir
from clearway.platform import auth
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from tests.conftest import shared_data


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr("clearway.crisis.cli.open_runtime", lambda: runtime)
    with runtime.uow() as uow:
        for name in ("supervisor.quispe", "supervisor.huaman"):
            auth.ensure_user(uow, name=name, role="supervisor", password="not-the-demo-1")
        auth.ensure_user(uow, name="officer.rojas", role="officer", password="not-the-demo-1")
        uow.commit()
    return CliRunner()


def test_load_refuses_a_broken_pack_with_every_error_and_stores_nothing(cli: CliRunner, tmp_path: Path) -> None:
    hs = shared_data("hs", "harmonized-system.csv")
    text = (packs_dir() / "disaster-relief.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('hs6: "630622"', 'hs6: "630620"').replace("start: 2026-01-01", "start: 01/01/2026"))
    r = cli.invoke(crisis_cli, ["load", str(bad), "--hs", str(hs)])
    assert r.exit_code == 1, r.output
    assert "PACK_HS_UNKNOWN" in r.output and "PACK_DATE" in r.output and "2 problem(s)" in r.output
    assert "disaster-relief" not in cli.invoke(crisis_cli, ["list"]).output
    ok = cli.invoke(crisis_cli, ["load", str(packs_dir() / "disaster-relief.yaml"), "--hs", str(hs)])
    assert ok.exit_code == 0 and "Loaded disaster-relief 2026.1" in ok.output
    again = cli.invoke(crisis_cli, ["load", str(packs_dir() / "disaster-relief.yaml"), "--hs", str(hs)])
    assert "Already loaded" in again.output
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("complete_within_days: 30", "complete_within_days: 90"))
    clash = cli.invoke(crisis_cli, ["load", str(changed)])
    assert clash.exit_code == 1 and "PACK_VERSION_EXISTS" in clash.output


def test_activation_from_the_command_line_needs_two_supervisors(cli: CliRunner) -> None:
    cli.invoke(crisis_cli, ["load", str(packs_dir() / "disaster-relief.yaml")])
    officer = cli.invoke(
        crisis_cli, ["activate", "disaster-relief", "--reason", "earthquake, decree 77", "--by", "officer.rojas"]
    )
    assert officer.exit_code == 1 and "FORBIDDEN" in officer.output
    nobody = cli.invoke(
        crisis_cli, ["activate", "disaster-relief", "--reason", "earthquake, decree 77", "--by", "ghost"]
    )
    assert nobody.exit_code == 2
    asked = cli.invoke(
        crisis_cli, ["activate", "disaster-relief", "--reason", "earthquake, decree 77", "--by", "supervisor.quispe"]
    )
    assert asked.exit_code == 0, asked.output
    request_id = asked.output.split("request ")[1].split(";")[0].strip()
    alone = cli.invoke(crisis_cli, ["approve", request_id, "--by", "supervisor.quispe"])
    assert alone.exit_code == 1 and "APPROVAL_SAME_PERSON" in alone.output
    assert "ACTIVE" not in cli.invoke(crisis_cli, ["list"]).output
    done = cli.invoke(crisis_cli, ["approve", request_id, "--by", "supervisor.huaman", "--reason", "decree seen"])
    assert done.exit_code == 0, done.output
    listed = cli.invoke(crisis_cli, ["list"])
    assert "ACTIVE" in listed.output
    shown = cli.invoke(crisis_cli, ["show", "disaster-relief"])
    assert "Specific Annex J" in shown.output and "PE20131371617" in shown.output
    ending = cli.invoke(
        crisis_cli, ["deactivate", "disaster-relief", "--reason", "emergency lifted", "--by", "supervisor.huaman"]
    )
    assert ending.exit_code == 0 and "stays in force" in ending.output


def test_the_demo_seed_activates_relief_with_consignments_and_leaves_the_pandemic_activation_waiting(
    runtime: Runtime,
) -> None:
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(3), say=said.append))
    from clearway.crisis import lodgement, reporting, service
    from clearway.platform.auth import Principal

    officer = Principal(user="officer.rojas", role="officer")
    with runtime.uow(readonly=True) as uow:
        assert [p.pack.id for p in lodgement.in_force(uow)] == ["disaster-relief"]
        assert [c.payload["pack_id"] for c in service.pending_requests(uow)] == ["pandemic-medical-supplies"]
        rows, total = reporting.affected(uow, officer, limit=100)
        _, n_provisional = reporting.affected(uow, officer, provisional=True)
        _, n_overdue = reporting.affected(uow, officer, overdue=True)
    assert total == 12 and {r["lane"] for r in rows} == {"green"}, said
    assert n_provisional == 3 and n_overdue >= 1
    assert "disaster relief active with 12 relief consignments (3 provisional)" in said[-1]
