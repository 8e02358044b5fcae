"""A red-lane declaration's reasons and notifications read in es/pt/fr/en, over the API and in the console.

Stored once, in English, from the capabilities' phrases; translated when read. Codes, MRNs, rule names and
what a person wrote stay as written; markup in a value is escaped on the page.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from clearway.declarations import service as declarations
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Decision
from clearway.platform import auth
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.risk import phrases as risk_phrases
from clearway.risk import seed as risk_seed
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import lodge, sign_in

EXTRA = ("clearway.risk",)
PHYSICAL = {
    "es": "canal rojo: reconocimiento físico de las mercancías",
    "pt": "canal vermelho: conferência física das mercadorias",
    "fr": "circuit rouge : visite physique des marchandises",
    "en": "red lane: physical inspection of the goods",
}
RULE = {"es": "regla 'lithium-batteries'", "pt": "regra 'lithium-batteries'", "fr": "règle « lithium-batteries »"}
RULE["en"] = "rule 'lithium-batteries'"
STATUS = {"es": "reconocimiento físico", "pt": "conferência física", "fr": "visite physique", "en": "physical check"}
NOTE = "<script>alert(1)</script> revisar la factura original"  # an officer's own words, with markup
MARKUP = '<img src=x onerror="alert(2)">'
ASKED = {
    "es": f"regla 'x-1': {MARKUP}",
    "pt": f"regra 'x-1': {MARKUP}",
    "fr": f"règle « x-1 » : {MARKUP}",
    "en": f"rule 'x-1': {MARKUP}",
}


@pytest.fixture
def red(settings: Settings) -> Iterator[tuple[Runtime, TestClient, str]]:
    """A declaration of lithium batteries sent to the red lane by the demo criteria, with an officer's note."""
    with console_with(settings, EXTRA) as (rt, client):
        risk_seed.seed_demo(DemoContext(runtime=rt, rng=random.Random(1), say=lambda _: None))
        items = example_declaration("LANG-RED-1")["goods_items"]
        items[0]["commodity_code"] = "850760"  # lithium battery packs: red under the demo criteria
        mrn = lodge(rt, "LANG-RED-1", goods_items=items)
        with rt.uow() as uow:
            officer = Principal(user="officer.rojas", role="officer", office="PECLL")
            declarations.decide(uow, mrn, Decision.DETAIN, principal=officer, reason=NOTE)
            asked = risk_phrases.RULE_DESCRIBED(name="x-1", description=MARKUP)  # a phrase whose value has markup
            decl = declarations.get(uow, mrn)
            declarations.record_event(uow, decl, "lane_reviewed", actor="risk-engine", role="system", reason=asked)
            uow.commit()
        yield rt, client, mrn


def _token(rt: Runtime) -> dict[str, str]:
    with rt.uow() as uow:
        token = auth.create_token(uow, user="officer.rojas", role="officer", office="PECLL")
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("lang", ["es", "pt", "fr", "en"])
def test_notifications_answer_in_the_language_asked(red: tuple[Runtime, TestClient, str], lang: str) -> None:
    rt, client, mrn = red
    r = client.get(f"/api/v1/declarations/{mrn}/notifications", headers={**_token(rt), "Accept-Language": lang})
    assert r.status_code == 200, r.text
    assert "accept-language" in r.headers["vary"].lower()
    assert r.headers.get("content-language") == (None if lang == "en" else lang)
    by_kind = {n["kind"]: n for n in r.json()}
    control = next(n for n in r.json() if n["status"] == "05")  # physical check
    assert control["message"] == PHYSICAL[lang]
    assert control["status_label"] == STATUS[lang]
    assert RULE[lang] in by_kind["lane_assigned"]["message"]  # officers read the risk reasons
    assert "lithium battery packs" in by_kind["lane_assigned"]["message"]  # the analyst's description, as written
    assert NOTE in [n["message"] for n in r.json()]  # the officer's note is not "translated"
    assert ASKED[lang] in [n["message"] for n in r.json()]  # the analyst's words inside a translated phrase
    accepted = by_kind["accepted"]["message"]
    assert mrn in accepted and accepted != f"valid; MRN {mrn} issued" if lang != "en" else accepted.endswith("issued")


def test_an_unknown_language_answers_in_english(red: tuple[Runtime, TestClient, str]) -> None:
    rt, client, mrn = red
    english = client.get(f"/api/v1/declarations/{mrn}/notifications", headers=_token(rt)).json()
    for header in ("de-DE", "xx;q=abc", "es;q=0"):
        r = client.get(f"/api/v1/declarations/{mrn}/notifications", headers={**_token(rt), "Accept-Language": header})
        assert r.json() == english and "content-language" not in r.headers, header


@pytest.mark.parametrize("lang", ["es", "pt", "fr", "en"])
def test_the_officer_reads_the_risk_panel_and_history_in_the_console(
    red: tuple[Runtime, TestClient, str], lang: str
) -> None:
    rt, _, mrn = red
    officer = sign_in(new_client(rt, EXTRA), "officer.rojas")
    html = officer.get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang}).text
    text = unescape(html)
    assert PHYSICAL[lang] in text
    assert RULE[lang] in text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert NOTE in text
    assert ASKED[lang] in text and MARKUP not in html  # the value inside the phrase is escaped too
    if lang != "en":
        assert PHYSICAL["en"] not in text
