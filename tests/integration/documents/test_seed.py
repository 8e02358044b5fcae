"""The demo attaches invoices to demo declarations: one that matches, one that does not."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from clearway.declarations.examples import example_declaration
from clearway.documents import seed, service
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
