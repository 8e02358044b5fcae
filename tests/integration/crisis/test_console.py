"""Crisis console pages: supervisors ask and approve with a reason (four eyes), the banner and the declaration
detail name the protocol, traders see the public measures, and nobody else acts through the forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tokens
from tests.integration.crisis.conftest import mask_import

PANDEMIC = "pandemic-medical-supplies"


def _as(client: TestClient, headers: dict[str, str], lang: str = "en") -> None:
    client.cookies.clear()
    client.cookies.set("clearway_token", headers["Authorization"].removeprefix("Bearer "))
    client.headers["Accept-Language"] = lang


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form on the page"
    return found.group(1)


def test_two_supervisors_activate_through_the_console_and_the_declaration_names_the_protocol(
    client: TestClient, tokens: Tokens, supervisor2: dict[str, str], red_cross: dict[str, str], packs: list[str]
) -> None:
    _as(client, tokens.supervisor)
    page = client.get(f"/console/crisis/packs/{PANDEMIC}")
    assert page.status_code == 200 and "Ask to activate" in page.text and "630790" in page.text
    short = client.post(
        f"/console/crisis/packs/{PANDEMIC}/activate",
        data={"reason": "now", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert short.status_code == 303 and "error=" in short.headers["location"]
    assert short.headers["location"].startswith(f"/console/crisis/packs/{PANDEMIC}?error=")  # back to the pack
    unknown = client.post(
        "/console/crisis/activations/no-such-activation/deactivate",
        data={"reason": "Emergency over, decree 2026-009", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert unknown.status_code == 303 and unknown.headers["location"].startswith("/console/crisis?error=")
    asked = client.post(
        f"/console/crisis/packs/{PANDEMIC}/activate",
        data={"reason": "Health emergency, decree 2026-001", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert asked.status_code == 303 and asked.headers["location"].endswith("done=asked")
    mine = client.get("/console/crisis")
    assert "another supervisor must approve it" in mine.text and "/approve" not in mine.text

    _as(client, supervisor2)
    listing = client.get("/console/crisis")
    approve = re.search(r'action="(/console/crisis/requests/[^"]+/approve)"', listing.text)
    assert approve, listing.text
    done = client.post(
        approve.group(1), data={"reason": "decree seen", "csrf_token": _csrf(listing.text)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("done=approved")
    assert "Crisis protocol in force:" in client.get("/console/crisis").text
    assert "Crisis protocol in force:" in client.get("/console/dashboard").text
    assert "Crisis protocol in force:" in client.get("/console/queue").text

    mrn = client.post("/api/v1/declarations", json=mask_import("CONS-1"), headers=red_cross).json()["mrn"]
    detail = client.get(f"/console/declarations/{mrn}")
    assert 'id="crisis"' in detail.text and "Pandemic medical supplies" in detail.text
    _as(client, red_cross, "es")
    mine_es = client.get("/console/crisis")
    assert "Protocolos de crisis vigentes" in mine_es.text and mrn in mine_es.text
    detail = client.get(f"/console/declarations/{mrn}")
    assert 'id="crisis"' in detail.text  # the waiver shows; the lane reasons stay customs' business
    assert "priority lane under" not in detail.text


@pytest.mark.parametrize("who", ["officer", "declarant", "agency"])
def test_only_supervisors_ask_or_approve_through_the_console(
    client: TestClient, tokens: Tokens, red_cross: dict[str, str], packs: list[str], who: str
) -> None:
    headers = {"officer": tokens.officer, "declarant": red_cross, "agency": tokens.agency}[who]
    _as(client, tokens.supervisor)
    csrf_page = client.get("/console/crisis")
    _as(client, headers)
    own = client.get("/console/crisis")
    csrf = _csrf(own.text) if 'name="csrf_token"' in own.text else "x"
    r = client.post(
        f"/console/crisis/packs/{PANDEMIC}/activate",
        data={"reason": "let my goods through", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert csrf_page.status_code == 200
    _as(client, tokens.officer)
    assert "Ask to activate" not in client.get(f"/console/crisis/packs/{PANDEMIC}").text
