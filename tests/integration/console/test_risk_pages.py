"""Risk criteria pages: analysts edit a rule or the YAML, see the differences, publish with a note; officers read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.platform import audit
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.risk import service as risk_service
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import Browser, sign_in

EXTRA = ("clearway.risk",)
RULES = {
    "rules": [
        {"name": "garments-cn", "lane": "red", "weight": 5,
         "conditions": [{"field": "hs_chapter", "op": "in", "value": ["61", "62"]},
                        {"field": "origin", "op": "eq", "value": "CN"}]},
        {"name": "cheap-phones", "lane": "yellow", "conditions": [{"field": "unit_value", "op": "lt", "value": "20"}]},
        {"name": "first-timers", "lane": "yellow",
         "conditions": [{"field": "importer_past_declarations", "op": "eq", "value": 0}]},
    ],
    "watchlists": [{"name": "audit", "severity": "high", "parties": ["PE20999999990"]}],
    "random_yellow": "0.05",
}  # fmt: skip


@pytest.fixture
def risk_console(settings: Settings) -> Iterator[tuple[Runtime, TestClient]]:
    with console_with(settings, EXTRA) as (rt, client):
        with rt.uow() as uow:
            risk_service.publish_ruleset(uow, RULES, note="initial criteria", by="seed")
            uow.commit()
        yield rt, client


def _as(rt: Runtime, user: str) -> Browser:
    return sign_in(new_client(rt, EXTRA), user)


def _review_form(html: str) -> dict[str, str]:
    form = html[html.index('id="publish-form"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return {k: unescape(v) for k, v in fields.items()}


def test_an_officer_reads_the_criteria_but_cannot_change_them(risk_console: Any) -> None:
    rt, _client = risk_console
    officer = _as(rt, "officer.rojas")
    page = officer.get("/console/risk")
    assert page.status_code == 200
    assert "What this page is for" in page.text
    assert "garments-cn" in page.text and "hs_chapter in 61, 62" in page.text and "audit" in page.text
    assert 'href="/console/risk/rules/new"' not in page.text
    assert officer.get("/console/risk/rules/garments-cn").status_code == 403
    assert officer.get("/console/risk/yaml").status_code == 403
    refused = officer.post("/console/risk/publish", {"document": "{}", "base_version": "1", "note": "wipe"})
    assert refused.status_code == 403
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1


def test_traders_and_agencies_do_not_see_the_criteria(risk_console: Any) -> None:
    rt, client = risk_console
    for user in ("broker.andina", "agency.senasa"):
        page = _as(rt, user).get("/console/risk")
        assert page.status_code == 403 and "garments-cn" not in page.text
    assert client.get("/console/risk").status_code == 303  # not signed in: to the sign-in page


def test_an_analyst_edits_a_rule_sees_the_diff_and_publishes_with_a_note(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    form = analyst.get("/console/risk/rules/cheap-phones")
    assert form.status_code == 200 and 'value="cheap-phones"' in form.text
    review = analyst.post(
        "/console/risk/rules",
        {"original": "cheap-phones", "name": "cheap-phones", "lane": "red", "weight": "3", "active": "on",
         "c0_field": "unit_value", "c0_op": "lt", "c0_value": "15", "c1_field": "hs_heading", "c1_op": "eq",
         "c1_value": "8517"},
    )  # fmt: skip
    assert review.status_code == 200, review.text
    changed = review.text[review.text.index('id="changed"') :]
    assert "cheap-phones" in changed and "lane" in changed and "conditions" in changed
    assert "unit_value lt 20" in changed and "unit_value lt 15" in changed
    assert 'id="removed"' not in review.text  # editing one rule removes nothing
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1  # nothing published by looking at the diff
    fields = _review_form(review.text)
    no_note = analyst.post("/console/risk/publish", {**fields, "note": ""})
    assert no_note.status_code == 422 and "Say why you publish" in no_note.text
    done = analyst.post("/console/risk/publish", {**fields, "note": "phones under 15 USD from now on"})
    assert done.status_code == 303 and done.headers["location"] == "/console/risk?done=published"
    with rt.uow(readonly=True) as uow:
        version, document = risk_service.ruleset_document(uow)
        published = audit.entries(uow, action="risk.ruleset.publish", actor="supervisor.quispe")
    assert version == 2
    phones = next(r for r in document["rules"] if r["name"] == "cheap-phones")
    assert phones["lane"] == "red" and len(phones["conditions"]) == 2
    assert {r["name"] for r in document["rules"]} == {"garments-cn", "cheap-phones", "first-timers"}
    assert document["watchlists"][0]["name"] == "audit"
    assert [(e.role, e.target, e.reason) for e in published] == [
        ("supervisor", "ruleset:2", "phones under 15 USD from now on")
    ]
    assert [c["name"] for c in published[0].after["changed"]] == ["cheap-phones"]
    page = analyst.get("/console/risk?done=published")
    assert "phones under 15 USD from now on" in page.text


def test_a_two_rule_yaml_shows_every_removal_and_needs_confirmation(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    text = """rules:
  - name: garments-cn
    lane: red
    conditions:
      - {field: hs_chapter, op: in, value: ["61"]}
  - name: new-rule
    lane: yellow
    conditions:
      - {field: origin, op: eq, value: VN}
