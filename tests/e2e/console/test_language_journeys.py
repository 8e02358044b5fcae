"""In a real browser, in Spanish and in English: the broker lodges with a mistake, fixes it, answers the
documents request with an upload; the officer reads the reply, records the control result and the goods are
released; the trader sees it. With CLEARWAY_SCREENSHOTS=1 each page is saved under docs/screenshots/<lang>/."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WORDS = {
    "es": {"lang": "es-PE", "asked": "documentos requeridos", "released": "con levante", "next": "Qué sigue"},
    "en": {"lang": "en-US", "asked": "documents required", "released": "released", "next": "What happens next"},
}


def shot(page: Any, lang: str, name: str) -> None:
    """Saves a screenshot of the page when asked to (docs), never in ordinary test runs."""
    if os.environ.get("CLEARWAY_SCREENSHOTS") == "1":
        target = SHOTS / lang / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)


def sign_in(page: Any, base: str, user: str) -> None:
    page.goto(base + "/console/login")
    page.fill("#user", user)
    page.fill("#password", "demo")
    page.click("#sign-in")


def sign_out(page: Any) -> None:
    page.click("button.link-button")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_documents_request_answered_then_controlled_and_released(yellow_server: str, browser: Any, lang: str) -> None:
    words = WORDS[lang]
    context = browser.new_context(locale=words["lang"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(yellow_server + "/console/login")
    assert page.locator("html").get_attribute("lang") == lang
    shot(page, lang, "login")
    sign_in(page, yellow_server, "broker.andina")
    page.wait_for_url(re.compile(r".*/console/declarations$"))

    # lodges from the example with a wrong commodity code: the error is shown at the field, in the language
    page.click("#new-declaration")
    page.click("#start-example")
    lrn = page.locator("#lrn").input_value()
    page.fill("#goods_items-0-commodity_code", "999999")
    page.click("#lodge-button")
    assert page.locator(".field.has-error #goods_items-0-commodity_code").count() == 1
    shot(page, lang, "lodge_errors")
    page.fill("#goods_items-0-commodity_code", "851713")
    page.click("#lodge-button")
    page.wait_for_url(re.compile(r".*/console/declarations/\w+\?done=lodged"))
    mrn = page.locator("h1").inner_text().strip()
    assert words["asked"] in page.locator(".meta").inner_text()
    assert words["next"] in page.locator(".next-step").inner_text()
    assert lrn in page.locator(".meta").inner_text()

    # Back to the form and lodging it again replays the same declaration (same LRN), no second one
    page.goto(yellow_server + "/console/lodge?example=1")
    assert page.locator("#lrn").input_value() != lrn  # after a lodgement, a new form gets a new reference
    page.goto(yellow_server + f"/console/declarations/{mrn}")

    # answers the documents request with a reply and a PDF
    page.fill("#reply-message", "Factura comercial adjunta." if lang == "es" else "Commercial invoice attached.")
    page.set_input_files("#reply-file", files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#send-reply")
    page.wait_for_url(re.compile(r".*done=answered.*"))
    assert "invoice.pdf" in page.locator("#replies").inner_text()
    shot(page, lang, "trader_detail")
    page.goto(yellow_server + "/console/declarations")
    shot(page, lang, "trader_declarations")
    sign_out(page)

    # the officer sees what the declaration waits for, reads the reply and records the result: released
    sign_in(page, yellow_server, "officer.rojas")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    row = page.locator("table.queue tbody tr", has=page.locator(f"text={mrn}"))
    assert row.locator("td.waiting li").count() >= 1
    shot(page, lang, "queue")
    row.locator("a").first.click()
    assert page.locator("#decide input[type=radio]:checked").count() == 0  # nothing pre-selected
    assert "invoice.pdf" in page.locator("#replies").inner_text()
    shot(page, lang, "detail")
    page.check("#result-no_discrepancy")
    page.fill("#notes", "Factura conforme." if lang == "es" else "Invoice matches the goods.")
    page.fill("#findings-reason", "revisión documental conforme" if lang == "es" else "documentary check passed")
    page.click("#record-findings")
    page.wait_for_url(re.compile(r".*done=findings_released.*"))
    assert words["released"] in page.locator(".meta").inner_text()
    assert ("Factura conforme." if lang == "es" else "Invoice matches the goods.") in page.locator(
        "#controls"
    ).inner_text()
    page.goto(yellow_server + "/console/dashboard")
    assert page.locator("#kpi-total").inner_text() != "0"
    shot(page, lang, "dashboard")
    page.goto(yellow_server + "/console/no-such-page")
    shot(page, lang, "not_found")
    sign_out(page)

    # the trader sees the release
    sign_in(page, yellow_server, "broker.andina")
    page.goto(yellow_server + f"/console/declarations/{mrn}")
    assert words["released"] in page.locator(".meta").inner_text()
    sign_out(page)
    sign_in(page, yellow_server, "admin")
    page.wait_for_url(re.compile(r".*/console/.*"))
    page.goto(yellow_server + "/console/admin")
    assert page.locator("#users").count() == 1
    shot(page, lang, "admin")
    context.close()


def test_the_switcher_changes_the_language_and_keeps_it(yellow_server: str, browser: Any) -> None:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, yellow_server, "officer.rojas")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("a[hreflang=fr]")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    assert page.locator("html").get_attribute("lang") == "fr" and "File de travail" in page.locator("h1").inner_text()
    page.goto(yellow_server + "/console/dashboard")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.click("a[hreflang=en]")  # back to English for the other tests' officer
    context.close()
