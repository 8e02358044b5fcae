"""SVG charts, percentiles, safe redirects, CSRF tokens, dashboard filters and upload types."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from clearway.console import security, svg
from clearway.console.views_dashboard import parse_period
from clearway.console.views_decisions import decision_body
from clearway.console.views_lodge import media_type_of
from clearway.declarations.dashboard import percentile


def test_axis_maximum_is_round() -> None:
    assert [svg.nice_max(v) for v in (0, 3, 7.5, 11, 240, 1001)] == [1.0, 5.0, 10.0, 20.0, 250.0, 2000.0]


def test_stacked_columns_draw_one_bar_per_nonzero_value_and_escape_text() -> None:
    chart = svg.stacked_columns(
        "Lanes <by day>",
        ["01 Nov", "02 Nov"],
        [svg.Series("red", "#f00", [1, 0]), svg.Series("green & co", "#0f0", [2, 3])],
    )
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "<title>Lanes &lt;by day&gt;</title>" in chart
    assert chart.count("<rect") == 3 + 2  # three bars, two legend swatches
    assert "green &amp; co" in chart and "<by day>" not in chart


def test_horizontal_bars_scale_to_the_largest_value() -> None:
    chart = svg.horizontal_bars("t", [("a", 10), ("b", 5)], width=400)
    widths = [float(w) for w in __import__("re").findall(r'<rect x="220" y="[\d.]+" width="([\d.]+)"', chart)]
    assert widths == [120.0, 60.0]  # plot width 400 - 220 labels - 60 values; b is half of a


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([10, 0, 4, 2], 50) == 3
    assert percentile([0, 2, 4, 10], 90) == pytest.approx(8.2)
    assert percentile([7], 90) == 7
    with pytest.raises(ValueError):
        percentile([], 50)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/console/queue?lane=red", "/console/queue?lane=red"),
        ("//evil.example/x", "/console/"),
        ("https://evil.example", "/console/"),
        ("/\\evil.example", "/console/"),
        ("", "/console/"),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target: str, expected: str) -> None:
    assert security.safe_next(target) == expected


def test_csrf_tokens_are_bound_to_the_session_and_the_secret() -> None:
    def rt(secret: str) -> Any:
        return SimpleNamespace(settings=SimpleNamespace(secret_key=secret))

    a = security.csrf_for(rt("s1"), "cw_token_a")
    assert a == security.csrf_for(rt("s1"), "cw_token_a")
    assert a != security.csrf_for(rt("s1"), "cw_token_b")
    assert a != security.csrf_for(rt("s2"), "cw_token_a")


def test_dashboard_period_defaults_swaps_and_limits() -> None:
    today = date(2026, 11, 30)
    period, problem = parse_period(today, None, None, None)
    assert (period.start, period.end, problem) == (date(2026, 11, 1), today, "")
    period, problem = parse_period(today, "2026-11-20", "2026-11-10", "PECLL")
    assert (period.start, period.end, period.office) == (date(2026, 11, 10), date(2026, 11, 20), "PECLL")
    assert "swapped" in problem
    period, problem = parse_period(today, "2020-01-01", None, "")
    assert (today - period.start).days == 365 and "shortened" in problem and period.office is None
    _, problem = parse_period(today, "30/11/2026", None, None)
    assert "YYYY-MM-DD" in problem


def test_uploaded_files_are_read_as_xml_or_json() -> None:
    assert media_type_of("dec.XML", None, b"{}") == "application/xml"
    assert media_type_of("upload", "text/xml", b"{}") == "application/xml"
    assert media_type_of("upload.bin", None, b"  <Declaration/>") == "application/xml"
    assert media_type_of("dec.json", "application/json", b"{}") == "application/json"


def test_decision_form_becomes_the_decision_message() -> None:
    body = decision_body(
        {
            "decision": "release",
            "reason": " ok ",
            "expected_version": "4",
            "result": "discrepancy",
            "kind": "origin",
            "revenue_recovered": "",
            "notes": "",
        }
    )
    assert body == {
        "decision": "release",
        "reason": "ok",
        "expected_version": 4,
        "findings": {"result": "discrepancy", "kind": "origin"},
    }
    assert "findings" not in decision_body({"decision": "detain", "reason": "r", "expected_version": "x"})