"""
    review = analyst.post("/console/risk/yaml", {"yaml": text, "mode": "replace"})
    assert review.status_code == 200, review.text
    removed = review.text[
        review.text.index('id="removed"') : review.text.index("</div>", review.text.index('id="removed"'))
    ]
    assert "cheap-phones" in removed and "first-timers" in removed and "audit" in removed
    assert "3 criteria will be removed" in review.text
    fields = _review_form(review.text)
    unconfirmed = analyst.post("/console/risk/publish", {**fields, "note": "two rules only"})
    assert unconfirmed.status_code == 409 and "tick the box" in unconfirmed.text
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1
    # merging the same file keeps the others
    merged = analyst.post("/console/risk/yaml", {"yaml": text, "mode": "merge"})
    assert 'id="removed"' not in merged.text and "new-rule" in merged.text
    assert 'id="settings-diff"' not in merged.text  # the random share in force is kept, not reset
    confirmed = analyst.post("/console/risk/publish", {**fields, "note": "two rules only", "confirm_removals": "on"})
    assert confirmed.status_code == 303
    with rt.uow(readonly=True) as uow:
        _v, document = risk_service.ruleset_document(uow)
    assert [r["name"] for r in document["rules"]] == ["garments-cn", "new-rule"] and document["watchlists"] == []


def test_yaml_errors_are_all_shown_at_their_line(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    text = """rules:
  - name: a
    lane: purple
    conditions:
      - {field: colour, op: eq, value: x}
  - name: b
    lane: red
    conditions:
      - {field: unit_value, op: lt, value: cheap}
