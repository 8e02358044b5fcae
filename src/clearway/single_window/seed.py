"""Demo seed: agencies and requirements, standing licences, agency users, and decided applications."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from clearway.core.issues import DomainError
from clearway.core.time import FixedClock
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.single_window import catalog, loader, permits, service, store
from clearway.single_window.schemas import DecisionIn, PermitIn

AGENCY_USERS = (
    ("agency.senasa", "SENASA", "plant and animal health agency"),
    ("agency.digemid", "DIGEMID", "medicines agency"),
    ("agency.mtc", "MTC", "telecom equipment agency"),
    ("agency.sucamec", "SUCAMEC", "weapons control agency"),
)
# Pre-approved importers: standing licences the agencies accept for automated decisions.
# Every importer of the generated demo declarations is pre-approved, so those clear in milliseconds.
_LICENSED = tuple(party for party, _ in generator.IMPORTERS)
LICENCES: tuple[tuple[str, str, list[str], Decimal | None, str | None], ...] = (
    ("SENASA", "PE20333444551", ["08"], Decimal("5000"), "TNE"),
    *(("SENASA", p, ["06-07", "09-14"] if p == "PE20333444551" else ["06-14"], None, None) for p in _LICENSED),
    *(("DIGEMID", p, ["30", "9018"], None, None) for p in _LICENSED),
    *(("MTC", p, ["8517"], None, None) for p in _LICENSED),
)
# The showcase importer holds no licence: its applications go to the agencies' queues.
UNLICENSED_IMPORTER = ("PE20488776658", "Agroexportadora del Norte SAC")
SHOWCASE_DECLARATIONS = 14


def demo_requirements_text() -> str:
    """Returns the demo requirements file."""
    return resources.files("clearway.single_window").joinpath("data/demo_requirements.yaml").read_text("utf-8")


def showcase_declaration(lrn: str, arrival: date) -> dict[str, Any]:
    """Returns a declaration of fresh grapes and medicines for an importer without standing licences."""
    doc = example_declaration(lrn)
    imp_id, imp_name = UNLICENSED_IMPORTER
    doc["importer"] = {"id": imp_id, "name": imp_name, "country": "PE"}
    doc["exporter"] = {"id": "CL761234560", "name": "Agrícola Valle Central SpA", "country": "CL"}
    doc["consignment"].update(loading_place="CLVAP", arrival_date=arrival.isoformat())
    fruit, medicine = doc["goods_items"][0], doc["goods_items"][1]
    fruit.update(
        description="Fresh table grapes, Red Globe, in boxes of 8.2 kg",
        commodity_code="080610",
        origin_country="CL",
        quantity="12000",
        unit="KGM",
        net_mass="12000.000",
        gross_mass="13100.000",
        invoice_amount="19200.00",
        packages={"count": 1460, "kind": "BX"},
    )
    medicine.update(
        description="Paracetamol 500 mg tablets, boxes of 100",
        commodity_code="300490",
        origin_country="CL",
        quantity="4000",
        unit="H87",
        net_mass="280.000",
        gross_mass="320.000",
        invoice_amount="5200.00",
        packages={"count": 40, "kind": "CT"},
    )
    doc["goods_items"] = [fruit, medicine]
    doc["invoice"]["total_amount"] = "24400.00"
    doc["total_items"] = 2
    doc["total_packages"] = 1500
    return doc


def seed_demo(ctx: DemoContext) -> None:
    """Loads the demo agencies, rules and licences, and lodges declarations the agencies decide."""
    runtime = ctx.runtime
    cache = runtime.caches
    with runtime.uow() as uow:
        _, added, _ = catalog.load(uow, cache, loader.parse_yaml(demo_requirements_text()), actor="demo")
        for agency, holder, hs, quantity, unit in LICENCES:
            officer = Principal(user=f"agency.{agency.lower()}", role="agency", agency=agency)
            permits.issue(
                uow,
                cache,
                officer,
                PermitIn(
                    holder_id=holder,
                    kind="licence",
                    standing=True,
                    hs=hs,
                    valid_from=date(2026, 1, 1),
                    valid_to=date(2027, 12, 31),
                    quantity=quantity,
                    unit=unit,
                ),
            )
        uow.commit()
    extra = runtime.caches.setdefault("demo.extra_users", [])
    for user, agency, what in AGENCY_USERS:
        extra.append({"user": user, "role": "agency", "agency": agency, "what": what})
    decided = _showcase(ctx)
    ctx.say(
        f"single window: {added} requirements of 4 agencies, {len(LICENCES)} standing licences, "
        f"{SHOWCASE_DECLARATIONS} fruit-and-medicine declarations ({decided} agency decisions)"
    )


def _showcase(ctx: DemoContext) -> int:
    runtime = ctx.runtime
    today = runtime.clock().date()
    decided = 0
    for i in range(SHOWCASE_DECLARATIONS):
        day = today - timedelta(days=SHOWCASE_DECLARATIONS * 2 - i * 2)
        at = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=ctx.rng.randint(8 * 60, 17 * 60))
        clock = FixedClock(at)
        data = codec.to_domain(
            DeclarationIn.model_validate(showcase_declaration(f"SW-DEMO-{day:%y%m%d}-{i:02d}", day), strict=False)
        )
        broker = Principal(user="broker.andina", role="declarant", party_id=data.declarant.id)
        with runtime.uow(clock=clock) as uow:
            result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
        if i >= SHOWCASE_DECLARATIONS - 2:
            continue  # the latest stay in the agencies' queues
        for agency, hours in (("SENASA", (2, 30)), ("DIGEMID", (4, 60))):
            clock.now = at + timedelta(hours=ctx.rng.uniform(*hours))
            decided += _decide(runtime, result.declaration.mrn, agency, clock, refuse=ctx.rng.random() < 0.08)
    return decided


def _decide(runtime: Any, mrn: str, agency: str, clock: FixedClock, *, refuse: bool) -> int:
    user = Principal(user=f"agency.{agency.lower()}", role="agency", agency=agency)
    decision = (
        DecisionIn(decision="refuse", reasons=["phytosanitary certificate does not match the lot"])
        if refuse
        else DecisionIn(decision="approve", conditions=["keep the lot sealed until the inspection at the warehouse"])
    )
    try:
        with runtime.uow(clock=clock) as uow:
            app = next(a for a in store.applications_for_mrn(uow.conn, mrn) if a["agency"] == agency)
            service.decide(uow, runtime.caches, app["id"], user, decision)
            uow.commit()
    except (DomainError, StopIteration):
        return 0
    return 1
