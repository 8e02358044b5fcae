"""Cases from the platform's own history: the demo's controls become a bank, anonymised, and the officer's
completed exercise is there. SQLite only (the demo seed is long)."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway import bootstrap
from clearway.declarations import service as declarations
from clearway.platform import auth
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.risk import service as risk_service

T = "/api/v1/training"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Runtime]:
    tmp = tmp_path_factory.mktemp("demo")
    shutil.copy(sqlite_template, tmp / "demo.db")
    settings = Settings(env="test", database_url=f"sqlite:///{tmp / 'demo.db'}", data_dir=tmp, secret_key="demo-k")
    bootstrap.import_tables()
    runtime = bootstrap.build_runtime(settings)
    runtime.caches["platform.migrated"] = True
    said: list[str] = []
    ctx = DemoContext(runtime=runtime, rng=random.Random(2026), say=said.append)
    for cap in sorted(bootstrap.capabilities(), key=lambda c: c.seed_order):
        if cap.seed_demo is not None:
            cap.seed_demo(ctx)
    runtime.caches["said"] = said
    yield runtime
    runtime.engine.dispose()


def _secrets(runtime: Runtime) -> tuple[set[str], set[str]]:
    """Every MRN, LRN and party id of the controlled declarations, and every party name."""
    ids, names = set(), set()
    with runtime.uow(readonly=True) as uow:
        for mrn in risk_service.control_outcomes(uow):
            d = declarations.get(uow, mrn).data
            ids |= {mrn, d.lrn, d.importer.id, d.declarant.id, d.exporter.id}
            names |= {d.importer.name, d.declarant.name, d.exporter.name}
            if d.representative:
                ids.add(d.representative.id)
                names.add(d.representative.name)
    return ids, {n for n in names if len(n) >= 5}


def test_the_demo_s_controls_become_an_anonymised_bank_and_the_officer_has_a_scored_exercise(demo: Runtime) -> None:
    assert any(s.startswith("training:") and "anonymised cases" in s for s in demo.caches["said"]), demo.caches["said"]
    with demo.uow() as uow:
        officer = auth.create_token(uow, user="officer.rojas", role="officer", office="PECLL")
        supervisor = auth.create_token(uow, user="supervisor.quispe", role="supervisor")
        uow.commit()
    with TestClient(bootstrap.build_app(demo)) as client:
        h_off, h_sup = ({"Authorization": f"Bearer {t}"} for t in (officer, supervisor))
        banks = client.get(f"{T}/banks", headers=h_off).json()
        assert banks[0]["source"] == "platform" and banks[0]["knows_kinds"] and banks[0]["model"]["method"] == "folds"
        mine = client.get(f"{T}/exercises", headers=h_off).json()
        assert mine["total"] == 1 and mine["items"][0]["status"] == "submitted"
        ex_id = mine["items"][0]["id"]
        scored: dict[str, Any] = client.get(f"{T}/exercises/{ex_id}/score", headers=h_off).json()
        assert scored["result"]["reviews"] and all(r["kind"] for r in scored["result"]["reviews"] if r["fraud"])
        fresh = client.post(f"{T}/exercises", json={"course": scored["course"]["id"]}, headers=h_off).json()
        assert any(c["description"] for c in fresh["cases"]), "descriptions are kept, scrubbed"
        bodies = [
            client.get(f"{T}/exercises/{ex_id}", headers=h_off).text,
            client.get(f"{T}/exercises/{fresh['id']}", headers=h_sup).text,
            client.get(f"{T}/banks", headers=h_off).text,
            client.get(f"{T}/trainees", headers=h_sup).text,
        ]
        client.cookies.set("clearway_token", officer)
        bodies += [client.get(f"/console/training/exercises/{i}").text for i in (ex_id, fresh["id"])]
    ids, names = _secrets(demo)
    tokens = {t for b in bodies for t in re.findall(r"[A-Za-z0-9]+", b)}
    assert not (tokens & ids), sorted(tokens & ids)[:5]
    everything = "\n".join(bodies).lower()
    assert not [n for n in names if n.lower() in everything]
    assert len(ids) > 50