random_red: 2
"""
    page = analyst.post("/console/risk/yaml", {"yaml": text, "mode": "replace"})
    assert page.status_code == 422
    errors = page.text[
        page.text.index('id="yaml-errors"') : page.text.index("</div>", page.text.index('id="yaml-errors"'))
    ]
    for line in (3, 5, 9, 10):
        assert f'href="#line-{line}"' in errors, (line, errors)
    assert 'id="line-3" class="bad-line"' in page.text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('a: &x ["lol","lol"]\nb: &y [*x,*x,*x]\nc: [*y,*y,*y]\n', "anchors and aliases"),
        ("rules: !!python/object/apply:os.system ['echo hacked']\n", "could not determine a constructor"),
        ("rules: [\n  - name: a\n", "Line"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_malicious_or_broken_yaml_is_refused_with_a_clear_message(risk_console: Any, text: str, words: str) -> None:
    rt, _client = risk_console
    page = _as(rt, "supervisor.quispe").post("/console/risk/yaml", {"yaml": text, "mode": "replace"})
    assert page.status_code == 422 and words in unescape(page.text)
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1


def test_every_post_needs_the_csrf_token(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    for path in ("/console/risk/rules", "/console/risk/watchlists", "/console/risk/yaml", "/console/risk/publish",
                 "/console/risk/rules/garments-cn/remove", "/console/risk/watchlists/audit/remove"):  # fmt: skip
        r = analyst.client.post(path, data={"yaml": "rules: []", "name": "x", "document": "{}", "base_version": "1"})
        assert r.status_code == 403, path
        forged = analyst.client.post(path, data={"csrf_token": "forged", "name": "x"})
        assert forged.status_code == 403, path


def test_a_version_published_meanwhile_is_not_overwritten(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    review = analyst.post("/console/risk/rules/first-timers/remove", {})
    assert review.status_code == 200 and "first-timers" in review.text
    with rt.uow() as uow:  # another analyst publishes first
        risk_service.publish_ruleset(uow, {**RULES, "random_red": "0.05"}, note="other", by="other")
        uow.commit()
    fields = _review_form(review.text)
    late = analyst.post("/console/risk/publish", {**fields, "note": "drop first-timers", "confirm_removals": "on"})
    assert late.status_code == 409 and "published another version meanwhile" in late.text
    assert _review_form(late.text)["base_version"] == "2"


def test_a_watchlist_is_edited_in_its_form(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    bad = analyst.post("/console/risk/watchlists", {"name": "", "severity": "extreme", "parties": "X"})
    assert bad.status_code == 422 and "error-summary" in bad.text
    review = analyst.post(
        "/console/risk/watchlists",
        {
            "original": "audit",
            "name": "audit",
            "severity": "critical",
            "parties": "PE20999999990\nPE20888888889",
        },
    )
    assert review.status_code == 200 and "severity" in review.text and "critical" in review.text
    assert (
        analyst.post("/console/risk/publish", {**_review_form(review.text), "note": "two under audit"}).status_code
        == 303
    )
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[1]["watchlists"][0]["parties"] == ["PE20888888889", "PE20999999990"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("es", ("Criterios de riesgo", "canal rojo")), ("pt", ("Critérios de risco", "canal vermelho")),
     ("fr", ("Critères de risque", "circuit rouge"))],
)  # fmt: skip
def test_the_criteria_page_speaks_the_users_language(risk_console: Any, lang: str, words: tuple[str, str]) -> None:
    rt, _client = risk_console
    officer = _as(rt, "officer.rojas")
    page = officer.get("/console/risk", headers={"Accept-Language": lang})
    assert f'<html lang="{lang}">' in page.text
    for w in words:
        assert w in page.text, w


def test_a_tampered_review_form_is_refused_not_published(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    for document in ("[" * 5000 + "]" * 5000, '{"rules": [{"name": 1}]}', '{"rules": "all"}', "not json"):
        r = analyst.post("/console/risk/publish", {"document": document, "base_version": "1", "note": "sneaky"})
        assert r.status_code == 422 and "did not come back whole" in r.text
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1


def test_rule_and_watchlist_names_missing_or_taken_are_refused(risk_console: Any) -> None:
    rt, _client = risk_console
    analyst = _as(rt, "supervisor.quispe")
    assert 'name="c0_field"' in analyst.get("/console/risk/rules/new").text  # the rule form's condition rows
    assert 'name="severity"' in analyst.get("/console/risk/watchlists/new").text
    assert _as(rt, "officer.rojas").get("/console/risk/watchlists/new").status_code == 403
    missing_rule = analyst.get("/console/risk/rules/no-such-rule")
    assert missing_rule.status_code == 404 and "no rule of that name" in missing_rule.text
    missing_list = analyst.get("/console/risk/watchlists/no-such-list")
    assert missing_list.status_code == 404 and "no watchlist of that name" in missing_list.text
    taken_rule = analyst.post(
        "/console/risk/rules",
        {"original": "cheap-phones", "name": "garments-cn", "lane": "red", "weight": "3", "active": "on",
         "c0_field": "unit_value", "c0_op": "lt", "c0_value": "15"},
    )  # fmt: skip
    assert taken_rule.status_code == 422 and "Another rule already has this name." in taken_rule.text
    taken_list = analyst.post(
        "/console/risk/watchlists", {"original": "", "name": "audit", "severity": "high", "parties": "PE20111111112"}
    )
    assert taken_list.status_code == 422 and "Another watchlist already has this name." in taken_list.text
    with rt.uow(readonly=True) as uow:
        assert risk_service.ruleset_document(uow)[0] == 1  # nothing published
