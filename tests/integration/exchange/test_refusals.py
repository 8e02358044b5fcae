"""What the inbox refuses, and why: unsigned, tampered, replayed, expired, unknown partner, not addressed to us,
no agreement; and who may read or change the exchange's settings."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from clearway.core.time import FixedClock
from clearway.exchange import messages, service
from clearway.ledger import credentials, keys
from tests.integration.exchange.conftest import Side

INBOX = "/api/v1/exchange/inbox"


def signed(
    side: Side, partner_did: str, *, kind: str = "alert", body: dict | None = None, at: datetime | None = None
) -> str:
    rt = side.runtime
    with rt.uow(clock=FixedClock(at) if at else None, readonly=True) as uow:
        return messages.sign(
            uow,
            service.context(rt),
            message_id=str(uuid.uuid4()),
            kind=kind,
            body=body or {"alert_id": "a1", "record": {"kind": "alert", "what": "watch out", "parties": []}},
            to_did=partner_did,
        )


def did_of(side: Side) -> str:
    return str(side.client.get("/api/v1/exchange/identity").json()["did"])


def post(side: Side, token: str) -> tuple[int, str, str]:
    r = side.client.post(INBOX, content=token, headers={"content-type": "application/jose"})
    err = r.json().get("errors", [{}])[0] if r.status_code >= 400 else {}
    return r.status_code, err.get("code", ""), err.get("message", "")


def test_a_valid_message_is_accepted_once_then_refused_as_replayed(shared_pair: tuple[Side, Side]) -> None:
    cl, pe = shared_pair
    token = signed(cl, did_of(pe))
    assert post(pe, token)[0] == 202
    status, code, message = post(pe, token)
    assert (status, code) == (409, "REPLAYED") and "already received" in message


def test_tampered_message_is_refused(shared_pair: tuple[Side, Side]) -> None:
    cl, pe = shared_pair
    token = signed(cl, did_of(pe))
    head, payload, sig = token.split(".")
    doc = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    doc["body"]["record"]["what"] = "nothing to see"
    forged = base64.urlsafe_b64encode(credentials.canonical(doc)).rstrip(b"=").decode()
    status, code, message = post(pe, f"{head}.{forged}.{sig}")
    assert (status, code) == (403, "SIGNATURE") and "altered" in message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"kind": "alert", "body": {}}', "UNSIGNED"),
        ("", "UNSIGNED"),
        ("eyJhbGciOiJub25lIn0.eyJpZCI6IngifQ.", "UNSIGNED"),
        ("a.b.c", "MALFORMED"),
    ],
)
def test_unsigned_or_malformed_bodies_are_refused(shared_pair: tuple[Side, Side], body: str, code: str) -> None:
    _, pe = shared_pair
    assert post(pe, body)[1] == code


def test_expired_and_future_messages_are_refused(shared_pair: tuple[Side, Side]) -> None:
    cl, pe = shared_pair
    old = signed(cl, did_of(pe), at=datetime.now(UTC) - timedelta(hours=1))
    assert post(pe, old)[1] == "EXPIRED"
    ahead = signed(cl, did_of(pe), at=datetime.now(UTC) + timedelta(hours=1))
    assert post(pe, ahead)[1] == "FUTURE"


def test_unknown_partner_and_wrong_addressee_are_refused(shared_pair: tuple[Side, Side]) -> None:
    cl, pe = shared_pair
    stranger = keys.generate()
    payload = {"id": "x-1", "kind": "alert", "iss": "did:web:evil.test", "aud": did_of(pe), "country": "CL",
               "iat": credentials.iso(datetime.now(UTC)), "body": {}}  # fmt: skip
    token = credentials.sign(payload, kid="did:web:evil.test#key-1", key=stranger, typ=messages.TYP)
    assert post(pe, token)[1] == "PARTNER_UNKNOWN"
    to_someone_else = signed(cl, "did:web:other.test:api:v1:ledger:dids:bo-customs")
    assert post(pe, to_someone_else)[1] == "NOT_FOR_US"


def test_kind_without_agreement_is_refused(shared_pair: tuple[Side, Side]) -> None:
    cl, pe = shared_pair
    with pe.runtime.uow() as uow:
        uow.conn.execute(service.store.agreements.delete().where(service.store.agreements.c.kind == "alert"))
        uow.commit()
    try:
        assert post(pe, signed(cl, did_of(pe)))[1] == "NO_AGREEMENT"
    finally:
        with pe.runtime.uow() as uow:
            service.set_agreement(uow, country="CL", kind="alert", since=datetime.now(UTC).date(), actor="test")
            uow.commit()


def test_refusals_are_in_the_delivery_log_for_admins_only(shared_pair: tuple[Side, Side]) -> None:
    _cl, pe = shared_pair
    post(pe, "not a jws")
    r = pe.client.get("/api/v1/exchange/deliveries", headers=pe.admin)
    assert r.json()["refused"][0]["code"] == "UNSIGNED"
    assert pe.client.get("/api/v1/exchange/deliveries", headers=pe.officer).status_code == 403
    assert pe.client.get("/api/v1/exchange/deliveries").status_code == 401


def test_routes_need_a_token_and_the_right_role(shared_pair: tuple[Side, Side]) -> None:
    _cl, pe = shared_pair
    for path in ("/api/v1/exchange/partners", "/api/v1/exchange/alerts", "/api/v1/exchange/heads",
                 "/api/v1/exchange/mirror/unmatched", "/api/v1/exchange/mirror/X1"):  # fmt: skip
        assert pe.client.get(path).status_code == 401, path
        assert pe.client.get(path, headers=pe.broker).status_code == 403, path
    body = {
        "country": "BO",
        "url": "http://bo.test",
        "did": "did:web:bo.test",
        "did_document": {"id": "did:web:bo.test"},
    }
    assert pe.client.post("/api/v1/exchange/partners", headers=pe.officer, json=body).status_code == 403
    assert (
        pe.client.post("/api/v1/exchange/alerts", headers=pe.broker, json={"kind": "alert", "what": "x"}).status_code
        == 403
    )


def test_bad_partner_registrations_are_4xx_with_every_issue(shared_pair: tuple[Side, Side]) -> None:
    cl, _ = shared_pair
    body = {"country": "CL", "url": "http://x.test", "did": "did:web:x.test", "did_document": {"id": "did:web:y.test"}}
    r = cl.client.post("/api/v1/exchange/partners", headers=cl.admin, json=body)
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["errors"]} == {"COUNTRY", "DID_MISMATCH"}
    bad = cl.client.post("/api/v1/exchange/partners", headers=cl.admin, json={**body, "country": 7})
    assert bad.status_code == 422
    unreachable = {"country": "BO", "url": "http://127.0.0.1:9", "did": "did:web:bo.test"}
    r = cl.client.post("/api/v1/exchange/partners", headers=cl.admin, json=unreachable)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "PARTNER_UNREACHABLE"


def test_alerts_are_validated(shared_pair: tuple[Side, Side]) -> None:
    cl, _ = shared_pair
    r = cl.client.post(
        "/api/v1/exchange/alerts", headers=cl.officer, json={"kind": "rumour", "what": "", "hs_code": "12"}
    )
    assert r.status_code == 422
    assert len(r.json()["errors"]) >= 2
