"""A real Clearway server (uvicorn in a thread, temp SQLite) and Debian's Chromium for console tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from clearway import bootstrap
from clearway.console.testing import core_app, core_runtime
from clearway.demo import users
from clearway.mandates import seed as mandates_seed
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serves Clearway over HTTP with the demo users and nomenclature; every lodgement goes to the red lane."""
    yield from serve(tmp_path_factory, red=1, yellow=0)


@pytest.fixture(scope="module")
def yellow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same server where every lodgement goes to the yellow lane (customs asks for documents)."""
    yield from serve(tmp_path_factory, red=0, yellow=1)


def serve(tmp_path_factory: pytest.TempPathFactory, *, red: float, yellow: float) -> Iterator[str]:
    """Serves Clearway over HTTP on a free port with a temporary SQLite database."""
    data_dir = tmp_path_factory.mktemp("console-e2e")
    settings = Settings(
        env="test", data_dir=data_dir, secret_key="e2e-secret", selectivity_red_rate=red, selectivity_yellow_rate=yellow
    )
    bootstrap.import_tables()
    runtime = core_runtime(settings)  # the console over the clearance core, whatever else is installed
    upgrade(runtime.engine)
    runtime.caches["platform.migrated"] = True
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        uow.commit()
    users.issue_tokens(runtime)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(core_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("the test server did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    runtime.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; the tests skip when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (the e2e extra)")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def a11y() -> Any:
    """axe-core checks of the pages (a no-op when axe-core is not installed; see test_axe_is_installed)."""
    from tests.e2e.console.a11y import Accessibility

    return Accessibility()
