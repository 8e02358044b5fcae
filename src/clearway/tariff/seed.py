"""Demo seed: the demo schedule and rates, guarantee accounts, and a showcase of preference and payment."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from clearway.core.time import FixedClock
from clearway.declarations import api as declarations_api
from clearway.declarations import codec as declarations_codec
from clearway.declarations import lodging
from clearway.declarations import service as declarations_service
from clearway.declarations.events import DeclarationAccepted
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.db import UnitOfWork
from clearway.tariff import accounts, payments, rates_demo, service, settlement
from clearway.tariff.providers import SimulatedBank, signatures_available

# Importers of the demo generator that hold a guarantee account (the larger, regular importers).
GUARANTEED_IMPORTERS = {
    "PE20512345671": Decimal("2500000.00"),
    "PE20601122333": Decimal("1500000.00"),
    "PE20777888995": Decimal("4000000.00"),
    "PE20987654326": Decimal("250000.00"),
}


def demo_schedule_path() -> Path:
    """Returns the path of the demo tariff schedule shipped with Clearway."""
    return Path(str(resources.files("clearway.tariff").joinpath("data/demo_schedule.yaml")))


def seed_demo(ctx: DemoContext) -> None:
    """Loads the demo schedule and rates and opens guarantee accounts, before the demo declarations."""
    runtime = ctx.runtime
    national = runtime.settings.national_currency
    today = runtime.clock().date()
    with runtime.uow() as uow:
        service.load_schedule_file(uow, demo_schedule_path(), national_currency=national, by="demo")
        count = service.load_rates(uow, rates_demo.demo_rates(today))
        for k, (party, limit) in enumerate(sorted(GUARANTEED_IMPORTERS.items())):
            accounts.open_account(
                uow, account_id=f"GAR-{k + 1:04d}", party_id=party, kind="guarantee", limit=limit, currency=national
            )
        bank = SimulatedBank.load_or_create(runtime.settings.data_dir) if signatures_available() else None
        if bank is not None:
            settlement.register_provider(
                uow,
                name=bank.name,
                public_key=bank.public_key_b64(),
                by="demo",
                reason="demo: the simulated bank confirms payment orders (its key is in the data folder)",
            )
        uow.commit()
    ctx.say(f"tariff: demo schedule in force, {count} exchange rates, {len(GUARANTEED_IMPORTERS)} guarantee accounts")
    if bank is None:
        ctx.say("tariff: no simulated bank (install clearway[ledger] for signatures): demo duties stay unpaid")
        return
    ctx.say(f"tariff: simulated bank {bank.name} registered to confirm payment orders")
    _showcase(ctx)
    # The demo declarations are lodged after this seed (by the clearance core's). Their traders pay most
    # declarations older than three days on the day of acceptance; recent ones stay due, to show the gate.
    runtime.bus.subscribe(DeclarationAccepted, _DemoTraderPays(today - timedelta(days=3), bank))


def _pay_through_bank(uow: UnitOfWork, bank: SimulatedBank, mrn: str, broker: Principal, reference: str) -> None:
    """The broker orders a bank transfer of what is due, and the simulated bank confirms it (signed)."""
    due = service.due_on(uow, declarations_service.get(uow, mrn).id)
    if due is None or due[0] <= due[1]:
        return
    result = payments.pay(
        uow,
        mrn,
        principal=broker,
        amount=due[0] - due[1],
        currency=due[2],
        method="bank_transfer",
        reference=reference,
    )
    assert result.order is not None
    settlement.simulate_bank(uow, bank, result.order["id"])


class _DemoTraderPays:
    """Pays, by bank transfer, most demo declarations accepted before a day (inert for anything newer)."""

    def __init__(self, before: date, bank: SimulatedBank) -> None:
        self.before = before
        self.bank = bank

    def __call__(self, uow: UnitOfWork, event: DeclarationAccepted) -> None:
        decl = declarations_service.get(uow, event.mrn)
        day = (decl.accepted_at or decl.lodged_at).date()
        if day >= self.before or not decl.data.lrn.startswith("DEMO-"):
            return
        if hashlib.sha256(decl.mrn.encode()).digest()[0] < 26:  # about one in ten stays unpaid
            return
        broker = Principal(user=f"broker.{decl.declarant_id[-4:]}", role="declarant", party_id=decl.declarant_id)
        _pay_through_bank(uow, self.bank, decl.mrn, broker, f"BCP-{decl.mrn}")


def _showcase(ctx: DemoContext) -> None:
    """Lodges Chilean wine under the Pacific Alliance preference with its certificate, and pays it by transfer."""
    runtime = ctx.runtime
    doc = example_declaration("TARIFF-DEMO-WINE-1")
    doc["importer"] = {"id": "PE20455667781", "name": "Distribuidora Lima Norte EIRL", "country": "PE"}
    doc["exporter"] = {"id": "CL761234560", "name": "Agrícola Valle Central SpA", "country": "CL"}
    doc["consignment"]["loading_place"] = "CLVAP"
    doc["invoice"].update({"incoterm": "CFR", "total_amount": "9600.00", "insurance": "48.00"})
    doc["invoice"].pop("freight", None)
    doc["goods_items"] = [
        {
            "sequence": 1,
            "description": "Red wine, Carmenere, bottles of 750 ml",
            "commodity_code": "220421",
            "origin_country": "CL",
            "preference": "PA",
            "quantity": "2000",
            "unit": "LTR",
            "net_mass": "2700.000",
            "gross_mass": "3100.000",
            "invoice_amount": "9600.00",
            "invoice_currency": "USD",
            "valuation_method": "1",
            "procedure_code": "4000",
            "packages": {"count": 222, "kind": "CT"},
        }
    ]
    doc["documents"].append({"type": "N954", "reference": "PA-CL-2026-0042117"})
    doc["total_items"], doc["total_packages"] = 1, 222
    data = declarations_codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    broker = Principal(user="broker.andina", role="declarant", party_id=data.declarant.id)
    day = runtime.clock().date() - timedelta(days=2)
    clock = FixedClock(datetime.combine(day, time(15, 10), tzinfo=UTC))
    with runtime.uow(clock=clock) as uow:
        result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
        uow.commit()
    mrn = result.declaration.mrn
    clock.now += timedelta(hours=3)
    with runtime.uow(clock=clock) as uow:
        bank = SimulatedBank.load_or_create(runtime.settings.data_dir)
        _pay_through_bank(uow, bank, mrn, broker, f"BCP-{day:%y%m%d}-778812")
        uow.commit()
    ctx.say(
        f"tariff: showcase {mrn} (Chilean wine, Pacific Alliance preference) assessed, paid by transfer, "
        "confirmed by the simulated bank"
    )
