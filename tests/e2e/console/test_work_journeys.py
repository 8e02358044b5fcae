"""In a real browser, in Spanish and in English, on a server with the tariff, the single window and mandates:
the broker lodges with a mistake, fixes it, answers the documents request with an upload, pays and sees the
release; the officer records a physical check with findings and sees them; the agency refuses and the officer
sees the blocker; the admin grants a mandate. Every page visited is checked with axe-core (serious and critical
violations fail the test). With CLEARWAY_SCREENSHOTS=1 the new pages are saved under docs/screenshots/<lang>/."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import uvicorn

from clearway import bootstrap
from clearway.console.testing import core_app, core_runtime
from clearway.demo import users
from clearway.mandates import seed as mandates_seed
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.e2e.console.a11y import AXE, MISSING, Accessibility
from tests.e2e.console.test_language_journeys import PDF, shot, sign_in, sign_out
from tests.integration.console.conftest import LaneByLrn, lodge

pytestmark = pytest.mark.e2e
tariff_service = pytest.importorskip("clearway.tariff.service", reason="the tariff capability is not installed")
sw_seed = pytest.importorskip("clearway.single_window.seed", reason="the single window is not installed")
EXTRA = ("clearway.tariff", "clearway.single_window", "clearway.mandates")
LOCALES = {"es": "es-PE", "en": "en-US"}
WORDS = {
    "es": {"released": "con levante", "refused": "SENASA", "findings": "Precinto roto; 3 cajas de más."},
    "en": {"released": "released", "refused": "SENASA", "findings": "Seal broken; 3 cartons too many."},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def work_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime]]:
    """Clearway with the tariff (schedule, today's rates, the simulated bank), the single window (the demo's
    agencies and requirements) and mandates; lanes by LRN (RED…, YEL…), else green."""
    from clearway.single_window import catalog, loader
    from clearway.tariff import settlement
    from clearway.tariff.model import ExchangeRate
    from clearway.tariff.providers import SimulatedBank
    from clearway.tariff.seed import demo_schedule_path

    data_dir = tmp_path_factory.mktemp("console-work")
    settings = Settings(
        env="test", data_dir=data_dir, secret_key="e2e-secret", selectivity_red_rate=0, selectivity_yellow_rate=0
    )
    bootstrap.import_tables()
    runtime = core_runtime(settings, EXTRA)
    runtime.ports.add(LaneByLrn())
    upgrade(runtime.engine)
    runtime.caches["platform.migrated"] = True
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        tariff_service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="e2e")
        today = runtime.clock().date()
        rates = [ExchangeRate(c, today - timedelta(days=1), Decimal(r)) for c, r in (("USD", "3.8"), ("EUR", "4.1"))]
        tariff_service.load_rates(uow, rates)
        bank = SimulatedBank.load_or_create(data_dir)
        settlement.register_provider(uow, name=bank.name, public_key=bank.public_key_b64(), by="e2e", reason="e2e")
        catalog.load(uow, runtime.caches, loader.parse_yaml(sw_seed.demo_requirements_text()), actor="e2e")
        uow.commit()
    users.issue_tokens(runtime, ({"user": "agency.senasa", "role": "agency", "agency": "SENASA", "what": "SENASA"},))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(core_app(runtime, EXTRA), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("the test server did not start")
    yield f"http://127.0.0.1:{port}", runtime
    server.should_exit = True
    thread.join(timeout=10)
    runtime.engine.dispose()


def _context(browser: Any, lang: str) -> Any:
    # bypass_csp lets axe-core be injected; the pages themselves run with their Content-Security-Policy elsewhere
    return browser.new_context(locale=LOCALES[lang], viewport={"width": 1280, "height": 900}, bypass_csp=True)


def _bank_confirms(runtime: Runtime, mrn: str) -> None:
    """The simulated bank confirms the broker's payment order (a bank is outside the console)."""
    from clearway.tariff import payments, settlement
    from clearway.tariff.providers import SimulatedBank

    with runtime.uow() as uow:
        decl_id = tariff_service.get_assessment(uow, mrn).declaration_id
        for order in payments.orders_of(uow, decl_id):
            if order["status"] == "pending":
                settlement.simulate_bank(uow, SimulatedBank.load_or_create(runtime.settings.data_dir), order["id"])
        uow.commit()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_broker_lodges_fixes_answers_pays_and_sees_release(
    work_server: tuple[str, Runtime], browser: Any, lang: str, a11y: Accessibility
) -> None:
    base, runtime = work_server
    page = _context(browser, lang).new_page()
    sign_in(page, base, "broker.andina")
    page.wait_for_url(re.compile(r".*/console/declarations$"))
    a11y.check(page, "trader_declarations")
    page.click("#new-declaration")
    page.click("#start-example")
    page.fill("#lrn", f"YEL-PAY-{lang}-{int(time.time())}")
    total = page.locator("#invoice-total_amount").input_value()
    page.fill("#goods_items-0-commodity_code", "999999")
    page.fill("#invoice-total_amount", "")
    page.click("#lodge-button")
    assert page.locator(".field.has-error #goods_items-0-commodity_code").count() == 1
    assert page.locator(".error-summary li").count() >= 2  # both mistakes at once
    a11y.check(page, "lodge_errors")
    page.fill("#goods_items-0-commodity_code", "847130")  # a laptop: no partner agency is involved
    page.fill("#invoice-total_amount", total)
    page.click("#lodge-button")
    page.wait_for_url(re.compile(r".*/console/declarations/\w+\?done=lodged"))
    mrn = page.locator("h1").inner_text().strip()
    a11y.check(page, "trader_detail")
    page.fill("#reply-message", "Factura comercial adjunta." if lang == "es" else "Commercial invoice attached.")
    page.set_input_files("#reply-file", files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#send-reply")
    page.wait_for_url(re.compile(r".*done=answered.*"))
    sign_out(page)

    # the officer reads the reply and records no discrepancy: the goods wait for the duties
    sign_in(page, base, "officer.rojas")
    page.goto(f"{base}/console/declarations/{mrn}")
    page.check("#result-no_discrepancy")
    page.fill("#findings-reason", "revisión documental conforme" if lang == "es" else "documentary check passed")
    page.click("#record-findings")
    page.wait_for_url(re.compile(rf".*/console/declarations/{mrn}.*"))
    assert WORDS[lang]["released"] not in page.locator(".meta").inner_text()
    assert page.locator("#controls").count() == 1  # the result is recorded
    assert "PEN" in page.locator("#blockers").inner_text()  # unpaid duties named, in their currency
    sign_out(page)

    # the broker pays; once the bank confirms, the goods are released and the broker sees it
    sign_in(page, base, "broker.andina")
    page.goto(f"{base}/console/declarations/{mrn}")
    page.click("#pay-button")
    page.wait_for_url(re.compile(r".*done=paid.*"))
    _bank_confirms(runtime, mrn)
    page.goto(f"{base}/console/declarations/{mrn}")
    assert WORDS[lang]["released"] in page.locator(".meta").inner_text()
    shot(page, lang, "trader_released")
    page.context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_officer_records_a_physical_check_with_findings_and_sees_them(
    work_server: tuple[str, Runtime], browser: Any, lang: str, a11y: Accessibility
) -> None:
    base, runtime = work_server
    mrn = lodge(runtime, f"RED-CHECK-{lang}", at=runtime.clock())
    page = _context(browser, lang).new_page()
    sign_in(page, base, "officer.rojas")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    a11y.check(page, "queue")
    page.goto(f"{base}/console/declarations/{mrn}")
    a11y.check(page, "detail")
    page.click("#record-findings")  # nothing chosen: the page says what is missing, nothing is recorded
    assert page.locator(".has-error").count() >= 1
    page.check("#result-discrepancy")
    page.select_option("#kind", index=1)
    page.fill("#revenue_recovered", "350.00")
    page.fill("#notes", WORDS[lang]["findings"])
    page.fill("#findings-reason", "reconocimiento físico" if lang == "es" else "physical examination")
    page.click("#record-findings")
    page.wait_for_url(re.compile(rf".*/console/declarations/{mrn}.*"))
    controls = page.locator("#controls").inner_text()
    assert WORDS[lang]["findings"] in controls and "350" in controls
    shot(page, lang, "physical_check_findings")
    page.context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_agency_refuses_and_the_officer_sees_the_blocker(
    work_server: tuple[str, Runtime], browser: Any, lang: str, a11y: Accessibility
) -> None:
    base, runtime = work_server
    doc = sw_seed.showcase_declaration(f"SW-REFUSE-{lang}", runtime.clock().date())
    mrn = lodge(runtime, f"SW-REFUSE-{lang}", at=runtime.clock(), **{k: v for k, v in doc.items() if k != "lrn"})
    page = _context(browser, lang).new_page()
    sign_in(page, base, "agency.senasa")
    page.wait_for_url(re.compile(r".*/console/agency.*"))
    a11y.check(page, "agency")
    page.locator("table.data tbody tr", has=page.locator(f"text={mrn}")).locator("a").first.click()
    a11y.check(page, "agency_app")
    page.check("#decision-refuse")
    reason = "Certificado fitosanitario ausente." if lang == "es" else "No phytosanitary certificate."
    page.fill("#reasons", reason)
    page.fill("#message", reason)
    page.click("#record-agency-decision")
    page.wait_for_url(re.compile(r".*done=1.*"))
    page.goto(f"{base}/console/agencies")
    a11y.check(page, "agencies")
    shot(page, lang, "agency_refused_requirements")
    sign_out(page)

    sign_in(page, base, "officer.rojas")
    page.goto(f"{base}/console/queue?office=")
    row = page.locator("table.queue tbody tr", has=page.locator(f"text={mrn}"))
    assert reason in row.locator("td.waiting").inner_text()  # the refusal holds the goods, in the queue
    shot(page, lang, "queue_agency_refused")
    page.goto(f"{base}/console/declarations/{mrn}")
    assert reason in page.locator("#blockers").inner_text()
    page.goto(f"{base}/console/reference?q=0803")
    a11y.check(page, "reference")
    shot(page, lang, "officer_reference")
    page.goto(f"{base}/console/tariff?code=080390")
    a11y.check(page, "tariff")
    shot(page, lang, "officer_tariff")
    page.context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_admin_grants_a_mandate(work_server: tuple[str, Runtime], browser: Any, lang: str, a11y: Accessibility) -> None:
    base, _runtime = work_server
    page = _context(browser, lang).new_page()
    sign_in(page, base, "admin")
    page.wait_for_url(re.compile(r".*/console/admin$"))
    assert page.locator(".site-nav a[href='/console/queue']").count() == 0  # the admin's own menu
    a11y.check(page, "admin")
    shot(page, lang, "admin_menu")
    page.goto(f"{base}/console/admin/mandates")
    principal = "PE2055555555" + ("1" if lang == "es" else "2")
    page.fill("#principal_id", principal)
    page.fill("#agent_id", "PE20100047218")
    page.click("#grant-mandate-button")  # without evidence nor reason: every problem said, nothing granted
    assert page.locator(".error-summary li").count() >= 2
    a11y.check(page, "admin_mandates_errors")
    page.fill("#evidence", "Poder notarial 2026-118, Notaría Lima" if lang == "es" else "Power of attorney 2026-118")
    page.fill("#mandate-reason", "poder recibido" if lang == "es" else "power of attorney received")
    page.fill("#valid_to", "2027-12-31")
    page.click("#grant-mandate-button")
    page.wait_for_url(re.compile(r".*done=mandate_granted.*"))
    assert principal in page.locator("#mandates").inner_text()
    shot(page, lang, "admin_mandate_granted")
    page.goto(f"{base}/console/admin/tokens")
    page.select_option("#token-user", "broker.andina")
    page.fill("#token-label", "ERP")
    page.fill("#token-reason", "integración del ERP" if lang == "es" else "ERP integration")
    page.click("#create-token-button")
    assert page.locator("#token-value").input_value().startswith("cw_")
    a11y.check(page, "admin_tokens")
    shot(page, lang, "admin_token_issued")
    page.goto(f"{base}/console/admin/approvals")
    a11y.check(page, "admin_approvals")
    page.goto(f"{base}/console/dashboard")
    a11y.check(page, "dashboard")
    page.goto(f"{base}/console/no-such-page")
    a11y.check(page, "not_found")
    sign_out(page)
    page.goto(f"{base}/console/login")
    a11y.check(page, "login")
    page.context.close()


def test_axe_is_installed() -> None:
    """Says plainly when the pages' accessibility is not being checked."""
    if not AXE.exists():
        pytest.skip(MISSING)


def test_the_accessibility_check_fails_on_a_serious_violation(browser: Any, a11y: Accessibility) -> None:
    """The check itself can fail: an image without text and a field without a label are caught."""
    if a11y.script is None:
        pytest.skip(MISSING)
    page = browser.new_context(bypass_csp=True).new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input id="q"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        a11y.check(page, "a page made to fail")
    page.context.close()
