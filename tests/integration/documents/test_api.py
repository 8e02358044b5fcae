"""Traders and officers attach supporting documents to a declaration; strangers see nothing; bad files bounce."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from clearway.declarations import service as declarations
from clearway.declarations.examples import example_declaration
from clearway.documents import seed as documents_seed
from clearway.documents import service
from clearway.documents.einvoice_samples import ubl_invoice
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.unit.documents import helpers


def _lodge(client: TestClient, tokens: Tokens, lrn: str) -> str:
    r = client.post("/api/v1/declarations", json=example_declaration(lrn), headers=tokens.broker)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def _attach(
    client: TestClient,
    headers: dict[str, str],
    mrn: str,
    body: bytes,
    kind: str = "invoice",
    name: str = "f.pdf",
    claimed: str = "application/pdf",
) -> object:
    return client.post(
        f"/api/v1/declarations/{mrn}/documents",
        headers=headers,
        files={"file": (name, body, claimed)},
        data={"type": kind},
    )


def _invoice(runtime: Runtime, mrn: str, factor: str = "1") -> bytes:
    with runtime.uow(readonly=True) as uow:
        decl = declarations.get(uow, mrn)
    return documents_seed.invoice_for(decl, seed=1, total_factor=Decimal(factor))


def test_a_broker_attaches_the_invoice_and_the_officer_sees_the_differences(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    mrn = _lodge(client, tokens, "DOC-1")
    body = _invoice(runtime, mrn, factor="3")
    r = _attach(client, tokens.broker, mrn, body, claimed="image/png")  # the claimed type is ignored
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["format"] == "pdf" and doc["media_type"] == "application/pdf" and len(doc["sha256"]) == 64
    assert doc["fields"]["kind"] == "text-pdf" and doc["fields"]["currency"] == "USD"
    assert doc["fields"]["total"] == pytest.approx(3 * 48750.0, abs=1)
    again = _attach(client, tokens.broker, mrn, body)
    assert again.status_code == 200 and again.json()["id"] == doc["id"]  # same bytes, same document
    listed = client.get(f"/api/v1/declarations/{mrn}/documents", headers=tokens.officer).json()
    assert listed["count"] == 1
    content = client.get(doc["links"]["content"], headers=tokens.officer)
    assert content.content == body and content.headers["content-disposition"].startswith("attachment")
    assert content.headers["x-content-type-options"] == "nosniff"
    found = client.get(f"/api/v1/declarations/{mrn}/discrepancies", headers=tokens.officer).json()["data"]
    total = next(d for d in found if d["code"] == "DOC_TOTAL")
    assert total["pointer"] == "/invoice/total_amount"
    assert total["message"] == "invoice total 146,250.00 USD, declared 48,750.00 USD"
    with runtime.uow(readonly=True) as uow:
        assert "documents.doc_total" in service.risk_facts(uow, mrn)
        history = declarations.get(uow, mrn).history
    assert any(h.kind == "document_attached" and h.actor == "broker.andina" for h in history)


def test_a_matching_invoice_raises_no_total_difference(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    mrn = _lodge(client, tokens, "DOC-2")
    assert _attach(client, tokens.broker, mrn, _invoice(runtime, mrn)).status_code == 201
    with runtime.uow(readonly=True) as uow:
        codes = {d.code for d in service.discrepancies(uow, mrn)}
        facts = service.risk_facts(uow, mrn)
    assert "DOC_TOTAL" not in codes and "DOC_CURRENCY" not in codes and "DOC_LINE_COUNT" not in codes
    assert "documents.no_invoice" not in facts


def test_another_party_and_wrong_roles_get_nothing(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    mrn = _lodge(client, tokens, "DOC-3")
    r = _attach(client, tokens.broker, mrn, _invoice(runtime, mrn))
    doc_id = r.json()["id"]
    assert _attach(client, tokens.other_broker, mrn, _invoice(runtime, mrn)).status_code == 404
    assert client.get(f"/api/v1/declarations/{mrn}/documents", headers=tokens.other_broker).status_code == 404
    assert (
        client.get(f"/api/v1/declarations/{mrn}/documents/{doc_id}/content", headers=tokens.other_broker).status_code
        == 404
    )
    assert client.get(f"/api/v1/declarations/{mrn}/discrepancies", headers=tokens.other_broker).status_code == 404
    assert _attach(client, tokens.agency, mrn, b"%PDF-1.4").status_code == 403
    assert client.get(f"/api/v1/declarations/{mrn}/documents").status_code == 401
    assert client.get(f"/api/v1/declarations/{mrn}/documents/nope", headers=tokens.officer).status_code == 404


def test_malicious_files_are_refused_and_nothing_is_stored(client: TestClient, tokens: Tokens) -> None:
    mrn = _lodge(client, tokens, "DOC-BAD")
    for body, code in (
        (helpers.pdf_bomb(), "DOCUMENT_BOMB"),
        (helpers.polyglot_pdf_zip(), "DOCUMENT_POLYGLOT"),
        (helpers.XXE, "XML_UNSAFE"),
    ):
        r = _attach(client, tokens.broker, mrn, body)
        assert r.status_code == 422, r.text
        assert [e["code"] for e in r.json()["errors"]] == [code]
    assert client.get(f"/api/v1/declarations/{mrn}/documents", headers=tokens.broker).json()["count"] == 0


def test_an_unknown_type_is_refused(client: TestClient, tokens: Tokens) -> None:
    mrn = _lodge(client, tokens, "DOC-4")
    body, _truth = ubl_invoice(1)
    r = _attach(client, tokens.broker, mrn, body, kind="selfie", name="x.xml")
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/type"


def test_a_ubl_invoice_is_read_exactly(client: TestClient, tokens: Tokens) -> None:
    mrn = _lodge(client, tokens, "DOC-5")
    body, truth = ubl_invoice(3)
    r = _attach(client, tokens.officer, mrn, body, name="../../etc/inv.xml", claimed="text/plain")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["format"] == "ubl" and doc["filename"] == "inv.xml"
    assert doc["fields"]["invoice_number"] == truth["invoice_number"]
    assert doc["fields"]["total"] == float(truth["total"])


def test_a_factur_x_pdf_is_attached_and_read_from_its_xml(client: TestClient, tokens: Tokens) -> None:
    from clearway.documents.einvoice_samples import cii_invoice

    mrn = _lodge(client, tokens, "DOC-FX")
    xml, truth = cii_invoice(5, currency="USD")
    body = helpers.factur_x(xml)
    r = _attach(client, tokens.broker, mrn, body, name="facture.pdf", claimed="application/octet-stream")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["format"] == "pdf" and doc["media_type"] == "application/pdf"
    fields = doc["fields"]
    assert fields["kind"] == "e-invoice" and fields["source"] == "e-invoice embedded in PDF"
    assert fields["embedded"]["name"] == "factur-x.xml"
    assert fields["invoice_number"] == truth["invoice_number"] and fields["total"] == float(truth["total"])
    assert fields["seller"]["tax_id"] == {"scheme": "VAT", "id": truth["seller_vat"]}
    assert client.get(doc["links"]["content"], headers=tokens.broker).content == body  # stored as uploaded
    found = client.get(f"/api/v1/declarations/{mrn}/discrepancies", headers=tokens.officer).json()["data"]
    total = next(d for d in found if d["code"] == "DOC_TOTAL")  # the XML's total is compared with the declared one
    assert total["message"].startswith(f"invoice total {float(truth['total']):,.2f} USD")


def test_a_bare_cii_invoice_is_attached(client: TestClient, tokens: Tokens) -> None:
    from clearway.documents.einvoice_samples import cii_invoice

    mrn = _lodge(client, tokens, "DOC-CII")
    xml, truth = cii_invoice(6)
    r = _attach(client, tokens.broker, mrn, xml, name="xrechnung.xml", claimed="application/pdf")
    assert r.status_code == 201, r.text
    assert r.json()["format"] == "cii" and r.json()["media_type"] == "application/xml"
    assert r.json()["fields"]["invoice_number"] == truth["invoice_number"]


def test_a_zugferd_1_pdf_is_attached_and_read_from_its_xml(client: TestClient, tokens: Tokens) -> None:
    mrn = _lodge(client, tokens, "DOC-ZF1")
    xml, truth = helpers.zugferd_1_invoice(number="ZF-API-7")
    body = helpers.factur_x(xml, name="ZUGFeRD-invoice.xml", relationship="Alternative")
    r = _attach(client, tokens.broker, mrn, body, name="rechnung.pdf", claimed="application/octet-stream")
    assert r.status_code == 201, r.text
    fields = r.json()["fields"]
    assert r.json()["format"] == "pdf" and fields["kind"] == "e-invoice"
    assert fields["embedded"] == {
        "name": "ZUGFeRD-invoice.xml",
        "relationship": "Alternative",
        "format": "cii",
        "supporting": [],
    }
    assert fields["invoice_number"] == "ZF-API-7" and fields["total"] == float(str(truth["total"]))
    assert fields["seller"] == truth["seller"] and fields["incoterm"] == "FCA"
    assert client.get(r.json()["links"]["content"], headers=tokens.broker).content == body
    assert _attach(client, tokens.other_broker, mrn, body).status_code == 404  # another party's declaration
    foreign, _ = helpers.zugferd_1_invoice(root='rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:other"')
    refused = _attach(client, tokens.broker, mrn, helpers.factur_x(foreign, name="ZUGFeRD-invoice.xml"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "DOCUMENT_EMBEDDED_NOT_INVOICE"


def test_factur_x_pdfs_carrying_anything_else_are_refused_and_nothing_is_stored(
    client: TestClient, tokens: Tokens
) -> None:
    from clearway.documents.einvoice_samples import cii_invoice

    mrn = _lodge(client, tokens, "DOC-FX-BAD")
    xml, _ = cii_invoice(5)
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    for body, code in (
        (helpers.factur_x(xml, others=(("setup.exe", b"MZ\x90\x00"),)), "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.factur_x(xml, name="invoice.exe"), "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.factur_x(xml, javascript=True), "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.factur_x(xxe), "XML_UNSAFE"),
        (helpers.factur_x(b"<a>" + b"x" * 1_500_000 + b"</a>", compress=False), "DOCUMENT_EMBEDDED_NOT_INVOICE"),
    ):
        r = _attach(client, tokens.broker, mrn, body)
        assert r.status_code == 422, r.text
        assert [e["code"] for e in r.json()["errors"]] == [code]
    assert client.get(f"/api/v1/declarations/{mrn}/documents", headers=tokens.broker).json()["count"] == 0


def test_the_refusal_of_an_embedded_xml_is_answered_in_the_clients_language(client: TestClient, tokens: Tokens) -> None:
    mrn = _lodge(client, tokens, "DOC-FX-ES")
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    body = helpers.factur_x(xxe)
    english = _attach(client, tokens.broker, mrn, body)
    assert english.json()["errors"][0]["message"].startswith("the invoice XML embedded in the PDF (factur-x.xml)")
    for lang, start in (
        ("es", "el XML de la factura incorporado en el PDF (factur-x.xml) declara"),
        ("pt", "o XML da fatura incorporado ao PDF (factur-x.xml) declara"),
        ("fr", "le XML de la facture intégré au PDF (factur-x.xml) déclare"),
    ):
        r = client.post(
            f"/api/v1/declarations/{mrn}/documents",
            headers={**tokens.broker, "Accept-Language": lang},
            files={"file": ("f.pdf", body, "application/pdf")},
            data={"type": "invoice"},
        )
        assert r.status_code == 422 and r.headers["content-language"] == lang
        assert r.json()["errors"][0]["code"] == "XML_UNSAFE"
        assert r.json()["errors"][0]["message"].startswith(start)
