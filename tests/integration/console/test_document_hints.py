"""A document attached after lodging shows next to the declared field it contradicts, on the declaration page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clearway.declarations import service as declarations
from clearway.documents import phrases as documents_phrases
from clearway.documents import seed as documents_seed
from clearway.documents import service as documents
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import lodge

SENTENCE = "invoice total 146,250.00 USD, declared 48,750.00 USD"


def test_the_officer_sees_the_invoice_total_next_to_the_declared_total(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "HOLD-DOC-1")
    b = signed_in("officer.rojas")
    assert SENTENCE not in b.get(f"/console/declarations/{mrn}").text
    broker = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")
    with console_runtime.uow() as uow:
        decl = declarations.get(uow, mrn)
        body = documents_seed.invoice_for(decl, seed=1, total_factor=Decimal(3))
        documents.attach(uow, mrn, body, doc_type="invoice", filename="invoice.pdf", principal=broker)
        uow.commit()
    page = b.get(f"/console/declarations/{mrn}").text
    total_row = page[page.index("Freight / insurance") - 900 : page.index("Freight / insurance")]
    assert SENTENCE in total_row  # next to the declared total, not only in the history
    assert "documents compared with the declaration" in page  # and the history says when it was found
    trader = signed_in("broker.andina").get(f"/console/declarations/{mrn}").text
    assert SENTENCE in trader  # the trader sees the difference with its own invoice


def test_the_declaration_page_shows_what_the_demo_factur_x_xml_contradicts_in_english_and_spanish(
    signed_in: Any, console_runtime: Runtime
) -> None:
    console_runtime.ports.add(documents_phrases.PHRASES)  # as the installed documents capability offers them
    mrn = lodge(console_runtime, "HOLD-DOC-FX")
    broker = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")
    with console_runtime.uow() as uow:
        body = documents_seed.factur_x_for(declarations.get(uow, mrn), seed=2)
        stored, _ = documents.attach(uow, mrn, body, doc_type="invoice", filename="factur-x.pdf", principal=broker)
        uow.commit()
    assert stored.fields["source"] == "e-invoice embedded in PDF"
    officer = signed_in("officer.rojas")
    for lang, sentence in (
        ("en", "invoice incoterm FCA, declared FOB"),
        ("es", "incoterm de la factura FCA, declarado FOB"),
    ):
        page = officer.get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang})
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
        invoice_row = page.text[page.text.index("SBE-INV-88412") : page.text.index("SBE-INV-88412") + 600]
        assert sentence in invoice_row  # next to the declared invoice and incoterm
        assert "declared 48,750.00" not in page.text and "declarado 48" not in page.text  # the totals agree
    stranger = signed_in("broker.other").get(f"/console/declarations/{mrn}", headers={"Accept-Language": "en"})
    assert "invoice incoterm FCA" not in stranger.text  # another broker sees neither the page nor the finding
