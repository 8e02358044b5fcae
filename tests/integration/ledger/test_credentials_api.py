"""Issuing, verifying and revoking credentials over HTTP: who may sign for whom, every bad input a clear 4xx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from clearway.ledger import service
from clearway.ledger.keys import b64url, b64url_decode
from clearway.ledger.seed import origin_subject, passport_subject
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.ledger.conftest import BRAND, EXPORTER, Orgs


def _issue(client: TestClient, orgs: Orgs, **extra: object) -> dict[str, object]:
    body = {"org": EXPORTER[0], "kind": "certificate_of_origin", "subject": origin_subject(), **extra}
    r = client.post("/api/v1/ledger/credentials", json=body, headers=orgs.exporter)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _verify(client: TestClient, tokens: Tokens, jwt: object) -> dict[str, object]:
    r = client.post("/api/v1/ledger/credentials/verify", json={"jwt": jwt}, headers=tokens.officer)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_trader_signs_only_for_its_own_organisation(client: TestClient, tokens: Tokens, orgs: Orgs) -> None:
    body = {"org": BRAND[0], "kind": "product_passport", "subject": passport_subject("urn:x:1")}
    assert client.post("/api/v1/ledger/credentials", json=body, headers=orgs.exporter).status_code == 404
    assert client.post("/api/v1/ledger/credentials", json=body, headers=tokens.officer).status_code == 404
    assert client.post("/api/v1/ledger/credentials", json=body).status_code == 401
    assert client.post("/api/v1/ledger/credentials", json=body, headers=orgs.brand).status_code == 201


def test_another_trader_cannot_read_or_revoke_a_credential(client: TestClient, tokens: Tokens, orgs: Orgs) -> None:
    issued = _issue(client, orgs)
    url = f"/api/v1/ledger/credentials/{issued['id']}"
    assert client.get(url, headers=orgs.brand).status_code == 404
    assert client.get(url, headers=orgs.exporter).json()["jwt"] == issued["jwt"]
    assert client.get(url, headers=tokens.officer).status_code == 200
    assert client.post(f"{url}/revoke", json={"reason": "x"}, headers=orgs.brand).status_code == 404
    assert client.post(f"{url}/revoke", json={"reason": "x"}, headers=tokens.officer).status_code == 404


def test_a_revoked_credential_verifies_as_revoked_and_shows_in_the_status_list(
    client: TestClient, tokens: Tokens, orgs: Orgs
) -> None:
    first = _issue(client, orgs)
    second = _issue(client, orgs)
    r = client.post(
        f"/api/v1/ledger/credentials/{second['id']}/revoke",
        json={"reason": "goods found not originating"},
        headers=orgs.exporter,
    )
    assert r.status_code == 200, r.text
    report = _verify(client, tokens, second["jwt"])
    assert report["verified"] is False
    assert report["status"]["reason"].startswith("revoked on ")  # type: ignore[index]
    assert "goods found not originating" in report["status"]["reason"]  # type: ignore[index]
    assert report["integrity"]["ok"] and report["issuer"]["ok"] and report["validity"]["ok"]  # type: ignore[index]
    assert _verify(client, tokens, first["jwt"])["verified"] is True
    again = client.post(
        f"/api/v1/ledger/credentials/{second['id']}/revoke", json={"reason": "again"}, headers=orgs.exporter
    )
    assert again.status_code == 409
    listed = client.get(f"/api/v1/ledger/status/{EXPORTER[0]}", headers=tokens.agency).json()["status_list_credential"]
    listed_report = _verify(client, tokens, listed)
    assert listed_report["integrity"]["ok"] and listed_report["issuer"]["ok"]  # type: ignore[index]
    encoded = listed_report["credential"]["credentialSubject"]["encodedList"]  # type: ignore[index]
    idx = [
        int(_verify(client, tokens, c["jwt"])["credential"]["credentialStatus"]["statusListIndex"])
        for c in (first, second)
    ]  # type: ignore[index]
    assert service.status_bit(encoded, idx[1]) is True
    assert service.status_bit(encoded, idx[0]) is False


def test_an_expired_credential_says_expired(client: TestClient, tokens: Tokens, orgs: Orgs) -> None:
    past = datetime.now(UTC) - timedelta(days=30)
    issued = _issue(client, orgs, valid_from=past.isoformat(), valid_until=(past + timedelta(days=1)).isoformat())
    report = _verify(client, tokens, issued["jwt"])
    assert report["reasons"] == [report["validity"]["reason"]]  # type: ignore[index]
    assert report["validity"]["reason"].startswith("expired on")  # type: ignore[index]


def test_a_credential_signed_with_another_organisations_key_is_refused(
    client: TestClient, tokens: Tokens, orgs: Orgs
) -> None:
    genuine = _issue(client, orgs)["jwt"]
    brand_cred = client.post(
        "/api/v1/ledger/credentials",
        json={"org": BRAND[0], "kind": "product_passport", "subject": passport_subject("urn:x:2")},
        headers=orgs.brand,
    ).json()["jwt"]
    # a forger takes the brand's header and signature and pastes the exporter's content
    header, _, sig = brand_cred.split(".")
    forged = f"{header}.{genuine.split('.')[1]}.{sig}"
    report = _verify(client, tokens, forged)
    assert report["integrity"]["reason"].startswith("signature does not match")  # type: ignore[index]


UNKNOWN_KEY = ".".join([b64url(b'{"alg":"Ed25519","kid":"did:web:nowhere#k"}'), b64url(b"{}"), b64url(bytes(64))])


def test_bad_verification_requests(client: TestClient, tokens: Tokens) -> None:
    for jwt, reason in [
        ("garbage", "malformed JWT"),
        ("a.b.c", "malformed JWT: a part is not base64url-encoded JSON"),
        (UNKNOWN_KEY, "no published key"),
    ]:
        report = _verify(client, tokens, jwt)
        assert report["verified"] is False
        assert reason in report["reasons"][0]  # type: ignore[index]
    for body in ({"jwt": 5}, {"jwt": ""}, {}, {"jwt": "x", "extra": 1}):
        r = client.post("/api/v1/ledger/credentials/verify", json=body, headers=tokens.officer)
        assert r.status_code == 422, body
        assert r.json()["errors"][0]["code"]
    r = client.post("/api/v1/ledger/credentials/verify", content=b"{not json", headers=tokens.officer)
    assert r.status_code == 422


def test_an_incomplete_credential_is_refused_with_pointers_and_nothing_is_logged(
    client: TestClient, orgs: Orgs, runtime: Runtime, tokens: Tokens
) -> None:
    before = client.get("/api/v1/ledger/get-sth", headers=tokens.officer).json()["tree_size"]
    r = client.post(
        "/api/v1/ledger/credentials",
        json={"org": EXPORTER[0], "kind": "certificate_of_origin", "subject": {"originCountry": "CL", "goods": [{}]}},
        headers=orgs.exporter,
    )
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert {"/subject/exporter", "/subject/importer", "/subject/goods/0"} <= pointers
    r = client.post(
        "/api/v1/ledger/credentials",
        json={
            "org": EXPORTER[0],
            "kind": "certificate_of_origin",
            "subject": origin_subject(),
            "valid_until": "2020-01-01T00:00:00",
        },
        headers=orgs.exporter,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "TIME_ZONE"
    r = client.post(
        "/api/v1/ledger/credentials", json={"org": EXPORTER[0], "kind": "visa", "subject": {}}, headers=orgs.exporter
    )
    assert r.status_code == 422
    assert client.get("/api/v1/ledger/get-sth", headers=tokens.officer).json()["tree_size"] == before


def test_key_rotation_keeps_old_credentials_valid_and_the_did_document_lists_both(
    client: TestClient, tokens: Tokens, orgs: Orgs
) -> None:
    old = _issue(client, orgs)
    r = client.post(f"/api/v1/ledger/orgs/{EXPORTER[0]}/rotate-key", headers=tokens.admin)
    assert r.status_code == 200, r.text
    assert r.json()["kid"].endswith("#key-2")
    assert client.post(f"/api/v1/ledger/orgs/{EXPORTER[0]}/rotate-key", headers=orgs.exporter).status_code == 403
    new = _issue(client, orgs)
    assert b'"kid":"' in b64url_decode(new["jwt"].split(".")[0])  # type: ignore[union-attr]
    assert _verify(client, tokens, new["jwt"])["kid"].endswith("#key-2")  # type: ignore[union-attr]
    assert _verify(client, tokens, old["jwt"])["verified"] is True
    doc = client.get(f"/api/v1/ledger/dids/{EXPORTER[0]}/did.json", headers=tokens.broker).json()
    assert [m["id"].rsplit("#", 1)[1] for m in doc["verificationMethod"]] == ["key-1", "key-2"]
    assert "validUntil" in doc["verificationMethod"][0]
    assert doc["assertionMethod"] == [doc["verificationMethod"][1]["id"]]
    assert "private" not in str(doc).lower() and "d" not in doc["verificationMethod"][0]["publicKeyJwk"]


def test_a_compromised_key_revoked_from_a_date(client: TestClient, tokens: Tokens, orgs: Orgs) -> None:
    issued = _issue(client, orgs)
    kid = _verify(client, tokens, issued["jwt"])["kid"]
    r = client.post(
        "/api/v1/ledger/keys/revoke",
        json={"kid": kid, "reason": "key leaked", "at": "2020-01-01T00:00:00Z"},
        headers=tokens.admin,
    )
    assert r.status_code == 200, r.text
    report = _verify(client, tokens, issued["jwt"])
    assert report["issuer"]["ok"] is False
    assert "was revoked on 2020-01-01" in report["issuer"]["reason"] and "key leaked" in report["issuer"]["reason"]  # type: ignore[index]
    r = client.post(
        "/api/v1/ledger/credentials",
        json={"org": EXPORTER[0], "kind": "certificate_of_origin", "subject": origin_subject()},
        headers=orgs.exporter,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "NO_SIGNING_KEY"
