"""Demo seed: both shipped packs loaded; the relief protocol active (asked and approved by two supervisors) with
relief consignments lodged under it; the pandemic protocol's activation asked, waiting for the second supervisor."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from clearway.core.issues import DomainError, ValidationFailed
from clearway.core.time import FixedClock
from clearway.crisis import service
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform import approvals
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.tariff import accounts as tariff_accounts

ASKS = Principal(user="supervisor.quispe", role="supervisor", office="PECLL")
APPROVES = Principal(user="supervisor.huaman", role="supervisor", office="PECLL")
RELIEF_USER = Principal(user="relief.cruzroja", role="declarant", party_id="PE20131371617")
ACTIVE_SINCE_DAYS = 40
RELIEF_GOODS = (
    ("630622", "Family tents of polyester, 4 x 4 m, with groundsheet", "800", "7200.000", "24000.00"),
    ("630790", "Surgical face masks, 3-ply, boxes of 50", "2000", "900.000", "6000.00"),
    ("401512", "Nitrile examination gloves, boxes of 100", "1500", "1400.000", "9750.00"),
    ("901920", "Oxygen concentrators, 5 litres per minute", "40", "760.000", "28000.00"),
)


def packs_dir() -> Path:
    """Returns the folder of the shipped packs."""
    return Path(str(resources.files("clearway.crisis").joinpath("packs")))


def relief_consignment(lrn: str, day: Any, goods: tuple[str, str, str, str, str]) -> dict[str, Any]:
    """Returns a humanitarian consignment to the Peruvian Red Cross, lodged by itself."""
    code, words, qty, mass, amount = goods
    doc = example_declaration(lrn)
    org = {
        "id": RELIEF_USER.party_id,
        "name": "Cruz Roja Peruana",
        "country": "PE",
        "address": "Av. Caminos del Inca 2195, Lima",
    }
    doc["declarant"], doc["importer"] = dict(org), dict(org)
    doc.pop("representative")
    doc["exporter"] = {"id": "US530196605", "name": "American Red Cross", "country": "US"}
    doc["consignment"].update({"loading_place": "USMIA", "arrival_date": day.isoformat()})
    doc["invoice"].update({"total_amount": amount, "incoterm": "CIF", "freight": None, "insurance": None})
    doc["invoice"] = {k: v for k, v in doc["invoice"].items() if v is not None}
    item = doc["goods_items"][0]
    item.update(
        {
            "description": words,
            "commodity_code": code,
            "origin_country": "US",
            "quantity": qty,
            "net_mass": mass,
            "gross_mass": str(round(float(mass) * 1.1, 3)),
            "invoice_amount": amount,
            "packages": {"count": 10, "kind": "PK", "marks": "CRUZ ROJA/SOCORRO"},
        }
    )
    doc["goods_items"] = [item]
    doc["total_items"], doc["total_packages"] = 1, 10
    return doc


def seed_demo(ctx: DemoContext) -> None:
    """Loads the packs, activates the relief protocol (two supervisors), lodges relief consignments under it."""
    runtime = ctx.runtime
    now = runtime.clock()
    since = datetime.combine(now.date() - timedelta(days=ACTIVE_SINCE_DAYS), time(13, 0), tzinfo=UTC)
    loader = Principal(user="admin", role="admin")
    with runtime.uow(clock=FixedClock(since - timedelta(days=1))) as uow:
        for path in sorted(packs_dir().glob("*.yaml")):
            service.load_pack(
                uow, path.read_text(encoding="utf-8"), principal=loader, reason="shipped pack", known_hs=None
            )
        cr = service.request_activation(
            uow,
            "disaster-relief",
            principal=ASKS,
            reason="Demo: earthquake of magnitude 7.8 on the southern coast; emergency declared by decree (demo)",
        )
        uow.commit()
    with runtime.uow(clock=FixedClock(since)) as uow:
        approvals.approve(uow, cr.id, APPROVES, reason="emergency decree verified", caches=runtime.caches)
        # The Red Cross secures duties with a guarantee, so that its released-on-arrival consignments are released.
        tariff_accounts.open_account(
            uow,
            account_id="GAR-CRUZROJA",
            party_id=str(RELIEF_USER.party_id),
            kind="guarantee",
            limit=Decimal("500000.00"),
            currency=runtime.settings.national_currency,
        )
        uow.commit()
    lodged = provisional = 0
    for n in range(12):
        day = since.date() + timedelta(days=1 + n * 3)
        at = datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=ctx.rng.randint(0, 480))
        doc = relief_consignment(f"CRP-SOCORRO-{n + 1:03d}", day, RELIEF_GOODS[n % len(RELIEF_GOODS)])
        if n % 4 == 0:  # a provisional declaration: the donor's values are not known yet
            doc["goods_items"][0].pop("invoice_amount")
            doc["invoice"].pop("incoterm")
            provisional += 1
        data: Any = doc if n % 4 == 0 else codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
        try:
            with runtime.uow(clock=FixedClock(at)) as uow:
                ctx_lodge = declarations_api.lodge_context(runtime, uow)
                lodging.lodge(uow, data, principal=RELIEF_USER, ctx=ctx_lodge)
                uow.commit()
            lodged += 1
        except DomainError as exc:
            ctx.say(f"crisis: relief consignment {n + 1} not lodged: {exc.message}")
        except ValidationFailed as exc:
            ctx.say(f"crisis: relief consignment {n + 1} not lodged: {'; '.join(i.message for i in exc.issues)}")
    with runtime.uow() as uow:
        service.request_activation(
            uow,
            "pandemic-medical-supplies",
            principal=ASKS,
            reason="Demo: the Ministry of Health declares a health emergency (respiratory virus); WHO PHEIC",
        )
        uow.commit()
    runtime.caches.setdefault("demo.extra_users", []).extend(
        [
            {"user": APPROVES.user, "role": "supervisor", "office": "PECLL", "what": "second supervisor (four eyes)"},
            {
                "user": RELIEF_USER.user,
                "role": "declarant",
                "party_id": RELIEF_USER.party_id,
                "what": "relief organisation",
            },
        ]
    )
    ctx.say(
        f"crisis: 2 protocol packs; disaster relief active with {lodged} relief consignments "
        f"({provisional} provisional); the pandemic protocol waits for a second supervisor's approval"
    )
