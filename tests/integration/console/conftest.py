"""Console fixtures: the clearance core and the console on SQLite and PostgreSQL, users with passwords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from clearway.console.testing import core_app, core_runtime
from clearway.core.time import FixedClock
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Declaration, Lane
from clearway.declarations.ports import LaneProposal, LodgingFacts
from clearway.declarations.schemas import DeclarationIn
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.platform.tables import users
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.conftest import HoldRelease

BROKER = "PE20100047218"
USERS = (
    ("broker.andina", "declarant", {"party_id": BROKER}),
    ("broker.other", "declarant", {"party_id": "PE20999999990"}),
    ("officer.rojas", "officer", {"office": "PECLL"}),
    ("officer.diaz", "officer", {"office": "PECLL"}),
    ("supervisor.quispe", "supervisor", {}),
    ("admin", "admin", {}),
)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ENGLISH = {"Accept-Language": "en"}  # the existing assertions read English; tests/…/test_languages.py reads the others


@lru_cache(maxsize=1)
def _demo_hash() -> str:
    return auth.hash_password("demo")


class LaneByLrn:
    """Test risk engine: an LRN containing RED or YEL gets that lane, with a named rule."""

    precedence = 50

    def propose(self, uow: UnitOfWork, decl: Declaration, facts: LodgingFacts) -> LaneProposal | None:
        for tag, lane in (("RED", Lane.RED), ("YEL", Lane.YELLOW)):
            if tag in decl.data.lrn:
                return LaneProposal(
                    lane=lane,
                    reasons=(f"rule {tag}-1: test rule",),
                    source="risk-engine",
                    scores={"rules_hit": [f"{tag}-1"], "model": {"version": "test-model-7", "score": 0.9}},
                )
        return None


@pytest.fixture
def console_runtime(settings: Settings) -> Iterator[Runtime]:
    """The core and the console over the test database, clock fixed, demo nomenclature and users loaded."""
    clock = FixedClock(NOW)
    rt = core_runtime(settings)
    rt.clock = clock
    rt.ports.add(LaneByLrn())
    rt.ports.add(HoldRelease(blocker="duties not paid (test hold)"))
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        for name, role, scope in USERS:
            auth.ensure_user(uow, name=name, role=role, **scope)
        uow.conn.execute(update(users).values(password_hash=_demo_hash()))  # one scrypt per session, not per user
        uow.commit()
    auth.TOKEN_CACHE.clear()
    yield rt
    rt.engine.dispose()


@pytest.fixture
def app_client(console_runtime: Runtime) -> Iterator[TestClient]:
    """A browser-like client of the console (no network); cookies persist across requests."""
    with TestClient(
        core_app(console_runtime), raise_server_exceptions=False, follow_redirects=False, headers=ENGLISH
    ) as c:
        yield c


@dataclass
class Browser:
    """A signed-in client with its CSRF token."""

    client: TestClient
    csrf: str

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, str], **kw: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **data}, **kw)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, user: str, password: str = "demo") -> Browser:
    page = client.get("/console/login")
    r = client.post(
        "/console/login", data={"user": user, "password": password, "csrf_token": csrf_of(page.text), "next": "/"}
    )
    assert r.status_code == 303, r.text
    landing = client.get(r.headers["location"])
    assert landing.status_code == 200, landing.text
    return Browser(client, csrf_of(landing.text))


@pytest.fixture
def signed_in(console_runtime: Runtime) -> Iterator[Any]:
    """Returns a function that signs a new client in as a user."""
    clients: list[TestClient] = []

    def make(user: str) -> Browser:
        c = TestClient(
            core_app(console_runtime), raise_server_exceptions=False, follow_redirects=False, headers=ENGLISH
        )
        clients.append(c)
        return sign_in(c, user)

    yield make
    for c in clients:
        c.close()


def lodge(runtime: Runtime, lrn: str, *, at: datetime | None = None, party: str = BROKER, **changes: Any) -> str:
    """Lodges the example declaration under an LRN at a time; returns the MRN."""
    doc = example_declaration(lrn)
    doc.update(changes)
    data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    principal = Principal(user="broker.andina", role="declarant", party_id=party)
    with runtime.uow(clock=FixedClock(at or NOW)) as uow:
        result = lodging.lodge(uow, data, principal=principal, ctx=declarations_api.lodge_context(runtime, uow))
        uow.commit()
    return result.declaration.mrn
