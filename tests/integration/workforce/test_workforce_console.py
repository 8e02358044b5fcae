"""Console: a supervisor is warned on the declaration page; the GEOAT dashboard hides small groups."""

from __future__ import annotations

from typing import Any

from clearway.platform.runtime import Runtime
from clearway.workforce import seed, store
from tests.integration.workforce.conftest import lodge


def test_supervisor_sees_a_competency_warning_on_the_declaration_page(wf_runtime: Runtime, signed_in: Any) -> None:
    with wf_runtime.uow() as uow:
        from clearway.platform import auth

        auth.ensure_user(uow, name="officer.huaman", role="officer", office="PECLL", password="demo")
        uow.commit()
    mrn = lodge(wf_runtime, "WF-RED-C1")
    sup = signed_in("supervisor.quispe")
    queue = sup.get("/console/queue")
    assert queue.status_code == 200 and f"/console/declarations/{mrn}#assign" in queue.text
    page = sup.get(f"/console/declarations/{mrn}")
    assert 'id="assign"' in page.text and "officer.huaman" in page.text
    r = sup.post(f"/console/declarations/{mrn}/assign", {"officer": "officer.huaman"})
    assert r.status_code == 303 and "assign_officer=officer.huaman" in r.headers["location"]
    warned = sup.get(r.headers["location"])
    assert 'id="competency-warning"' in warned.text and "physical inspection of goods" in warned.text
    assert "expired" in warned.text
    r = sup.post(
        f"/console/declarations/{mrn}/assign",
        {"officer": "officer.huaman", "override_reason": "only officer on duty, rojas supervises on site"},
    )
    assert r.status_code == 303 and "done=assigned" in r.headers["location"]
    done = sup.get(r.headers["location"])
    assert "Assigned despite a missing competency" in done.text
    assert "officer.huaman" in sup.get("/console/queue").text
    officer = signed_in("officer.rojas")
    assert 'id="assign"' not in officer.get(f"/console/declarations/{mrn}").text
    assert officer.post(f"/console/declarations/{mrn}/assign", {"officer": "officer.rojas"}).status_code == 403


def test_the_geoat_dashboard_shows_indicators_and_hides_small_groups(wf_runtime: Runtime, signed_in: Any) -> None:
    import random

    today = wf_runtime.clock().date()
    with wf_runtime.uow() as uow:
        store.upsert_staff(uow.conn, seed.demo_staff(today, random.Random(2026)), uow.clock())
        uow.commit()
    sup = signed_in("supervisor.quispe")
    page = sup.get("/console/workforce")
    assert page.status_code == 200
    text = page.text
    assert "Women and men by grade" in text and "Leadership positions" in text and "<svg" in text
    assert "Promotion rate" in text and "Share of women on the staff, by year" in text
    assert 'id="suppressed-note"' in text and "—" in text  # G6 has 3 people: hidden
    assert "Rosa Quispe" not in text and "PE-0003" not in text
    es = sup.get("/console/workforce", headers={"Accept-Language": "es"})
    assert "Mujeres y hombres por grado" in es.text or "mujeres" in es.text.lower()
    assert 'id="printable"' in text  # the dashboard links to the printable report, which does not link again
    report = sup.get(f"/console/workforce/report?year={today.year}")
    assert report.status_code == 200 and "Women and men by grade" in report.text and 'id="printable"' not in report.text
    for path in ("/console/workforce", "/console/workforce/report", "/console/workforce/export.csv"):
        assert sup.get(f"{path}?year=1900").status_code == 422, path  # out of the years asked for
        assert sup.get(f"{path}?year={today.year + 1}").status_code == 422, path  # a year not yet come
    csv_ = sup.get("/console/workforce/export.csv")
    assert csv_.status_code == 200 and csv_.headers["content-type"].startswith("text/csv")
    broker = signed_in("broker.andina")
    assert broker.get("/console/workforce").status_code == 403
    assert broker.get("/console/workforce/report").status_code == 403
    edu = signed_in("officer.rojas").get("/console/workforce/education")
    assert edu.status_code == 200 and "PHYS-INSP-01" in edu.text
