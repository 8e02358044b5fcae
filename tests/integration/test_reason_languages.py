"""A red-lane declaration's reasons and notifications read in es/pt/fr/en, over the API and in the console;
an e-commerce parcel's reasons over the API.

Stored once, in English, from the capabilities' phrases; translated when read. Codes, MRNs, rule names and
what a person wrote stay as written; markup in a value is escaped on the page.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.declarations import service as declarations
from clearway.declarations.api import declaration_out
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Decision
from clearway.platform import auth, i18n
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.risk import phrases as risk_phrases
from clearway.risk import seed as risk_seed
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import BROKER, lodge, sign_in
from tests.unit.ecommerce.helpers import csv_bytes, parcel

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


def _declaration(client: TestClient, mrn: str, headers: dict[str, str]) -> dict[str, Any]:
    r = client.get(f"/api/v1/declarations/{mrn}", headers=headers)
    assert r.status_code == 200, r.text
    assert "accept-language" in r.headers["vary"].lower()
    return {"content-language": r.headers.get("content-language"), **r.json()}


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_a_declaration_answers_its_reasons_in_the_language_asked(
    red: tuple[Runtime, TestClient, str], lang: str
) -> None:
    rt, client, mrn = red
    body = _declaration(client, mrn, {**_token(rt), "Accept-Language": f"{lang}-PE,{lang};q=0.9,en;q=0.5"})
    assert body["content-language"] == lang
    reasons = [e["reason"] for e in body["history"]]
    assert PHYSICAL[lang] in reasons and PHYSICAL["en"] not in reasons
    assert NOTE in reasons  # the officer's words as written
    assert ASKED[lang] in reasons  # the analyst's words inside a translated phrase
    lane = next(e for e in body["history"] if e["kind"] == "lane_assigned")
    assert RULE[lang] in lane["reason"] and RULE["en"] not in lane["reason"]
    assert any(r.startswith(RULE[lang]) for r in lane["data"]["reasons"])
    assert "lithium battery packs" in " ".join(lane["data"]["reasons"])  # the rule's description, as written
    assert "lithium-batteries" in lane["data"]["scores"]["rules_hit"]  # rule names are codes: unchanged
    assert body["status"] == "52" and body["lane"] == "red"  # codes unchanged
    assert body["status_label"] not in {"detained", ""}
    assert [e["kind"] for e in body["history"]] == [e["kind"] for e in _declaration(client, mrn, _token(rt))["history"]]


def test_release_blockers_are_read_like_the_other_reasons(red: tuple[Runtime, TestClient, str]) -> None:
    rt, _, mrn = red
    officer = Principal(user="officer.rojas", role="officer", office="PECLL")
    with rt.uow(readonly=True) as uow:
        decl = declarations.get(uow, mrn)
    blockers = [PHYSICAL["en"], "test hold"]  # a stored phrase and words no phrase matches
    es = declaration_out(decl, officer, blockers, read=i18n.reader_for(rt.ports, "es"))
    assert es.release_blockers == [PHYSICAL["es"], "test hold"]
    assert declaration_out(decl, officer, blockers).release_blockers == blockers


def test_a_declaration_without_a_language_answers_as_stored(red: tuple[Runtime, TestClient, str]) -> None:
    rt, client, mrn = red
    client.headers.pop("Accept-Language", None)  # the console tests' client sends "en" by default
    plain = client.get(f"/api/v1/declarations/{mrn}", headers=_token(rt))
    assert plain.status_code == 200 and "content-language" not in plain.headers
    with rt.uow(readonly=True) as uow:
        stored = declarations.get(uow, mrn)
    body = plain.json()
    assert [e["reason"] for e in body["history"]] == [e.reason for e in stored.history]
    assert [e["data"] for e in body["history"]] == [json.loads(json.dumps(e.data)) for e in stored.history]
    assert body["status_label"] == stored.status.label == "detained"
    for header in ("en", "de-DE", "xx;q=abc", "es;q=0"):
        r = client.get(f"/api/v1/declarations/{mrn}", headers={**_token(rt), "Accept-Language": header})
        assert r.content == plain.content and "content-language" not in r.headers, header


def test_translation_never_opens_a_declaration_to_another_party(red: tuple[Runtime, TestClient, str]) -> None:
    rt, client, mrn = red
    with rt.uow() as uow:
        other = auth.create_token(uow, user="broker.other", role="declarant", party_id="PE20999999990")
        owner = auth.create_token(uow, user="broker.andina", role="declarant", party_id=BROKER)
        uow.commit()
    for lang in ("es", "fr", "pt", "en"):
        r = client.get(
            f"/api/v1/declarations/{mrn}", headers={"Authorization": f"Bearer {other}", "Accept-Language": lang}
        )
        assert r.status_code in {403, 404} and PHYSICAL[lang] not in r.text and "lithium" not in r.text
        assert client.get(f"/api/v1/declarations/{mrn}", headers={"Accept-Language": lang}).status_code == 401
    trader = _declaration(client, mrn, {"Authorization": f"Bearer {owner}", "Accept-Language": "es"})
    kinds = {e["kind"] for e in trader["history"]}
    assert "lane_assigned" not in kinds and "lane_reviewed" not in kinds  # risk reasons still hidden from traders
    assert trader["lane"] is None and PHYSICAL["es"] in [e["reason"] for e in trader["history"]]


VAGUE_PT = "qualidade dos dados: a descrição 'gift' não diz o que são as mercadorias"


@pytest.fixture
def shop(settings: Settings) -> Iterator[tuple[Runtime, TestClient, dict[str, str]]]:
    """A carrier's manifest with a parcel whose description says nothing of the goods, screened."""
    with console_with(settings, ("clearway.ecommerce",)) as (rt, client):
        with rt.uow() as uow:
            token = auth.create_token(uow, user="broker.andina", role="declarant", party_id=BROKER)
            uow.commit()
        client.headers.pop("Accept-Language", None)
        broker = {"Authorization": f"Bearer {token}"}
        rows = [parcel("P001"), parcel("VAGUE", description="gift")]
        r = client.post(
            "/api/v1/ecommerce/manifests?country=PE",
            content=csv_bytes(rows),
            headers={**broker, "Content-Type": "text/csv"},
        )
        assert r.status_code == 201, r.text
        yield rt, client, {**broker, "decisions": r.json()["links"]["decisions"]}


