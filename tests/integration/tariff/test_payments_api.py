"""Through the HTTP API: assessment at acceptance, the release gate, payments, guarantee accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime
from clearway.tariff import schedule_io, service
from clearway.tariff.seed import demo_schedule_path
from tests.conftest import Tokens
from tests.integration.tariff.conftest import settle

D = Decimal
IMPORTER = "PE20512345671"  # the example declaration's importer
# The example declaration, worked by hand (demo schedule, USD = 3.8000 PEN, FOB + freight 1850 + insurance 240 USD):
#   prices 36000, 11000, 1750 USD -> 136800.00, 41800.00, 6650.00 PEN (sum 185250.00)
#   freight 7030.00 PEN by value: 5191.3846 / 1586.2564 / 252.3590 -> cents down 5191.38 + 1586.25 + 252.35
#     = 7029.98; the 2 cents left go to the largest remainders (items 3, 2): 5191.38, 1586.26, 252.36
#   insurance 912.00 PEN: 673.4769 / 205.7846 / 32.7385 -> 673.47 + 205.78 + 32.73 = 911.98; +1 cent to
#     items 3 and 1: 673.48, 205.78, 32.74
#   customs values: 142664.86, 43592.04, 6935.10
#   duty: phones 8517 0% = 0.00; laptops 8471 0% = 0.00; T-shirts 6109 11% of 6935.10 = 762.861 -> 762.86
#   IGV 16%: 22826.3776 -> 22826.38; 6974.7264 -> 6974.73; 16% of (6935.10 + 762.86) = 1231.6736 -> 1231.67
#   IPM 2%: 2853.2972 -> 2853.30; 871.8408 -> 871.84; 153.9592 -> 153.96
#   clearance fee 23.60 rounded to the sol: 24
#   total 762.86 + 31032.78 + 3879.10 + 24 = 35698.74 PEN
TOTAL = D("35698.74")


def lodge(client: TestClient, tokens: Tokens, lrn: str) -> dict[str, Any]:
    r = client.post("/api/v1/declarations", json=example_declaration(lrn), headers=tokens.broker)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def pay(client: TestClient, headers: dict[str, str], mrn: str, amount: str, ref: str, **kw: Any) -> Any:
    body = {"amount": amount, "currency": "PEN", "method": "bank_transfer", "reference": ref, **kw}
    return client.post(f"/api/v1/declarations/{mrn}/payments", json=body, headers=headers)


def test_the_example_is_assessed_at_acceptance_and_held_until_paid(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    lodged = lodge(client, tokens, "TAR-1")
    assert lodged["status"] == "01"  # green lane, but duties are due
    a = client.get(f"/api/v1/declarations/{lodged['mrn']}/assessment", headers=tokens.broker).json()
    assert [i["customs_value"] for i in a["items"]] == ["142664.86", "43592.04", "6935.10"]
    assert [i["freight"] for i in a["items"]] == ["5191.38", "1586.26", "252.36"]
    assert [i["insurance"] for i in a["items"]] == ["673.48", "205.78", "32.74"]
    t_shirts = {lv["code"]: lv for lv in a["items"][2]["levies"]}
    assert t_shirts["DUTY"]["amount"] == "762.86" and t_shirts["DUTY"]["rate"] == "11"
    assert t_shirts["IGV"]["base"] == "7697.96" and t_shirts["IGV"]["amount"] == "1231.67"
    assert a["totals"] == {"DUTY": "762.86", "IGV": "31032.78", "IPM": "3879.10", "TDA": "24"}
    assert D(a["total"]) == TOTAL and D(a["balance"]) == TOTAL and D(a["paid"]) == 0
    assert a["exchange_rates"][0]["currency"] == "USD" and D(a["exchange_rates"][0]["rate"]) == D("3.8")
    detail = client.get(f"/api/v1/declarations/{lodged['mrn']}", headers=tokens.broker).json()
    assert detail["status"] == "01"
    assert "assessed" in [h["kind"] for h in detail["history"]]
    blockers = client.get(f"/api/v1/declarations/{lodged['mrn']}", headers=tokens.officer).json()
    assert "duties and taxes of 35698.74 PEN not paid or guaranteed" in str(blockers)
    release = client.post(
        f"/api/v1/declarations/{lodged['mrn']}/decisions",
        json={"decision": "release", "reason": "looks fine"},
        headers=tokens.officer,
    )
    assert release.status_code == 409 and release.json()["errors"][0]["code"] == "RELEASE_BLOCKED"


def test_partial_then_full_payment_releases_a_green_lane_declaration(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens, "TAR-2")["mrn"]
    first = pay(client, tokens.broker, mrn, "10000.00", "BCP-0001")
    assert first.status_code == 202, first.text  # an order: nothing is paid until the bank confirms it
    assert first.json()["order"]["status"] == "pending" and first.json()["payment"] is None
    ordered = first.json()["order"]
    assert (ordered["account"], ordered["settled_at"], ordered["created_by"]) == (None, None, "broker.andina")
    assert ordered["provider"] and ordered["reference"] == "BCP-0001" and ordered["mrn"] == mrn
    assert first.json()["balance"] == str(TOTAL) and first.json()["status"] == "01"
    confirmed = settle(client, tariff, first.json()["order"])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["order"]["status"] == "settled" and confirmed.json()["released"] is False
    second = pay(client, tokens.broker, mrn, "25698.74", "BCP-0002", method="card")
    assert second.status_code == 202
    assert second.json()["released"] is False and second.json()["status"] == "01"
    assert settle(client, tariff, second.json()["order"]).json()["released"] is True
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()["status"] == "08"
    # the same reference again is the same order, not a new one
    again = pay(client, tokens.broker, mrn, "25698.74", "BCP-0002", method="card")
    assert again.status_code == 200 and again.json()["replayed"] is True
    a = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.officer).json()
    assert D(a["paid"]) == TOTAL and D(a["balance"]) == 0
    assert [p["reference"] for p in a["payments"]] == ["BCP-0001", "BCP-0002"]
    kinds = [n["kind"] for n in client.get(f"/api/v1/declarations/{mrn}/notifications", headers=tokens.broker).json()]
    assert kinds[-5:] == ["payment_order", "payment", "payment_order", "payment", "release"]
    late = pay(client, tokens.broker, mrn, "1.00", "BCP-0003")
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "NOTHING_DUE"


def test_payments_are_checked_and_nothing_is_half_saved(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    mrn = lodge(client, tokens, "TAR-3")["mrn"]
    other = lodge(client, tokens, "TAR-4")["mrn"]
    too_much = pay(client, tokens.broker, mrn, "35698.75", "BCP-1001")
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["code"] == "AMOUNT_EXCEEDS_DUE"
    dollars = pay(client, tokens.broker, mrn, "100.00", "BCP-1002", currency="USD")
    assert dollars.status_code == 422 and dollars.json()["errors"][0]["pointer"] == "/currency"
    typed = pay(client, tokens.broker, mrn, True, "BCP-1003")  # type: ignore[arg-type]
    assert typed.status_code == 422 and typed.json()["errors"][0]["pointer"] == "/amount"
    negative = pay(client, tokens.broker, mrn, "-5.00", "BCP-1004")
    assert negative.status_code == 422
    assert pay(client, tokens.other_broker, mrn, "10.00", "BCP-1005").status_code == 404
    assert pay(client, tokens.officer, mrn, "10.00", "BCP-1006").status_code == 403
    assert pay(client, {}, mrn, "10.00", "BCP-1007").status_code == 401
    assert pay(client, tokens.broker, "26PE00000000000000", "10.00", "BCP-1008").status_code == 404
    good = pay(client, tokens.broker, mrn, "10.00", "BCP-1009")
    assert good.status_code == 202
    assert settle(client, tariff, good.json()["order"]).status_code == 200
    reused = pay(client, tokens.broker, other, "10.00", "BCP-1009")
    assert reused.status_code == 409 and reused.json()["errors"][0]["code"] == "PAYMENT_REFERENCE_REUSED"
    a = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.broker).json()
    assert D(a["paid"]) == D("10.00")  # only the one good payment
    b = client.get(f"/api/v1/declarations/{other}/assessment", headers=tokens.broker).json()
    assert D(b["paid"]) == 0


def test_the_assessment_is_visible_to_the_declarant_and_officers_only(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens, "TAR-5")["mrn"]
    url = f"/api/v1/declarations/{mrn}/assessment"
    assert client.get(url, headers=tokens.broker).status_code == 200
    assert client.get(url, headers=tokens.officer).status_code == 200
    assert client.get(url, headers=tokens.other_broker).status_code == 404
    assert client.get(url, headers=tokens.agency).status_code == 404
    assert client.get(url).status_code == 401


def test_a_guarantee_account_secures_duties_and_releases_without_prior_payment(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    account = {"id": "GAR-1", "party_id": IMPORTER, "kind": "guarantee", "limit": "50000.00"}
    assert client.post("/api/v1/tariff/accounts", json=account, headers=tokens.broker).status_code == 403
    r = client.post("/api/v1/tariff/accounts", json=account, headers=tokens.admin)
    assert r.status_code == 201, r.text
    first = lodge(client, tokens, "TAR-6")
    assert first["status"] == "08"  # secured on the importer's guarantee: released at once
    kinds = [
        h["kind"] for h in client.get(f"/api/v1/declarations/{first['mrn']}", headers=tokens.officer).json()["history"]
    ]
    assert kinds.index("guaranteed") < kinds.index("release")
    accounts = client.get("/api/v1/tariff/accounts", headers=tokens.officer).json()
    assert accounts[0]["balance"] == str(D("50000.00") - TOTAL)  # 14301.26
    # the balance left no longer covers another declaration: it waits for payment
    second = lodge(client, tokens, "TAR-7")
    assert second["status"] == "01"
    assert client.get("/api/v1/tariff/accounts", headers=tokens.other_broker).json() == []
    # the broker, whom the importer mandated, may draw on the importer's account for the importer's declaration
    drawn = pay(client, tokens.broker, second["mrn"], "100.00", "GAR-DRAW-1", method="guarantee", account="GAR-1")
    assert drawn.status_code == 201, drawn.text
    order = drawn.json()["order"]  # a draw on an account is settled at once, through no bank
    assert (order["status"], order["account"], order["provider"]) == ("settled", "GAR-1", None)
    assert order["settled_at"] == order["created_at"] and order["created_by"] == "broker.andina"


def test_a_declarant_draws_on_its_own_account_but_never_beyond_its_balance(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    account = {"id": "DEF-9", "party_id": "PE20100047218", "kind": "deferment", "limit": "40000.00"}
    assert client.post("/api/v1/tariff/accounts", json=account, headers=tokens.admin).status_code == 201
    # the broker's account secured the first declaration at acceptance (declarant's account, after the importer's)
    first = lodge(client, tokens, "TAR-8")
    assert first["status"] == "08"
    second = lodge(client, tokens, "TAR-9")
    assert second["status"] == "01"
    short = pay(client, tokens.broker, second["mrn"], "5000.00", "DEF-DRAW-1", method="deferment", account="DEF-9")
    assert short.status_code == 409 and short.json()["errors"][0]["code"] == "GUARANTEE_INSUFFICIENT"
    ok = pay(client, tokens.broker, second["mrn"], "4301.26", "DEF-DRAW-2", method="deferment", account="DEF-9")
    assert ok.status_code == 201 and ok.json()["balance"] == str(TOTAL - D("4301.26"))
    assert client.get("/api/v1/tariff/accounts", headers=tokens.broker).json()[0]["balance"] == "0.00"


def test_an_amendment_is_reassessed(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    mrn = lodge(client, tokens, "TAR-10")["mrn"]
    before = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.broker).json()
    # a new tariff (T-shirts at 20%) applies to declarations accepted from now on, not to this one
    text = (
        demo_schedule_path()
        .read_text(encoding="utf-8")
        .replace('{code: "6109", ad_valorem: "11"', '{code: "6109", ad_valorem: "20"')
    )
    with tariff.uow() as uow:
        service.load_schedule(uow, schedule_io.parse_schedule_yaml(text), national_currency="PEN", by="test")
        uow.commit()
    doc = example_declaration("TAR-10")
    doc["invoice"]["incoterm"] = "CIF"  # freight and insurance now in the price: value falls
    del doc["invoice"]["freight"], doc["invoice"]["insurance"]
    r = client.post(
        f"/api/v1/declarations/{mrn}/amendments",
        json={"declaration": doc, "reason": "the invoice was CIF, not FOB"},
        headers=tokens.broker,
    )
    assert r.status_code == 200, r.text
    a = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.broker).json()
    # T-shirts: 11% of 6650.00 = 731.50; the customs values are the prices
    assert [i["customs_value"] for i in a["items"]] == ["136800.00", "41800.00", "6650.00"]
    assert a["totals"]["DUTY"] == "731.50" and a["declaration_version"] > before["declaration_version"]
    history = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]
    reassessed = [h for h in history if h["kind"] == "reassessed"]
    assert reassessed and "was 35698.74 PEN" in reassessed[0]["reason"]
    newer = lodge(client, tokens, "TAR-10B")["mrn"]
    t_shirts = client.get(f"/api/v1/declarations/{newer}/assessment", headers=tokens.broker).json()["items"][2]
    assert t_shirts["levies"][0]["rate"] == "20"


def test_an_amendment_without_the_charges_its_incoterm_needs_is_refused(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    mrn = lodge(client, tokens, "TAR-11")["mrn"]
    doc = example_declaration("TAR-11")
    del doc["invoice"]["freight"]
    r = client.post(
        f"/api/v1/declarations/{mrn}/amendments", json={"declaration": doc, "reason": "fix"}, headers=tokens.broker
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "FREIGHT_REQUIRED"
    assert client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()["status"] == "01"


def test_without_a_schedule_nothing_is_assessed_and_nothing_blocks(client: TestClient, tokens: Tokens) -> None:
    lodged = lodge(client, tokens, "TAR-12")
    assert lodged["status"] == "08"
    r = client.get(f"/api/v1/declarations/{lodged['mrn']}/assessment", headers=tokens.broker)
    assert r.status_code == 404
    assert client.get("/api/v1/tariff/schedule", headers=tokens.broker).status_code == 404


def test_a_foreign_currency_without_a_rate_in_force_is_refused_at_lodgement(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    doc = example_declaration("TAR-13")
    doc["invoice"]["currency"] = "EUR"
    for item in doc["goods_items"]:
        item["invoice_currency"] = "EUR"
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "EXCHANGE_RATE_MISSING"
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 0
    schedule = client.get("/api/v1/tariff/schedule", headers=tokens.broker).json()
    assert schedule["name"] == "Clearway demo tariff 2026" and schedule["currency"] == "PEN"
    rates = client.get("/api/v1/tariff/rates", headers=tokens.broker).json()
    assert [(x["currency"], x["rate"]) for x in rates] == [("USD", "3.800000")]


def test_invalidating_a_declaration_gives_the_guarantee_back(
    tariff: Runtime, client: TestClient, tokens: Tokens
) -> None:
    account = {"id": "DEF-7", "party_id": "PE20100047218", "kind": "deferment", "limit": "1000.00"}
    assert client.post("/api/v1/tariff/accounts", json=account, headers=tokens.admin).status_code == 201
    mrn = lodge(client, tokens, "TAR-14")["mrn"]  # 35698.74 due: the account does not cover it
    assert (
        pay(client, tokens.broker, mrn, "600.00", "DEF-DRAW-7", method="deferment", account="DEF-7").status_code == 201
    )
    transfer = pay(client, tokens.broker, mrn, "100.00", "BCP-7001")
    assert transfer.status_code == 202 and settle(client, tariff, transfer.json()["order"]).status_code == 200
    assert client.get("/api/v1/tariff/accounts", headers=tokens.broker).json()[0]["balance"] == "400.00"
    r = client.post(
        f"/api/v1/declarations/{mrn}/decisions",
        json={"decision": "invalidate", "reason": "goods not shipped"},
        headers=tokens.broker,
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/tariff/accounts", headers=tokens.broker).json()[0]["balance"] == "1000.00"
    a = client.get(f"/api/v1/declarations/{mrn}/assessment", headers=tokens.broker).json()
    assert D(a["paid"]) == D("100.00") and D(a["balance"]) == D("-100.00")  # the transfer is to be refunded
    kinds = [h["kind"] for h in client.get(f"/api/v1/declarations/{mrn}", headers=tokens.officer).json()["history"]]
    assert "refund_due" in kinds
    refused = pay(client, tokens.broker, mrn, "1.00", "BCP-7002")
    assert refused.status_code == 409


def _chilean_wine(lrn: str, *, certificate: bool) -> dict[str, Any]:
    doc = example_declaration(lrn)
    doc["exporter"] = {"id": "CL761234560", "name": "Agrícola Valle Central SpA", "country": "CL"}
    doc["consignment"]["loading_place"] = "CLVAP"
    doc["invoice"] = {"incoterm": "CFR", "currency": "USD", "total_amount": "100.00", "insurance": "1.00"}
    doc["goods_items"] = [
        {
            "sequence": 1,
            "description": "Red wine, Carmenere, bottles of 750 ml",
            "commodity_code": "220421",
            "origin_country": "CL",
            "preference": "PA",
            "quantity": "20",
            "unit": "LTR",
            "net_mass": "27.000",
            "gross_mass": "31.000",
            "invoice_amount": "100.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 3, "kind": "CT"},
        }
    ]
    doc["total_items"], doc["total_packages"] = 1, 3
    if certificate:
        doc["documents"].append({"type": "N954", "reference": "PA-CL-2026-7", "item_sequence": 1})
    return doc


def test_compound_duty_with_preference_granted_and_refused(tariff: Runtime, client: TestClient, tokens: Tokens) -> None:
    # CFR: 100.00 USD + insurance 1.00 USD at 3.8000: price 380.00 + insurance 3.80 = customs value 383.80 PEN.
    # Refused (no certificate), MFN 6% + 1.20 PEN/LTR, min 50.00: 23.028 + 24.00 = 47.028 -> minimum 50.00;
    #   excise 20% of 433.80 = 86.76; IGV 16% of 520.56 = 83.2896 -> 83.29; IPM 2% = 10.4112 -> 10.41; fee 24
    #   total 254.46
    # Granted (certificate N954 for the item), PA 0% + 0.60 PEN/LTR = 12.00 (no minimum);
    #   excise 20% of 395.80 = 79.16; IGV 16% of 474.96 = 75.9936 -> 75.99; IPM 9.4992 -> 9.50; fee 24
    #   total 200.65
    cases = {"TAR-W1": (False, "254.46", "50.00", None), "TAR-W2": (True, "200.65", "12.00", "PA")}
    for lrn, (certificate, total, duty, applied) in cases.items():
        r = client.post("/api/v1/declarations", json=_chilean_wine(lrn, certificate=certificate), headers=tokens.broker)
        assert r.status_code == 201, r.text
        a = client.get(f"/api/v1/declarations/{r.json()['mrn']}/assessment", headers=tokens.broker).json()
        wine = a["items"][0]
        assert (wine["price"], wine["freight"], wine["insurance"]) == ("380.00", "0.00", "3.80")
        assert wine["customs_value"] == "383.80" and wine["preference_applied"] == applied
        assert a["totals"]["DUTY"] == duty and a["total"] == total
        if not certificate:
            assert "no proof of origin" in wine["notes"][0]
    granted = client.get(f"/api/v1/declarations/{r.json()['mrn']}/assessment", headers=tokens.broker).json()
    assert granted["totals"] == {"DUTY": "12.00", "ISC": "79.16", "IGV": "75.99", "IPM": "9.50", "TDA": "24"}
