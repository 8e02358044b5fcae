"""Signing in to the console: password or token, an HttpOnly SameSite=Strict session, CSRF on every form."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from clearway.platform import auth
from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import csrf_of, lodge, sign_in


def test_root_sends_visitors_to_sign_in_and_pages_ask_for_it(app_client: TestClient) -> None:
    r = app_client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/console/login"
    r = app_client.get("/console/queue?lane=red")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/login?next=/console/queue%3Flane%3Dred"


def test_password_sign_in_sets_a_strict_httponly_session_and_lands_on_the_role_home(app_client: TestClient) -> None:
    page = app_client.get("/console/login")
    assert 'for="user"' in page.text and 'for="password"' in page.text and 'for="token"' in page.text
    r = app_client.post(
        "/console/login",
        data={"user": "officer.rojas", "password": "demo", "csrf_token": csrf_of(page.text), "next": "/console/"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/console/queue"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("clearway_token="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    # the session works on the API too (the platform accepts the cookie)
    assert app_client.get("/api/v1/declarations").status_code == 200


def test_a_trader_lands_on_its_declarations(app_client: TestClient) -> None:
    page = app_client.get("/console/login")
    r = app_client.post(
        "/console/login", data={"user": "broker.andina", "password": "demo", "csrf_token": csrf_of(page.text)}
    )
    assert r.headers["location"] == "/console/declarations"


def test_a_wrong_password_is_refused_plainly_without_a_session(app_client: TestClient) -> None:
    page = app_client.get("/console/login")
    r = app_client.post(
        "/console/login", data={"user": "officer.rojas", "password": "nope", "csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 401
    assert "user name or password is not right" in r.text
    assert "clearway_token" not in app_client.cookies


def test_sign_in_without_the_form_token_is_refused(app_client: TestClient) -> None:
    app_client.get("/console/login")
    r = app_client.post("/console/login", data={"user": "officer.rojas", "password": "demo", "csrf_token": "forged"})
    assert r.status_code == 403
    assert "clearway_token" not in app_client.cookies


def test_sign_in_with_a_pasted_token(app_client: TestClient, console_runtime: Runtime) -> None:
    with console_runtime.uow() as uow:
        token = auth.create_token(uow, user="officer.rojas", role="officer", office="PECLL")
        uow.commit()
    page = app_client.get("/console/login")
    bad = app_client.post("/console/login/token", data={"token": "cw_nothing", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 401 and "unknown, revoked or expired" in bad.text
    page = app_client.get("/console/login")
    r = app_client.post("/console/login/token", data={"token": token, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/queue"
    # signing out does not revoke a pasted API token
    home = app_client.get("/console/queue")
    app_client.post("/console/logout", data={"csrf_token": csrf_of(home.text)})
    assert (
        TestClient(app_client.app).get("/api/v1/declarations", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_signing_out_revokes_the_console_session(signed_in: Any) -> None:
    b = signed_in("officer.rojas")
    session = b.client.cookies["clearway_token"]
    r = b.post("/console/logout", {})
    assert r.status_code == 303 and r.headers["location"] == "/console/login"
    auth.TOKEN_CACHE.clear()
    replay = TestClient(b.client.app).get("/api/v1/declarations", headers={"Authorization": f"Bearer {session}"})
    assert replay.status_code == 401


def test_a_decision_without_the_csrf_token_or_from_another_site_changes_nothing(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "RED-CSRF-1")
    b = signed_in("officer.rojas")
    form = {"decision": "release", "reason": "looks fine", "result": "no_discrepancy"}
    assert b.client.post(f"/console/declarations/{mrn}/decisions", data=form).status_code == 403
    assert (
        b.client.post(f"/console/declarations/{mrn}/decisions", data={**form, "csrf_token": "x" * 40}).status_code
        == 403
    )
    foreign = b.post(f"/console/declarations/{mrn}/decisions", form, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "physical check" in b.get(f"/console/declarations/{mrn}").text


def test_sign_in_never_redirects_to_another_site(app_client: TestClient) -> None:
    page = app_client.get("/console/login?next=//evil.example/x")
    assert "//evil.example" not in page.text
    r = app_client.post(
        "/console/login",
        data={"user": "officer.rojas", "password": "demo", "csrf_token": csrf_of(page.text), "next": "//evil.example"},
    )
    assert r.headers["location"] == "/console/queue"


def test_the_session_cookie_also_signs_in_again_after_sign_in(app_client: TestClient) -> None:
    b = sign_in(app_client, "broker.andina")
    assert b.get("/").headers["location"] == "/console/declarations"
