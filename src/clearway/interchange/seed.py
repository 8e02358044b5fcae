"""Demo seed: brokers lodge two declarations as WCO DM XML, through the same parser as the API."""

from __future__ import annotations

from clearway.core.issues import DomainError
from clearway.declarations import api as declarations_api
from clearway.declarations import lodging
from clearway.declarations.examples import example_declaration
from clearway.interchange import example, service
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext

DEMO_LRNS = ("ANDINA-WCO-0001", "ANDINA-WCO-0002")


def seed_demo(ctx: DemoContext) -> None:
    """Lodges the example declaration twice as WCO DM 3.6 XML and reports their MRNs."""
    runtime = ctx.runtime
    mrns = []
    for n, lrn in enumerate(DEMO_LRNS):
        doc = example_declaration(lrn)
        if n == 1:
            doc["goods_items"] = doc["goods_items"][:1]
            doc["invoice"]["total_amount"] = doc["goods_items"][0]["invoice_amount"]
            doc["total_items"], doc["total_packages"] = 1, doc["goods_items"][0]["packages"]["count"]
            doc["documents"] = doc["documents"][:1]
        data = service.parse_declaration(example.declaration_xml(doc), today=runtime.clock().date())
        broker = Principal(user="broker.wco", role="declarant", party_id=data.declarant.id)
        try:
            with runtime.uow() as uow:
                result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
                uow.commit()
        except DomainError as exc:  # seeded on an earlier day: the LRN is taken
            ctx.say(f"interchange: {lrn} not lodged again ({exc.code})")
            continue
        mrns.append(result.declaration.mrn)
    ctx.say(
        "interchange: lodged as WCO DM XML "
        + ", ".join(mrns)
        + " (GET /api/v1/interchange/declarations/{mrn}/notifications)"
    )
