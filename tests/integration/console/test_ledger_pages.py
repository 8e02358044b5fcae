"""Ledger pages: verify a credential by paste or upload (valid or not, and why), issue one for an organisation
you sign for (never another's), search the AEO registry, read the log's state."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import date
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.ledger import aeo, identity, service
from clearway.ledger import seed as ledger_seed
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import Browser, sign_in

EXTRA = ("clearway.ledger",)
EXPORTER = ("cl-vinedos-andes", "Viñedos de los Andes SpA", "CL", "PE20100047218")  # signs as broker.andina's party


@pytest.fixture
def ledger(settings: Settings) -> Iterator[tuple[Runtime, TestClient, str]]:
    with console_with(settings, EXTRA) as (rt, client):
        ctx = service.context(rt)
        with rt.uow() as uow:
            identity.ensure_administration(uow, ctx)
            identity.create_org(uow, ctx, org_id=EXPORTER[0], name=EXPORTER[1], country="CL", kind="exporter",
                                party_id=EXPORTER[3])  # fmt: skip
            issued = service.issue(
                uow, ctx, org_id=EXPORTER[0], kind="certificate_of_origin", subject=ledger_seed.origin_subject()
            )
            aeo.publish(uow, ctx, trader_id="PE20512345671", trader_name="Importaciones Pacífico SAC",
                        status="granted", effective_from=date(2026, 1, 10), reason="validated audit")  # fmt: skip
            uow.commit()
        yield rt, client, issued.jwt


def _as(rt: Runtime, user: str) -> Browser:
    return sign_in(new_client(rt, EXTRA), user)


def _verdict(html: str) -> str:
    return unescape(html[html.index('id="verdict"') : html.index("</section>", html.index('id="verdict"'))])


def test_a_pasted_genuine_credential_is_valid_and_a_tampered_one_says_why(ledger: Any) -> None:
    rt, _client, jwt = ledger
    agency = _as(rt, "agency.senasa")
    page = agency.get("/console/ledger")
    assert page.status_code == 200 and "What this page is for" in page.text
    good = _verdict(agency.post("/console/ledger/verify", {"jwt": jwt}).text)
    assert "Valid credential" in good and "Viñedos de los Andes" in good and "entry 0 of" in good
    header, payload, signature = jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["originCountry"] = "AR"
    forged = ".".join([header, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature])
    bad = _verdict(agency.post("/console/ledger/verify", {"jwt": forged}).text)
    assert "Not valid" in bad and "Why:" in bad and "signature" in bad.lower()
    garbage = _verdict(agency.post("/console/ledger/verify", {"jwt": "hello"}).text)
    assert "Not valid" in garbage and "malformed" in garbage


def test_a_credential_file_is_verified_and_a_binary_file_refused(ledger: Any) -> None:
    rt, _client, jwt = ledger
    broker = _as(rt, "broker.andina")
    as_json = json.dumps({"jwt": jwt}).encode()
    r = broker.client.post("/console/ledger/verify", data={"csrf_token": broker.csrf},
                           files={"credential": ("coo.json", as_json, "application/json")})  # fmt: skip
    assert "Valid credential" in _verdict(r.text)
    binary = broker.client.post("/console/ledger/verify", data={"csrf_token": broker.csrf},
                                files={"credential": ("coo.jwt", b"\x89PNG\r\n\x00\x00", "image/png")})  # fmt: skip
    assert binary.status_code == 422 and "This file is not a credential" in binary.text
    huge = broker.client.post("/console/ledger/verify", data={"csrf_token": broker.csrf},
                              files={"credential": ("big.jwt", b"a" * 300_000, "text/plain")})  # fmt: skip
    assert huge.status_code == 422 and "larger than a credential" in huge.text
    assert broker.post("/console/ledger/verify", {"jwt": ""}).status_code == 422


def test_a_trader_issues_for_its_own_organisation_only(ledger: Any) -> None:
    rt, _client, _jwt = ledger
    broker = _as(rt, "broker.andina")
    page = broker.get("/console/ledger")
    assert 'value="cl-vinedos-andes"' in page.text and 'value="pe-customs"' not in page.text
    subject = json.dumps(ledger_seed.origin_subject())
    done = broker.post("/console/ledger/credentials", {"org": EXPORTER[0], "kind": "certificate_of_origin",
                                                        "subject": subject, "valid_until": "2027-06-30"})  # fmt: skip
    assert done.status_code == 200 and 'id="issued"' in done.text
    issued = unescape(re.search(r'<textarea id="issued-jwt"[^>]*>([^<]+)</textarea>', done.text).group(1))  # type: ignore[union-attr]
    assert "Valid credential" in _verdict(broker.post("/console/ledger/verify", {"jwt": issued}).text)
    refused = broker.post("/console/ledger/credentials", {"org": "pe-customs", "kind": "conformity",
                                                           "subject": '{"assessment": {}, "productIds": ["x"]}'})  # fmt: skip
    assert refused.status_code == 403
    missing = broker.post("/console/ledger/credentials", {"org": EXPORTER[0], "kind": "certificate_of_origin",
                                                           "subject": '{"exporter": {}}'})  # fmt: skip
    assert missing.status_code == 422 and "needs &#39;importer&#39;" in missing.text
    deep = broker.post("/console/ledger/credentials", {"org": EXPORTER[0], "kind": "conformity",
                                                        "subject": "[" * 500 + "]" * 500})  # fmt: skip
    assert deep.status_code == 422 and "nests deeper" in deep.text
    assert broker.client.post("/console/ledger/credentials", data={"org": EXPORTER[0]}).status_code == 403


def test_the_aeo_registry_and_the_log_status(ledger: Any) -> None:
    rt, _client, _jwt = ledger
    officer = _as(rt, "officer.rojas")
    found = officer.get("/console/ledger?q=pac%C3%ADfico")
    registry = found.text[found.text.index('id="aeo"') :]
    assert "PE20512345671" in registry and "granted" in registry and "validated audit" in registry
    assert "No trader in the registry matches" in officer.get("/console/ledger?q=PE2099").text
    wildcard = officer.get("/console/ledger?q=%25").text
    assert "PE20512345671" not in wildcard[wildcard.index('id="aeo"') :]  # a % is a character, not a wildcard
    status = found.text[found.text.index('id="log-status"') :]
    assert "Last signed tree head" in status and "Not anchored on a public network" in status
    trader_view = _as(rt, "broker.andina").get("/console/ledger?q=PE2051")
    assert "PE20512345671" in trader_view.text and "validated audit" not in trader_view.text  # reasons: customs only


def test_ledger_posts_need_the_csrf_token(ledger: Any) -> None:
    rt, _client, jwt = ledger
    broker = _as(rt, "broker.andina")
    assert broker.client.post("/console/ledger/verify", data={"jwt": jwt}).status_code == 403
    assert broker.client.post("/console/ledger/verify", data={"jwt": jwt, "csrf_token": "x"}).status_code == 403
