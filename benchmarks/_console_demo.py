"""A seeded demo server for the console benchmark and screenshots: ``clearway demo --seed-only``, then serve."""

from __future__ import annotations

import os
import random
import re
import subprocess
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


def seed_full(data_dir: str) -> bool:
    """Seeds the whole demo as ``make demo`` does (every installed capability); tells whether it worked."""
    env = {k: v for k, v in os.environ.items() if k != "CLEARWAY_DATABASE_URL"}
    env.update(CLEARWAY_DATA_DIR=data_dir, CLEARWAY_SECRET_KEY="bench-secret", COLUMNS="250")
    done = subprocess.run(
        [sys.executable, "-m", "clearway", "demo", "--seed-only"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print("full demo seed failed; falling back to the clearance core's demo:\n" + done.stderr[-2000:])
    return done.returncode == 0


@contextmanager
def demo_server() -> Iterator[tuple[str, str]]:
    """Seeds the demo into a fresh data directory and serves it; yields (base URL, which demo)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"CLEARWAY_DATA_DIR": tmp, "CLEARWAY_SECRET_KEY": "bench-secret", "CLEARWAY_LOG_LEVEL": "WARNING"}
        os.environ.pop("CLEARWAY_DATABASE_URL", None)
        if seed_full(tmp):
            app, which = "clearway.asgi:app", "full demo (make demo)"
        else:
            seed(tmp)
            app, which = "_console_app:app", "clearance core demo"
        with serve(app, env) as base:
            yield base, which


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
