"""The dashboard's figures: lanes per day, Time Release Study per office, hit rate, revenue, rule hits; metrics."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from clearway.core.issues import Forbidden
from clearway.core.time import FixedClock
from clearway.declarations import dashboard, service
from clearway.declarations.model import Decision
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import NOW, lodge

OFFICER = Principal(user="officer.rojas", role="officer", office="PECLL")
DAY1 = NOW - timedelta(days=10)
DAY2 = NOW - timedelta(days=9)


def decide(runtime: Runtime, mrn: str, hours_after: float, lodged: Any, findings: dict[str, Any] | None) -> None:
    with runtime.uow(clock=FixedClock(lodged + timedelta(hours=hours_after))) as uow:
        service.decide(uow, mrn, Decision.RELEASE, principal=OFFICER, reason="control done", findings=findings)
        uow.commit()


@pytest.fixture
def worked(console_runtime: Runtime) -> Runtime:
    """Four declarations at PECLL released after 2, 4, 10 and 0 hours; one open at PEPAI."""
    red_a = lodge(console_runtime, "RED-A", at=DAY1)
    red_b = lodge(console_runtime, "RED-B", at=DAY1 + timedelta(hours=1))
    yel_c = lodge(console_runtime, "YEL-C", at=DAY2)
    lodge(console_runtime, "GREEN-D", at=DAY2)
    lodge(console_runtime, "RED-E", at=DAY2, office="PEPAI")
    decide(
        console_runtime,
        red_a,
        2,
        DAY1,
        {"result": "discrepancy", "kind": "undervaluation", "revenue_recovered": "1000.50"},
    )
    decide(console_runtime, red_b, 4, DAY1 + timedelta(hours=1), {"result": "no_discrepancy"})
    decide(console_runtime, yel_c, 10, DAY2, None)
    return console_runtime


def board(runtime: Runtime, office: str | None = None) -> dashboard.Dashboard:
    with runtime.uow(readonly=True) as uow:
        return dashboard.build(uow, OFFICER, dashboard.Period(NOW.date() - timedelta(days=14), NOW.date(), office))


def test_the_dashboard_counts_lanes_per_day(worked: Runtime) -> None:
    b = board(worked)
    days = dict(b.days)
    assert days[DAY1.date()] == {"red": 2}
    assert days[DAY2.date()] == {"yellow": 1, "green": 1, "red": 1}
    assert len(b.days) == 15 and b.total == 5
    assert b.lanes == {"red": 3, "yellow": 1, "green": 1}


def test_time_release_study_gives_median_and_p90_per_office(worked: Runtime) -> None:
    b = board(worked)
    (pecll,) = b.times  # PEPAI's declaration is not released: it has no release time
    assert (pecll.office, pecll.released) == ("PECLL", 4)
    assert pecll.median_hours == pytest.approx(3.0)  # hours 0, 2, 4, 10
    assert pecll.p90_hours == pytest.approx(8.2)
    assert dict(b.histogram) == {"< 1 h": 1, "1–4 h": 1, "4–24 h": 2, "1–3 d": 0, "3–7 d": 0, "> 7 d": 0}


def test_hit_rate_revenue_and_rules_come_from_the_history(worked: Runtime) -> None:
    b = board(worked)
    assert (b.inspections, b.hits, b.hit_rate) == (2, 1, 0.5)
    assert b.revenue == Decimal("1000.50")
    assert b.hits_by_kind == [("undervaluation", 1)]
    assert b.top_rules == [("RED-1", 3), ("YEL-1", 1)]


def test_filtering_by_office_and_dates(worked: Runtime) -> None:
    pepai = board(worked, "PEPAI")
    assert pepai.total == 1 and pepai.times == [] and pepai.inspections == 0
    with worked.uow(readonly=True) as uow:
        early = dashboard.build(uow, OFFICER, dashboard.Period(DAY1.date(), DAY1.date()))
    assert early.total == 2 and early.lanes == {"red": 2}


def test_only_customs_staff_see_the_dashboard(worked: Runtime) -> None:
    trader = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")
    with worked.uow(readonly=True) as uow, pytest.raises(Forbidden):
        dashboard.build(uow, trader, dashboard.Period(date(2026, 1, 1), date(2026, 1, 2)))


def test_the_dashboard_page_draws_the_figures(worked: Runtime, signed_in: Any) -> None:
    b = signed_in("officer.rojas")
    start = (NOW.date() - timedelta(days=14)).isoformat()
    page = b.get(f"/console/dashboard?start={start}&end={NOW.date().isoformat()}")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 4
    assert '<span class="kpi-n" id="kpi-total">5</span>' in page.text
    assert "50 %" in page.text and "1,000.50" in page.text and "(1 of 2)" in page.text
    # the Time Release Study per office: 4 released at PECLL, timed from arrival, with its longest stage named
    assert re.search(r'<th scope="row">PECLL</th><td class="num">4</td>', page.text)
    assert "The stage that takes longest:" in page.text
    assert "RED-1" in page.text
    swapped = b.get(f"/console/dashboard?start={NOW.date().isoformat()}&end={start}")
    assert "swapped" in swapped.text and '<span class="kpi-n" id="kpi-total">5</span>' in swapped.text
    bad = b.get("/console/dashboard?start=yesterday")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.text


def test_metrics_report_queue_depths_lanes_and_model_versions(worked: Runtime, signed_in: Any) -> None:
    b = signed_in("officer.rojas")
    worked.settings.metrics_token = "scrape-token"
    scrape = {"Authorization": "Bearer scrape-token"}
    text = b.client.get("/metrics", headers=scrape).text
    assert re.search(r'clearway_queue_depth\{lane="red",office="PEPAI",status="05"\} 1\.0', text)
    assert re.search(r'clearway_declarations_by_lane\{lane="red"\} 3\.0', text)
    assert re.search(r'clearway_risk_model_info\{source="risk-engine",version="test-model-7"\} 1\.0', text)
    again = b.client.get("/metrics", headers=scrape).text  # registered once, however often scraped
    assert again.count("# TYPE clearway_queue_depth gauge") == 1
