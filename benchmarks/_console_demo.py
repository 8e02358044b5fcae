"""A seeded demo server for the console benchmark and screenshots: ``clearway demo --seed-only``, then serve."""

from __future__ import annotations

import os
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


@contextmanager
def demo_server() -> Iterator[tuple[str, dict[str, str]]]:
    """Seeds the demo into a fresh data directory, serves it, and yields (base URL, env)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"CLEARWAY_DATA_DIR": tmp, "CLEARWAY_SECRET_KEY": "bench-secret", "CLEARWAY_LOG_LEVEL": "WARNING"}
        env.pop("CLEARWAY_DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-m", "clearway", "demo", "--seed-only"],
            env={**{k: v for k, v in os.environ.items() if k != "CLEARWAY_DATABASE_URL"}, **env, "COLUMNS": "300"},
            capture_output=True,
            text=True,
            check=True,
        )
        if not re.search(r"officer\.rojas=cw_", out.stdout):
            raise RuntimeError("the demo did not print tokens:\n" + out.stdout + out.stderr)
        with serve("clearway.asgi:app", env) as base:
            yield base, env


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
    r.raise_for_status()
    if "clearway_token" not in client.cookies:
        raise RuntimeError(f"could not sign in as {user}")
