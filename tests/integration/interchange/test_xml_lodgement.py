"""A broker lodges WCO DM XML and is answered in WCO DM XML; notifications follow the declaration's life."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from clearway.core.ids import is_valid_mrn
from clearway.declarations.examples import example_declaration
from clearway.interchange import example
from clearway.interchange import service as interchange_service
from clearway.platform.runtime import Runtime
from tests.conftest import HoldRelease, Tokens
from tests.integration.interchange.wco_schema import assert_valid_response
from tests.unit.interchange.test_xml_safety_and_mapping import BILLION_LAUGHS, XXE

XML = {"Content-Type": "application/xml"}
RES = "{urn:wco:datamodel:WCO:RES-DMS:2}"


def _lodge(client: TestClient, tokens: Tokens, doc: dict[str, Any], media: str = "application/xml") -> Any:
    return client.post(
        "/api/v1/declarations",
        content=example.declaration_xml(doc),
        headers={**tokens.broker, "Content-Type": media},
    )


def _codes(body: bytes) -> list[str]:
    return [e.text or "" for e in etree.fromstring(body).iter(RES + "FunctionCode")]


@pytest.mark.parametrize("media", ["application/xml", "text/xml"])
def test_an_xml_lodgement_is_accepted_with_an_mrn_in_wco_xml(client: TestClient, tokens: Tokens, media: str) -> None:
    r = _lodge(client, tokens, example_declaration("WCO-ACC-1"), media)
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(r.content)
    mrn = root.findtext(f"{RES}Response/{RES}Declaration/{RES}ID")
    assert mrn is not None and is_valid_mrn(mrn)
    assert root.findtext(f"{RES}Response/{RES}Declaration/{RES}FunctionalReferenceID") == "WCO-ACC-1"
    assert _codes(r.content) == ["01"]
    # the same declaration, as JSON, with the XML kept verbatim
    detail = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()
    assert detail["declaration"]["goods_items"][0]["commodity_code"] == "851713"
    assert "<FunctionalReferenceID>WCO-ACC-1<" in detail["declaration"]["extensions"]["wco_dm"]["xml"]
    again = _lodge(client, tokens, example_declaration("WCO-ACC-1"), media)
    assert again.status_code == 200 and mrn in again.text


def test_a_rejection_lists_every_error_with_wco_pointers(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("WCO-REJ-1")
    doc["goods_items"][1]["commodity_code"] = "999999"
    doc["goods_items"][2]["origin_country"] = "XX"
    r = _lodge(client, tokens, doc)
    assert r.status_code == 422, r.text
    root = etree.fromstring(r.content)
    assert _codes(r.content) == ["03"]
    errors = root.findall(f"{RES}Response/{RES}Error")
    described = [e.findtext(f"{RES}Description") or "" for e in errors]
    item = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"
    assert any(d.startswith("CODE_HS_UNKNOWN") and f"{item}[2]/Commodity/Classification/ID" in d for d in described)
    assert any(d.startswith("CODE_COUNTRY") and f"{item}[3]/Origin/CountryCode" in d for d in described)
    hs = next(e for e in errors if (e.findtext(f"{RES}Description") or "").startswith("CODE_HS_UNKNOWN"))
    pointers = [
        (p.findtext(f"{RES}SequenceNumeric"), p.findtext(f"{RES}DocumentSectionCode"), p.findtext(f"{RES}TagID"))
        for p in hs.findall(f"{RES}Pointer")
    ]
    assert (None, "21A", "145") in pointers and ("2", "68A", None) in pointers
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 0


def test_lodging_for_another_party_points_at_the_declarant(client: TestClient, tokens: Tokens) -> None:
    doc = example_declaration("WCO-OTHER-1")
    doc["declarant"]["id"] = doc["representative"]["id"] = "PE20999999990"
    r = _lodge(client, tokens, doc)
    assert r.status_code == 422
    assert "(at /Declaration/Declarant/ID)" in r.text


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, b"<Declaration><oops></Declaration>"])
def test_hostile_or_broken_xml_gets_400_not_a_hang(client: TestClient, tokens: Tokens, body: bytes) -> None:
    r = client.post("/api/v1/declarations", content=body, headers={**tokens.broker, **XML})
    assert r.status_code == 400
    assert _codes(r.content) == ["03"]
    assert b"root:" not in r.content  # no file contents leak


def test_notifications_follow_the_life_of_the_declaration(client: TestClient, tokens: Tokens) -> None:
    mrn = etree.fromstring(_lodge(client, tokens, example_declaration("WCO-LIFE-1")).content).findtext(
        f"{RES}Response/{RES}Declaration/{RES}ID"
    )
    r = client.get(f"/api/v1/interchange/declarations/{mrn}/notifications", headers=tokens.broker)
    assert r.status_code == 200
    assert _codes(r.content) == ["02", "01", "08"]  # received, accepted, released (green lane in tests)
    decision = {"decision": "clear", "reason": "post-release checks complete"}
    assert (
        client.post(f"/api/v1/declarations/{mrn}/decisions", json=decision, headers=tokens.officer).status_code == 200
    )
    alias = client.get(f"/api/v1/declarations/{mrn}/notifications.xml", headers=tokens.broker)
    assert _codes(alias.content) == ["02", "01", "08", "09"]
    assert (
        client.get(f"/api/v1/interchange/declarations/{mrn}/notifications", headers=tokens.other_broker).status_code
        == 404
    )
    assert client.get(f"/api/v1/interchange/declarations/{mrn}/notifications").status_code == 401


def test_controls_invalidation_and_tax_notifications_validate(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = {
        "currency": "PEN",
        "assessed_at": "2026-11-28T10:00:00+00:00",
        "items": [
            {"sequence": 1, "levies": [{"code": "DUTY", "kind": "duty", "base": "1000", "rate": "6", "amount": "60"}]}
        ],
        "total": "60.00",
    }
    monkeypatch.setattr(interchange_service, "_assessment", lambda uow, mrn: assessment)
    green = client.post("/api/v1/declarations", json=example_declaration("WCO-CTL-1"), headers=tokens.broker).json()
    r = client.get(f"/api/v1/interchange/declarations/{green['mrn']}/notifications", headers=tokens.officer)
    assert _codes(r.content) == ["02", "01", "13", "08"]
    tax = etree.fromstring(r.content).findall(f"{RES}Response")[2]
    assert tax.findtext(f".//{RES}TaxAssessedAmount") == "60.00"
    assert_valid_response(r.content)
    monkeypatch.setattr(runtime.settings, "selectivity_yellow_rate", Decimal(1))
    yellow = client.post("/api/v1/declarations", json=example_declaration("WCO-CTL-2"), headers=tokens.broker).json()
    mrn = yellow["mrn"]
    check = {"decision": "physical_check", "reason": "documents do not match the goods"}
    assert client.post(f"/api/v1/declarations/{mrn}/decisions", json=check, headers=tokens.officer).status_code == 200
    invalidate = {"decision": "invalidate", "reason": "goods never shipped"}
    assert (
        client.post(f"/api/v1/declarations/{mrn}/decisions", json=invalidate, headers=tokens.supervisor).status_code
        == 200
    )
    body = client.get(f"/api/v1/interchange/declarations/{mrn}/notifications", headers=tokens.broker).content
    assert _codes(body) == ["02", "01", "13", "06", "05", "10"]
    assert "goods never shipped" in body.decode()
    assert_valid_response(body)


def test_the_tariff_assessment_becomes_a_tax_calculation_notification(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    tariff_service = pytest.importorskip("clearway.tariff.service")
    tariff_seed = pytest.importorskip("clearway.tariff.seed")
    rates_demo = pytest.importorskip("clearway.tariff.rates_demo")
    with runtime.uow() as uow:
        tariff_service.load_schedule_file(
            uow, tariff_seed.demo_schedule_path(), national_currency=runtime.settings.national_currency, by="test"
        )
        tariff_service.load_rates(uow, rates_demo.demo_rates(runtime.clock().date()))
        uow.commit()
    r = _lodge(client, tokens, example_declaration("WCO-TAX-1"))
    assert r.status_code == 201, r.text
    mrn = etree.fromstring(r.content).findtext(f"{RES}Response/{RES}Declaration/{RES}ID")
    body = client.get(f"/api/v1/interchange/declarations/{mrn}/notifications", headers=tokens.broker).content
    assert _codes(body)[:3] == ["02", "01", "13"]
    with runtime.uow(readonly=True) as uow:
        assessment = tariff_service.assessment_as_dict(tariff_service.get_assessment(uow, mrn))
    tax = etree.fromstring(body).findall(f"{RES}Response")[2]
    total = tax.find(f"{RES}Declaration/{RES}DutyTaxFee/{RES}Payment/{RES}TaxAssessedAmount")
    assert total is not None and Decimal(total.text or "") == Decimal(assessment["total"])
    assert total.get("currencyID") == assessment["currency"]
    items = tax.findall(f".//{RES}GovernmentAgencyGoodsItem")
    assert [i.findtext(f"{RES}SequenceNumeric") for i in items] == ["1", "2", "3"]
    assert_valid_response(body)


def test_amendment_and_detention_notifications_validate(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.ports.add(HoldRelease(tag=""))  # open (accepted, waiting), so the trader may still amend it
    r = _lodge(client, tokens, example_declaration("WCO-AMD-1"))
    mrn = etree.fromstring(r.content).findtext(f"{RES}Response/{RES}Declaration/{RES}ID")
    corrected = example_declaration("WCO-AMD-1")
    corrected["goods_items"][0]["quantity"] = "299"
    amendment = {"reason": "one phone short on the packing list", "declaration": corrected}
    assert (
        client.post(f"/api/v1/declarations/{mrn}/amendments", json=amendment, headers=tokens.broker).status_code == 200
    )
    detain = {"decision": "detain", "reason": "counterfeit suspicion"}
    assert client.post(f"/api/v1/declarations/{mrn}/decisions", json=detain, headers=tokens.officer).status_code == 200
    body = client.get(f"/api/v1/declarations/{mrn}/notifications.xml", headers=tokens.broker).content
    assert _codes(body) == ["02", "01", "07", "05"]
    assert "counterfeit suspicion" in body.decode()
    assert_valid_response(body)


def _amendment(mrn: str, changes: str, kind: str = "COR", reason: str = "price corrected on the invoice") -> bytes:
    return f"""<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" xmlns="urn:wco:datamodel:WCO:DEC-DMS:2">
      <md:WCOTypeName>DEC</md:WCOTypeName>
      <Declaration><FunctionCode>13</FunctionCode><FunctionalReferenceID>X</FunctionalReferenceID><ID>{mrn}</ID>
      <TypeCode>{kind}</TypeCode>
      <AdditionalInformation><StatementDescription>{reason}</StatementDescription></AdditionalInformation>
      {changes}</Declaration></md:MetaData>""".encode()


def test_an_xml_amendment_changes_only_what_it_carries(
    client: TestClient, tokens: Tokens, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.ports.add(HoldRelease(tag=""))  # open (accepted, waiting), so the trader may still amend it
    r = _lodge(client, tokens, example_declaration("WCO-COR-1"))
    mrn = etree.fromstring(r.content).findtext(f"{RES}Response/{RES}Declaration/{RES}ID") or ""
    changes = """<InvoiceAmount currencyID="USD">48700.00</InvoiceAmount><GoodsShipment><GovernmentAgencyGoodsItem>
      <SequenceNumeric>2</SequenceNumeric><Commodity><InvoiceLine><ItemChargeAmount currencyID="USD">10950.00</ItemChargeAmount>
      </InvoiceLine></Commodity></GovernmentAgencyGoodsItem></GoodsShipment>"""
    amended = client.post(
        "/api/v1/interchange/amendments", content=_amendment(mrn, changes), headers={**tokens.broker, **XML}
    )
    assert amended.status_code == 200, amended.text
    assert _codes(amended.content) == ["07"]
    assert_valid_response(amended.content)
    declaration = client.get(f"/api/v1/declarations/{mrn}", headers=tokens.broker).json()["declaration"]
    assert declaration["goods_items"][1]["invoice_amount"] == "10950.00"
    assert declaration["goods_items"][0]["invoice_amount"] == "36000.00"
    assert declaration["invoice"]["total_amount"] == "48700.00"
    assert len(declaration["extensions"]["wco_dm"]["amendments"]) == 1
    # an amendment that breaks a rule is refused at the XML path, and nothing changes
    bad = client.post(
        "/api/v1/interchange/amendments",
        content=_amendment(mrn, "<InvoiceAmount currencyID='USD'>1.00</InvoiceAmount>"),
        headers={**tokens.broker, **XML},
    )
    assert bad.status_code == 422
    assert "INVOICE_TOTAL_MISMATCH" in bad.text and "(at /Declaration/InvoiceAmount)" in bad.text
    other = client.post(
        "/api/v1/interchange/amendments", content=_amendment(mrn, ""), headers={**tokens.other_broker, **XML}
    )
    assert other.status_code == 404
    cancelled = client.post(
        "/api/v1/interchange/amendments",
        content=_amendment(mrn, "", kind="INV", reason="order cancelled"),
        headers={**tokens.broker, **XML},
    )
    assert cancelled.status_code == 200 and _codes(cancelled.content) == ["10"]
    again = client.post("/api/v1/interchange/amendments", content=_amendment(mrn, ""), headers={**tokens.broker, **XML})
    assert again.status_code == 409 and _codes(again.content) == ["03"]
    notes = client.get(f"/api/v1/interchange/declarations/{mrn}/notifications", headers=tokens.broker).content
    assert _codes(notes) == ["02", "01", "07", "10"]


def test_json_lodged_declarations_are_amended_with_json(client: TestClient, tokens: Tokens) -> None:
    mrn = client.post("/api/v1/declarations", json=example_declaration("WCO-JSON-1"), headers=tokens.broker).json()[
        "mrn"
    ]
    r = client.post("/api/v1/interchange/amendments", content=_amendment(mrn, ""), headers={**tokens.broker, **XML})
    assert r.status_code == 422 and "NOT_LODGED_AS_XML" in r.text


def test_preview_maps_without_lodging(client: TestClient, tokens: Tokens) -> None:
    body = example.declaration_xml(example_declaration("WCO-PREVIEW-1"))
    r = client.post("/api/v1/interchange/declarations/preview", content=body, headers={**tokens.broker, **XML})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["declaration"]["lrn"] == "WCO-PREVIEW-1"
    assert "xml" not in out["declaration"]["extensions"]["wco_dm"]
    assert out["derived"]["/consignment/arrival_date"].startswith("not in the DMS message")
    assert client.get("/api/v1/declarations", headers=tokens.broker).json()["count"] == 0
    unsafe = client.post("/api/v1/interchange/declarations/preview", content=XXE, headers={**tokens.broker, **XML})
    assert unsafe.status_code == 400 and unsafe.json()["errors"][0]["code"] == "XML_UNSAFE"
    officer = client.post("/api/v1/interchange/declarations/preview", content=body, headers={**tokens.officer, **XML})
    assert officer.status_code == 403
