"""Nothing acknowledged is lost: ``clearway serve`` killed with SIGKILL while 16 clients lodge.

Every declaration answered ``201`` before the kill is in the database afterwards, exactly once, under the MRN the
client was given. Runs on SQLite and, when configured, on PostgreSQL (a scratch schema).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from clearway.declarations.examples import example_declaration
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service

pytestmark = pytest.mark.e2e
PG_URL = os.environ.get("CLEARWAY_TEST_DATABASE_URL")
CLIENTS = 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def storm_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for the server: a SQLite file, or a scratch PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'storm.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need CLEARWAY_TEST_DATABASE_URL; .ci/run sets it")
    schema = f"cw_storm_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _prepare(url: str, tmp_path: Path) -> str:
    settings = Settings(env="test", database_url=url, data_dir=tmp_path, secret_key="storm-secret")
    runtime = Runtime.build(settings)
    upgrade(runtime.engine)
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the example's importer mandates its broker
        party = example_declaration("X")["declarant"]["id"]
        token = auth.create_token(uow, user="storm", role="declarant", party_id=party)
        uow.commit()
    runtime.engine.dispose()
    return token


def _start(url: str, tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CLEARWAY_DATABASE_URL": url,
        "CLEARWAY_DATA_DIR": str(tmp_path),
        "CLEARWAY_SECRET_KEY": "storm-secret",
        "CLEARWAY_ENV": "test",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "clearway", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("clearway serve did not start")


def test_sigkill_during_lodging_loses_no_acknowledged_declaration(storm_db: str, tmp_path: Path) -> None:
    token = _prepare(storm_db, tmp_path)
    port = _free_port()
    proc = _start(storm_db, tmp_path, port)
    acknowledged: dict[str, str] = {}  # LRN -> MRN, answered 201
    lock = threading.Lock()
    stop = threading.Event()

    def client(k: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=10) as http:
            n = 0
            while not stop.is_set():
                lrn = f"STORM-{k:02d}-{n:05d}"
                n += 1
                try:
                    r = http.post("/api/v1/declarations", json=example_declaration(lrn))
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acknowledged[lrn] = r.json()["mrn"]

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kill in the middle of the storm, once enough went through
        time.sleep(0.2)
        with lock:
            if len(acknowledged) >= 40:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= 20, "too few lodgements before the kill to mean anything"

    engine = create_engine(storm_db)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT lrn, mrn FROM declarations WHERE lrn LIKE 'STORM-%'")).all()
    engine.dispose()
    stored: dict[str, list[str]] = {}
    for lrn, mrn in rows:
        stored.setdefault(lrn, []).append(mrn)
    lost = [lrn for lrn in acknowledged if lrn not in stored]
    assert not lost, f"{len(lost)} acknowledged declarations lost after SIGKILL: {lost[:5]}"
    assert all(len(mrns) == 1 for mrns in stored.values()), "a declaration was stored twice"
    assert all(stored[lrn] == [mrn] for lrn, mrn in acknowledged.items()), "an MRN changed after the kill"

    # Restarted, the server answers a retry of an acknowledged LRN with the same MRN.
    proc = _start(storm_db, tmp_path, port)
    try:
        lrn, mrn = next(iter(acknowledged.items()))
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/declarations",
            json=example_declaration(lrn),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 200 and r.json()["mrn"] == mrn and r.json()["replayed"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=20)
