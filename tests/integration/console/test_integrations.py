"""The console with other capabilities installed: traders pay duties (tariff), agencies decide (single window)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.console.testing import core_app, core_runtime
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.integration.console.conftest import ENGLISH, lodge, sign_in

tariff_service = pytest.importorskip("clearway.tariff.service", reason="the tariff capability is not installed")
sw_seed = pytest.importorskip("clearway.single_window.seed", reason="the single window is not installed")


def runtime_with(settings: Settings, extra: tuple[str, ...]) -> Runtime:
    rt = core_runtime(settings, extra)
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        for name, role, scope in (
            ("broker.andina", "declarant", {"party_id": "PE20100047218"}),
            ("officer.rojas", "officer", {"office": "PECLL"}),
            ("agency.senasa", "agency", {"agency": "SENASA"}),
            ("admin", "admin", {}),
        ):
            auth.ensure_user(uow, name=name, role=role, password="demo", **scope)
        uow.commit()
    return rt


@pytest.fixture
def with_tariff(settings: Settings) -> Iterator[tuple[Runtime, TestClient]]:
    from clearway.tariff import settlement
    from clearway.tariff.model import ExchangeRate
    from clearway.tariff.providers import SimulatedBank
    from clearway.tariff.seed import demo_schedule_path

    rt = runtime_with(settings, ("clearway.tariff",))
    with rt.uow() as uow:
        tariff_service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        tariff_service.load_rates(uow, [ExchangeRate("USD", rt.clock().date() - timedelta(days=1), Decimal("3.8"))])
        bank = SimulatedBank.load_or_create(rt.settings.data_dir)
        settlement.register_provider(uow, name=bank.name, public_key=bank.public_key_b64(), by="test", reason="test")
        uow.commit()
    with TestClient(core_app(rt, ("clearway.tariff",)), follow_redirects=False, headers=ENGLISH) as c:
        yield rt, c
    rt.engine.dispose()


def test_a_trader_sees_the_duties_and_pays_them_and_the_goods_are_released(with_tariff: Any) -> None:
    rt, client = with_tariff
    mrn = lodge(rt, "PAY-1", at=rt.clock())
    b = sign_in(client, "broker.andina")
    page = b.get(f"/console/declarations/{mrn}")
    assert "Duties and taxes" in page.text and "not paid or guaranteed" in page.text
    due = re.search(r'<input id="amount" name="amount" inputmode="decimal" value="([\d.]+)"', page.text).group(1)
    reference = re.search(r'name="reference" value="([^"]+)"', page.text).group(1)
    too_much = b.post(
        f"/console/declarations/{mrn}/payments",
        {"amount": str(Decimal(due) + 1), "currency": "PEN", "method": "bank_transfer", "reference": reference},
    )
    assert too_much.status_code == 303 and "pay_error=" in too_much.headers["location"]
    for unsettleable in ("0.001", "\u0661\u0662\u0665\u0660"):  # a thousandth of a sol; Arabic-Indic digits
        refused = b.post(
            f"/console/declarations/{mrn}/payments",
            {"amount": unsettleable, "currency": "PEN", "method": "bank_transfer", "reference": reference},
        )
        assert refused.status_code == 303 and "pay_error=" in refused.headers["location"]
        assert "at most 2 decimals" in b.get(refused.headers["location"]).text
    assert "exceeds" in b.get(too_much.headers["location"]).text
    paid = b.post(
        f"/console/declarations/{mrn}/payments",
        {"amount": due, "currency": "PEN", "method": "bank_transfer", "reference": reference},
    )
    assert paid.status_code == 303 and paid.headers["location"].endswith("?done=paid")
    after = b.get(paid.headers["location"])
    # the trader's order releases nothing until the bank confirms it (finding 2)
    assert "released" not in re.search(r'<p class="meta">(.*?)</p>', after.text, re.S).group(1)
    from clearway.tariff import payments, settlement
    from clearway.tariff.providers import SimulatedBank

    with rt.uow() as uow:
        decl_id = tariff_service.get_assessment(uow, mrn).declaration_id
        order = payments.orders_of(uow, decl_id)[0]
        settlement.simulate_bank(uow, SimulatedBank.load_or_create(rt.settings.data_dir), order["id"])
        uow.commit()
    settled = b.get(paid.headers["location"])
    assert reference in settled.text
    assert "released" in re.search(r'<p class="meta">(.*?)</p>', settled.text, re.S).group(1)


@pytest.fixture
def with_single_window(settings: Settings) -> Iterator[tuple[Runtime, TestClient]]:
    rt = runtime_with(settings, ("clearway.single_window",))
    with TestClient(core_app(rt, ("clearway.single_window",)), follow_redirects=False, headers=ENGLISH) as c:
        yield rt, c
    rt.engine.dispose()


def test_an_agency_works_its_queue_in_the_console(with_single_window: Any) -> None:
    rt, client = with_single_window
    admin = sign_in(client, "admin")
    r = admin.client.post(
        "/api/v1/single-window/requirements/load",
        content=sw_seed.demo_requirements_text().encode(),
        # the API takes the session cookie only with CSRF and JSON: an API client sends the token as bearer
        headers={
            "content-type": "application/yaml",
            "Authorization": f"Bearer {admin.client.cookies['clearway_token']}",
        },
    )
    assert r.status_code == 200, r.text
    admin.post("/console/logout", {})
    doc = sw_seed.showcase_declaration("SW-CONSOLE-1", rt.clock().date())
    mrn = lodge(rt, "SW-CONSOLE-1", **{k: v for k, v in doc.items() if k != "lrn"})
    agency = sign_in(TestClient(client.app, follow_redirects=False, headers=ENGLISH), "agency.senasa")
    queue = agency.get("/console/agency")
    assert queue.status_code == 200 and mrn in queue.text
    app_id = re.search(r'<a href="/console/agency/([^"]+)" class="mono">', queue.text).group(1)
    detail = agency.get(f"/console/agency/{app_id}")
    assert "None" not in detail.text and "{&#34;" not in detail.text and '{"' not in detail.text  # words, not JSON
    assert doc["importer"]["name"] in detail.text  # the importer's name
    form = detail.text.split('action="/console/agency/')[1].split("</form>")[0]
    assert " checked" not in form  # no decision pre-selected
    version = re.search(r'name="expected_version" value="(\d+)"', detail.text).group(1)
    empty = agency.post(
        f"/console/agency/{app_id}/decisions", {"decision": "request_info", "message": "", "expected_version": version}
    )
    assert empty.status_code == 422
    ok = agency.post(
        f"/console/agency/{app_id}/decisions",
        {"decision": "approve", "message": "inspected at origin", "expected_version": version},
    )
    assert ok.status_code == 303
    assert "approved" in agency.get(ok.headers["location"]).text
    stale = agency.post(
        f"/console/agency/{app_id}/decisions", {"decision": "refuse", "reasons": "late", "expected_version": version}
    )
    assert stale.status_code == 409 and "acted first" in stale.text


def test_a_refusal_shows_as_a_blocker_in_the_officers_queue(with_single_window: Any) -> None:
    rt, client = with_single_window
    admin = sign_in(client, "admin")
    loaded = admin.client.post(
        "/api/v1/single-window/requirements/load",
        content=sw_seed.demo_requirements_text().encode(),
        headers={
            "content-type": "application/yaml",
            "Authorization": f"Bearer {admin.client.cookies['clearway_token']}",
        },
    )
    assert loaded.status_code in {200, 201}, loaded.text
    admin.post("/console/logout", {})
    doc = sw_seed.showcase_declaration("SW-REFUSE-1", rt.clock().date())
    mrn = lodge(rt, "SW-REFUSE-1", **{k: v for k, v in doc.items() if k != "lrn"})
    agency = sign_in(TestClient(client.app, follow_redirects=False, headers=ENGLISH), "agency.senasa")
    app_id = re.search(r'<a href="/console/agency/([^"]+)" class="mono">', agency.get("/console/agency").text).group(1)
    version = re.search(r'name="expected_version" value="(\d+)"', agency.get(f"/console/agency/{app_id}").text)
    refused = agency.post(
        f"/console/agency/{app_id}/decisions",
        {"decision": "refuse", "reasons": "fruit fly host without treatment", "expected_version": version.group(1)},
    )
    assert refused.status_code == 303
    officer = sign_in(TestClient(client.app, follow_redirects=False, headers=ENGLISH), "officer.rojas")
    row = next(r for r in officer.get("/console/queue?office=").text.split("<tr>") if mrn in r)
    assert "refused: fruit fly host without treatment" in row  # the refusal is what the declaration waits for
    assert "refused" in officer.get(f"/console/declarations/{mrn}").text
