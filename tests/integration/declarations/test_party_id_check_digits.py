"""Party ids whose check digit is wrong, on lodging and amending: warned about (the default) or refused.

``CLEARWAY_PARTY_ID_CHECK_DIGITS`` = off | warn | refuse. A warning reaches the trader (the lodge answer, the
declaration's history) and the officer (the history, the console's detail page) in es/pt/fr/en; a refusal is
listed with every other error at once, names the party and the id, and never gives the expected check digit.
"""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from clearway.declarations import service as declarations_service
from clearway.declarations.examples import example_declaration
from clearway.interchange import example
from clearway.mandates import seed as mandates_seed
from clearway.mandates import service as mandates_service
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from tests.conftest import HoldRelease, Tokens
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import lodge, sign_in

# Agrícola's RUT with a wrong check character (its right one is 0: not said to the trader, see docs)
BAD_RUT = "CL76123456K"
RIGHT_RUT = "CL761234560"
# a RUC off by one in its check digit: Importaciones Pacífico's is PE20512345671
BAD_RUC = "PE20512345678"
ERR = "{urn:wco:datamodel:WCO:RES-DMS:2}"


def _with_exporter(lrn: str, exporter_id: str = BAD_RUT) -> dict[str, Any]:
    doc = example_declaration(lrn)
    doc["exporter"] = {"id": exporter_id, "name": "Agrícola Valle Central SpA", "country": "CL"}
    return doc


def test_settings_default_to_warn() -> None:
    assert Settings().party_id_check_digits == "warn"


def test_a_wrong_check_digit_is_accepted_with_a_warning_by_default(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=_with_exporter("PID-W-1"), headers=tokens.broker)
    assert r.status_code == 201, r.text
    (warning,) = r.json()["warnings"]
    assert warning["code"] == "PARTY_ID_CHECK_DIGIT" and warning["pointer"] == "/exporter/id"
    assert BAD_RUT in warning["message"] and "RUT" in warning["message"] and "Exporter" in warning["message"]
    assert RIGHT_RUT not in warning["message"]  # the expected check digit is not given away
    mrn = r.json()["mrn"]
    # the trader and the officer find it in the history
    for who in (tokens.broker, tokens.officer):
        history = client.get(f"/api/v1/declarations/{mrn}", headers=who).json()["history"]
        (entry,) = [e for e in history if e["kind"] == "party_id_warning"]
        assert entry["data"]["pointer"] == "/exporter/id" and BAD_RUT in entry["reason"]
    # a retry with the same LRN is answered with the same warning
    again = client.post("/api/v1/declarations", json=_with_exporter("PID-W-1"), headers=tokens.broker)
    assert again.status_code == 200 and [w["pointer"] for w in again.json()["warnings"]] == ["/exporter/id"]


def test_valid_ids_get_no_warning(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=_with_exporter("PID-OK-1", RIGHT_RUT), headers=tokens.broker)
    assert r.status_code == 201 and r.json()["warnings"] == []
    history = client.get(f"/api/v1/declarations/{r.json()['mrn']}", headers=tokens.broker).json()["history"]
    assert not [e for e in history if e["kind"] == "party_id_warning"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", "no es un RUT válido"),
        ("pt", "não é um RUT válido"),
        ("fr", "n'est pas un RUT valide"),
        ("en", "is not a valid RUT"),
    ],
)
def test_the_warning_is_in_the_traders_language(client: TestClient, tokens: Tokens, lang: str, words: str) -> None:
    r = client.post(
        "/api/v1/declarations",
        json=_with_exporter(f"PID-L-{lang}"),
        headers={**tokens.broker, "Accept-Language": lang},
    )
    assert r.status_code == 201, r.text
    (warning,) = r.json()["warnings"]
    assert words in warning["message"] and BAD_RUT in warning["message"]


def test_off_neither_warns_nor_refuses(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "off")
    r = client.post("/api/v1/declarations", json=_with_exporter("PID-OFF-1"), headers=tokens.broker)
    assert r.status_code == 201 and r.json()["warnings"] == []


