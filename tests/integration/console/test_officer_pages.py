"""Officers work the queue in the console: red first, risk reasons, decisions with reasons, conflicts shown plainly."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import NOW, lodge


def mrns_in_order(html: str) -> list[str]:
    return re.findall(r'<a href="/console/declarations/(\w+)" class="mono">', html)


def test_the_queue_shows_red_first_then_oldest_first_and_leaves_out_released(
    signed_in: Any, console_runtime: Runtime
) -> None:
    yel_old = lodge(console_runtime, "YEL-1", at=NOW - timedelta(hours=30))
    red_new = lodge(console_runtime, "RED-1", at=NOW - timedelta(hours=1))
    red_old = lodge(console_runtime, "RED-2", at=NOW - timedelta(hours=5))
    green = lodge(console_runtime, "GREEN-1", at=NOW - timedelta(hours=40))
    b = signed_in("officer.rojas")
    page = b.get("/console/queue")
    assert page.status_code == 200
    assert mrns_in_order(page.text) == [red_old, red_new, yel_old]
    assert green not in page.text  # released on the green lane: nothing to do
    only_red = b.get("/console/queue?lane=red")
    assert mrns_in_order(only_red.text) == [red_old, red_new]
    other_office = b.get("/console/queue?office=PEPAI")
    assert mrns_in_order(other_office.text) == []
    assert "The queue is empty" in other_office.text


def test_traders_cannot_open_officer_pages(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    for path in ("/console/queue", "/console/dashboard"):
        r = b.get(path)
        assert r.status_code == 403
        assert "text/html" in r.headers["content-type"]


def test_detail_shows_risk_reasons_to_officers_and_never_to_the_trader(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "RED-DETAIL")
    officer = signed_in("officer.rojas").get(f"/console/declarations/{mrn}")
    assert officer.status_code == 200
    assert "rule RED-1: test rule" in officer.text
    assert "Record decision" in officer.text
    for text in ("Importaciones Pacífico SAC", "851713", "SBE-INV-88412", "received"):
        assert text in officer.text
    trader = signed_in("broker.andina").get(f"/console/declarations/{mrn}")
    assert trader.status_code == 200
    assert "rule RED-1" not in trader.text and "lane-red" not in trader.text
    assert "Record decision" not in trader.text
    assert "physical check" in trader.text  # the trader is told what happens
    other = signed_in("broker.other").get(f"/console/declarations/{mrn}")
    assert other.status_code == 404 and mrn not in other.text.replace(f"declaration {mrn}", "")


def test_a_decision_needs_a_reason_and_the_check_needs_its_findings(signed_in: Any, console_runtime: Runtime) -> None:
    mrn = lodge(console_runtime, "RED-REASON")
    b = signed_in("officer.rojas")
    page = b.get(f"/console/declarations/{mrn}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    r = b.post(
        f"/console/declarations/{mrn}/decisions",
        {"decision": "release", "expected_version": version, "result": "no_discrepancy"},
    )
    assert r.status_code == 422
    assert 'id="reason-error"' in r.text
    r = b.post(
        f"/console/declarations/{mrn}/decisions",
        {"decision": "release", "expected_version": version, "reason": "all good"},
    )
    assert r.status_code == 422 and "Record the physical check" in r.text
    assert "physical check" in b.get(f"/console/declarations/{mrn}").text


def test_release_after_a_check_records_the_findings(
    signed_in: Any, console_runtime: Runtime, app_client: TestClient
) -> None:
    mrn = lodge(console_runtime, "RED-RELEASE")
    b = signed_in("officer.rojas")
    version = re.search(r'name="expected_version" value="(\d+)"', b.get(f"/console/declarations/{mrn}").text).group(1)
    r = b.post(
        f"/console/declarations/{mrn}/decisions",
        {
            "decision": "release",
            "expected_version": version,
            "reason": "undervalued; duties reassessed",
            "result": "discrepancy",
            "kind": "undervaluation",
            "revenue_recovered": "1250.50",
            "notes": "invoice fake",
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=release")
    page = b.get(r.headers["location"])
    assert "Decision recorded: the goods are released." in page.text
    assert "undervaluation" in page.text and "1,250.50" in page.text
    history = b.client.get(f"/api/v1/declarations/{mrn}").json()["history"]
    control = [h for h in history if h["kind"] == "control_result"]
    assert control and control[0]["data"]["revenue_recovered"] == "1250.50"
    assert history[-2]["kind"] == "release" and history[-2]["actor"] == "officer.rojas"


def test_when_another_officer_acted_first_the_console_says_who_and_what(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "YEL-CONFLICT")
    rojas = signed_in("officer.rojas")
    diaz = signed_in("officer.diaz")
    seen = rojas.get(f"/console/declarations/{mrn}")
    version = re.search(r'name="expected_version" value="(\d+)"', seen.text).group(1)
    first = diaz.post(
        f"/console/declarations/{mrn}/decisions",
        {"decision": "physical_check", "expected_version": version, "reason": "seal broken on arrival"},
    )
    assert first.status_code == 303
    late = rojas.post(
        f"/console/declarations/{mrn}/decisions",
        {"decision": "release", "expected_version": version, "reason": "documents in order"},
    )
    assert late.status_code == 409
    assert "Another officer acted first: officer.diaz" in late.text
    assert "seal broken on arrival" in late.text
    history = rojas.client.get(f"/api/v1/declarations/{mrn}").json()["history"]
    assert [h["kind"] for h in history].count("release") == 0


def test_the_supervisor_alone_may_release_detained_goods(signed_in: Any, console_runtime: Runtime) -> None:
    mrn = lodge(console_runtime, "RED-DETAIN")
    officer = signed_in("officer.rojas")
    r = officer.post(
        f"/console/declarations/{mrn}/decisions",
        {"decision": "detain", "reason": "seizure review", "result": "discrepancy", "kind": "prohibited"},
    )
    assert r.status_code == 303
    page = officer.get(f"/console/declarations/{mrn}")
    assert "Only a supervisor may release" in page.text and 'value="release"' not in page.text
    forced = officer.post(f"/console/declarations/{mrn}/decisions", {"decision": "release", "reason": "try anyway"})
    assert forced.status_code == 403 and "only a supervisor" in forced.text
    sup = signed_in("supervisor.quispe")
    assert (
        sup.post(
            f"/console/declarations/{mrn}/decisions", {"decision": "release", "reason": "review closed"}
        ).status_code
        == 303
    )


def test_lists_and_jump_to_an_mrn(signed_in: Any, console_runtime: Runtime) -> None:
    mine = lodge(console_runtime, "LIST-1")
    theirs = lodge(
        console_runtime,
        "LIST-2",
        party="PE20999999990",
        declarant={"id": "PE20999999990", "name": "Other SAC", "country": "PE"},
        importer={"id": "PE20999999990", "name": "Other SAC", "country": "PE"},  # it imports for itself
        representative=None,
    )
    trader = signed_in("broker.andina").get("/console/declarations")
    assert mine in trader.text and theirs not in trader.text
    officer = signed_in("officer.rojas")
    listing = officer.get("/console/declarations")
    assert mine in listing.text and theirs in listing.text
    jump = officer.get(f"/console/go?mrn={mine.lower()}")
    assert jump.status_code == 303 and jump.headers["location"] == f"/console/declarations/{mine}"
    missing = officer.get("/console/declarations/26PE000000000000X1")
    assert missing.status_code == 404 and "not found" in missing.text.lower()
