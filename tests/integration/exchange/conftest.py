"""Two administrations in one process: CL and PE, each with its own SQLite database and HTTP app.

The sender is given the partner's in-process client (a ``TestClient`` is an ``httpx.Client``), so deliveries go
through the real inbox route, signature checks and all, without sockets.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway import bootstrap
from clearway.exchange import sender
from clearway.exchange.config import ExchangeSettings
from clearway.ledger.config import LedgerSettings
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.integration.exchange.docs import CL_BROKER, PE_BROKER


@dataclass
class Side:
    """One administration: its runtime, HTTP client and users' headers."""

    country: str
    runtime: Runtime
    client: TestClient
    admin: dict[str, str]
    broker: dict[str, str]
    officer: dict[str, str]
    supervisor: dict[str, str]

    def drain(self, partner: Side) -> sender.DrainResult:
        sender.prepare(self.runtime)
        return sender.drain(self.runtime, client=partner.client, ignore_backoff=True)


def _side(country: str, template: Path, tmp: Path) -> Iterator[Side]:
    db = tmp / f"{country}.db"
    shutil.copy(template, db)
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{db}",
        data_dir=tmp / country,
        secret_key=f"{country}-secret",
        country=country,
        national_currency="CLP" if country == "CL" else "PEN",
        selectivity_red_rate=0,
        selectivity_yellow_rate=0,
    )
    bootstrap.import_tables()
    rt = bootstrap.build_runtime(settings)
    rt.caches["platform.migrated"] = True
    rt.caches["ledger.settings"] = LedgerSettings(did_domain=f"{country.lower()}.clearway.test")
    rt.caches["exchange.settings"] = ExchangeSettings(
        public_url="http://testserver", sender_interval=0, window_seconds=300
    )
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        uow.commit()

    def token(user: str, role: str, **kw: Any) -> dict[str, str]:
        with rt.uow() as uow:
            t = auth.create_token(uow, user=user, role=role, **kw)
            uow.commit()
        return {"Authorization": f"Bearer {t}"}

    broker_party = CL_BROKER if country == "CL" else PE_BROKER
    with TestClient(bootstrap.build_app(rt), raise_server_exceptions=False) as client:
        yield Side(
            country,
            rt,
            client,
            admin=token(f"admin.{country}", "admin"),
            broker=token(f"broker.{country}", "declarant", party_id=broker_party),
            officer=token(f"officer.{country}", "officer"),
            supervisor=token(f"supervisor.{country}", "supervisor"),
        )
    rt.engine.dispose()


@pytest.fixture
def cl(sqlite_template: Path, tmp_path: Path) -> Iterator[Side]:
    yield from _side("CL", sqlite_template, tmp_path)


@pytest.fixture
def pe(sqlite_template: Path, tmp_path: Path) -> Iterator[Side]:
    yield from _side("PE", sqlite_template, tmp_path)


def pair(a: Side, b: Side) -> None:
    """Registers each administration at the other, from the identity the other publishes."""
    for me, other in ((a, b), (b, a)):
        ident = other.client.get("/api/v1/exchange/identity").json()
        r = me.client.post(
            "/api/v1/exchange/partners",
            headers=me.admin,
            json={
                "country": other.country,
                "url": "http://testserver",
                "did": ident["did"],
                "did_document": ident["did_document"],
            },
        )
        assert r.status_code == 201, r.text


@pytest.fixture
def paired(cl: Side, pe: Side) -> tuple[Side, Side]:
    pair(cl, pe)
    return cl, pe


@pytest.fixture(scope="module")
def shared_pair(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side]]:
    """One pair for a whole module (tests that only read, or use fresh message ids)."""
    tmp = tmp_path_factory.mktemp("pair")
    a, b = _side("CL", sqlite_template, tmp), _side("PE", sqlite_template, tmp)
    cl, pe = next(a), next(b)
    pair(cl, pe)
    yield cl, pe
    for gen in (a, b):
        next(gen, None)
