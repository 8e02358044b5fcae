"""Demo seed: organisations with keys, a certificate of origin, a product passport with its chain of custody,
the AEO registry with a Chilean partner's export, and a declaration checked against passports."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.ledger import aeo, identity, service, store
from clearway.ledger.identity import LedgerContext
from clearway.ledger.partner import PartnerAdministration
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)

IMPORTER = "PE20512345671"
BROKER = "PE20100047218"
EXPORTER_CL = ("cl-vinedos-andes", "Viñedos de los Andes SpA", "CL", "CL760864285")
BRAND = ("bright-electronics", "Shenzhen Bright Electronics Co. Ltd", "CN", "CN91310000MA1FL")
GENUINE = "urn:gtin:06901234567892:lot:L2611"
UNKNOWN = "urn:gtin:06901234567892:lot:FAKE01"


def passport_subject(product_id: str, *, hs: str = "851713", origin: str = "CN") -> dict[str, Any]:
    """A UNTP-style product passport subject for the demo smartphone."""
    return {
        "type": ["Product"],
        "product": {
            "id": product_id,
            "name": "Smartphone BX-20 128 GB dual SIM",
            "description": "Smartphones, 6.5 inch, 128 GB",
            "hsCode": hs,
            "countryOfProduction": origin,
            "productIds": [product_id],
        },
        "producedBy": {"id": BRAND[3], "name": BRAND[1]},
        "conformityClaim": [{"standard": "IEC 62368-1", "result": "pass"}],
    }


def event_subject(product_id: str, src: str, dst: str, at: str, step: str = "shipping") -> dict[str, Any]:
    """A UNTP-style traceability (transfer) event subject."""
    return {
        "eventType": "transfer",
        "bizStep": step,
        "eventTime": at,
        "productIds": [product_id],
        "from": {"id": src},
        "to": {"id": dst},
    }


def origin_subject() -> dict[str, Any]:
    """A certificate of origin subject under the Pacific Alliance, for Chilean wine into Peru."""
    return {
        "exporter": {"id": EXPORTER_CL[3], "name": EXPORTER_CL[1], "country": "CL"},
        "importer": {"id": IMPORTER, "name": "Importaciones Pacífico SAC", "country": "PE"},
        "originCountry": "CL",
        "tradeAgreement": "Pacific Alliance Additional Protocol",
        "originCriterion": "WO",
        "goods": [
            {
                "description": "Red wine, Cabernet Sauvignon, 750 ml bottles",
                "hsCode": "220421",
                "quantity": "1200",
                "unit": "C62",
            }
        ],
    }


def _org(uow: UnitOfWork, ctx: LedgerContext, spec: tuple[str, str, str, str], kind: str) -> None:
    if store.get_org(uow.conn, spec[0]) is None:
        identity.create_org(uow, ctx, org_id=spec[0], name=spec[1], country=spec[2], kind=kind, party_id=spec[3])


def seed_demo(ctx: DemoContext) -> None:
    """Adds the verifiable supply chain to the demo."""
    runtime = ctx.runtime
    lctx = service.context(runtime)
    now = runtime.clock()
    with runtime.uow() as uow:
        identity.ensure_administration(uow, lctx)
        _org(uow, lctx, EXPORTER_CL, "exporter")
        _org(uow, lctx, BRAND, "brand_owner")
        coo = service.issue(
            uow,
            lctx,
            org_id=EXPORTER_CL[0],
            kind="certificate_of_origin",
            subject=origin_subject(),
            valid_until=now + timedelta(days=365),
        )
        service.issue(uow, lctx, org_id=BRAND[0], kind="product_passport", subject=passport_subject(GENUINE))
        shipped = (now - timedelta(days=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
        service.issue(
            uow,
            lctx,
            org_id=BRAND[0],
            kind="traceability_event",
            subject=event_subject(GENUINE, BRAND[3], IMPORTER, shipped),
        )
        today = now.date()
        aeo.publish(
            uow,
            lctx,
            trader_id=BROKER,
            trader_name="Agencia de Aduanas Andina SAC",
            status="granted",
            effective_from=date(today.year - 2, 3, 1),
            reason="AEO certification, security and compliance audit passed",
        )
        aeo.publish(
            uow,
            lctx,
            trader_id=IMPORTER,
            trader_name="Importaciones Pacífico SAC",
            status="suspended",
            effective_from=today - timedelta(days=20),
            reason="suspended pending a post-clearance audit",
        )
        chile = PartnerAdministration("aduana.cl", "CL", now - timedelta(days=900))
        identity.register_partner(
            uow,
            org_id="cl-customs",
            name="Servicio Nacional de Aduanas (Chile)",
            country="CL",
            did_document=chile.did_document(),
            mra_since=date(today.year - 3, 1, 1),
        )
        chile.publish(EXPORTER_CL[3], EXPORTER_CL[1], "granted", date(today.year - 1, 6, 1), "OEA Chile certified", now)
        aeo.import_export(uow, lctx, chile.export(now))
        uow.commit()
    mrn = _lodge_with_products(runtime)
    with runtime.uow(readonly=True) as uow:
        size = store.tree_size(uow.conn)
        flags = service.counterfeit_flags(uow, mrn) if mrn else []
    ctx.say(
        f"ledger: {size} log entries, certificate of origin {coo.id}, product passport {GENUINE}, "
        f"AEO registry with Chile's export, declaration {mrn} with {len(flags)} counterfeit flag(s)"
        " (anchor it: clearway ledger anchor --url eth-tester)"
    )


def _lodge_with_products(runtime: Any) -> str | None:
    doc = example_declaration("LEDGER-DEMO-1")
    doc["goods_items"][0]["product_ids"] = [GENUINE]
    doc["goods_items"][1]["product_ids"] = [UNKNOWN]
    data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    broker = Principal(user="broker.andina", role="declarant", party_id=data.declarant.id)
    try:
        with runtime.uow() as uow:
            result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
    except Exception as exc:  # the demo goes on without it, saying why
        log.warning("ledger demo declaration not lodged: %s", exc)
        return None
    return result.declaration.mrn