def test_refuse_lists_the_wrong_id_with_every_other_error(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "refuse")
    doc = _with_exporter("PID-R-1")
    doc["goods_items"][1]["commodity_code"] = "999999"  # another error, in the same answer
    doc["invoice"]["currency"] = "ZZQ"
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422, r.text
    errors = {e["code"]: e for e in r.json()["errors"]}
    assert {"PARTY_ID_CHECK_DIGIT", "CODE_HS_UNKNOWN", "CODE_CURRENCY"} <= set(errors)
    found = errors["PARTY_ID_CHECK_DIGIT"]
    assert found["pointer"] == "/exporter/id" and BAD_RUT in found["message"] and RIGHT_RUT not in found["message"]
    # alone, it still refuses; and nothing was lodged
    alone = client.post("/api/v1/declarations", json=_with_exporter("PID-R-2"), headers=tokens.broker)
    assert alone.status_code == 422 and [e["code"] for e in alone.json()["errors"]] == ["PARTY_ID_CHECK_DIGIT"]
    listed = client.get("/api/v1/declarations", headers=tokens.broker).json()["data"]
    assert not [d for d in listed if d["lrn"].startswith("PID-R-")]


def test_refuse_names_each_party_role(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "refuse")
    with runtime.uow() as uow:  # the wrong RUC mandated the broker: the mandate check lets it through
        mandates_service.grant(
            uow,
            mandates_seed.ADMIN,
            principal_party=BAD_RUC,
            agent_party="PE20100047218",
            procedures=["all"],
            valid_from=mandates_seed.SINCE,
            valid_to=None,
            reason="test: a mistyped importer",
            evidence="test",
        )
        uow.commit()
    doc = _with_exporter("PID-R-3")
    doc["importer"]["id"] = BAD_RUC
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422, r.text
    pointers = {e["pointer"]: e["message"] for e in r.json()["errors"] if e["code"] == "PARTY_ID_CHECK_DIGIT"}
    assert set(pointers) == {"/importer/id", "/exporter/id"}
    assert "Importer identifier" in pointers["/importer/id"] and "RUC" in pointers["/importer/id"]


def test_an_amendment_to_a_wrong_id_warns_and_is_refused_in_refuse_mode(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.ports.add(HoldRelease())  # green, but held (as unpaid duties would): still amendable
    lodged = client.post("/api/v1/declarations", json=_with_exporter("PID-HOLD-1", RIGHT_RUT), headers=tokens.broker)
    mrn = lodged.json()["mrn"]
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "refuse")
    body = {"reason": "exporter corrected", "declaration": _with_exporter("PID-HOLD-1")}
    refused = client.post(f"/api/v1/declarations/{mrn}/amendments", json=body, headers=tokens.broker)
    assert refused.status_code == 422, refused.text
    assert [(e["code"], e["pointer"]) for e in refused.json()["errors"]] == [
        ("PARTY_ID_CHECK_DIGIT", "/declaration/exporter/id")
    ]
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "warn")
    amended = client.post(f"/api/v1/declarations/{mrn}/amendments", json=body, headers=tokens.broker)
    assert amended.status_code == 200, amended.text
    kinds = [e["kind"] for e in amended.json()["history"]]
    assert kinds.index("party_id_warning") > kinds.index("amended")
    # amended back to the right RUT: the console no longer shows the warning (the history keeps it)
    body = {"reason": "exporter fixed", "declaration": _with_exporter("PID-HOLD-1", RIGHT_RUT)}
    fixed = client.post(f"/api/v1/declarations/{mrn}/amendments", json=body, headers=tokens.broker)
    assert fixed.status_code == 200, fixed.text
    with runtime.uow(readonly=True) as uow:
        decl = declarations_service.get_visible(uow, mrn, Principal("broker.andina", "declarant", "PE20100047218"))
    assert declarations_service.party_id_warning_entries(decl) == []
    assert [e.kind for e in decl.history].count("party_id_warning") == 1


def _xml(client: TestClient, tokens: Tokens, doc: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/declarations",
        content=example.declaration_xml(doc),
        headers={**tokens.broker, "Content-Type": "application/xml"},
    )


def test_wco_xml_is_warned_by_default(client: TestClient, tokens: Tokens) -> None:
    r = _xml(client, tokens, _with_exporter("PID-X-1"))
    assert r.status_code == 201, r.text
    mrn = etree.fromstring(r.content).findtext(f"{ERR}Response/{ERR}Declaration/{ERR}ID")
    history = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
    assert [e["data"]["pointer"] for e in history if e["kind"] == "party_id_warning"] == ["/exporter/id"]


