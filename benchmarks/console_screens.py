"""Screenshots of the console's main pages on the demo data, for the README: docs/screenshots/*.png.

Drives Debian's Chromium through Playwright (never downloads a browser).

    python benchmarks/console_screens.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _console_demo import demo_server

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as (base, _which), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "/")
        page.screenshot(path=OUT / "login.png")
        page.fill("#user", "officer.rojas")
        page.fill("#password", "demo")
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r".*/console/queue.*"))
        page.screenshot(path=OUT / "queue.png")
        page.click("table.queue tbody tr:first-child a")
        page.wait_for_url(re.compile(r".*/console/declarations/.+"))
        page.screenshot(path=OUT / "detail.png", full_page=True)
        page.goto(base + "/console/dashboard?start=2000-01-01")
        page.goto(base + "/console/dashboard")
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        for name, path in (
            ("risk", "/console/risk"),
            ("ecommerce_officer", "/console/ecommerce"),
            ("ledger", "/console/ledger"),
        ):
            page.goto(base + path)
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
        page.click("button:has-text('Sign out')")
        page.fill("#user", "carrier.demo")  # the demo carrier lands on its parcel manifests
        page.fill("#password", "demo")
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r".*/console/ecommerce$"))
        page.screenshot(path=OUT / "ecommerce_carrier.png", full_page=True)
        page.click("#manifests tbody tr:first-child a")
        page.wait_for_url(re.compile(r".*/console/ecommerce/manifests/.+"))
        page.screenshot(path=OUT / "ecommerce_manifest.png", full_page=True)
        page.click("button:has-text('Sign out')")
        page.fill("#user", "broker.andina")
        page.fill("#password", "demo")
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r".*/console/declarations.*"))
        page.screenshot(path=OUT / "trader_declarations.png")
        page.click("table.data tbody tr:first-child a")
        page.wait_for_url(re.compile(r".*/console/declarations/.+"))
        page.screenshot(path=OUT / "trader_detail.png", full_page=True)
        page.goto(base + "/console/lodge?example=1")
        page.fill("#goods_items-0-commodity_code", "999999")
        page.fill("#consignment-loading_place", "CN-SH")
        page.click("#lodge-button")
        page.wait_for_selector(".error-summary")
        page.screenshot(path=OUT / "lodge_errors.png")
        page.click("button:has-text('Sign out')")
        page.fill("#user", "agency.senasa")
        page.fill("#password", "demo")
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r".*/console/agency.*"))
        page.screenshot(path=OUT / "agency_queue.png")
        page.click("button:has-text('Sign out')")
        for lang in ("es", "en"):
            shoot_reference_and_admin_pages(browser, base, lang)
        browser.close()
    for png in sorted(OUT.glob("**/*.png")):
        print(f"wrote {png.relative_to(OUT.parents[1])}")


# The reference-data, tariff, agencies and administration pages, in each language, on the demo data.
PAGES = (
    ("officer.rojas", "reference", "/console/reference?q=0803"),
    ("officer.rojas", "reference_words", "/console/reference?q=telephone"),
    ("officer.rojas", "tariff", "/console/tariff?code=080390"),
    ("officer.rojas", "agencies", "/console/agencies"),
    ("officer.rojas", "agencies_by_goods", "/console/agencies?hs=080390"),
    ("admin", "admin", "/console/admin"),
    ("admin", "admin_tokens", "/console/admin/tokens"),
    ("admin", "admin_mandates", "/console/admin/mandates"),
    ("admin", "admin_approvals", "/console/admin/approvals"),
    ("admin", "tariff_admin", "/console/tariff"),
)


def shoot_reference_and_admin_pages(browser: object, base: str, lang: str) -> None:
    """Signs in as each user in a language and saves the pages under docs/screenshots/<lang>/."""
    (OUT / lang).mkdir(parents=True, exist_ok=True)
    for user in dict.fromkeys(u for u, _, _ in PAGES):
        context = browser.new_context(locale=lang, viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(base + f"/console/language?lang={lang}&next=/console/login")
        page.fill("#user", user)
        page.fill("#password", "demo")
        page.click("#sign-in")
        page.wait_for_load_state()
        for who, name, path in PAGES:
            if who == user:
                page.goto(base + path)
                page.screenshot(path=OUT / lang / f"{name}.png", full_page=True)
        context.close()


if __name__ == "__main__":
    main()
