"""Shared set-up of the risk, e-commerce and ledger page tests: the console with those capabilities installed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import update

from clearway.console.testing import core_app, core_runtime
from clearway.core.time import FixedClock
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.platform.tables import users
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.integration.console.conftest import ENGLISH, NOW, _demo_hash

CARRIER = "PE20555666773"
OTHER_CARRIER = "PE20111222330"
PAGE_USERS = (
    ("broker.andina", "declarant", {"party_id": "PE20100047218"}),
    ("carrier.demo", "declarant", {"party_id": CARRIER}),
    ("carrier.other", "declarant", {"party_id": OTHER_CARRIER}),
    ("officer.rojas", "officer", {"office": "PECLL"}),
    ("supervisor.quispe", "supervisor", {}),
    ("agency.senasa", "agency", {"agency": "SENASA"}),
    ("admin", "admin", {}),
)


@contextmanager
def console_with(settings: Settings, extra: tuple[str, ...]) -> Iterator[tuple[Runtime, TestClient]]:
    """The core, the console and the named capabilities over the test database, with the page users."""
    rt = core_runtime(settings, extra)
    rt.clock = FixedClock(NOW)
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        for name, role, scope in PAGE_USERS:
            auth.ensure_user(uow, name=name, role=role, **scope)
        uow.conn.execute(update(users).values(password_hash=_demo_hash()))
        uow.commit()
    auth.TOKEN_CACHE.clear()
    with TestClient(core_app(rt, extra), raise_server_exceptions=False, follow_redirects=False, headers=ENGLISH) as c:
        yield rt, c
    rt.engine.dispose()


def new_client(rt: Runtime, extra: tuple[str, ...]) -> TestClient:
    """Another browser (its own cookies) on the same server."""
    return TestClient(core_app(rt, extra), raise_server_exceptions=False, follow_redirects=False, headers=ENGLISH)
