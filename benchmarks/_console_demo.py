"""A seeded demo server for the console benchmark and screenshots: ``clearway demo --seed-only``, then serve."""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _server import serve
from clearway import bootstrap
from clearway.console.testing import core_capabilities, core_runtime
from clearway.demo import users
from clearway.platform.capability import DemoContext
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings


def seed(data_dir: str) -> None:
    """Seeds the demo of the clearance core and the console (nomenclature, declarations, users) in-process."""
    settings = Settings(data_dir=Path(data_dir), secret_key="bench-secret")
    bootstrap.import_tables()
    runtime = core_runtime(settings)
    upgrade(runtime.engine)
    ctx = DemoContext(runtime=runtime, rng=random.Random(2026), say=lambda m: print(f"  {m}"))
    for cap in core_capabilities():
        if cap.seed_demo is not None:
            cap.seed_demo(ctx)
    users.issue_tokens(runtime)
    runtime.engine.dispose()


@contextmanager
def demo_server() -> Iterator[str]:
    """Seeds the demo into a fresh data directory, serves it in a subprocess, and yields the base URL."""
    with tempfile.TemporaryDirectory() as tmp:
        seed(tmp)
        env = {"CLEARWAY_DATA_DIR": tmp, "CLEARWAY_SECRET_KEY": "bench-secret", "CLEARWAY_LOG_LEVEL": "WARNING"}
        os.environ.pop("CLEARWAY_DATABASE_URL", None)
        with serve("_console_app:app", env) as base:
            yield base


def sign_in(client: httpx.Client, base: str, user: str, password: str = "demo") -> None:
    """Signs a client in through the console's login form."""
    page = client.get(base + "/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post(
        base + "/console/login",
        data={"user": user, "password": password, "csrf_token": token.group(1), "next": "/console/"},
        headers={"Origin": base},
    )
    if r.status_code != 303 or "clearway_token" not in client.cookies:
        raise RuntimeError(f"could not sign in as {user}")
