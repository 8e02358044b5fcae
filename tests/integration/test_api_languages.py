"""API clients read validation messages in their language (Accept-Language); codes and pointers never change."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from tests.conftest import Tokens


def _bad() -> dict[str, Any]:
    doc = example_declaration("LANG-1")
    doc["goods_items"][0]["commodity_code"] = "999999"
    doc["invoice"]["currency"] = "ZZZ"
    del doc["importer"]
    return doc


def _errors(client: TestClient, tokens: Tokens, **headers: str) -> tuple[dict[tuple[str, str], str], Any]:
    r = client.post("/api/v1/declarations", json=_bad(), headers={**tokens.broker, **headers})
    assert r.status_code == 422, r.text
    return {(e["code"], e["pointer"]): e["message"] for e in r.json()["errors"]}, r.headers


def test_validation_messages_follow_accept_language_and_codes_stay(client: TestClient, tokens: Tokens) -> None:
    english, plain = _errors(client, tokens)
    spanish, es = _errors(client, tokens, **{"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"})
    french, fr = _errors(client, tokens, **{"Accept-Language": "de-DE, fr;q=0.8"})  # no German: French next
    portuguese, _ = _errors(client, tokens, **{"Accept-Language": "pt-BR"})
    assert set(english) == set(spanish) == set(french) == set(portuguese)  # the same codes at the same pointers
    assert "content-language" not in plain and es["content-language"] == "es" and fr["content-language"] == "fr"
    required = next(k for k in english if k[0] == "REQUIRED")
    assert english[required] != spanish[required] != french[required] != portuguese[required]
    assert "obligatori" in spanish[required].lower()  # "… es obligatorio para …"
    changed = sum(english[k] != spanish[k] for k in english)
    assert changed == len(english), {k: (english[k], spanish[k]) for k in english if english[k] == spanish[k]}


def test_an_unspoken_or_malformed_language_answers_in_english(client: TestClient, tokens: Tokens) -> None:
    english, _ = _errors(client, tokens)
    for header in ("de", "xx-YY;q=abc", "es;q=0", ";;;,,,", "es" * 500):
        got, h = _errors(client, tokens, **{"Accept-Language": header})
        assert got == english and h.get("content-language") in (None, "en"), header
