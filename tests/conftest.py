"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from clearway import bootstrap
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.db import metadata
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service

# The CLI speaks the language of LANG/CLEARWAY_LANG: tests read its English (those of its languages set their own).
os.environ["CLEARWAY_LANG"] = "en"
PG_URL = os.environ.get("CLEARWAY_TEST_DATABASE_URL")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def shared_data(*parts: str) -> Path:
    """Returns a path under ../shared/data, skipping the test with a reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path} (tests read ../shared/data when it exists)")
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test session, migrated once; dropped at the end."""
    if not PG_URL:
        pytest.skip(
            "PostgreSQL tests need CLEARWAY_TEST_DATABASE_URL (e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it"
        )
    schema = f"cw_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or the session's PostgreSQL schema cleaned after use."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "clearway.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("pg_schema_url")
    yield url
    engine = create_engine(url)
    with engine.begin() as conn:
        # the audit log refuses DELETE (append-only) unless this maintenance switch is on
        conn.execute(text("SET LOCAL clearway.audit_maintenance = 'on'"))
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Test settings on the test database."""
    auth.THROTTLE.reset()  # sign-in throttling starts afresh for every test
    return Settings(
        env="test",
        database_url=db_url,
        data_dir=tmp_path,
        secret_key="test-secret",
        selectivity_red_rate=0,
        selectivity_yellow_rate=0,
    )


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """A runtime with every capability subscribed and the demo nomenclature loaded."""
    bootstrap.import_tables()
    rt = bootstrap.build_runtime(settings)
    rt.caches["platform.migrated"] = True
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        uow.commit()
    yield rt
    rt.engine.dispose()


@dataclass
class Tokens:
    """Bearer headers of the test users."""

    broker: dict[str, str]
    other_broker: dict[str, str]
    officer: dict[str, str]
    officer2: dict[str, str]
    supervisor: dict[str, str]
    agency: dict[str, str]
    admin: dict[str, str]


BROKER_PARTY = "PE20100047218"


@dataclass(frozen=True)
class HoldRelease:
    """A release gate (port) holding declarations whose LRN contains ``tag`` — as unpaid duties would — so that
    they stay accepted and amendable; an empty tag holds every declaration."""

    tag: str = "HOLD"
    blocker: str = "test hold"

    def blockers(self, uow: object, decl: Any) -> list[str]:
        return [self.blocker] if self.tag in decl.data.lrn else []


@pytest.fixture
def tokens(runtime: Runtime) -> Tokens:
    """Creates one user per role and returns their Authorization headers."""

    def make(user: str, role: str, **kw: str) -> dict[str, str]:
        with runtime.uow() as uow:
            token = auth.create_token(uow, user=user, role=role, **kw)  # type: ignore[arg-type]
            uow.commit()
        return {"Authorization": f"Bearer {token}"}

    return Tokens(
        broker=make("broker.andina", "declarant", party_id=BROKER_PARTY),
        other_broker=make("broker.other", "declarant", party_id="PE20999999990"),
        officer=make("officer.rojas", "officer", office="PECLL"),
        officer2=make("officer.diaz", "officer", office="PECLL"),
        supervisor=make("supervisor.quispe", "supervisor"),
        agency=make("agency.senasa", "agency", agency="SENASA"),
        admin=make("admin", "admin"),
    )


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """An HTTP client on the app (no network)."""
    with TestClient(bootstrap.build_app(runtime), raise_server_exceptions=False) as c:
        yield c
