"""The demo attaches invoices to demo declarations (one that matches, one that does not, a Factur-X) and a certificate
of origin that disagrees with one goods item's declared origin."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from clearway.declarations import codec
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Declaration, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.documents import seed, service
from clearway.documents.model import DocumentType
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens


def test_the_demo_attaches_a_matching_and_a_disagreeing_invoice(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    mrns = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-{i}"), headers=tokens.broker).json()["mrn"]
        for i in range(2)
    ]
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    assert "invoices attached" in said[-1]
    with runtime.uow(readonly=True) as uow:
        totals = {m: [d.code for d in service.discrepancies(uow, m) if d.code == "DOC_TOTAL"] for m in mrns}
    assert sorted(len(v) for v in totals.values()) == [0, 1]


def test_the_demo_attaches_a_factur_x_invoice_read_from_its_embedded_xml(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    mrns = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-FX-{i}"), headers=tokens.broker).json()[
            "mrn"
        ]
        for i in range(3)
    ]
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=lambda _: None))
    with runtime.uow(readonly=True) as uow:
        docs = {m: service.list_documents(uow, m, _BROKER) for m in mrns}
        found = {m: [d.code for d in service.discrepancies(uow, m)] for m in mrns}
    factur_x = [m for m, ds in docs.items() if ds and ds[0].filename.startswith("factur-x-")]
    assert len(factur_x) == 1
    (doc,) = docs[factur_x[0]]
    fields = doc.fields
    assert fields["source"] == "e-invoice embedded in PDF"
    assert fields["embedded"] == {"name": "factur-x.xml", "relationship": "Data", "format": "cii", "supporting": []}
    assert fields["evidence"]["incoterm"]["source"] == "embedded-xml"
    assert fields["evidence"]["total"]["source"] == "embedded-xml"
    # the printed page says FOB as declared; the XML (which wins) says FCA: the one deliberate discrepancy
    assert fields["incoterm"] == "FCA"
    assert found[factur_x[0]] == ["DOC_INCOTERM"]


_BROKER = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")


def test_another_broker_cannot_read_the_seeded_factur_x(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    mrns = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-FY-{i}"), headers=tokens.broker).json()[
            "mrn"
        ]
        for i in range(3)
    ]
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=lambda _: None))
    for m in mrns:
        mine = client.get(f"/api/v1/declarations/{m}/documents", headers=tokens.broker)
        assert mine.status_code == 200 and mine.json()["count"] == 1
        theirs = client.get(f"/api/v1/declarations/{m}/documents", headers=tokens.other_broker)
        assert theirs.status_code in (403, 404) and "factur-x" not in theirs.text


def test_the_demo_declarations_documents_raise_no_wrong_tax_id(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    # the demo's parties carry right check digits: its printed invoices and Factur-X name them without
    # DOC_TAX_ID_INVALID (python-stdnum), and the lodgement warns about none of them
    lodged = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-TX-{i}"), headers=tokens.broker).json()
        for i in range(3)
    ]
    assert all(r["warnings"] == [] for r in lodged)
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=lambda _: None))
    with runtime.uow(readonly=True) as uow:
        found = [d for r in lodged for d in service.discrepancies(uow, r["mrn"])]
        read = [d.fields for r in lodged for d in service.list_documents(uow, r["mrn"], _BROKER)]
    assert found and not [d for d in found if d.code in {"DOC_TAX_ID_INVALID", "DOC_PARTY"}]
    assert any((f.get("buyer") or {}).get("tax_id") for f in read)  # the buyer's RUC was read and checked


def _mixed(lrn: str) -> dict[str, Any]:
    """The example declaration (goods of China) with its third item declared of Vietnam."""
    doc = example_declaration(lrn)
    doc["goods_items"][2]["origin_country"] = "VN"
    return doc


def test_the_demo_attaches_a_certificate_of_origin_that_disagrees_on_one_items_origin(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    lodged = [
        client.post("/api/v1/declarations", json=example_declaration(f"SEED-CO-{i}"), headers=tokens.broker).json()[
            "mrn"
        ]
        for i in range(3)
    ]
    mixed = client.post("/api/v1/declarations", json=_mixed("SEED-CO-MIX"), headers=tokens.broker).json()["mrn"]
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    assert f"a certificate of origin to {mixed} (" in said[-1]
    with runtime.uow(readonly=True) as uow:
        docs = {m: service.list_documents(uow, m, _BROKER) for m in [*lodged, mixed]}
        found = service.discrepancies(uow, mixed)
    certificates = [d for ds in docs.values() for d in ds if d.type is DocumentType.CERTIFICATE_OF_ORIGIN]
    (certificate,) = certificates  # one, and on the declaration whose goods are of two origins
    assert certificate.mrn == mixed and certificate.filename == f"certificate-of-origin-{mixed}.pdf"
    assert certificate.format.value == "pdf" and certificate.pages == 1
    fields = certificate.fields
    assert fields["kind"] == "text-pdf" and fields["origin"]["country"] == "CN"
    assert "Country of origin" in fields["origin"]["statement"]
    # the consignee's RUC was read and checked: right check digit, the declared importer
    assert fields["buyer"]["tax_id"] == {"scheme": "RUC", "id": "20512345671"}
    assert not [line for line in fields["buyer"]["address"] if "origin" in line.lower()]  # its block ends in time
    on_certificate = [d for d in found if d.document_id == certificate.id]
    assert [(d.code, d.pointer) for d in on_certificate] == [("DOC_ORIGIN", "/goods_items/2/origin_country")]
    assert on_certificate[0].message == "certificate of origin states origin CN, declared VN for item 3"
    # another broker neither lists it nor downloads it
    theirs = client.get(f"/api/v1/declarations/{mixed}/documents", headers=tokens.other_broker)
    assert theirs.status_code in (403, 404) and "certificate-of-origin" not in theirs.text
    got = client.get(f"/api/v1/declarations/{mixed}/documents/{certificate.id}/content", headers=tokens.other_broker)
    assert got.status_code in (403, 404) and b"%PDF" not in got.content


def test_the_certificate_states_the_origin_all_items_but_one_share() -> None:
    with_one_off = _declaration(_mixed("CO-1"))
    assert seed.origin_one_off(with_one_off) == "CN"
    assert seed.origin_one_off(_declaration(example_declaration("CO-2"))) is None  # all of China: none would be one
    two_off = _mixed("CO-3")
    two_off["goods_items"][1]["origin_country"] = "VN"
    assert seed.origin_one_off(_declaration(two_off)) == "VN"  # two of Vietnam, one of China: Vietnam
    three = _mixed("CO-4")
    three["goods_items"][1]["origin_country"] = "JP"
    assert seed.origin_one_off(_declaration(three)) is None  # three origins: any certificate differs on two
    body = seed.certificate_for(with_one_off, origin="CN")
    assert body.startswith(b"%PDF-") and len(body) < 20_000


def _declaration(doc: dict[str, Any]) -> Declaration:
    data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    return Declaration(
        id="d1",
        mrn="26PE00000000000001",
        status=Status.ACCEPTED,
        data=data,
        lodged_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
