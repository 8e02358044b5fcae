"""Only money actually received settles duties (finding 2); references are the caller's own (finding 10);
guarantee accounts serve their holder or its mandated agents only (finding 1); no negative levy (finding 3)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.tariff.providers import SIGNATURE_HEADER, SimulatedBank
from tests.conftest import BROKER_PARTY, Tokens
from tests.integration.tariff.conftest import bank_of, settle

D = Decimal
TOTAL = D("35698.74")  # the example declaration's duties and taxes (see test_payments_api)
IMPORTER = "PE20512345671"
ATTACKER = "PE20999999990"  # tokens.other_broker's party
NOTIFY = "/api/v1/payments/notifications"


def lodge(client: TestClient, headers: dict[str, str], lrn: str, party: str | None = None) -> str:
    doc = example_declaration(lrn)
    if party is not None:  # a declaration of the party itself: declarant, representative and importer
        for role in ("declarant", "importer"):
            doc[role] = {"id": party, "name": "Own account SAC", "country": "PE"}
        doc["representative"] = {"id": party, "name": "Own account SAC", "country": "PE", "representation": "direct"}
    r = client.post("/api/v1/declarations", json=doc, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def pay(client: TestClient, headers: dict[str, str], mrn: str, amount: str, ref: str, **kw: Any) -> Any:
    body = {"amount": amount, "currency": "PEN", "method": "bank_transfer", "reference": ref, **kw}
    return client.post(f"/api/v1/declarations/{mrn}/payments", json=body, headers=headers)


def status(client: TestClient, tokens: Tokens, mrn: str) -> str:
    return str(client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["status"])


def paid(client: TestClient, tokens: Tokens, mrn: str) -> Decimal:
    return D(client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.officer).json()["paid"])


def post_signed(client: TestClient, body: bytes, signature: str | None, **headers: str) -> Any:
    extra = {SIGNATURE_HEADER: signature} if signature is not None else {}
    return client.post(NOTIFY, content=body, headers={"Content-Type": "application/json", **extra, **headers})


def test_a_trader_posting_cash_or_any_reference_releases_nothing(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens.broker, "SET-1")
    cash = pay(client, tokens.broker, mrn, str(TOTAL), "CASH-0001", method="cash")
    assert cash.status_code == 422 and cash.json()["errors"][0]["code"] == "CASH_AT_CUSTOMS"
    order = pay(client, tokens.broker, mrn, str(TOTAL), "ANY-REF-1")
    assert order.status_code == 202 and order.json()["released"] is False
    assert order.json()["order"]["status"] == "pending" and order.json()["payment"] is None
    assert status(client, tokens, mrn) == "01" and paid(client, tokens, mrn) == 0
    # a second order cannot be stacked on top of one awaiting the bank, until that one is cancelled
    more = pay(client, tokens.broker, mrn, "1.00", "ANY-REF-2")
    assert more.status_code == 422 and more.json()["errors"][0]["code"] == "AMOUNT_EXCEEDS_DUE"
    cancel_url = f"/api/v1/payments/orders/{order.json()['order']['id']}/cancel"
    assert client.post(cancel_url, headers=tokens.other_broker).status_code == 404
    assert client.post(cancel_url, headers=tokens.officer).status_code == 403
    cancelled = client.post(cancel_url, headers=tokens.broker)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(cancel_url, headers=tokens.broker).status_code == 409
    assert pay(client, tokens.broker, mrn, "1.00", "ANY-REF-3").status_code == 202
    assert status(client, tokens, mrn) == "01" and paid(client, tokens, mrn) == 0


def test_forged_unsigned_tampered_stale_or_replayed_notifications_settle_nothing(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens.broker, "SET-2")
    order = pay(client, tokens.broker, mrn, str(TOTAL), "BCP-2-1").json()["order"]
    bank, now = bank_of(tariff), tariff.clock()

    def note(**kw: Any) -> tuple[bytes, str]:
        values: dict[str, Any] = {"order_id": order["id"], "amount": TOTAL, "currency": "PEN", "at": now, **kw}
        return bank.notification(**values)

    body, signature = note()
    assert post_signed(client, body, None).status_code == 401  # unsigned
    assert post_signed(client, body, "not-base64!").status_code == 401
    with_token = post_signed(client, body, None, Authorization=tokens.broker["Authorization"])
    assert with_token.status_code == 401  # a trader's token is no provider's signature
    impostor = SimulatedBank.generate()  # claims to be the registered bank, signs with its own key
    forged, forged_sig = impostor.notification(order_id=order["id"], amount=TOTAL, currency="PEN", at=now)
    assert post_signed(client, forged, forged_sig).status_code == 401
    tampered = body.replace(b'"amount":"35698.74"', b'"amount":"35698.70"')
    assert tampered != body and post_signed(client, tampered, signature).status_code == 401
    assert post_signed(client, b"{not json", signature).status_code == 401
    assert post_signed(client, b"x" * 9000, signature).status_code == 413
    wrong_amount = post_signed(client, *note(amount=D("10.00")))
    assert wrong_amount.status_code == 422 and wrong_amount.json()["errors"][0]["code"] == "NOTIFICATION_AMOUNT"
    wrong_currency = post_signed(client, *note(currency="USD"))
    assert wrong_currency.status_code == 422 and wrong_currency.json()["errors"][0]["code"] == "NOTIFICATION_AMOUNT"
    unknown = post_signed(client, *note(order_id="PO-0000000000000000"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["code"] == "ORDER_UNKNOWN"
    stale = post_signed(client, *note(at=now - timedelta(days=3)))
    assert stale.status_code == 422 and stale.json()["errors"][0]["code"] == "NOTIFICATION_STALE"
    assert status(client, tokens, mrn) == "01" and paid(client, tokens, mrn) == 0  # none of that counted

    good = post_signed(client, body, signature)
    assert good.status_code == 200, good.text
    assert good.json()["released"] is True and good.json()["order"]["status"] == "settled"
    replay = post_signed(client, body, signature)
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    second = post_signed(client, *note())  # a fresh notification for an order already settled
    assert second.status_code == 409 and second.json()["errors"][0]["code"] == "ORDER_CLOSED"
    assert paid(client, tokens, mrn) == TOTAL  # counted once
    assert status(client, tokens, mrn) == "08"
    history = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
    confirmed = [h for h in history if h["kind"] == "payment"]
    assert len(confirmed) == 1 and confirmed[0]["actor"] == "simbank"


def test_a_payment_reference_is_scoped_to_the_caller(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    mine = lodge(client, tokens.broker, "SET-3")
    theirs = lodge(client, tokens.other_broker, "SET-3X", party=ATTACKER)
    first = pay(client, tokens.broker, mine, "100.00", "BCP-SHARED-1")
    assert first.status_code == 202
    probe = pay(client, tokens.other_broker, theirs, "100.00", "BCP-SHARED-1")
    assert probe.status_code == 202, probe.text  # a new order of its own: nothing about the other's
    assert mine not in probe.text and first.json()["order"]["id"] not in probe.text
    orders = client.get("/api/v1/payments/orders", headers=tokens.other_broker).json()
    assert [o["mrn"] for o in orders] == [theirs]
    assert (
        client.get(f"/api/v1/payments/orders/{first.json()['order']['id']}", headers=tokens.other_broker).status_code
        == 404
    )
    # one's own reference reused for something else is refused, naming only one's own payment
    reused = pay(client, tokens.broker, mine, "50.00", "BCP-SHARED-1")
    assert reused.status_code == 409 and reused.json()["errors"][0]["code"] == "PAYMENT_REFERENCE_REUSED"


def test_invalidation_refunds_only_money_actually_received(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    mrn = lodge(client, tokens.broker, "SET-4")
    order = pay(client, tokens.broker, mrn, "500.00", "BCP-4-1").json()["order"]
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        json={"decision": "invalidate", "reason": "goods not shipped"},
        headers=tokens.broker,
    )
    assert r.status_code == 200, r.text
    detail = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()
    assert "refund_due" not in [h["kind"] for h in detail["history"]]
    orders = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.broker).json()["orders"]
    assert [o["status"] for o in orders] == ["cancelled"]
    # the bank had already taken the money: its confirmation arrives late, and only then is a refund due
    late = settle(client, tariff, order)
    assert late.status_code == 200 and late.json()["released"] is False
    refunds = [
        h
        for h in client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
        if h["kind"] == "refund_due"
    ]
    assert len(refunds) == 1 and refunds[0]["data"]["amount"] == "500.00"


def test_an_officer_records_a_cash_receipt_with_a_reason(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    mrn = lodge(client, tokens.broker, "SET-5")
    url = f"/api/v1/declarations/{mrn}/cash-receipts"
    body = {"amount": str(TOTAL), "currency": "PEN", "receipt": "CAJA-CALLAO-000981", "reason": "paid at the window"}
    assert client.post(url, json=body, headers=tokens.broker).status_code == 403
    assert client.post(url, json=body, headers=tokens.agency).status_code == 403
    assert client.post(url, json=body, headers=tokens.admin).status_code == 403
    assert client.post(url, json=body).status_code == 401
    no_reason = client.post(url, json={**body, "reason": ""}, headers=tokens.officer)
    assert no_reason.status_code == 422
    r = client.post(url, json=body, headers=tokens.officer)
    assert r.status_code == 201, r.text
    assert r.json()["released"] is True and r.json()["payment"]["method"] == "cash"
    entry = [
        h
        for h in client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
        if h["kind"] == "payment"
    ][0]
    assert entry["actor"] == "officer.rojas" and "paid at the window" in entry["reason"]
    assert "CAJA-CALLAO-000981" in entry["reason"]
    other = lodge(client, tokens.broker, "SET-5B")
    again = client.post(
        f"/api/v1/declarations/{other}/cash-receipts", json={**body, "amount": "1.00"}, headers=tokens.officer
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "CASH_RECEIPT_USED"


def test_a_guarantee_account_serves_its_holder_or_its_mandated_agents_only(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    account = {"id": "GAR-VICTIM", "party_id": IMPORTER, "kind": "guarantee", "limit": "1000.00"}
    assert client.post("/api/v1/tariff/accounts", json=account, headers=tokens.admin).status_code == 201
    own = lodge(client, tokens.other_broker, "SET-6", party=ATTACKER)
    probe = pay(client, tokens.other_broker, own, "100.00", "STEAL-1", method="guarantee", account="GAR-VICTIM")
    unknown = pay(client, tokens.other_broker, own, "100.00", "STEAL-2", method="guarantee", account="GAR-NONE")
    assert probe.status_code == unknown.status_code == 404  # the victim's account and a missing one look alike
    assert probe.json()["errors"][0]["message"].replace("GAR-VICTIM", "X") == unknown.json()["errors"][0][
        "message"
    ].replace("GAR-NONE", "X")
    assert (
        IMPORTER not in probe.text and client.get("/api/v1/tariff/accounts", headers=tokens.other_broker).json() == []
    )
    # the importer's broker, mandated, may draw; once the mandate is revoked, it may not
    mrn = lodge(client, tokens.broker, "SET-7")
    ok = pay(client, tokens.broker, mrn, "100.00", "GAR-USE-1", method="guarantee", account="GAR-VICTIM")
    assert ok.status_code == 201, ok.text
    admin_view = client.get("/api/v1/mandates", params={"party": IMPORTER}, headers=tokens.admin).json()["items"]
    mandate = next(m for m in admin_view if m["agent_id"] == BROKER_PARTY)
    revoked = client.post(
        f"/api/v1/mandates/{mandate['id']}/revoke", json={"reason": "broker dismissed"}, headers=tokens.admin
    )
    assert revoked.status_code == 200
    refused = pay(client, tokens.broker, mrn, "100.00", "GAR-USE-2", method="guarantee", account="GAR-VICTIM")
    assert refused.status_code == 404
    balance = client.get("/api/v1/tariff/accounts", headers=tokens.officer).json()[0]["balance"]
    assert balance == "900.00"


def test_a_negative_net_mass_is_never_assessed(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("SET-MAIZE")
    doc["goods_items"] = [
        {
            "sequence": 1,
            "description": "Yellow maize, in bulk, for animal feed",
            "commodity_code": "100590",
            "origin_country": "US",
            "quantity": "300000",
            "unit": "KGM",
            "net_mass": "-300000.000",
            "gross_mass": "300500.000",
            "invoice_amount": "48750.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 1, "kind": "VR"},
        }
    ]
    doc["total_items"], doc["total_packages"] = 1, 1
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422, r.text
    assert ("/goods_items/0/net_mass") in [e["pointer"] for e in r.json()["errors"]]
    assert "-15000" not in r.text and "-2393.62" not in r.text
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 0


def test_the_simulated_bank_confirms_a_demo_order_on_request(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens.broker, "SET-8")
    order = pay(client, tokens.broker, mrn, str(TOTAL), "BCP-8-1").json()["order"]
    url = f"/api/v1/payments/orders/{order['id']}/simulated-bank"
    assert client.post(url, headers=tokens.other_broker).status_code == 404
    assert client.post(url, headers=tokens.agency).status_code == 403
    r = client.post(url, headers=tokens.broker)
    assert r.status_code == 200, r.text
    assert r.json()["released"] is True and status(client, tokens, mrn) == "08"
    providers = client.get("/api/v1/payments/providers", headers=tokens.officer).json()
    assert [p["name"] for p in providers] == ["simbank"]
    assert client.get("/api/v1/payments/providers", headers=tokens.broker).status_code == 403
    assert json.loads(json.dumps(providers))[0]["public_key"] == bank_of(tariff).public_key_b64()
