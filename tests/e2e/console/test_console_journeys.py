"""In a real browser: a trader lodges with an error and fixes it, an officer releases, the dashboard counts it."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def sign_in(page: Any, base: str, user: str) -> None:
    page.goto(base + "/")
    page.fill("#user", user)
    page.fill("#password", "demo")
    page.click("#sign-in")


def test_lodge_fix_release_and_count_without_javascript(live_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-US")  # every step works without scripts
    page = context.new_page()
    sign_in(page, live_server, "broker.andina")
    page.wait_for_url(re.compile(r".*/console/declarations$"))

    # the trader lodges with a wrong commodity code: the error shows next to that field
    page.click("text=Lodge a declaration")
    page.click("text=Start from an example")
    page.fill("#goods_items-0-commodity_code", "999999")
    page.click("#lodge-button")
    field = page.locator(".field.has-error", has=page.locator("#goods_items-0-commodity_code"))
    assert field.count() == 1
    assert "commodity" in field.locator(".error-message").inner_text().lower()
    assert page.locator(".error-summary a[href='#goods_items-0-commodity_code']").count() == 1

    # ... fixes it and lodges: an MRN is issued
    page.fill("#goods_items-0-commodity_code", "851713")
    page.click("#lodge-button")
    page.wait_for_url(re.compile(r".*/console/declarations/\w+\?done=lodged"))
    mrn = page.locator("h1").inner_text().strip()
    assert re.fullmatch(r"\d{2}PE[0-9A-Z]{14}", mrn)
    assert "physical check" in page.locator(".meta").inner_text()
    page.click("button.link-button")

    # the officer finds it first in the queue (red lane) and releases it after the check
    sign_in(page, live_server, "officer.rojas")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    first = page.locator("table.queue tbody tr").first
    assert mrn in first.inner_text() and "red" in first.inner_text().lower()
    first.locator("a").click()
    page.check("#decision-release")
    page.click("#record-decision")
    assert page.locator("#d-reason .error-message").count() == 1  # a reason is required
    page.check("#result-no_discrepancy")
    page.fill("#findings-reason", "goods match the declaration; released")
    page.click("#record-findings")
    page.wait_for_url(re.compile(r".*\?done=findings_released.*"))
    assert "released" in page.locator(".meta").inner_text()

    # the dashboard counts it: one declaration, one control, no discrepancy
    page.click("text=Dashboard")
    assert page.locator("#kpi-total").inner_text() == "1"
    assert "(0 of 1)" in page.locator(".kpis").inner_text()
    context.close()


def test_a_trader_cannot_open_the_officers_queue(live_server: str, browser: Any) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "importer.pacifico")
    page.wait_for_url(re.compile(r".*/console/declarations$"))
    response = page.goto(live_server + "/console/queue")
    assert response is not None and response.status == 403
    assert "Not allowed" in page.locator("h1").inner_text()
    context.close()
