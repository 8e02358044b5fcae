"""In a real browser, in Spanish and in English: the analyst edits a rule, sees the differences and publishes
(and sees what a two-rule file would remove); the carrier uploads a manifest and sees each parcel's decision,
the officer releases a held parcel; a credential is verified. With CLEARWAY_SCREENSHOTS=1 each page is saved
under docs/screenshots/<lang>/."""

from __future__ import annotations

import io
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from clearway import bootstrap
from clearway.console.testing import core_app, core_runtime
from clearway.demo import users
from clearway.ecommerce import generator
from clearway.ecommerce import lists as ecommerce_lists
from clearway.ledger import aeo, identity
from clearway.ledger import seed as ledger_seed
from clearway.ledger import service as ledger_service
from clearway.mandates import seed as mandates_seed
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from clearway.risk import service as risk_service
from tests.e2e.console.test_language_journeys import shot, sign_in, sign_out

pytestmark = pytest.mark.e2e
EXTRA = ("clearway.risk", "clearway.ecommerce", "clearway.ledger")
CARRIER = {"user": "carrier.demo", "role": "declarant", "party_id": "PE20555666773", "what": "express carrier"}
AGENCY = {"user": "agency.senasa", "role": "agency", "agency": "SENASA", "what": "agency"}
CRITERIA = {
    "rules": [
        {"name": "garments-cn", "lane": "red", "weight": 5, "description": "garments from China",
         "conditions": [{"field": "hs_chapter", "op": "in", "value": ["61", "62"]},
                        {"field": "origin", "op": "eq", "value": "CN"}]},
        {"name": "cheap-phones", "lane": "yellow", "weight": 3, "description": "phones declared too cheap",
         "conditions": [{"field": "hs_heading", "op": "eq", "value": "8517"},
                        {"field": "unit_value", "op": "lt", "value": "20"}]},
        {"name": "first-timers", "lane": "yellow",
         "conditions": [{"field": "importer_past_declarations", "op": "eq", "value": 0}]},
    ],
    "watchlists": [{"name": "post-clearance-audit", "severity": "high", "parties": ["PE20999999990"],
                    "description": "importers under audit"}],
    "random_yellow": "0.02",
}  # fmt: skip
TWO_RULES = """rules:
  - name: garments-cn
    lane: red
    conditions:
      - {field: hs_chapter, op: in, value: ["61"]}
  - name: shoes-vn
    lane: yellow
    conditions:
      - {field: origin, op: eq, value: VN}
"""
WORDS = {
    "es": {"lang": "es-PE", "in_force": "Versión vigente"},
    "en": {"lang": "en-US", "in_force": "Version in force"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Serves the console with risk, e-commerce and the ledger; returns the URL and a genuine credential."""
    data_dir = tmp_path_factory.mktemp("console-capabilities")
    settings = Settings(
        env="test", data_dir=data_dir, secret_key="e2e-secret", selectivity_red_rate=0, selectivity_yellow_rate=0
    )
    bootstrap.import_tables()
    runtime = core_runtime(settings, EXTRA)
    upgrade(runtime.engine)
    runtime.caches["platform.migrated"] = True
    ctx = ledger_service.context(runtime)
    with runtime.uow() as uow, tempfile.TemporaryDirectory() as tmp:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        risk_service.publish_ruleset(uow, CRITERIA, note="criteria of the month", by="supervisor.quispe")
        recalls, brands = generator.write_reference_lists(Path(tmp))
        ecommerce_lists.load_recalls(uow, recalls)
        ecommerce_lists.load_brands(uow, brands)
        identity.ensure_administration(uow, ctx)
        identity.create_org(uow, ctx, org_id="cl-vinedos-andes", name="Viñedos de los Andes SpA", country="CL",
                            kind="exporter", party_id="CL760864285")  # fmt: skip
        credential = ledger_service.issue(
            uow, ctx, org_id="cl-vinedos-andes", kind="certificate_of_origin", subject=ledger_seed.origin_subject()
        )
        aeo.publish(uow, ctx, trader_id="PE20512345671", trader_name="Importaciones Pacífico SAC", status="granted",
                    effective_from=date(2026, 1, 10), reason="validated audit")  # fmt: skip
        uow.commit()
    users.issue_tokens(runtime, (CARRIER, AGENCY))
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
    yield f"http://127.0.0.1:{port}", credential.jwt
    server.should_exit = True
    thread.join(timeout=10)
    runtime.engine.dispose()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_analyst_edits_a_rule_sees_the_diff_and_publishes(full_server: Any, browser: Any, lang: str) -> None:
    base, _jwt = full_server
    context = browser.new_context(locale=WORDS[lang]["lang"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "supervisor.quispe")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    page.click("a[accesskey=i]")
    page.wait_for_url(re.compile(r".*/console/risk$"))
    assert page.locator("html").get_attribute("lang") == lang
    assert WORDS[lang]["in_force"] in page.locator("#in-force h2").inner_text()
    shot(page, lang, "risk")
    page.click('a[href="/console/risk/rules/cheap-phones"]')
    limit = "15" if lang == "es" else "12"
    page.select_option("#lane", "red")
    page.fill("#c1_value", limit)
    shot(page, lang, "risk_rule")
    page.click("#see-diff")
    changed = page.locator("#changed").inner_text()
    assert "cheap-phones" in changed and f"unit_value lt {limit}" in changed
    assert page.locator("#removed").count() == 0
    shot(page, lang, "risk_review")
    page.fill("#note", "teléfonos subvaluados" if lang == "es" else "undervalued phones")
    page.click("#publish")
    page.wait_for_url(re.compile(r".*/console/risk\?done=published"))
    assert f"unit_value lt {limit}" in page.locator("#rules").inner_text()
    assert ("teléfonos subvaluados" if lang == "es" else "undervalued phones") in page.locator("#in-force").inner_text()

    # a two-rule file shows every criterion it would remove, and is not published without the confirmation
    page.click("#edit-yaml")
    page.fill("#yaml", TWO_RULES)
    page.check("#mode-replace")
    page.click("#check-yaml")
    removed = page.locator("#removed").inner_text()
    assert "cheap-phones" in removed and "first-timers" in removed and "post-clearance-audit" in removed
    shot(page, lang, "risk_removals")
    page.fill("#note", "solo dos reglas" if lang == "es" else "two rules only")
    page.click("#publish")
    assert page.locator(".error-summary").count() == 1 and page.locator("#removed").count() == 1
    page.goto(base + "/console/risk/yaml")
    page.fill("#yaml", "rules:\n  - name: x\n    lane: purple\n    conditions: []\n")
    page.click("#check-yaml")
    assert page.locator("#yaml-errors li").count() >= 2 and page.locator("tr.bad-line").count() >= 1
    shot(page, lang, "risk_yaml_errors")
    sign_out(page)
    context.close()


def _manifest(seed: int) -> bytes:
    df, _truth = generator.manifest(600, seed=seed, start=datetime(2026, 11, 18, tzinfo=UTC), days=2)
    buffer = io.BytesIO()
    df.write_csv(buffer)
    return buffer.getvalue() + b"BROKEN-1,,,,,,,,,,,,,,,,,,\n"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_carrier_uploads_a_manifest_and_sees_decisions(full_server: Any, browser: Any, lang: str) -> None:
    base, _jwt = full_server
    context = browser.new_context(locale=WORDS[lang]["lang"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "carrier.demo")
    page.wait_for_url(re.compile(r".*/console/(ecommerce|declarations)$"))
    page.goto(base + "/console/ecommerce")
    shot(page, lang, "ecommerce_carrier")
    page.set_input_files(
        "#manifest-file",
        files=[
            {"name": f"manifest-{lang}.csv", "mimeType": "text/csv", "buffer": _manifest(11 if lang == "es" else 12)}
        ],
    )
    page.click("#upload-manifest")
    page.wait_for_url(re.compile(r".*/console/ecommerce/manifests/[\w-]+\?done=screened"), timeout=60_000)
    assert page.locator("html").get_attribute("lang") == lang
    tiles = [int(t.replace(",", "").replace(".", "").replace("\u202f", "").replace("\xa0", ""))
             for t in page.locator("#decision-tiles .tile-n").all_inner_texts()]  # fmt: skip
    assert sum(tiles) == 600
    assert "BROKEN-1" in page.locator("#rejects").inner_text()
    assert page.locator("#parcel-table tbody tr").count() == 100
    shot(page, lang, "ecommerce_manifest")
    manifest_url = page.url.split("?")[0]
    sign_out(page)

    # a later sign-in lands on the manifests; the officer releases a held parcel after a check
    sign_in(page, base, "carrier.demo")
    page.wait_for_url(re.compile(r".*/console/ecommerce$"))
    assert page.locator("#manifests tbody tr").count() >= 1
    sign_out(page)
    sign_in(page, base, "officer.rojas")
    page.wait_for_url(re.compile(r".*/console/queue.*"))
    page.click("a[accesskey=e]")
    page.wait_for_url(re.compile(r".*/console/ecommerce$"))
    assert page.locator("#held tbody tr").count() >= 1
    shot(page, lang, "ecommerce_officer")
    page.goto(manifest_url)
    form = page.locator("form.decide-parcel").first
    parcel_row = page.locator("#parcel-table tbody tr").first
    parcel = (parcel_row.get_attribute("id") or "")[2:]
    form.locator("input[name=reason]").fill("abierto: conforme" if lang == "es" else "opened: as declared")
    form.locator("button[value=release]").click()
    page.wait_for_url(re.compile(r".*done=released"))
    shot(page, lang, "ecommerce_officer_manifest")
    sign_out(page)
    sign_in(page, base, "carrier.demo")
    page.goto(manifest_url + "?decision=held")
    row = page.locator(f"#p-{parcel}")
    assert row.count() == 1 and ("con levante" if lang == "es" else "released") in row.inner_text().lower()
    context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_credential_is_verified_and_the_aeo_registry_searched(full_server: Any, browser: Any, lang: str) -> None:
    base, jwt = full_server
    context = browser.new_context(locale=WORDS[lang]["lang"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "agency.senasa")
    page.wait_for_url(re.compile(r".*/console/agency.*"))
    page.click("a[accesskey=c]")
    page.wait_for_url(re.compile(r".*/console/ledger$"))
    page.fill("#jwt", jwt)
    page.click("#verify-button")
    assert page.locator("#verdict.verdict-ok").count() == 1
    shot(page, lang, "ledger_verify")
    page.fill("#jwt", jwt[:-6] + "AAAAAA")
    page.click("#verify-button")
    assert page.locator("#verdict.verdict-bad").count() == 1
    page.fill("#q", "PE2051")
    page.click("#aeo button")
    assert "PE20512345671" in page.locator("#aeo").inner_text()
    shot(page, lang, "ledger")
    context.close()