def test_a_parcel_decision_reason_reads_in_portuguese(shop: tuple[Runtime, TestClient, dict[str, str]]) -> None:
    rt, client, who = shop
    url = who.pop("decisions")
    plain = client.get(url, headers=who)
    assert plain.status_code == 200 and "content-language" not in plain.headers
    english = {d["parcel_id"]: d for d in plain.json()["data"]}
    assert english["VAGUE"]["reasons"] == "data quality: description 'gift' does not say what the goods are"
    r = client.get(url, headers={**who, "Accept-Language": "pt-BR,pt;q=0.9"})
    assert r.status_code == 200 and r.headers["content-language"] == "pt"
    assert "accept-language" in r.headers["vary"].lower()
    translated = {d["parcel_id"]: d for d in r.json()["data"]}
    assert translated["VAGUE"]["reasons"] == VAGUE_PT
    assert translated["VAGUE"]["issues"] == ["DESCRIPTION_VAGUE"] == english["VAGUE"]["issues"]  # codes unchanged
    assert translated["VAGUE"]["decision"] == english["VAGUE"]["decision"]
    assert client.get(url, headers={**who, "Accept-Language": "de"}).content == plain.content
    with rt.uow() as uow:
        other = auth.create_token(uow, user="broker.other", role="declarant", party_id="PE20999999990")
        uow.commit()
    stranger = client.get(url, headers={"Authorization": f"Bearer {other}", "Accept-Language": "pt"})
    assert stranger.status_code == 404 and "mercadorias" not in stranger.text
