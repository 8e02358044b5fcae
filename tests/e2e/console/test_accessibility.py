"""axe-core on every console page, on the full demo (``clearway demo --seed-only``), in Spanish and in English.

Each demo role signs in and visits every page of its menu (the primary entries and those under "More"), the
detail pages one click away (a declaration, an agency application, a manifest, a crisis pack, a training
exercise, a risk rule…), the 404 page and the sign-in page. Any serious or critical violation fails, naming the
page and the rule. With CLEARWAY_SCREENSHOTS=1 each page is also saved under docs/screenshots/<lang>/ (viewport
1280×900), once per page and language, with the "More" menu open on one of them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from tests.e2e.console.a11y import MISSING, Accessibility
from tests.e2e.console.test_language_journeys import SHOTS, sign_in, sign_out

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]
LOCALES = {"es": "es-PE", "en": "en-US"}
ROLES = {  # the demo user of each role, and the prefix of its screenshots
    "officer": "officer.rojas",
    "supervisor": "supervisor.quispe",
    "admin": "admin",
    "broker": "broker.andina",
    "agency": "agency.senasa",
    "carrier": "carrier.demo",
}
TRADE_ROLES = ("broker", "agency", "carrier")
DETAILS = (  # detail pages one click away from the menu's pages: (name, link selector)
    ("declaration", "main a[href^='/console/declarations/']:not([href*='/amend']):not([href*='/files/'])"),
    ("agency_application", "main a[href^='/console/agency/']"),
    ("manifest", "main a[href^='/console/ecommerce/manifests/']"),
    ("crisis_pack", "main a[href^='/console/crisis/packs/']"),
    ("training_exercise", "main a[href^='/console/training/exercises/']"),
    ("training_progress", "main a[href='/console/training/progress']"),
    ("risk_rule", "main a[href^='/console/risk/rules/']:not([href$='/new'])"),
    ("risk_watchlist", "main a[href^='/console/risk/watchlists/']:not([href$='/new'])"),
    ("workforce_report", "main a[href^='/console/workforce/report']"),
    ("workforce_education", "main a[href^='/console/workforce/education']"),
)


SEEDED: dict[str, str] = {}  # what the demo seed printed (the declarations it attached documents to)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole demo as ``make demo`` seeds it (every capability, every demo user), served by uvicorn."""
    data_dir = tmp_path_factory.mktemp("console-a11y")
    env = {k: v for k, v in os.environ.items() if k != "CLEARWAY_DATABASE_URL"}
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env.update(
        CLEARWAY_DATA_DIR=str(data_dir), CLEARWAY_SECRET_KEY="a11y-secret", CLEARWAY_LOG_LEVEL="WARNING",
        COLUMNS="250", PYTHONPATH=path,
    )  # fmt: skip
    seeded = subprocess.run(
        [sys.executable, "-m", "clearway", "demo", "--seed-only"], env=env, capture_output=True, text=True, check=False
    )
    assert seeded.returncode == 0, "the demo seed failed:\n" + seeded.stderr[-3000:]
    SEEDED["output"] = seeded.stdout + seeded.stderr
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "clearway.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning", "--no-access-log"], env=env, cwd=data_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "the demo server stopped"
            time.sleep(0.1)
        else:
            raise RuntimeError("the demo server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class Tour:
    """Visits pages, checks each with axe-core, collects every violation and saves the screenshots asked for."""

    shot_names: ClassVar[set[tuple[str, str]]] = set()  # (lang, name) already saved in this run

    def __init__(self, page: Any, a11y: Accessibility, role: str, lang: str) -> None:
        self.page, self.a11y, self.role, self.lang = page, a11y, role, lang
        self.failures: list[str] = []
        self.visited: list[str] = []

    def check(self, name: str, *, full_page: bool = False) -> None:
        """Checks the page as it is now under the name ``<role>/<name>``."""
        label = f"{self.role}/{name} [{self.lang}]"
        self.visited.append(label)
        try:
            self.a11y.check(self.page, label)
        except AssertionError as exc:
            self.failures.append(str(exc))
        self.shot(name, full_page=full_page)

    def shot(self, name: str, *, full_page: bool = False) -> None:
        """Saves docs/screenshots/<lang>/page_<name>.png once per run (the first role to reach the page)."""
        if os.environ.get("CLEARWAY_SCREENSHOTS") != "1":
            return
        if self.role in TRADE_ROLES and name not in ("login", "not_found"):
            name = f"{self.role}_{name}"  # what a trader or an agency sees differs from the customs view
        if (self.lang, name) in self.shot_names:
            return
        self.shot_names.add((self.lang, name))
        target = SHOTS / self.lang / f"page_{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target), full_page=full_page)


def _menu(page: Any) -> list[tuple[str, str]]:
    """The role's menu as the page shows it: (key, href) for the primary entries, then those under "More"."""
    hrefs: list[str] = page.eval_on_selector_all(".site-nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    return [(h.removeprefix("/console/").replace("/", "_") or "home", h) for h in dict.fromkeys(hrefs)]


def _visit(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_every_role_has_no_serious_violation(
    demo_server: str, browser: Any, a11y: Accessibility, role: str, lang: str
) -> None:
    if a11y.script is None:
        pytest.skip(MISSING)
    base = demo_server
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    tour = Tour(page, a11y, role, lang)
    sign_in(page, base, ROLES[role])
    page.wait_for_load_state("load")
    assert "/console/login" not in page.url, f"{ROLES[role]} could not sign in"
    menu = _menu(page)
    assert menu, f"{role} has no menu"
    if page.locator(".nav-more summary").count():  # the "More" disclosure, open
        page.click(".nav-more summary")
        tour.check("menu_more_open")
    details: dict[str, str] = {}
    for key, href in menu:
        _visit(page, base + href)
        assert page.locator(".site-nav").count() == 1, f"{role} cannot open {href} from its menu"
        tour.check(key, full_page=key in ("dashboard", "home"))
        for name, selector in DETAILS:
            if name not in details and (link := page.locator(selector).first).count():
                details[name] = str(link.get_attribute("href"))
    for name, href in details.items():
        _visit(page, base + href)
        tour.check(name)
    _visit(page, base + "/console/no-such-page")
    assert page.locator("h1").count() == 1
    tour.check("not_found")
    sign_out(page)
    _visit(page, base + "/console/login")
    tour.check("login")
    context.close()
    assert len(tour.visited) >= len(menu) + 2
    assert not tour.failures, f"{len(tour.failures)} of {len(tour.visited)} pages fail axe-core:\n" + "\n".join(
        tour.failures
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_documents_panel_of_the_demo_declarations_has_no_serious_violation(
    demo_server: str, browser: Any, a11y: Accessibility, lang: str
) -> None:
    """The declarations the demo attached documents to (printed invoices, a Factur-X, a certificate of origin):
    each file's facts, fields and goods-line tables, as an officer sees them."""
    if a11y.script is None:
        pytest.skip(MISSING)
    output = re.sub(r"\s+", " ", SEEDED.get("output", ""))
    found = re.search(r"documents: invoices attached to ([^;·]+)", output)
    assert found, "the demo seed attached no documents"
    mrns = re.findall(r"(\w+) \(\d+ discrepancies\)", found.group(1))
    assert len(mrns) >= 2
    certificate = re.search(r"a certificate of origin to (\w+) \(", output)
    assert certificate, "the demo seed attached no certificate of origin"
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, demo_server, ROLES["officer"])
    page.wait_for_load_state("load")
    failures: list[str] = []
    shots = {1: "printed", 2: "facturx", len(mrns): "certificate"}  # the inflated print, the Factur-X, the CoO
    for k, mrn in enumerate([*mrns, certificate.group(1)]):
        _visit(page, f"{demo_server}/console/declarations/{mrn}")
        panel = page.locator("#attached-documents")
        assert panel.locator("article").count() >= 1, f"{mrn} shows no attached document"
        # an invoice's fields and goods lines; a certificate's fields (its goods are not read as lines)
        assert panel.locator("table caption").count() >= (2 if k < len(mrns) else 1)
        try:
            a11y.check(page, f"officer/declaration with documents {k} [{lang}]")
        except AssertionError as exc:
            failures.append(str(exc))
        if os.environ.get("CLEARWAY_SCREENSHOTS") == "1" and k in shots:
            target = SHOTS / lang / f"documents_panel_{shots[k]}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            panel.screenshot(path=str(target))
    context.close()
    assert not failures, f"{len(failures)} of {len(mrns)} pages fail axe-core:\n" + "\n".join(failures)
