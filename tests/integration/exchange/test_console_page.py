"""The regional-cooperation page of the console: who sees what, registering a partner, alerts to watchlists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from clearway.exchange import service
from clearway.platform import auth
from clearway.platform.tables import users
from tests.integration.console.conftest import Browser, sign_in
from tests.integration.exchange.conftest import Side, pair
from tests.integration.exchange.docs import export_doc
from tests.integration.exchange.test_pairing import lodge

STAFF = (("officer.pe", "officer", {"office": "PECLL"}), ("supervisor.pe", "supervisor", {}), ("admin.pe", "admin", {}))
OTHERS = (("broker.pe", "declarant", {"party_id": "PE20100047218"}), ("agency.pe", "agency", {"agency": "SENASA"}))


@pytest.fixture
def browsers(pe: Side) -> Iterator[dict[str, Browser]]:
    with pe.runtime.uow() as uow:
        for name, role, scope in STAFF + OTHERS:
            auth.ensure_user(uow, name=name, role=role, **scope)
        uow.conn.execute(update(users).values(password_hash=auth.hash_password("demo")))
        uow.commit()
    clients: list[TestClient] = []
    out: dict[str, Browser] = {}
    for name, _, _ in STAFF + OTHERS:
        c = TestClient(pe.client.app, follow_redirects=False, headers={"Accept-Language": "en"})
        clients.append(c)
        out[name.split(".")[0]] = sign_in(c, name)
    yield out
    for c in clients:
        c.close()


def test_staff_see_the_page_and_traders_and_agencies_are_refused(browsers: dict[str, Browser]) -> None:
    for who in ("officer", "supervisor", "admin"):
        r = browsers[who].get("/console/exchange")
        assert r.status_code == 200 and "Regional cooperation" in r.text
        assert ("Delivery log" in r.text) == (who == "admin")  # the delivery log is for admins
        assert ("Register a partner administration" in r.text) == (who == "admin")
    for who in ("broker", "agency"):
        assert browsers[who].get("/console/exchange").status_code == 403
        assert browsers[who].post("/console/exchange/alerts", {"kind": "alert", "what": "x"}).status_code == 403


def test_the_page_is_in_spanish_for_a_spanish_speaker(browsers: dict[str, Browser]) -> None:
    r = browsers["officer"].get("/console/exchange", headers={"Accept-Language": "es"})
    assert "Cooperación regional" in r.text and "Análisis espejo" in r.text


def test_an_admin_registers_a_partner_from_its_url_and_did(
    cl: Side, browsers: dict[str, Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = cl.client.get("/api/v1/exchange/identity").json()
    fetched: list[str] = []

    def fetch(url: str, did: str, **_: Any) -> dict[str, Any]:  # the partner's identity, in-process, not over a socket
        fetched.append(url)
        doc = cl.client.get("/api/v1/exchange/identity").json()["did_document"]
        if doc["id"] != did:
            raise service.DomainError(f"the partner at {url} is not {did}", code="DID_MISMATCH")
        return dict(doc)

    monkeypatch.setattr(service, "fetch_did_document", fetch)
    admin = browsers["admin"]
    r = admin.post(
        "/console/exchange/partners", {"country": "cl", "url": "https://aduana-cl.example", "did": "did:web:x"}
    )
    assert r.status_code == 303 and "error=" in r.headers["location"]  # a DID the partner does not carry
    r = admin.post(
        "/console/exchange/partners", {"country": "CL", "url": "https://aduana-cl.example", "did": ident["did"]}
    )
    assert r.status_code == 303 and "done=" in r.headers["location"], r.headers["location"]
    page = admin.get("/console/exchange").text
    assert ident["did"] in page and fetched == ["https://aduana-cl.example", "https://aduana-cl.example"]
    # an officer may not register one; without the CSRF token nobody may
    officer = browsers["officer"]
    assert (
        officer.post(
            "/console/exchange/partners", {"country": "AR", "url": "https://x.example", "did": "did:web:y"}
        ).status_code
        == 403
    )
    r = admin.client.post(
        "/console/exchange/partners", data={"country": "AR", "url": "https://x.example", "did": "did:web:y"}
    )
    assert r.status_code in (400, 403)


def test_an_officer_publishes_an_alert_and_a_supervisor_watches_its_parties(
    cl: Side, pe: Side, browsers: dict[str, Browser]
) -> None:
    pair(cl, pe)
    officer, supervisor = browsers["officer"], browsers["supervisor"]
    r = officer.post("/console/exchange/alerts", {"kind": "seizure", "what": "", "hs_code": "12"})
    assert r.status_code == 303 and "error=" in r.headers["location"]
    assert "hs_code" in r.headers["location"] and "what" in r.headers["location"]  # both fields named at once
    r = officer.post(
        "/console/exchange/alerts",
        {"kind": "seizure", "what": "cocaine in wine boxes", "hs_code": "220421", "concealment": "false bottoms",
         "parties": "PE20999888772 Importadora Fantasma SAC\n"},
    )  # fmt: skip
    assert r.status_code == 303 and "done=" in r.headers["location"]
    page = officer.get("/console/exchange").text
    assert "cocaine in wine boxes" in page and "Watch these parties" not in page  # officers do not set watchlists
    page = supervisor.get("/console/exchange?q=cocaine").text
    assert "Watch these parties" in page
    [alert] = pe.client.get("/api/v1/exchange/alerts?q=cocaine", headers=pe.officer).json()["alerts"]
    r = supervisor.post(f"/console/exchange/alerts/{alert['id']}/watchlist", {})
    assert r.status_code == 303 and "done=" in r.headers["location"]
    assert officer.post(f"/console/exchange/alerts/{alert['id']}/watchlist", {}).status_code == 403
    r = supervisor.post(f"/console/exchange/alerts/{alert['id']}/watchlist", {})
    assert "error=" in r.headers["location"]  # once is enough: the second is refused with the reason


def test_unmatched_exports_are_listed(cl: Side, pe: Side, browsers: dict[str, Browser]) -> None:
    pair(cl, pe)
    exp = lodge(cl, export_doc("EXP-CONSOLE", value="30000.00", bl="MAEU-C1"))
    cl.drain(pe)
    page = browsers["officer"].get("/console/exchange").text
    assert exp in page and "30,000.00" in page
