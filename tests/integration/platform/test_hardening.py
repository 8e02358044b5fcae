"""HTTP and account hardening: chunked bombs get 413, numbers are bounded, every 500 names its request id,
the console cookie needs CSRF on the API, /metrics is not public, the API docs work offline, sign-in is
throttled and costs the same for unknown users, and tokens never reach the log in full."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from clearway import bootstrap
from clearway.declarations.examples import example_declaration
from clearway.platform import auth
from clearway.platform import logging as cw_logging
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens

LIMIT = 20_000


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"<" * 4096
        sent += 4096


@pytest.fixture
def small_client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.settings.max_body_bytes = LIMIT
    with TestClient(bootstrap.build_app(runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "media", "who"),
    [
        ("/api/v1/ecommerce/manifests", "text/csv", "broker"),
        ("/api/v1/declarations", "application/xml", "broker"),
        ("/api/v1/declarations", "application/json", "broker"),
        ("/api/v1/interchange/declarations/preview", "application/xml", "broker"),
        ("/api/v1/single-window/requirements/load", "text/csv", "admin"),
        ("/console/lodge/upload", "multipart/form-data; boundary=x", "broker"),
    ],
)
def test_a_chunked_body_over_the_limit_gets_413_not_500(
    small_client: TestClient, tokens: Tokens, path: str, media: str, who: str
) -> None:
    headers = {**getattr(tokens, who), "content-type": media}
    if path.startswith("/console"):  # the console takes its session cookie
        small_client.cookies.set("clearway_token", headers.pop("Authorization").removeprefix("Bearer "))
    r = small_client.post(path, content=_chunks(LIMIT * 5), headers=headers)
    assert r.status_code == 413, (path, r.status_code, r.text[:200])
    assert r.json()["errors"][0]["code"] == "BODY_TOO_LARGE"


def test_every_route_refuses_a_chunked_bomb_without_a_500(small_client: TestClient, tokens: Tokens) -> None:
    spec = small_client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method in ops:
            if method not in {"post", "put"}:
                continue
            url = path.replace("{", "").replace("}", "")
            r = small_client.request(
                method, url, content=_chunks(LIMIT * 3), headers={**tokens.admin, "content-type": "application/json"}
            )
            assert r.status_code < 500, (method, path, r.status_code, r.text[:200])


def test_integer_parameters_are_bounded(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/v1/declarations", json=example_declaration("BOUND-1"), headers=tokens.broker)
    assert r.status_code == 201, r.text
    mrn = r.json()["mrn"]
    for query in ("after=9223372036854775808", "after=-1", "after=99999999999999999999999"):
        r = client.get(f"/api/v1/declarations/{mrn}/notifications?{query}", headers=tokens.broker)
        assert r.status_code == 422, (query, r.status_code, r.text[:200])
    assert client.delete("/api/v1/tokens/9223372036854775808", headers=tokens.admin).status_code == 422


def test_a_500_names_its_request_id_in_the_body_and_the_log(
    runtime: Runtime, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    boom = APIRouter()

    @boom.get("/api/v1/boom")
    def _boom() -> None:
        raise RuntimeError("kaput")

    app = bootstrap.build_app(runtime)
    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        r = c.get("/api/v1/boom", headers={"X-Request-Id": "req-4711"})
        generated = c.get("/api/v1/boom")
    assert r.status_code == 500
    assert "req-4711" in r.json()["errors"][0]["message"]
    assert r.headers["x-request-id"] == "req-4711"
    rid = generated.headers["x-request-id"]
    assert rid in generated.json()["errors"][0]["message"]
    assert any("req-4711" in rec.getMessage() for rec in caplog.records)


def test_the_console_cookie_needs_csrf_and_json_on_the_api(client: TestClient, tokens: Tokens) -> None:
    token = tokens.broker["Authorization"].removeprefix("Bearer ")
    client.cookies.set("clearway_token", token)
    doc = example_declaration("CSRF-1")
    # a foreign page makes the browser post: text/plain, foreign Origin, no CSRF token
    r = client.post(
        "/api/v1/declarations",
        content=str(doc),
        headers={"content-type": "text/plain", "origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = client.post("/api/v1/declarations", json=doc)  # JSON but no CSRF header
    assert r.status_code == 403
    csrf = auth.csrf_for("test-secret", token)
    r = client.post(
        "/api/v1/declarations", content=str(doc), headers={"content-type": "text/plain", "x-csrf-token": csrf}
    )
    assert r.status_code == 403
    r = client.post("/api/v1/declarations", json=doc, headers={"x-csrf-token": csrf, "origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/v1/declarations", json=doc, headers={"x-csrf-token": csrf})
    assert r.status_code == 201, r.text
    client.cookies.clear()


def test_metrics_are_not_public(runtime: Runtime, client: TestClient, tokens: Tokens) -> None:
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers=tokens.officer).status_code == 403
    assert client.get("/metrics", headers=tokens.admin).status_code == 200
    runtime.settings.metrics_token = "scrape-me-please"
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me-not"}).status_code == 403
    with TestClient(bootstrap.build_app(runtime), client=("127.0.0.1", 9000)) as local:
        assert local.get("/metrics").status_code == 200  # loopback is allowed by default
    runtime.settings.metrics_allow = "10.0.0.0/8"
    with TestClient(bootstrap.build_app(runtime), client=("127.0.0.1", 9000)) as local:
        assert local.get("/metrics").status_code == 403
    with TestClient(bootstrap.build_app(runtime), client=("10.1.2.3", 9000)) as net:
        assert net.get("/metrics").status_code == 200


def test_the_api_docs_are_served_without_a_cdn(client: TestClient) -> None:
    for page, asset in (
        ("/docs", "/docs/assets/swagger-ui-bundle.js"),
        ("/redoc", "/redoc/assets/redoc.standalone.js"),
    ):
        html = client.get(page).text
        assert "cdn.jsdelivr.net" not in html and "fonts.googleapis" not in html and "tiangolo.com" not in html
        assert asset in html
        assert client.get(asset).status_code == 200
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


# --- accounts -----------------------------------------------------------------------------------


def _set_password(runtime: Runtime, name: str, password: str) -> None:
    with runtime.uow() as uow:
        auth.ensure_user(uow, name=name, role="officer", office="PECLL", password=password)
        uow.commit()


def _console_login(client: TestClient, user: str, password: str) -> int:
    page = client.get("/console/login")
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    r = client.post(
        "/console/login",
        data={"user": user, "password": password, "csrf_token": found.group(1), "next": "/"},
        follow_redirects=False,
    )
    return r.status_code


def test_sign_in_is_throttled_per_account_with_a_clear_lockout(runtime: Runtime, client: TestClient) -> None:
    _set_password(runtime, "officer.lock", "right-password-1")
    for _ in range(auth.THROTTLE.max_failures):
        assert _console_login(client, "officer.lock", "wrong") == 401
    # locked now: even the right password is refused, with a message saying for how long
    page = client.get("/console/login")
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    r = client.post(
        "/console/login",
        data={"user": "officer.lock", "password": "right-password-1", "csrf_token": csrf.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 429
    assert "locked for" in r.text
    with runtime.uow(readonly=True) as uow, pytest.raises(auth.LoginThrottled) as exc:
        auth.authenticate_password(uow, "officer.lock", "right-password-1")
    assert exc.value.headers is not None and int(exc.value.headers["Retry-After"]) > 0


def test_sign_in_is_throttled_per_client_address(runtime: Runtime) -> None:
    with runtime.uow(readonly=True) as uow:
        for i in range(auth.THROTTLE.limit_for("addr:x")):
            assert auth.authenticate_password(uow, f"nobody-{i}", "guess", client="203.0.113.9") is None
        with pytest.raises(auth.LoginThrottled):
            auth.authenticate_password(uow, "someone-else", "guess", client="203.0.113.9")
        # another address is not affected
        assert auth.authenticate_password(uow, "someone-else", "guess", client="198.51.100.1") is None


def test_unknown_users_cost_the_same_scrypt_as_known_ones(runtime: Runtime) -> None:
    _set_password(runtime, "officer.known", "a-password")

    def timed(name: str) -> float:
        auth.THROTTLE.reset()
        start = time.perf_counter()
        with runtime.uow(readonly=True) as uow:
            assert auth.authenticate_password(uow, name, "wrong-password") is None
        return time.perf_counter() - start

    known = min(timed("officer.known") for _ in range(3))
    unknown = min(timed("no.such.user") for _ in range(3))
    # before: unknown 3 ms, known 71 ms. Now both run one scrypt.
    assert unknown > known * 0.5, (known, unknown)


def test_tokens_expire_by_default_and_never_live_past_the_maximum(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        auth.create_token(uow, user="api.user", role="officer", office="PECLL")
        infos = auth.list_tokens(uow, user="api.user")
        assert infos[0].expires_at is not None
        assert (infos[0].expires_at - infos[0].created_at).days == auth.DEFAULT_TOKEN_DAYS
        with pytest.raises(auth.DomainError):
            auth.create_token(uow, user="api.user", role="officer", office="PECLL", valid_days=365)
        short = auth.create_token(uow, user="api.user", role="officer", office="PECLL", valid_hours=12)
        uow.commit()
    later = runtime.clock() + auth.timedelta(hours=13)
    auth.TOKEN_CACHE.clear()
    with runtime.uow(readonly=True) as uow:
        assert auth.resolve_token(uow, short, later) is None


def test_a_token_pasted_as_a_user_name_is_never_logged_in_full(
    runtime: Runtime, client: TestClient, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    token = tokens.officer["Authorization"].removeprefix("Bearer ")
    handler = logging.StreamHandler()
    handler.addFilter(cw_logging._Context())
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    keep = Keep()
    keep.addFilter(cw_logging._Context())
    root = logging.getLogger()
    root.addHandler(keep)
    old = root.level
    root.setLevel(logging.INFO)
    try:
        _console_login(client, token, "x")
        _console_login(client, "aB3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ", "x")  # a foreign token shape
    finally:
        root.removeHandler(keep)
        root.setLevel(old)
    joined = "\n".join(records)
    assert "sign-in refused" in joined
    assert token not in joined
    assert token[8:] not in joined
    assert "aB3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ" not in joined


@pytest.mark.parametrize("bad", ["PE2010004721\x00", "\u0420E20100047218", "PE20512345671\u200f"])
def test_a_declaration_naming_a_look_alike_or_hidden_party_id_is_refused(
    client: TestClient, tokens: Tokens, bad: str
) -> None:
    doc = example_declaration("LOOKALIKE-1")
    doc["importer"]["id"] = bad
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422, r.text
    assert any(e["pointer"] == "/importer/id" for e in r.json()["errors"])