def test_wco_xml_is_refused_with_every_error_and_an_xml_pointer(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "refuse")
    doc = _with_exporter("PID-X-2")
    doc["goods_items"][1]["commodity_code"] = "999999"
    r = _xml(client, tokens, doc)
    assert r.status_code == 422, r.text
    said = [e.findtext(f"{ERR}Description") or "" for e in etree.fromstring(r.content).iter(f"{ERR}Error")]
    (party,) = [d for d in said if d.startswith("PARTY_ID_CHECK_DIGIT")]
    assert "(at /Declaration/Exporter/ID)" in party and BAD_RUT in party and RIGHT_RUT not in party
    assert any(d.startswith("CODE_HS_UNKNOWN") for d in said)  # every error in one answer


def test_the_console_shows_the_warning_to_the_officer_and_the_trader_in_their_language(settings: Settings) -> None:
    with console_with(settings, ()) as (rt, client):
        mrn = lodge(rt, "PID-C-1", exporter={"id": BAD_RUT, "name": "Agrícola Valle Central SpA", "country": "CL"})
        clean = lodge(rt, "PID-C-2")
        officer = sign_in(client, "officer.rojas")
        trader = sign_in(new_client(rt, ()), "broker.andina")
        for lang, words, sentence in (
            ("es", "Identificadores de operadores por verificar", f"el identificador {BAD_RUT} del exportador"),
            ("pt", "Identificadores das partes a conferir", f"o identificador {BAD_RUT} do exportador"),
            ("fr", "Identifiants des opérateurs à vérifier", f"identifiant {BAD_RUT} (exportateur)"),
            ("en", "Party identifiers to check", f"the exporter's identifier {BAD_RUT} fails its RUT check digit"),
        ):
            for who in (officer, trader):
                html = unescape(who.get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang}).text)
                assert words in html and sentence in html, lang
            html = unescape(officer.get(f"/console/declarations/{clean}", headers={"Accept-Language": lang}).text)
            assert words not in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [("es", "no es un RUT válido"), ("en", "is not a valid RUT"), (None, "is not a valid RUT")],
)
def test_a_batch_warns_each_declaration_in_the_traders_language(
    client: TestClient, tokens: Tokens, lang: str | None, words: str
) -> None:
    tag = lang or "none"
    body = {
        "declarations": [
            _with_exporter(f"PID-B-{tag}-1"),
            _with_exporter(f"PID-B-{tag}-2", RIGHT_RUT),
            _with_exporter(f"PID-B-{tag}-1"),  # the same LRN again: replayed, with its warning
        ]
    }
    headers = {**tokens.broker, **({"Accept-Language": lang} if lang else {})}
    r = client.post("/api/v1/declarations/batch", json=body, headers=headers)
    assert r.status_code == 200, r.text
    first, clean, again = r.json()["results"]
    assert clean["warnings"] == [] and again["replayed"] is True and again["mrn"] == first["mrn"]
    for result in (first, again):
        (warning,) = result["warnings"]
        assert (warning["code"], warning["pointer"]) == ("PARTY_ID_CHECK_DIGIT", "/exporter/id")
        assert words in warning["message"] and BAD_RUT in warning["message"] and RIGHT_RUT not in warning["message"]
    if lang == "es":
        assert "is not a valid" not in first["warnings"][0]["message"]


@pytest.mark.parametrize(("lang", "words"), [("es", "no es un RUT válido"), ("en", "is not a valid RUT")])
def test_a_batch_refuses_a_wrong_id_in_the_traders_language(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    monkeypatch.setattr(runtime.settings, "party_id_check_digits", "refuse")
    body = {"declarations": [_with_exporter(f"PID-BR-{lang}-1"), _with_exporter(f"PID-BR-{lang}-2", RIGHT_RUT)]}
    r = client.post("/api/v1/declarations/batch", json=body, headers={**tokens.broker, "Accept-Language": lang})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["accepted"], out["rejected"]) == (1, 1)
    refused, lodged = out["results"]
    assert refused["status"] == "rejected" and "mrn" not in refused and lodged["warnings"] == []
    (error,) = refused["errors"]
    assert (error["code"], error["pointer"]) == ("PARTY_ID_CHECK_DIGIT", "/exporter/id")
    assert words in error["message"] and BAD_RUT in error["message"] and RIGHT_RUT not in error["message"]
